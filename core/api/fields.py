"""The API's one representation of numbers, money and references, as reusable serializer fields.

The rule (the README's API paragraph says it too):

- **Measures** — measured values, targets, thresholds, weights, counts that may be fractional —
  are JSON numbers, rounded to a sensible number of decimals (``MeasureField``). A target
  stored as ``Decimal("85.0000")`` and an actual measured as the float ``52.0833…`` both come
  out as numbers (``85.0`` and ``52.0833``), so a client compares them without parsing.
- **Percentages** are JSON numbers on the 0–100 scale (``12.5`` means 12.5 %), whatever the
  field (``PercentField``).
- **Money** is a decimal string, never a float, with the currency code beside it in the same
  object as ``currency`` (``"credit_amount": "1234.50", "currency": "EUR"``) (``MoneyField``).
- **References** on writes take the id or the natural key the reads show: a contract's
  reference, a process's, provider's or layout's name (``LookupRelatedField``).

Each field documents its JSON type in the OpenAPI schema (drf-spectacular), so a generated
client gets numbers as numbers and money as strings.
"""

import decimal
from typing import Any, cast

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MEASURE_DECIMALS = 4
PERCENT_DECIMALS = 2
MONEY_PATTERN = r"^-?\d+(\.\d+)?$"


#: Floats already rounded to ``MEASURE_DECIMALS``: float → rounded (see :func:`as_measure`).
_ROUNDED: dict[float, float] = {}
_ROUNDED_ENTRIES = 16384  # ~1.5 MB at most; emptied when full


def as_measure(value: Any, decimals: int = MEASURE_DECIMALS) -> float | None:
    """A measure as the API shows it: a float rounded to ``decimals``, ``None`` when unknown.

    A float (a ``FloatField``'s value, the common case: ~650 a page of sla-status) takes a
    short way: ``round(x, 4)`` is correctly rounded through a decimal conversion, four times
    the cost of a dict lookup, and the same measures come back page after page (every cold
    render after a change shows mostly the same results). So a process remembers the rounded
    value of the last few thousand floats. Equal floats have the same bits, except 0.0 and
    -0.0, which are rounded afresh (``round`` keeps the sign, a dict key would not).
    """
    if type(value) is not float:
        if value is None:
            return None
        value = float(value)  # a Decimal target, an int
    if value - value != 0:  # ±inf and NaN (for any finite float, x - x is 0.0)
        return None
    if decimals != MEASURE_DECIMALS or not value:
        return round(value, decimals)
    rounded = _ROUNDED.get(value)
    if rounded is None:
        if len(_ROUNDED) >= _ROUNDED_ENTRIES:
            _ROUNDED.clear()
        rounded = _ROUNDED[value] = round(value, decimals)
    return rounded


def as_money(value: Any, decimals: int = 2) -> str | None:
    """An amount as the API shows it: a decimal string with ``decimals`` places."""
    if value is None:
        return None
    amount = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    return f"{amount.quantize(decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP):f}"


@extend_schema_field({"type": "number", "format": "double", "example": 85.0})
class MeasureField(serializers.DecimalField):
    """A measured value, target or threshold: a JSON number, rounded to ``decimal_places``.

    Reads a ``Decimal`` or a ``float`` attribute alike; writes accept a number (or a numeric
    string) and store a ``Decimal`` for a decimal model field.
    """

    default_decimals = MEASURE_DECIMALS

    def __init__(self, *, max_digits: int | None = None, decimal_places: int | None = None, **kwargs: Any) -> None:
        kwargs["coerce_to_string"] = False
        kwargs.setdefault("rounding", decimal.ROUND_HALF_UP)
        super().__init__(
            max_digits=max_digits,
            decimal_places=self.default_decimals if decimal_places is None else decimal_places,
            **kwargs,
        )

    def to_representation(self, value: Any) -> float | None:  # type: ignore[override]  # a number, not text
        return as_measure(value, cast(int, self.decimal_places))


@extend_schema_field({"type": "number", "format": "double", "minimum": 0, "example": 12.5})
class PercentField(MeasureField):
    """A percentage on the 0–100 scale (``12.5`` is 12.5 %): a JSON number with 2 decimals."""

    default_decimals = PERCENT_DECIMALS

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "A percentage on the 0–100 scale.")
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, "example": "1234.50"})
class MoneyField(serializers.DecimalField):
    """An amount of money: a decimal string (never a float), in the ``currency`` beside it."""

    def __init__(self, *, max_digits: int | None = None, decimal_places: int = 2, **kwargs: Any) -> None:
        kwargs["coerce_to_string"] = True
        kwargs.setdefault("help_text", "An amount in the currency given by `currency`, as a decimal string.")
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]  # null stays null
        return as_money(value, cast(int, self.decimal_places))


class LookupRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object given by its id or by its natural key (``slug_field``), as reads show it.

    A JSON integer is an id. A string is looked up by ``slug_field`` first (a contract
    reference may consist of digits) and, failing that, as an id if it is one. The object
    is still represented by its id, so reads do not change.
    """

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "No {model} with the id or {slug_field} “{value}”.",
        "ambiguous": "Several {model_plural} are named “{value}”; give the id.",
    }

    def __init__(self, *, slug_field: str, **kwargs: Any) -> None:
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        queryset: Any = getattr(self, "queryset")  # noqa: B009  (a manager descriptor to the stubs)
        if not self.help_text and queryset is not None:
            self.help_text = f"The {self._model_name()}'s id or its {self.slug_field}."

    def _model_name(self) -> str:
        queryset: Any = getattr(self, "queryset")  # noqa: B009  (a manager descriptor to the stubs)
        return str(queryset.model._meta.verbose_name)

    def narrow_by_key(self, queryset: models.QuerySet) -> models.QuerySet:
        """Where a natural key is unique only within a scope (a layout name per provider), narrow here."""
        return queryset

    def to_internal_value(self, data: Any) -> models.Model:
        queryset = cast(models.QuerySet, self.get_queryset())
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            if isinstance(data, int):
                return queryset.get(pk=data)
            text = data.strip()
            try:
                return self.narrow_by_key(queryset).get(**{self.slug_field: text})
            except ObjectDoesNotExist:
                if text.isdigit():
                    return queryset.get(pk=int(text))
                raise
        except ObjectDoesNotExist:
            self.fail("does_not_exist", model=self._model_name(), slug_field=self.slug_field, value=data)
        except MultipleObjectsReturned:
            self.fail("ambiguous", model_plural=str(queryset.model._meta.verbose_name_plural), value=data)


class LookupRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Requests: an integer id or a string natural key; responses: the integer id."""

    target_class = LookupRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "response":
            return cast(dict[str, Any], build_basic_type(OpenApiTypes.INT))
        return {
            "oneOf": [
                build_basic_type(OpenApiTypes.INT),
                {"type": "string", "description": f"The {self.target.slug_field}."},
            ]
        }
