"""Base FilterSet: adds the free-text ``q`` search every list has."""

import datetime as dt
from functools import reduce
from operator import or_
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.api.lookups import key_condition
from core.months import parse_month


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with ``q``: case-insensitive containment over ``search_fields``.

    One subclass per model serves both the browser list and the API, so a filter works
    the same way in both.
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """django-filter's loop, minus the cost of the model choice filters a request leaves out.

        An unused ``ModelMultipleChoiceFilter`` cleans to ``queryset.none()``, and django-filter
        asks ``if not value``: that evaluates it, compiling a query (with its joins) that can
        only be empty, about 0.5 ms per filter on every list request. Such a value is known
        empty without evaluating it (``query.is_empty()``), and the filter would return the
        queryset unchanged, so it is skipped. Method filters still get every value.
        """
        for name, value in self.form.cleaned_data.items():
            model_filter = self.filters[name]
            if isinstance(value, QuerySet) and model_filter.method is None and value.query.is_empty():
                continue
            queryset = model_filter.filter(queryset, value)
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        return queryset.filter(self.search_condition(value)).distinct()

    def search_condition(self, value: str) -> Q:
        """What ``q=value`` matches; a subclass may widen it."""
        return reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))


class MonthField(forms.CharField):
    """Accepts ``YYYY-MM`` (or a full ISO date) and cleans to the first day of that month."""

    def clean(self, value: str | None) -> dt.date | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            # the message quotes the input: pass it as a parameter, so a "%" in it is not a format
            raise forms.ValidationError("%(message)s", code="invalid", params={"message": str(exc)}) from None


class MonthFilter(django_filters.Filter):
    """Filter on a month-start date field with ``?param=2026-10``."""

    field_class = MonthField


class YesNoField(forms.NullBooleanField):
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``), or empty for "any"; anything else is invalid.

    django-filter's ``BooleanFilter`` reads its value through ``NullBooleanSelect``, which turns
    any word it does not know into "unknown", so ``?scored=maybe`` silently filtered nothing.
    """

    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None is "any"
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.WORDS[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(
                "“%(value)s” is not a yes/no value; use true or false.", code="invalid", params={"value": value}
            ) from None


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses what is neither (400 in the API), unlike ``BooleanFilter``."""

    field_class = YesNoField


class _KeyedChoiceMixin:
    """Resolves each value as the object's id or one of its ``keys`` (case-insensitive).

    The browser's select still posts ids; the API (and a hand-typed URL) may send what
    responses show instead: a contract's reference, a provider's name.
    """

    keys: tuple[str, ...] = ()
    # Provided by the ModelChoiceField it is mixed into.
    error_messages: dict[str, Any]
    queryset: QuerySet[Any] | None

    def __init__(self, *args, keys: tuple[str, ...] = (), **kwargs) -> None:
        self.keys = tuple(keys)
        super().__init__(*args, **kwargs)

    def _match(self, values: list[str]) -> dict[str, object]:
        """``{value: object}`` for every value that names an object of the queryset."""
        for value in values:
            if "\x00" in value:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value.replace("\x00", "\\x00")},
                )
        condition = reduce(or_, (key_condition(value, self.keys, lookup="iexact") for value in values))
        found: dict[str, object] = {}
        for obj in cast(QuerySet, self.queryset).filter(condition):  # the filter gives it one
            found.setdefault(str(obj.pk), obj)
            for key in self.keys:
                found.setdefault(str(getattr(obj, key)).casefold(), obj)
        return {value: found[value.casefold()] for value in values if value.casefold() in found}


class KeyedModelChoiceField(_KeyedChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        matched = self._match([value])
        if value not in matched:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return matched[value]


class KeyedModelMultipleChoiceField(_KeyedChoiceMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        values = [str(item).strip() for item in value]
        matched = self._match(values)
        for item in values:
            if item not in matched:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return self.queryset.filter(pk__in={obj.pk for obj in matched.values()})


@extend_schema_field(OpenApiTypes.STR)
class KeyedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """``?contract=7`` or ``?contract=MSA-2025-001``: one object by id or by ``keys``."""

    field_class = KeyedModelChoiceField  # type: ignore[assignment]  # a Django ModelChoiceField, not django-filter's


@extend_schema_field(OpenApiTypes.STR)
class KeyedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """``?provider=3&provider=Manila Care``: objects by id or by ``keys``, any of them."""

    field_class = KeyedModelMultipleChoiceField  # type: ignore[assignment]  # as above


class PeriodRangeForm(forms.Form):
    """The base form of a FilterSet with ``period_from``/``period_to``: a range that ends
    before it starts is an error naming ``period_to`` (400 in the API), not an empty list."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("period_from"), cleaned.get("period_to")
        if first and last and first > last:
            self.add_error("period_to", f"The period cannot end ({last:%Y-%m}) before it starts ({first:%Y-%m}).")
        return cleaned
