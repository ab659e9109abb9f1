"""How the stored credit and charges breakdowns read on a page: labels and value kinds per key.

``slas.credits.CreditLine.breakdown`` and ``contracts.charges.PeriodCharges.breakdown`` are
string-only dicts kept for auditors (their docstrings list the keys). Shown raw they read as
``at_risk_amount: 2.40``; these tables turn them into "At-risk amount: 2.40 EUR" rows with
``core.formatting.breakdown_rows``. A key missing here still shows, with a plainer label.
"""

from core.formatting import (
    COUNT_VALUE,
    FLAG,
    MONEY,
    NUMBER,
    PERCENTAGE,
    PRICE,
    BreakdownField,
    breakdown_rows,
    to_decimal,
)

# The charges' components: each is 0 when the pricing model does not use it.
_COMPONENTS = ("variable", "fte", "fixed")

# The contract's billing basis (``contracts.Contract.BillingBasis``), as shown beside a volume.
BILLING_BASIS_WORDS = {
    "handled": "handled items",
    "offered": "offered items (handled + abandoned)",
    "received": "every received item",
}

STATUS_WORDS = {
    "met": "met",
    "at_risk": "at risk (missed the target, not the minimum)",
    "breached": "breached (missed the minimum)",
    "insufficient_data": "insufficient data",
    "no_data": "no data",
}

CREDIT_BREAKDOWN: dict[str, BreakdownField] = {
    "status": BreakdownField("Status this month", values=STATUS_WORDS),
    "trigger": BreakdownField(
        "Credit earned by",
        values={
            "breach": "breaching the minimum level",
            "consecutive_misses": "missing the target months in a row",
            "none": "nothing: no credit",
        },
    ),
    "consecutive_misses": BreakdownField("Months missed in a row", COUNT_VALUE),
    "charges": BreakdownField("Charges for the month", MONEY),
    "at_risk_percent": BreakdownField("Share of charges at risk", PERCENTAGE),
    "at_risk_amount": BreakdownField("At-risk amount", MONEY),
    "allocation_percent": BreakdownField("This service level's share of the at-risk amount", PERCENTAGE),
    "uncapped": BreakdownField("Credit before the cap", MONEY),
    "cap": BreakdownField("Cap on the month's credits", MONEY),
    "cap_applied": BreakdownField("Cap applied", FLAG),
    "amount": BreakdownField("Credit", MONEY),
    "chronic": BreakdownField("Chronic failure", FLAG),
    "breaches_in_window": BreakdownField("Breaches in the chronic window", COUNT_VALUE),
    "explanation": BreakdownField("How it was computed"),
}

CHARGES_BREAKDOWN: dict[str, BreakdownField] = {
    "pricing_model": BreakdownField(
        "Pricing model",
        values={
            "per_unit": "per unit of work",
            "per_fte": "per FTE",
            "fixed": "fixed monthly fee",
            "hybrid": "fixed monthly fee plus per unit of work",
        },
    ),
    "source": BreakdownField(
        "Charges taken from",
        values={"computed": "the contract's prices × the month's volume", "invoiced": "the invoiced amount"},
    ),
    "taken_from": BreakdownField("Amount used"),
    "billing_basis": BreakdownField("Billing basis (volume priced)", values=BILLING_BASIS_WORDS),
    "units": BreakdownField("Units of work (volume)", COUNT_VALUE),
    "unit_price": BreakdownField("Unit price", PRICE),
    "fte_count": BreakdownField("Contracted FTEs", NUMBER),
    "fte_rate": BreakdownField("Monthly rate per FTE", MONEY),
    "fixed_monthly_fee": BreakdownField("Fixed monthly fee", MONEY),
    "months": BreakdownField("Months in the period", NUMBER),
    "variable": BreakdownField("Volume × unit price", MONEY),
    "fte": BreakdownField("FTEs × rate × months", MONEY),
    "fixed": BreakdownField("Fixed fee × months", MONEY),
    "computed": BreakdownField("Computed from the contract's prices", MONEY),
    "computed_unavailable": BreakdownField("Why the prices could not compute it"),
    "invoiced": BreakdownField("Invoiced by the vendor", MONEY),
    "difference": BreakdownField("Invoiced − computed", MONEY),
    "amount": BreakdownField("Charges for the month", MONEY),
    "currency": BreakdownField("Currency"),
}


def credit_rows(breakdown: dict[str, str] | None, currency: str) -> list[tuple[str, str]]:
    """A compliance result's credit breakdown as (label, value) rows."""
    return breakdown_rows(breakdown, CREDIT_BREAKDOWN, currency=currency)


def charges_rows(
    breakdown: dict[str, str] | None, currency: str, billing_basis: str | None = None
) -> list[tuple[str, str]]:
    """A credit statement's charges breakdown as (label, value) rows.

    The currency row is dropped (every amount carries it), and so are the components the
    pricing model does not use (a hybrid contract has no FTE charges to show as 0.00).
    A statement stored before the breakdown named its billing basis shows the contract's
    (``billing_basis``) beside its volume.
    """
    unused = {key for key in _COMPONENTS if to_decimal((breakdown or {}).get(key)) == 0}
    kept = {key: value for key, value in (breakdown or {}).items() if key not in unused}
    if billing_basis and "units" in kept and "billing_basis" not in kept:
        kept["billing_basis"] = billing_basis
    rows = breakdown_rows(kept, CHARGES_BREAKDOWN, currency=currency)
    return [(label, value) for label, value in rows if label != CHARGES_BREAKDOWN["currency"].label]
