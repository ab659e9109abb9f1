"""Savings stored per contract-month by the recomputation after compliance, on real imports."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.models import ProcessBaseline
from savings.models import ExchangeRate, SavingsResult
from savings.services import recompute_savings
from slas import services as sla_services
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
AFTER_OCT = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


@pytest.fixture
def contract():
    contract = ContractFactory(
        reference="MSA-S1",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        unit_price=Decimal("2.00"),
        retained_monthly_cost=Decimal("3.00"),
        expected_monthly_volume=10,
        expected_savings_percent=Decimal("25"),
    )
    process = contract.processes.get()
    process.baseline_cost_per_unit = Decimal("4.0000")
    process.currency = "USD"
    process.save()
    return contract


def _calls(handled: int, abandoned: int = 0) -> bytes:
    rows = [work_item(n) for n in range(handled)]
    rows += [
        work_item(1000 + n, outcome="abandoned", started_at="", completed_at="", handle_seconds="")
        for n in range(abandoned)
    ]
    return canonical_csv(rows)


def test_an_import_stores_the_months_savings(contract, imported):
    imported(contract, _calls(10, abandoned=2))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    # baseline 10 handled × 4.00 = 40.00; net 10 × 2.00 + 3.00 retained = 23.00; savings 17.00 = 42.50 %
    assert result.status == "ok" and result.volume == 10
    assert result.baseline_cost == Decimal("40.00") and result.net_cost == Decimal("23.00")
    assert result.savings == Decimal("17.00") and result.savings_percent == Decimal("42.50")
    # projected: 10 expected × 4.00 × 25 % = 10.00
    assert result.projected_savings == Decimal("10.00")


def test_months_without_reports_say_no_data_and_only_the_term_is_stored(contract, imported):
    imported(contract, _calls(4))
    stored = recompute_savings(contract_id=contract.pk)
    months = {r.period: r.status for r in stored}
    assert min(months) == dt.date(2026, 1, 1) and max(months) <= dt.date(2026, 12, 1)
    assert months[dt.date(2026, 3, 1)] == "no_data"
    assert not SavingsResult.objects.filter(contract=contract, period__lt=dt.date(2026, 1, 1)).exists()


def test_recomputing_is_idempotent(contract, imported):
    imported(contract, _calls(10))
    first = list(SavingsResult.objects.filter(contract=contract).order_by("period").values("period", "savings"))
    recompute_savings(contract_id=contract.pk, months=[OCT])
    again = list(SavingsResult.objects.filter(contract=contract).order_by("period").values("period", "savings"))
    assert first == again


def test_a_revised_baseline_changes_only_later_months(contract, imported):
    imported(contract, _calls(10))
    before = SavingsResult.objects.get(contract=contract, period=OCT).baseline_cost
    ProcessBaseline.objects.create(
        process=contract.processes.get(), valid_from=dt.date(2026, 11, 1), cost_per_unit=Decimal("9")
    )
    recompute_savings(contract_id=contract.pk)
    assert SavingsResult.objects.get(contract=contract, period=OCT).baseline_cost == before
    ProcessBaseline.objects.create(
        process=contract.processes.get(), valid_from=dt.date(2026, 10, 1), cost_per_unit=Decimal("5")
    )
    recompute_savings(contract_id=contract.pk)
    assert SavingsResult.objects.get(contract=contract, period=OCT).baseline_cost == Decimal("50.00")


def test_a_contract_in_another_currency_needs_a_rate(contract, imported):
    contract.currency = "EUR"
    contract.save()
    imported(contract, _calls(10))
    recompute_savings(contract_id=contract.pk, months=[OCT])
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    assert result.status == "missing_rate" and result.savings is None and "EUR" in result.note
    ExchangeRate.objects.create(date=dt.date(2026, 10, 31), currency="EUR", rate=Decimal("1.10"))
    recompute_savings(contract_id=contract.pk, months=[OCT])
    result.refresh_from_db()
    # net 20.00 + 3.00 EUR = 23.00 EUR → 20.00 × 1.1 = 22.00 + 3.30 = 25.30 USD; 40.00 − 25.30 = 14.70
    assert result.status == "ok" and result.rates == {"EUR": "1.10000000"}
    assert result.net_cost == Decimal("25.30") and result.savings == Decimal("14.70")


def test_the_api_serves_savings_with_totals_in_the_reporting_currency(contract, imported, viewer_api):
    imported(contract, _calls(10))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    body = viewer_api.get("/api/v1/savings/", {"contract": contract.pk, "status": "ok"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["month"] == "2026-10" and row["savings"] == "17.00" and row["currency"] == "USD"
    assert body["totals"]["savings"] == "17.00" and body["totals"]["currency"] == "USD"
    assert body["totals"]["savings_percent"] == 42.5


def test_the_savings_page_and_exports(contract, imported, client, viewer_user):
    imported(contract, _calls(10))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    client.force_login(viewer_user)
    page = client.get("/savings/", {"contract": contract.pk}).content.decode()
    assert "17.00" in page and "data-savings-chart" in page
    csv_text = client.get("/savings/", {"contract": contract.pk, "export": "csv"}).content.decode()
    assert csv_text.splitlines()[0].startswith("month,contract,provider")
    assert "2026-10,MSA-S1" in csv_text
    xlsx = client.get("/savings/", {"contract": contract.pk, "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    contract_page = client.get(contract.get_absolute_url()).content.decode()
    assert "Savings" in contract_page and "17.00" in contract_page


def test_provider_page_dashboard_and_command(contract, imported, client, viewer_user):
    from django.core.management import call_command

    imported(contract, _calls(10))
    call_command("recompute_compliance", contract=contract.reference, stdout=__import__("io").StringIO())
    out = __import__("io").StringIO()
    call_command("recompute_savings", contract=contract.reference, stdout=out)
    assert "MSA-S1" in out.getvalue() and "with figures" in out.getvalue()
    client.force_login(viewer_user)
    provider_page = client.get(contract.provider.get_absolute_url()).content.decode()
    assert "Savings" in provider_page and "MSA-S1" in provider_page
    # The provider's own savings block (not the menu's "Savings" link): its total across contracts.
    assert 'data-panel-body="savings"' in provider_page and "17.00 USD" in provider_page
    dashboard = client.get("/").content.decode()
    assert "data-portfolio-savings" in dashboard and "17.00" in dashboard


def test_the_page_shows_each_months_inputs_and_the_year_to_date(contract, imported, client, viewer_user):
    contract.currency = "EUR"
    contract.save()
    ExchangeRate.objects.create(date=dt.date(2026, 10, 1), currency="EUR", rate=Decimal("1.10"))
    imported(contract, _calls(10))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    client.force_login(viewer_user)
    page = client.get("/savings/", {"contract": contract.pk, "status": "ok"}).content.decode()
    assert "10 × 4.0000 USD" in page and "1 EUR = 1.10000000 USD" in page
    contract_page = client.get(contract.get_absolute_url()).content.decode()
    assert "2026 to date" in contract_page


def test_a_shortened_term_takes_its_later_months_savings_with_it():
    """A 1999 term cut to June: the months after it no longer count (as compliance drops them)."""
    contract = ContractFactory(reference="BANK-1999", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    assert len(recompute_savings(contract_id=contract.pk)) == 12
    contract.end_date = dt.date(1999, 6, 30)
    contract.save()
    recompute_savings(contract_id=contract.pk)
    periods = set(SavingsResult.objects.filter(contract=contract).values_list("period", flat=True))
    assert periods == {dt.date(1999, m, 1) for m in range(1, 7)}


def test_a_terminated_contract_has_no_savings_after_its_last_day_of_service():
    """Retained costs and the business case stop with the service: no months after the termination."""
    from contracts import lifecycle

    contract = ContractFactory(
        reference="MSA-T1", status="active", start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 12, 31)
    )
    lifecycle.transition(
        contract, "terminated", today=dt.date(2026, 11, 29), reason="Provider exits", on=dt.date(2026, 3, 15)
    )
    recompute_savings(contract_id=contract.pk)
    periods = set(SavingsResult.objects.filter(contract=contract).values_list("period", flat=True))
    assert periods == {dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)}


def test_a_contract_that_breaks_even_shows_zero_percent_not_nothing():
    """Savings of exactly 0.00 on a 1999 month are 0 % of the baseline, not a missing figure."""
    from savings.selectors import savings_by_contract

    contract = ContractFactory(reference="EVEN-1999", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    SavingsResult.objects.create(
        contract=contract,
        period=dt.date(1999, 2, 1),
        status="ok",
        reporting_currency="USD",
        volume=10,
        baseline_cost=Decimal("40.00"),
        net_cost=Decimal("40.00"),
        savings=Decimal("0.00"),
        savings_percent=Decimal("0.00"),
        computed_at=AFTER_OCT,
    )
    (row,) = savings_by_contract(SavingsResult.objects.filter(contract=contract))
    assert row["savings"] == Decimal("0.00") and row["savings_percent"] == Decimal("0.00")
