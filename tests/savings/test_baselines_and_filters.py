"""Baselines in the browser, the savings page's reference filters, rates and billing basis on every charge."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.models import ProcessBaseline
from savings.models import ExchangeRate, SavingsResult
from savings.services import recompute_savings
from slas.breakdowns import charges_rows
from tests.factories import ContractFactory, ProviderFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def contract(imported):
    """Per unit 2.00; October 2026: 10 handled calls; in-house 4.00 a call."""
    contract = ContractFactory(
        reference="MSA-BL",
        provider=ProviderFactory(name="Baseline Partners"),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        unit_price=Decimal("2.00"),
    )
    process = contract.processes.get()
    process.baseline_cost_per_unit = Decimal("4.0000")
    process.currency = "USD"
    process.save()
    imported(contract, canonical_csv([work_item(n) for n in range(10)]))
    return contract


def test_a_derived_baseline_revision_from_the_browser_recomputes_savings(
    contract, client, ops_user, django_capture_on_commit_callbacks
):
    process = contract.processes.get()
    assert SavingsResult.objects.get(contract=contract, period=OCT).baseline_cost == Decimal("40.00")
    client.force_login(ops_user)
    form = client.get("/baselines/add/", {"process": process.pk}).content.decode()
    assert "From cost and units per FTE-month" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/baselines/add/",
            {
                "process": process.pk,
                "valid_from": "2026-10-01",
                "currency": "USD",
                "method": "fte",
                "cost_per_unit": "",
                "cost_per_fte_month": "3000.00",
                "units_per_fte_month": "800",
                "note": "Wage round 2026",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    revision = ProcessBaseline.objects.get(process=process)
    # 3,000.00 per FTE-month ÷ 800 calls per FTE-month = 3.75 a call
    assert revision.cost_per_unit == Decimal("3.7500") and revision.is_derived
    # October: 10 calls × 3.75 = 37.50 (the revision applies from its date on); September keeps 4.00
    assert SavingsResult.objects.get(contract=contract, period=OCT).baseline_cost == Decimal("37.50")

    page = client.get(process.get_absolute_url()).content.decode()
    assert "data-baseline-revision" in page and "data-baseline-original" in page
    assert "3.75 USD" in page and "3,000.00 USD per FTE-month" in page and "Wage round 2026" in page
    assert "4.00 USD" in page  # the original
    assert "created by ops-user" in page  # the revision's history
    detail = client.get(revision.get_detail_url()).content.decode()
    assert "History" in detail and "derived" in detail


def test_the_baseline_form_needs_what_its_method_uses(contract, client, ops_user):
    process = contract.processes.get()
    client.force_login(ops_user)
    derived = client.post(
        "/baselines/add/",
        {
            "process": process.pk,
            "valid_from": "2026-11-01",
            "currency": "USD",
            "method": "fte",
            "cost_per_fte_month": "3000",
        },
    )
    assert derived.status_code == 200 and "Needed to derive the cost per unit." in derived.content.decode()
    direct = client.post(
        "/baselines/add/", {"process": process.pk, "valid_from": "2026-11-01", "currency": "USD", "method": "direct"}
    )
    assert "Give the cost per unit" in direct.content.decode()
    ok = client.post(
        "/baselines/add/",
        {
            "process": process.pk,
            "valid_from": "2026-11-01",
            "currency": "USD",
            "method": "direct",
            "cost_per_unit": "4.5",
            "cost_per_fte_month": "999",  # ignored: the cost is given directly
            "units_per_fte_month": "10",
        },
    )
    assert ok.status_code == 302
    revision = ProcessBaseline.objects.get(process=process)
    assert revision.cost_per_unit == Decimal("4.5000") and not revision.is_derived


def test_the_savings_page_and_api_filter_by_reference(contract, client, viewer_user, viewer_api):
    other = ContractFactory(reference="MSA-OTHER", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    recompute_savings(contract_id=other.pk)
    client.force_login(viewer_user)
    page = client.get("/savings/", {"contract": "MSA-BL", "provider": "Baseline Partners"})
    assert page.status_code == 200
    text = page.content.decode()
    assert ">MSA-BL</a>" in text and ">MSA-OTHER</a>" not in text
    assert "10 (handled items)" in text  # the billable volume names its basis
    body = viewer_api.get("/api/v1/savings/", {"contract": "MSA-BL", "provider": "Baseline Partners"}).json()
    assert body["count"] > 0 and {r["contract"] for r in body["results"]} == {"MSA-BL"}
    assert viewer_api.get("/api/v1/savings/", {"process": contract.processes.get().name}).json()["count"] > 0
    assert viewer_api.get("/api/v1/savings/", {"contract": "MSA-NOPE"}).status_code == 400


def test_the_savings_page_shows_the_rate_used_and_a_missing_rate(contract, client, viewer_user):
    contract.currency = "EUR"
    contract.save()
    recompute_savings(contract_id=contract.pk, months=[OCT])
    client.force_login(viewer_user)
    page = client.get("/savings/", {"contract": "MSA-BL"}).content.decode()
    assert "data-missing-rate" in page and "No exchange rate to USD for EUR" in page
    ExchangeRate.objects.create(date=dt.date(2026, 10, 31), currency="EUR", rate=Decimal("1.10"))
    recompute_savings(contract_id=contract.pk, months=[OCT])
    page = client.get("/savings/", {"contract": "MSA-BL", "status": "ok"}).content.decode()
    assert "1 EUR = 1.1 USD" in page and "data-missing-rate" not in page
    panel = client.get(contract.get_absolute_url()).content.decode()
    assert "1 EUR = 1.1 USD" in panel


def test_the_charges_breakdown_names_the_amount_used_and_the_billing_basis():
    breakdown = {
        "pricing_model": "per_unit",
        "units": "10",
        "unit_price": "2",
        "variable": "20.00",
        "computed": "20.00",
        "invoiced": "21.00",
        "difference": "1.00",
        "source": "invoiced",
        "taken_from": "invoice INV-7",
        "amount": "21.00",
        "currency": "USD",
    }
    rows = dict(charges_rows(breakdown, "USD", "offered"))
    assert rows["Amount used"] == "invoice INV-7"
    assert rows["Billing basis (volume priced)"] == "offered items (handled + abandoned)"
    rows = dict(charges_rows({**breakdown, "billing_basis": "handled"}, "USD", "offered"))
    assert rows["Billing basis (volume priced)"] == "handled items"  # as stored when computed
