"""What a contract charges for a period: the one place that turns pricing terms into money.

Service credits (a share of the period's charges) and cost savings (in-house baseline
against what the provider charges) both start from this number, so it is computed here
and nowhere else. Pure functions over plain dataclasses: no database, no Django models;
the caller copies the contract's terms into :class:`PricingTerms`.

The vendor's invoice wins over our arithmetic: when the vendor reported an invoiced amount
for the period, that is what the company pays, and credits and savings must be based on it.
The computed amount is still shown beside it so that an invoice that disagrees with the
contract's prices is visible to whoever audits it.

Rounding: each component (variable, FTE, fixed) is quantised to cents with ROUND_HALF_UP
as an invoice line would be, and the total is the sum of the rounded components, so the
breakdown always adds up to the amount.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

PER_UNIT = "per_unit"
PER_FTE = "per_fte"
FIXED = "fixed"
HYBRID = "hybrid"
PRICING_MODELS = (PER_UNIT, PER_FTE, FIXED, HYBRID)

INVOICED = "invoiced"
COMPUTED = "computed"

T = TypeVar("T")

_MODEL_LABELS = {PER_UNIT: "per-unit", PER_FTE: "per-FTE", FIXED: "fixed-fee", HYBRID: "hybrid"}


class ChargesUnavailable(ValueError):
    """The period's charges cannot be computed: an input the pricing model needs is missing.

    Not a bug but a state of the data (e.g. the month's volume is not reported yet), so
    callers catch it and show the reason instead of a number.
    """


def to_cents(amount: Decimal) -> Decimal:
    """Money as it appears on an invoice: two places, half a cent rounds up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal | int) -> str:
    """A number as a JSON-safe string without exponent notation (``Decimal('1E+2')`` → ``'100'``)."""
    return str(value) if isinstance(value, int) else format(value, "f")


@dataclass(frozen=True)
class PricingTerms:
    """The pricing part of a contract, copied out of the model so charges need no database.

    ``fte_rate`` is the monthly rate per FTE; ``fte_count`` the contracted FTEs (per_fte).
    Prices a model does not use may be None.
    """

    pricing_model: str
    unit_price: Decimal | None
    fte_rate: Decimal | None
    fixed_monthly_fee: Decimal | None
    fte_count: Decimal | None
    currency: str


@dataclass(frozen=True)
class PeriodCharges:
    """What the contract charges for one period, and how the number came about.

    ``breakdown`` holds strings only (it is stored as JSON and shown to auditors):
    ``pricing_model``, ``currency``, ``source``, ``amount``; the inputs the model used
    (``units``, ``unit_price``, ``fte_count``, ``fte_rate``, ``fixed_monthly_fee``,
    ``months``); the components ``variable`` (volume × unit price), ``fte`` and ``fixed``
    and their sum ``computed``. For an invoiced period also ``invoiced`` and
    ``difference`` (invoiced − computed), or ``computed_unavailable`` with the reason
    when the terms cannot compute the period.
    """

    amount: Decimal
    source: str
    breakdown: dict[str, str]


def period_charges(
    terms: PricingTerms,
    *,
    volume: int | None,
    invoiced_amount: Decimal | None = None,
    months: Decimal = Decimal(1),
) -> PeriodCharges:
    """The period's charges: the invoiced amount if the vendor reported one, else the terms' arithmetic.

    - per_unit: volume × unit_price (the volume is the whole period's, so ``months`` does not apply)
    - per_fte: fte_count × fte_rate × months
    - fixed: fixed_monthly_fee × months
    - hybrid: fixed_monthly_fee × months + volume × unit_price

    ``months`` is the length of the period in months (1 for a calendar month, 3 for a
    quarter, a fraction for a partial first month). Raises :class:`ChargesUnavailable`
    when no invoiced amount is given and an input is missing; ``ValueError`` for an
    unknown pricing model or a negative volume, invoiced amount or period length.
    """
    if terms.pricing_model not in PRICING_MODELS:
        raise ValueError(f"Unknown pricing model “{terms.pricing_model}”; expected one of {', '.join(PRICING_MODELS)}.")
    if volume is not None and volume < 0:
        raise ValueError(f"The period's volume cannot be negative ({volume}).")
    if invoiced_amount is not None and invoiced_amount < 0:
        raise ValueError(f"The invoiced amount cannot be negative ({invoiced_amount}).")
    months = Decimal(months)
    if months < 0:
        raise ValueError(f"The period cannot be a negative number of months ({months}).")

    breakdown = {"pricing_model": terms.pricing_model, "currency": terms.currency}
    try:
        computed = _computed(terms, volume=volume, months=months, breakdown=breakdown)
    except ChargesUnavailable as exc:
        if invoiced_amount is None:
            raise
        computed = None
        breakdown["computed_unavailable"] = str(exc)

    if invoiced_amount is None:
        assert computed is not None  # _computed raised otherwise
        amount, source = computed, COMPUTED
    else:
        amount, source = to_cents(invoiced_amount), INVOICED
        breakdown["invoiced"] = plain(amount)
        if computed is not None:
            breakdown["difference"] = plain(amount - computed)
    breakdown["source"] = source
    breakdown["amount"] = plain(amount)
    return PeriodCharges(amount=amount, source=source, breakdown=breakdown)


def _computed(terms: PricingTerms, *, volume: int | None, months: Decimal, breakdown: dict[str, str]) -> Decimal:
    """The terms' arithmetic, writing inputs and components into ``breakdown``; raises ChargesUnavailable."""
    model = terms.pricing_model
    label = _MODEL_LABELS[model]
    variable = fte = fixed = ZERO

    if model in (PER_UNIT, HYBRID):
        unit_price = _needed(terms.unit_price, f"{label} pricing needs a unit price")
        units = _needed(volume, f"{label} pricing needs the period's volume")
        variable = to_cents(units * unit_price)
        breakdown.update(units=plain(units), unit_price=plain(unit_price))
    if model == PER_FTE:
        fte_rate = _needed(terms.fte_rate, f"{label} pricing needs a monthly FTE rate")
        fte_count = _needed(terms.fte_count, f"{label} pricing needs the contracted FTE count")
        fte = to_cents(fte_count * fte_rate * months)
        breakdown.update(fte_count=plain(fte_count), fte_rate=plain(fte_rate), months=plain(months))
    if model in (FIXED, HYBRID):
        fee = _needed(terms.fixed_monthly_fee, f"{label} pricing needs a fixed monthly fee")
        fixed = to_cents(fee * months)
        breakdown.update(fixed_monthly_fee=plain(fee), months=plain(months))

    computed = variable + fte + fixed
    breakdown.update(variable=plain(variable), fte=plain(fte), fixed=plain(fixed), computed=plain(computed))
    return computed


def _needed(value: T | None, reason: str) -> T:
    if value is None:
        raise ChargesUnavailable(reason)
    return value
