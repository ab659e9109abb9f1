"""Base FilterSet: adds the free-text ``q`` search every list has."""

import datetime as dt
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from core.months import parse_month


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with ``q``: case-insensitive containment over ``search_fields``.

    One subclass per model serves both the browser list and the API, so a filter works
    the same way in both.
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(condition).distinct()


class MonthField(forms.CharField):
    """Accepts ``YYYY-MM`` (or a full ISO date) and cleans to the first day of that month."""

    def clean(self, value: str | None) -> dt.date | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class MonthFilter(django_filters.Filter):
    """Filter on a month-start date field with ``?param=2026-10``."""

    field_class = MonthField
