"""Numbers as a reader sees them: with their unit, a sensible precision and grouped thousands.

One place decides how a percentage, a duration, a count or an amount of money is written,
so the dashboard, the lists, the detail pages and the tables cannot disagree (and never show
a raw ``Decimal('85.0000')``). Precision follows the unit: percentages with 2 decimals,
seconds and scores with 1, counts whole, money with its currency's 2 decimals. Grouping and
the decimal mark come from Django's locale formatting; rounding is half-up, done here,
because Django's ``number_format`` cuts digits off rather than rounding them.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.timesince import timesince

from core.catalogue import CATALOGUE, COUNT, PERCENT, SCORE, SECONDS

MISSING = "—"
# Decimal places per catalogue unit.
PRECISION: dict[str, int] = {PERCENT: 2, SECONDS: 1, SCORE: 1, COUNT: 0}
# What follows the number per catalogue unit (a score carries no unit).
SUFFIX: dict[str, str] = {PERCENT: " %", SECONDS: " s", SCORE: "", COUNT: ""}


def to_decimal(value: Any) -> Decimal | None:
    """``value`` as a Decimal (floats through their shortest repr), or None when it is no number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def number(value: Any, places: int = 0) -> str:
    """``value`` rounded half-up to ``places`` decimals, thousands grouped: ``1,234.50``; "—" for none."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return number_format(rounded, decimal_pos=places, force_grouping=True)


def unit_of(unit_or_metric: str) -> str:
    """The catalogue unit of a metric code, or the unit itself when given one."""
    metric = CATALOGUE.get(unit_or_metric)
    return metric.unit if metric is not None else unit_or_metric


def measure(value: Any, unit_or_metric: str) -> str:
    """A measured value with its unit: ``52.08 %``, ``40.8 s``, ``1,234``; "—" for none."""
    unit = unit_of(unit_or_metric)
    text = number(value, PRECISION.get(unit, 2))
    return text if text == MISSING else text + SUFFIX.get(unit, f" {unit}" if unit else "")


def duration(value: dt.timedelta | None) -> str:
    """A length of time in words, ``15 minutes`` or ``1 hour, 30 minutes`` (Django's timesince words).

    For messages such as how long a sign-in stays locked: an ISO 8601 ``PT15M`` means nothing to a user.
    """
    if not isinstance(value, dt.timedelta):
        return ""
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return timesince(start, start + value, depth=2).replace("\xa0", " ")


def percent(value: Any) -> str:
    """A percentage (0–100): ``52.08 %``."""
    return measure(value, PERCENT)


def money(value: Any, currency: str = "") -> str:
    """An amount with its currency code after it: ``7,656.75 EUR``; "—" for none."""
    text = number(value, 2)
    return f"{text} {currency}" if currency and text != MISSING else text


def count(value: Any) -> str:
    """A whole count with thousands grouped: ``33,337``."""
    return number(value, 0)


def significant(value: Any, *, at_least: int = 0, at_most: int = 4) -> str:
    """A number with the decimals it has, between ``at_least`` and ``at_most``: ``18``, ``2.5``, ``0.215``."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    exponent = amount.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number(amount, max(at_least, min(at_most, places)))


def price(value: Any, currency: str = "") -> str:
    """A unit price, which may carry more than cents: ``0.215 USD``, ``4.10 USD``."""
    text = significant(value, at_least=2)
    return f"{text} {currency}" if currency and text != MISSING else text


def metric_parameters(parameters: Mapping[str, Any] | None, metric_code: str) -> str:
    """A service level's metric parameters in the catalogue's words: "Answer within (s) 20; Variant standard"."""
    metric = CATALOGUE.get(metric_code)
    labels = {p.name: p.label for p in metric.parameters} if metric is not None else {}
    parts = []
    for name, value in (parameters or {}).items():
        label = labels.get(name, name.replace("_", " ").capitalize())
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value).replace("_", " ")
        parts.append(f"{label}: {shown}")
    return "; ".join(parts) if parts else "none"


# --- breakdowns: the string-only dicts the credit and charges computations store for auditors ---

MONEY, PRICE, PERCENTAGE, COUNT_VALUE, NUMBER, FLAG, WORDS = (
    "money",
    "price",
    "percent",
    "count",
    "number",
    "flag",
    "words",
)


@dataclass(frozen=True)
class BreakdownField:
    """How one key of a stored breakdown reads: its label, the kind of its value, words for codes.

    ``values`` turns a stored code into words (``"consecutive_misses"`` → "missing the
    target months in a row"); a code it does not list is shown with spaces for underscores.
    """

    label: str
    kind: str = WORDS
    values: Mapping[str, str] = field(default_factory=dict)


def breakdown_rows(
    breakdown: Mapping[str, Any] | None, fields: Mapping[str, BreakdownField], *, currency: str = ""
) -> list[tuple[str, str]]:
    """(label, value) rows of a breakdown in ``fields`` order; keys ``fields`` does not know come last.

    An unknown key keeps a readable label (``at_risk_amount`` → "At risk amount"), so a key
    added to the computation later still shows, just less politely.
    """
    breakdown = breakdown or {}
    known = [(fields[key], breakdown[key]) for key in fields if key in breakdown]
    extra: Iterable[str] = (key for key in breakdown if key not in fields)
    known += [(BreakdownField(key.replace("_", " ").capitalize()), breakdown[key]) for key in extra]
    return [(spec.label, _breakdown_value(value, spec, currency)) for spec, value in known]


def _breakdown_value(value: Any, spec: BreakdownField, currency: str) -> str:
    kind = spec.kind
    if kind == MONEY:
        return money(value, currency)
    if kind == PRICE:
        return price(value, currency)
    if kind == PERCENTAGE:
        return percent(value)
    if kind == COUNT_VALUE:
        return count(value)
    if kind == NUMBER:
        return significant(value)
    if kind == FLAG:
        return "yes" if str(value).lower() in ("true", "yes", "1") else "no"
    text = str(value)
    if text in spec.values:
        return spec.values[text]
    return text if " " in text else text.replace("_", " ")
