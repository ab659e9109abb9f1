"""Compliance results from imported reports: statuses, idempotence, supersede, claims, credits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.months import month_end
from reports.models import ReportKind
from slas import services
from slas.models import ComplianceResult, CreditStatement, ServiceLevel
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
AFTER_OCT = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


@pytest.fixture
def contract():
    contract = ContractFactory(reference="MSA-C1", unit_price=Decimal("2.00"), at_risk_percent=Decimal("10"))
    process = contract.processes.get()
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="service_level",
        parameters={"threshold_seconds": 20, "variant": "standard", "short_abandon_seconds": 0},
        expected_level=80,
        minimum_level=70,
        credit_allocation_percent=60,
        minimum_sample_size=0,
    )
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="asa",
        parameters={},
        expected_level=30,
        minimum_level=45,
        credit_allocation_percent=40,
        minimum_sample_size=0,
    )
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="aht",
        parameters={},
        expected_level=300,
        minimum_level=360,
        kind="key",
        credit_allocation_percent=0,
        minimum_sample_size=50,
    )
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="uptime",
        parameters={},
        expected_level="99.5",
        minimum_level="99",
        credit_allocation_percent=0,
        kind="key",
    )
    return contract


def _calls(waits: list[float], *, abandoned: int = 0, handle: str = "240") -> bytes:
    rows = [work_item(n, wait_seconds=str(w), handle_seconds=handle) for n, w in enumerate(waits)]
    rows += [
        work_item(1000 + n, outcome="abandoned", wait_seconds="40", started_at="", completed_at="", handle_seconds="")
        for n in range(abandoned)
    ]
    return canonical_csv(rows)


def _results(contract) -> dict[str, ComplianceResult]:
    return {
        r.service_level.metric: r
        for r in ComplianceResult.objects.filter(service_level__contract=contract, period=OCT).select_related(
            "service_level"
        )
    }


def test_results_follow_the_records(contract, imported):
    # 10 handled calls: 7 within 20 s; 0 abandoned → service level 70 % (= minimum: at risk).
    imported(contract, _calls([5, 10, 15, 20, 20, 3, 8, 25, 40, 60]))
    statement = services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    results = _results(contract)
    sl, asa, aht, uptime = results["service_level"], results["asa"], results["aht"], results["uptime"]
    assert sl.actual == pytest.approx(70.0) and sl.sample_size == 10 and sl.status == "at_risk"
    assert asa.actual == pytest.approx(20.6) and asa.status == "met"
    assert aht.status == "insufficient_data"  # 10 items, the SLA needs 50
    assert uptime.status == "no_data" and uptime.source == "vendor_reported"
    assert sl.period_closed and sl.expected_level == 80 and sl.parameters["threshold_seconds"] == 20
    assert statement.volume == 10 and statement.charges == Decimal("20.00")
    assert statement.at_risk_amount == Decimal("2.00") and statement.total_credit == 0


def test_breach_earns_the_credit_with_its_breakdown(contract, imported):
    # 4 of 10 handled within 20 s and 2 abandoned: 4 / 12 = 33.3 % < 70 % minimum → breached.
    imported(contract, _calls([5, 10, 15, 20, 30, 30, 30, 30, 30, 30], abandoned=2))
    statement = services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    sl = _results(contract)["service_level"]
    assert sl.actual == pytest.approx(100 * 4 / 12)
    assert sl.status == "breached" and sl.credit_trigger == "breach"
    # Charges: the contract bills handled calls (the default basis): 10 × 2.00 = 20.00, not
    # the 12 offered; at risk 10 % = 2.00; allocation 60 % → 1.20.
    assert statement.volume == 10 and statement.volumes == {str(contract.processes.get().pk): 10}
    assert statement.charges == Decimal("20.00") and statement.at_risk_amount == Decimal("2.00")
    assert sl.credit_amount == Decimal("1.20") and statement.total_credit == Decimal("1.20")
    assert sl.credit_breakdown["allocation_percent"] in ("60", "60.00", "60.0")
    assert sl.credit_breakdown["at_risk_amount"] == "2.00"


def test_an_offered_basis_bills_abandoned_calls_too(contract, imported):
    contract.billing_basis = "offered"
    contract.save()
    imported(contract, _calls([5, 10, 15, 20, 30, 30, 30, 30, 30, 30], abandoned=2))
    statement = services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    # 12 offered × 2.00 = 24.00
    assert statement.volume == 12 and statement.charges == Decimal("24.00")


def test_a_recorded_invoice_wins_over_the_computed_charges(contract, imported):
    from contracts.models import Invoice

    imported(contract, _calls([5] * 10))
    Invoice.objects.create(contract=contract, period=OCT, amount=Decimal("25.00"), reference="INV-10")
    statement = services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    assert statement.charges == Decimal("25.00") and statement.charges_source == "invoiced"
    assert statement.charges_breakdown["computed"] == "20.00"
    assert statement.charges_breakdown["difference"] == "5.00"


def test_recomputing_twice_changes_nothing(contract, imported):
    imported(contract, _calls([5, 10, 50]))
    services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    first = list(ComplianceResult.objects.order_by("pk").values("pk", "actual", "status", "credit_amount"))
    services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    assert list(ComplianceResult.objects.order_by("pk").values("pk", "actual", "status", "credit_amount")) == first
    assert CreditStatement.objects.filter(contract=contract, period=OCT).count() == 1


def test_import_triggers_recompute_and_a_superseding_report_changes_the_results(contract, imported):
    imported(contract, _calls([50] * 10))
    assert _results(contract)["service_level"].actual == 0.0  # recomputed by the import's signal
    imported(contract, _calls([5] * 10))
    assert _results(contract)["service_level"].actual == 100.0
    assert ComplianceResult.objects.filter(service_level__contract=contract, period=OCT).count() == 4


def test_running_month_is_at_risk_never_breached_and_owes_no_credit_yet(contract, imported):
    imported(contract, _calls([50] * 10))
    statement = services.recompute_compliance(
        contract=contract, month=OCT, now=dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
    )
    sl = _results(contract)["service_level"]
    assert sl.status == "at_risk" and not sl.period_closed
    assert statement.total_credit == 0 and "still running" in statement.note


def test_claims_are_reconciled_and_vendor_reported_metrics_use_them(contract, imported):
    imported(contract, _calls([5, 10, 15, 20, 20, 3, 8, 25, 40, 60]))
    claims = b"metric,period,value\nservice_level,2026-10,82\nasa,2026-10,20.7\nuptime,2026-10,99.7\n"
    imported(contract, claims, kind=ReportKind.KPI_SUMMARY, name="kpi.csv")
    services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    results = _results(contract)
    assert results["service_level"].claimed_value == 82 and results["service_level"].discrepancy  # 12 points off
    assert results["asa"].claimed_value == 20.7 and not results["asa"].discrepancy  # within 1 %
    assert results["uptime"].actual == 99.7 and results["uptime"].status == "met"
    assert results["uptime"].source == "vendor_reported"


def test_consecutive_misses_chronic_and_earn_back_over_months(contract, imported):
    contract.earn_back = True
    contract.save()
    process = contract.processes.get()
    good, at_risk, breach = [5] * 10, [5] * 7 + [50] * 3, [50] * 10
    plan = {7: at_risk, 8: at_risk, 9: at_risk, 10: breach, 11: good, 12: good}
    for month, waits in plan.items():
        first = dt.date(2026, month, 1)
        last = month_end(first)
        day = f"2026-{month:02d}-05"
        rows = [
            work_item(
                n,
                item_id=f"{month}-{n}",
                wait_seconds=str(w),
                received_at=f"{day}T10:00:00+00:00",
                started_at=f"{day}T10:01:00+00:00",
                completed_at=f"{day}T10:05:00+00:00",
            )
            for n, w in enumerate(waits)
        ]
        imported(contract, canonical_csv(rows), period=(first, last), process=process, name=f"m{month}.csv")
    services.recompute_from(contract=contract, month=dt.date(2026, 7, 1), now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC))
    sl = {r.period.month: r for r in ComplianceResult.objects.filter(service_level__metric="service_level")}
    assert [sl[m].status for m in range(7, 13)] == ["at_risk", "at_risk", "at_risk", "breached", "met", "met"]
    assert sl[9].credit_trigger == "consecutive_misses" and sl[9].credit_amount > 0
    assert sl[10].credit_trigger == "breach"
    assert sl[7].credit_amount == 0 and sl[8].credit_amount == 0
    # Earn-back needs 3 met months after the credit: not yet known for October, lost for September.
    assert sl[9].earned_back is False
    assert sl[10].earned_back is None
    # September recomputed on its own (a corrected file, say) keeps what the later months decided
    # of its credit, and its result its id.
    services.recompute_compliance(
        contract=contract, month=dt.date(2026, 9, 1), now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    )
    again = ComplianceResult.objects.get(pk=sl[9].pk)
    assert again.earned_back is False and again.credit_amount == sl[9].credit_amount


def test_recompute_command(contract, imported, capsys):
    imported(contract, _calls([5, 10]))
    ComplianceResult.objects.all().delete()
    call_command("recompute_compliance", "--contract", "MSA-C1", "--month", "2026-10")
    assert ComplianceResult.objects.filter(service_level__contract=contract, period=OCT).count() == 4
    assert "Recomputed" in capsys.readouterr().out


def test_allocation_pool_limit_is_enforced(contract):
    sla = ServiceLevel(
        contract=contract,
        process=contract.processes.get(),
        metric="abandon_rate",
        parameters={},
        expected_level=5,
        minimum_level=8,
        credit_allocation_percent=100,
    )
    contract.credit_pool_limit_percent = 150
    contract.save()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        sla.full_clean()
    assert "above the pool limit of 150" in exc.value.message_dict["credit_allocation_percent"][0]


def test_a_month_without_any_volume_is_not_priced_at_zero(contract):
    statement = services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    assert statement.charges is None and statement.total_credit == 0
    assert "volume" in statement.note


def test_a_database_that_returns_no_ids_from_the_upsert_still_links_the_evidence(contract, imported, monkeypatch):
    """SQLite before 3.35 (Django supports it from 3.31) returns no ids from INSERT … ON CONFLICT:
    the results' ids are read back, so the month's reports are linked to the right results."""
    from django.db import connection

    imported(contract, _calls([5, 10]))
    first = {r.service_level_id: r.pk for r in ComplianceResult.objects.filter(period=OCT)}
    monkeypatch.setattr(connection.features, "can_return_rows_from_bulk_insert", False)
    services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    results = ComplianceResult.objects.filter(period=OCT)
    assert {r.service_level_id: r.pk for r in results} == first  # updated in place
    assert all(r.reports.count() == 1 for r in results)
    # A month recomputed for the first time there: inserted, then linked by the ids read back.
    ComplianceResult.objects.filter(period=OCT).delete()
    services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    assert all(r.reports.count() == 1 for r in ComplianceResult.objects.filter(period=OCT))
