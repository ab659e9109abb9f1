"""Savings for every pricing model and billing basis, end to end on imported records.

One closed month (October 2026, recomputed as of 10 November): 40 handled calls and 10
abandoned ones, in-house cost 4.00 per unit, no credits (no service levels). Each expected
figure is worked out beside it: savings = baseline − net cost, baseline = billable × 4.00.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from savings.models import SavingsResult
from slas import services as sla_services
from tests.factories import ContractFactory
from tests.savings.test_recompute_savings import AFTER_OCT, OCT, _calls

pytestmark = pytest.mark.django_db


def _contract(**terms):
    contract = ContractFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), **terms)
    process = contract.processes.get()
    process.baseline_cost_per_unit, process.currency = D("4.0000"), "USD"
    process.save()
    return contract


@pytest.mark.parametrize(
    ("terms", "volume", "baseline", "net", "savings", "percent"),
    [
        # per unit, handled (the default): 40 × 4.00 = 160.00 against 40 × 2.50 = 100.00 → 60.00, 37.50 %
        ({"pricing_model": "per_unit", "unit_price": D("2.50")}, 40, "160.00", "100.00", "60.00", "37.50"),
        # per unit, offered: 50 × 4.00 = 200.00 against 50 × 2.50 = 125.00 → 75.00, 37.50 %
        (
            {"pricing_model": "per_unit", "unit_price": D("2.50"), "billing_basis": "offered"},
            50,
            "200.00",
            "125.00",
            "75.00",
            "37.50",
        ),
        # per FTE: 0.5 FTE × 300.00 = 150.00 against 160.00 → 10.00, 6.25 %
        (
            {"pricing_model": "per_fte", "fte_rate": D("300.00"), "fte_count": D("0.5"), "unit_price": None},
            40,
            "160.00",
            "150.00",
            "10.00",
            "6.25",
        ),
        # fixed fee 180.00 against 160.00: a loss of 20.00, −12.50 %
        (
            {"pricing_model": "fixed", "fixed_monthly_fee": D("180.00"), "unit_price": None},
            40,
            "160.00",
            "180.00",
            "-20.00",
            "-12.50",
        ),
        # hybrid on received items (handled + abandoned = 50): 50.00 + 50 × 1.00 = 100.00 against 200.00
        (
            {
                "pricing_model": "hybrid",
                "fixed_monthly_fee": D("50.00"),
                "unit_price": D("1.00"),
                "billing_basis": "received",
            },
            50,
            "200.00",
            "100.00",
            "100.00",
            "50.00",
        ),
    ],
)
def test_every_pricing_model_and_basis(imported, terms, volume, baseline, net, savings, percent):
    contract = _contract(**terms)
    imported(contract, _calls(40, abandoned=10))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    assert result.status == "ok" and result.volume == volume
    assert result.baseline_cost == D(baseline) and result.net_cost == D(net)
    assert result.savings == D(savings) and result.savings_percent == D(percent)
