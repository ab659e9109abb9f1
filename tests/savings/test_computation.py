"""Savings on hand-computed scenarios (``savings.computation``, no database).

Each expected figure is worked out in the comment beside it, from the formula in the
module's docstring: savings = baseline cost − (outsourced − credits + retained + transition).
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from savings.computation import (
    MISSING_RATE,
    NO_BASELINE,
    NO_COST,
    NO_DATA,
    OK,
    Baseline,
    ContractMonth,
    ProcessMonth,
    baseline_for,
    derived_cost_per_unit,
    month_savings,
    total,
    transition_amortisation,
)

FEB = dt.date(1999, 2, 1)
FEB_END = dt.date(1999, 2, 28)
USD_BASELINE = Baseline(dt.date.min, D("4.50"), "USD")


def rates(table: dict[str, D]):
    return lambda currency, on: table.get(currency)


def month(**overrides) -> ContractMonth:
    values = dict(
        month=FEB,
        month_end=FEB_END,
        currency="USD",
        processes=[ProcessMonth(1, 27162, USD_BASELINE)],
        outsourced_cost=D("81486.00"),  # 27,162 handled calls × 3.00
        outsourced_source="computed",
    )
    values.update(overrides)
    return ContractMonth(**values)


def test_the_real_month_per_handled_call():
    # baseline 27,162 × 4.50 = 122,229.00; net = 81,486.00; savings 40,743.00 = 33.33 %
    result = month_savings(month(), reporting_currency="USD", rate=rates({}))
    assert result.status == OK
    assert result.baseline_cost == D("122229.00")
    assert result.net_cost == D("81486.00")
    assert result.savings == D("40743.00")
    assert result.savings_percent == D("33.33")


def test_credits_retained_and_transition_costs():
    # net = 81,486.00 − 1,200.00 credits + 5,000.00 retained + 60,000 ÷ 12 = 5,000.00 transition
    #     = 90,286.00; savings = 122,229.00 − 90,286.00 = 31,943.00 → 26.13 %
    result = month_savings(
        month(
            service_credits=D("1200.00"),
            retained_monthly_cost=D("5000.00"),
            transition_cost=D("60000.00"),
            transition_months=12,
            months_since_start=3,
        ),
        reporting_currency="USD",
        rate=rates({}),
    )
    assert result.transition_amortisation == D("5000.00")
    assert result.net_cost == D("90286.00")
    assert result.savings == D("31943.00")
    assert result.savings_percent == D("26.13")


def test_the_transition_cost_stops_after_its_months():
    assert transition_amortisation(D("60000"), 12, 11) == D("5000")
    assert transition_amortisation(D("60000"), 12, 12) == 0
    assert transition_amortisation(D("60000"), 12, -1) == 0


def test_an_invoice_above_the_baseline_is_a_loss():
    # invoiced 130,000.00 > baseline 122,229.00 → −7,771.00, −6.36 %
    result = month_savings(
        month(outsourced_cost=D("130000.00"), outsourced_source="invoiced"), reporting_currency="USD", rate=rates({})
    )
    assert result.savings == D("-7771.00")
    assert result.savings_percent == D("-6.36")
    assert result.outsourced_source == "invoiced"


def test_a_change_in_volume_does_not_read_as_a_saving():
    # Per-unit price 3.00 against 4.50 in-house: 33.33 % at any volume.
    for volume in (1000, 27162, 90000):
        result = month_savings(
            month(processes=[ProcessMonth(1, volume, USD_BASELINE)], outsourced_cost=D(volume) * 3),
            reporting_currency="USD",
            rate=rates({}),
        )
        assert result.savings_percent == D("33.33")


def test_a_month_without_volume_has_no_savings_not_zero():
    result = month_savings(
        month(processes=[ProcessMonth(1, None, USD_BASELINE)]), reporting_currency="USD", rate=rates({})
    )
    assert result.status == NO_DATA
    assert result.savings is None and result.savings_percent is None


def test_a_revised_baseline_applies_from_its_date_only():
    original = Baseline(dt.date.min, D("4.50"), "USD")
    revised = Baseline(dt.date(1999, 3, 1), D("5.00"), "USD")
    assert baseline_for([original, revised], FEB_END) == original
    assert baseline_for([original, revised], dt.date(1999, 3, 31)) == revised
    assert baseline_for([revised], FEB_END) is None


def test_a_process_without_a_baseline():
    result = month_savings(month(processes=[ProcessMonth(1, 100, None)]), reporting_currency="USD", rate=rates({}))
    assert result.status == NO_BASELINE and result.savings is None


def test_no_invoice_and_no_computable_charges():
    result = month_savings(month(outsourced_cost=None), reporting_currency="USD", rate=rates({}))
    assert result.status == NO_COST and result.savings is None


def test_two_currencies_convert_with_the_rate_shown():
    # Contract in EUR: 81,486.00 EUR × 1.10 = 89,634.60 USD; baseline in USD 122,229.00.
    # savings = 122,229.00 − 89,634.60 = 32,594.40 → 26.67 %
    result = month_savings(month(currency="EUR"), reporting_currency="USD", rate=rates({"EUR": D("1.10")}))
    assert result.outsourced_cost == D("89634.60")
    assert result.savings == D("32594.40")
    assert result.savings_percent == D("26.67")
    assert result.rates == {"EUR": "1.10"}


def test_a_missing_rate_is_a_state_not_one():
    result = month_savings(month(currency="EUR"), reporting_currency="USD", rate=rates({}))
    assert result.status == MISSING_RATE
    assert result.savings is None
    assert "EUR" in result.note


def test_projected_savings_from_the_business_case():
    # 30,000 expected × 4.50 × 20 % = 27,000.00
    result = month_savings(
        month(expected_monthly_volume=30000, expected_savings_percent=D("20")), reporting_currency="USD", rate=rates({})
    )
    assert result.projected_savings == D("27000.00")


def test_derived_cost_per_unit():
    assert derived_cost_per_unit(D("4200.00"), D("1000")) == D("4.2000")
    with pytest.raises(ValueError):
        derived_cost_per_unit(D("4200.00"), D("0"))


def test_totals_are_sums_of_months_with_data_and_percent_of_sums():
    a = month_savings(month(), reporting_currency="USD", rate=rates({}))  # 40,743.00 of 122,229.00
    b = month_savings(
        month(outsourced_cost=D("130000.00")), reporting_currency="USD", rate=rates({})
    )  # −7,771.00 of 122,229.00
    empty = month_savings(
        month(processes=[ProcessMonth(1, None, USD_BASELINE)]), reporting_currency="USD", rate=rates({})
    )
    summed = total([a, b, empty])
    assert summed.savings == D("32972.00")
    assert summed.baseline_cost == D("244458.00")
    assert summed.savings_percent == D("13.49")  # 32,972 ÷ 244,458
    assert (summed.months_with_data, summed.months_without_data) == (2, 1)


def test_projected_savings_share_the_expected_volume_among_processes():
    # 30,000 expected, split 2:1 between a 4.50 USD process and a 3.00 USD one, at 20 %:
    # 20,000 × 4.50 × 20 % = 18,000.00 + 10,000 × 3.00 × 20 % = 6,000.00 → 24,000.00
    processes = [
        ProcessMonth(1, 100, USD_BASELINE, expected_share=D("2")),
        ProcessMonth(2, 100, Baseline(dt.date.min, D("3.00"), "USD"), expected_share=D("1")),
    ]
    result = month_savings(
        month(processes=processes, expected_monthly_volume=30000, expected_savings_percent=D("20")),
        reporting_currency="USD",
        rate=rates({}),
    )
    assert result.projected_savings == D("24000.00")
