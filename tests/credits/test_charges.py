"""What a contract charges for a period: every pricing model, the invoice override, missing inputs.

All amounts are worked out by hand in the comments; no database is needed.
"""

from decimal import Decimal

import pytest

from contracts.charges import ChargesUnavailable, PricingTerms, period_charges

D = Decimal


def terms(pricing_model: str, **prices) -> PricingTerms:
    values = {"unit_price": None, "fte_rate": None, "fixed_monthly_fee": None, "fte_count": None}
    values.update(prices)
    return PricingTerms(pricing_model=pricing_model, currency="USD", **values)


def test_per_unit_is_volume_times_unit_price():
    # 41,200 units × 4.10 = 168,920.00
    charges = period_charges(terms("per_unit", unit_price=D("4.10")), volume=41200)
    assert charges.amount == D("168920.00")
    assert charges.source == "computed"
    assert charges.breakdown == {
        "pricing_model": "per_unit",
        "currency": "USD",
        "units": "41200",
        "unit_price": "4.10",
        "variable": "168920.00",
        "fte": "0.00",
        "fixed": "0.00",
        "computed": "168920.00",
        "source": "computed",
        "amount": "168920.00",
    }


def test_per_unit_ignores_the_period_length():
    # The volume is already the whole period's: 1,000 × 2.5000 = 2,500.00 whatever ``months`` says.
    charges = period_charges(terms("per_unit", unit_price=D("2.5000")), volume=1000, months=D(3))
    assert charges.amount == D("2500.00")
    assert "months" not in charges.breakdown


def test_rounds_half_a_cent_up():
    # 10 × 0.2345 = 2.345 → 2.35 (banker's rounding would give 2.34)
    assert period_charges(terms("per_unit", unit_price=D("0.2345")), volume=10).amount == D("2.35")
    # 7 × 1.2345 = 8.6415 → 8.64
    assert period_charges(terms("per_unit", unit_price=D("1.2345")), volume=7).amount == D("8.64")


def test_per_fte_is_count_times_monthly_rate_times_months():
    fte = terms("per_fte", fte_rate=D("4250.00"), fte_count=D("12.5"))
    # 12.5 FTE × 4,250.00 × 1 month = 53,125.00
    month = period_charges(fte, volume=None)
    assert month.amount == D("53125.00")
    assert month.breakdown["fte"] == "53125.00"
    assert month.breakdown["variable"] == "0.00"
    assert month.breakdown["fte_count"] == "12.5"
    assert month.breakdown["fte_rate"] == "4250.00"
    assert month.breakdown["months"] == "1"
    # a quarter: 12.5 × 4,250.00 × 3 = 159,375.00 (the volume does not matter)
    assert period_charges(fte, volume=99999, months=D(3)).amount == D("159375.00")


def test_fixed_is_the_monthly_fee_times_months():
    fixed = terms("fixed", fixed_monthly_fee=D("25000.00"))
    assert period_charges(fixed, volume=None).amount == D("25000.00")
    # half a month (a contract starting mid-month): 25,000.00 × 0.5 = 12,500.00
    assert period_charges(fixed, volume=None, months=D("0.5")).amount == D("12500.00")
    # 33,333.33 × 1.5 = 49,999.995 → 50,000.00
    assert period_charges(terms("fixed", fixed_monthly_fee=D("33333.33")), volume=None, months=D("1.5")).amount == D(
        "50000.00"
    )


def test_hybrid_is_fee_times_months_plus_volume_times_unit_price():
    hybrid = terms("hybrid", fixed_monthly_fee=D("10000.00"), unit_price=D("1.2500"))
    # 10,000.00 × 1 + 8,000 × 1.25 = 10,000.00 + 10,000.00 = 20,000.00
    month = period_charges(hybrid, volume=8000)
    assert month.amount == D("20000.00")
    assert (month.breakdown["fixed"], month.breakdown["variable"]) == ("10000.00", "10000.00")
    # a quarter: 10,000.00 × 3 + 8,000 × 1.25 = 30,000.00 + 10,000.00 = 40,000.00
    assert period_charges(hybrid, volume=8000, months=D(3)).amount == D("40000.00")


def test_the_breakdown_adds_up_to_the_amount():
    # 0.5 month × 999.99 = 499.995 → 500.00; 3 × 0.3333 = 0.9999 → 1.00; total 501.00
    charges = period_charges(
        terms("hybrid", fixed_monthly_fee=D("999.99"), unit_price=D("0.3333")), volume=3, months=D("0.5")
    )
    parts = sum(D(charges.breakdown[key]) for key in ("variable", "fte", "fixed"))
    assert parts == charges.amount == D("501.00")
    assert all(isinstance(value, str) for value in charges.breakdown.values())


def test_an_invoiced_amount_is_the_charge_and_shows_the_difference():
    # computed 41,200 × 4.10 = 168,920.00; invoiced 170,000.00; difference 1,080.00
    charges = period_charges(terms("per_unit", unit_price=D("4.10")), volume=41200, invoiced_amount=D("170000"))
    assert charges.amount == D("170000.00")
    assert charges.source == "invoiced"
    assert charges.breakdown["invoiced"] == "170000.00"
    assert charges.breakdown["computed"] == "168920.00"
    assert charges.breakdown["difference"] == "1080.00"
    assert charges.breakdown["amount"] == "170000.00"
    assert charges.breakdown["source"] == "invoiced"


def test_an_invoice_below_the_computed_charges_shows_a_negative_difference():
    charges = period_charges(terms("fixed", fixed_monthly_fee=D("25000.00")), volume=None, invoiced_amount=D("24000"))
    assert charges.amount == D("24000.00")
    assert charges.breakdown["difference"] == "-1000.00"


def test_an_invoiced_amount_is_quantised():
    charges = period_charges(terms("per_unit", unit_price=D("1")), volume=1, invoiced_amount=D("1234.565"))
    assert charges.amount == D("1234.57")


def test_an_invoiced_amount_stands_when_the_terms_cannot_compute_the_period():
    charges = period_charges(terms("per_unit", unit_price=D("4.10")), volume=None, invoiced_amount=D("170000.00"))
    assert charges.amount == D("170000.00")
    assert charges.source == "invoiced"
    assert charges.breakdown["computed_unavailable"] == "per-unit pricing needs the period's volume"
    assert "computed" not in charges.breakdown
    assert "difference" not in charges.breakdown


@pytest.mark.parametrize(
    ("pricing", "volume", "message"),
    [
        (terms("per_unit", unit_price=D("4.10")), None, "per-unit pricing needs the period's volume"),
        (terms("per_unit"), 100, "per-unit pricing needs a unit price"),
        (terms("per_fte", fte_rate=D("4000")), None, "per-FTE pricing needs the contracted FTE count"),
        (terms("per_fte", fte_count=D("10")), None, "per-FTE pricing needs a monthly FTE rate"),
        (terms("fixed"), None, "fixed-fee pricing needs a fixed monthly fee"),
        (
            terms("hybrid", fixed_monthly_fee=D("1000"), unit_price=D("1")),
            None,
            "hybrid pricing needs the period's volume",
        ),
        (terms("hybrid", unit_price=D("1")), 100, "hybrid pricing needs a fixed monthly fee"),
    ],
)
def test_missing_inputs_make_the_charges_unavailable(pricing, volume, message):
    with pytest.raises(ChargesUnavailable) as exc:
        period_charges(pricing, volume=volume)
    assert str(exc.value) == message


def test_a_zero_volume_is_not_a_missing_volume():
    assert period_charges(terms("per_unit", unit_price=D("4.10")), volume=0).amount == D("0.00")


def test_bad_inputs_are_errors_not_unavailable_charges():
    with pytest.raises(ValueError, match="Unknown pricing model"):
        period_charges(terms("per_hour", unit_price=D("1")), volume=1)
    with pytest.raises(ValueError, match="negative"):
        period_charges(terms("per_unit", unit_price=D("1")), volume=-1)
    with pytest.raises(ValueError, match="negative"):
        period_charges(terms("per_unit", unit_price=D("1")), volume=1, invoiced_amount=D("-5"))
    with pytest.raises(ValueError, match="negative"):
        period_charges(terms("fixed", fixed_monthly_fee=D("1")), volume=None, months=D(-1))
    # ChargesUnavailable is itself a ValueError, but a bad input must not pass for a missing one.
    with pytest.raises(ValueError) as exc:
        period_charges(terms("per_hour"), volume=1)
    assert not isinstance(exc.value, ChargesUnavailable)
