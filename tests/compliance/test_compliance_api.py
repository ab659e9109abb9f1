"""Compliance over REST and in the browser: filters, SLA status with trend, credits, evidence."""

import datetime as dt

import pytest

from core.months import month_end
from slas import services
from slas.models import ServiceLevel
from tests.compliance.test_recompute import AFTER_OCT, OCT
from tests.factories import ContractFactory, ServiceLevelFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(imported):
    """Two contracts with results for August to October."""
    contracts = []
    for ref, waits in (("MSA-A", [5] * 10), ("MSA-B", [50] * 10)):
        contract = ContractFactory(reference=ref)
        ServiceLevelFactory(contract=contract, credit_allocation_percent=50)
        ServiceLevelFactory(
            contract=contract,
            metric="asa",
            parameters={},
            expected_level=30,
            minimum_level=45,
            credit_allocation_percent=50,
        )
        for month in (8, 9, 10):
            first = dt.date(2026, month, 1)
            day = f"2026-{month:02d}-03"
            rows = [
                work_item(n, item_id=f"{month}-{n}", wait_seconds=str(w), received_at=f"{day}T09:00:00+00:00")
                for n, w in enumerate(waits)
            ]
            imported(
                contract,
                canonical_csv(rows),
                period=(first, month_end(first)),
                name=f"{ref}-{month}.csv",
            )
        services.recompute_from(contract=contract, month=dt.date(2026, 8, 1), now=AFTER_OCT)
        contracts.append(contract)
    return contracts


def test_compliance_list_filters(portfolio, viewer_api):
    good, _bad = portfolio
    body = viewer_api.get("/api/v1/compliance/?status=breached&period_from=2026-10&period_to=2026-10").json()
    assert {r["contract"] for r in body["results"]} == {"MSA-B"}
    assert all(r["period"] == "2026-10-01" for r in body["results"])
    body = viewer_api.get(f"/api/v1/compliance/?contract={good.pk}&metric=asa").json()
    assert [r["period"] for r in body["results"]] == ["2026-11-01", "2026-10-01", "2026-09-01", "2026-08-01"]
    assert viewer_api.get("/api/v1/compliance/?period_from=October").status_code == 400


def test_chronic_filter(portfolio, viewer_api):
    body = viewer_api.get("/api/v1/compliance/?chronic=true&period_from=2026-10&period_to=2026-10").json()
    assert body["count"] == 2 and {r["contract"] for r in body["results"]} == {"MSA-B"}


def test_sla_status_gives_latest_closed_month_and_trend(portfolio, viewer_api, django_assert_max_num_queries):
    # token, 2 permission reads, the contracts' default windows, count, page, results
    with django_assert_max_num_queries(7):
        body = viewer_api.get("/api/v1/sla-status/?page_size=100").json()
    rows = {(r["contract"], r["metric"]): r for r in body["results"]}
    bad = rows[("MSA-B", "service_level")]
    assert bad["target"] == 80.0 and bad["minimum"] == 75.0
    assert [p["period"] for p in bad["trend"]][:3] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    assert [p["status"] for p in bad["trend"]][:3] == ["breached", "breached", "breached"]
    assert rows[("MSA-A", "service_level")]["trend"][2]["actual"] == 100.0


def test_sla_status_query_count_is_constant(portfolio, viewer_api, django_assert_max_num_queries):
    for n in range(10):
        contract = ContractFactory(reference=f"MSA-X{n}")
        ServiceLevelFactory(contract=contract)
        services.recompute_compliance(contract=contract, month=OCT, now=AFTER_OCT)
    with django_assert_max_num_queries(7):
        assert viewer_api.get("/api/v1/sla-status/?page_size=100").json()["count"] == 14
    with django_assert_max_num_queries(6):
        assert viewer_api.get("/api/v1/compliance/?page_size=200").status_code == 200


def test_contract_credits_endpoint(portfolio, viewer_api):
    bad = portfolio[1]
    body = viewer_api.get(f"/api/v1/contracts/{bad.pk}/credits/?month=2026-10").json()
    statement = body["statement"]
    assert statement["period"] == "2026-10-01" and statement["volume"] == 10
    assert statement["charges"] == "40.00" and statement["at_risk_amount"] == "4.00"
    assert {line["credit_trigger"] for line in body["lines"]} == {"breach"}
    assert sum(float(line["credit_amount"]) for line in body["lines"]) == float(statement["total_credit"])
    assert viewer_api.get(f"/api/v1/contracts/{bad.pk}/credits/").status_code == 400


def test_result_page_explains_and_evidence_downloads(portfolio, client, viewer_user):
    from slas.models import ComplianceResult

    result = ComplianceResult.objects.get(
        service_level__contract=portfolio[1], service_level__metric="service_level", period=OCT
    )
    client.force_login(viewer_user)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "Calls answered within 20 seconds ÷ calls offered × 100" in page
    assert "MSA-B-10.csv" in page and "Breached" in page
    response = client.get(f"/compliance/{result.pk}/work-items.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("item_id,source_row,report_id,channel")
    assert len(lines) == 11 and lines[1].startswith("10-")


def test_dashboard_and_contract_page_show_compliance(portfolio, client, viewer_user):
    client.force_login(viewer_user)
    dashboard = client.get("/").content.decode()
    assert "Breached and at-risk service levels" in dashboard and "MSA-B" in dashboard
    page = client.get(portfolio[1].get_absolute_url()).content.decode()
    assert 'data-sla-chart="sla-chart-' in page and "Service credits" in page
    sla = ServiceLevel.objects.filter(contract=portfolio[1]).first()
    assert "chronic" in client.get(sla.get_absolute_url()).content.decode()


def test_compliance_list_page_filters(portfolio, client, viewer_user):
    client.force_login(viewer_user)
    page = client.get("/compliance/?status=breached", HTTP_HX_REQUEST="true").content.decode()
    assert ">MSA-B<" in page
    assert ">MSA-A<" not in page
