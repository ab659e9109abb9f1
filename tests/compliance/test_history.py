"""History visible: a contract whose term lies in the past (the bank's February 1999) shows its months.

The contract and its data: ``bank_1999`` in tests/compliance/conftest.py. Nothing here assumes
today lies in the data.
"""

import datetime as dt
import re

import pytest

from slas.models import ComplianceResult
from tests.factories import ServiceLevelFactory

pytestmark = pytest.mark.django_db

FEB, MAR = dt.date(1999, 2, 1), dt.date(1999, 3, 1)


def _rows(body: dict) -> dict[str, dict]:
    return {row["name"].split(" ")[0]: row for row in body["results"] if row["contract"] == "BANK-1999"}


# --- GET /api/v1/sla-status/ ------------------------------------------------------------------------


def test_sla_status_of_a_1999_contract_defaults_to_its_last_months_with_data(bank_1999, viewer_api):
    rows = _rows(viewer_api.get("/api/v1/sla-status/").json())
    strict = rows["Strict"]
    assert strict["period"] == "1999-03-01" and strict["status"] == "met" and strict["actual"] == 100.0
    assert [(p["period"], p["status"]) for p in strict["trend"]] == [("1999-02-01", "breached"), ("1999-03-01", "met")]
    assert rows["Easy"]["trend"][0]["actual"] == pytest.approx(54.891304, abs=1e-5)


def test_sla_status_period_from_and_to_choose_the_months(bank_1999, viewer_api):
    rows = _rows(viewer_api.get("/api/v1/sla-status/?period_from=1999-02&period_to=1999-02").json())
    assert rows["Strict"]["period"] == "1999-02-01" and rows["Strict"]["status"] == "breached"
    assert [p["period"] for p in rows["Strict"]["trend"]] == ["1999-02-01"]
    # the whole term: every month computed, the latest inside it is December (no data)
    rows = _rows(viewer_api.get("/api/v1/sla-status/?period_from=1999-01&period_to=1999-12").json())
    assert len(rows["Easy"]["trend"]) == 11 and rows["Easy"]["period"] == "1999-12-01"
    assert rows["Easy"]["status"] == "no_data"
    # one bound alone: twelve months up to it
    rows = _rows(viewer_api.get("/api/v1/sla-status/?period_to=1999-02").json())
    assert rows["Easy"]["period"] == "1999-02-01"


def test_sla_status_filters_on_the_status_of_the_latest_month_in_the_period(bank_1999, viewer_api):
    ServiceLevelFactory(name="Other")  # another contract, no results: no_data
    default = viewer_api.get("/api/v1/sla-status/?status=breached").json()
    assert default["count"] == 0  # Strict is met in March, the latest month with data
    body = viewer_api.get("/api/v1/sla-status/?status=breached&period_to=1999-02").json()
    assert [row["name"].split(" ")[0] for row in body["results"]] == ["Strict"]
    body = viewer_api.get("/api/v1/sla-status/?status=met").json()
    assert sorted(row["name"].split(" ")[0] for row in body["results"]) == ["Easy", "Strict"]
    body = viewer_api.get("/api/v1/sla-status/?status=no_data").json()
    assert [row["name"] for row in body["results"]] == ["Other"]
    body = viewer_api.get("/api/v1/sla-status/?status=met&status=breached&period_from=1999-02&period_to=1999-02")
    assert body.json()["count"] == 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("period_from=1999-13", "period_from"),
        ("period_to=February", "period_to"),
        ("period_from=1999-03&period_to=1999-02", "period_to"),
        ("status=late", "status"),
    ],
)
def test_sla_status_malformed_period_answers_400_naming_the_parameter(bank_1999, viewer_api, query, parameter):
    response = viewer_api.get(f"/api/v1/sla-status/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_sla_status_parameters_are_in_the_schema(viewer_api):
    schema = viewer_api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/sla-status/"]["get"]["parameters"]}
    assert {"period_from", "period_to", "status", "provider", "contract", "metric", "q"} <= set(parameters)
    assert "no_data" in parameters["status"]["schema"]["items"]["enum"]


# --- the contract page ------------------------------------------------------------------------------


def test_contract_page_of_a_1999_contract_shows_its_results_and_charts(bank_1999, client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(bank_1999.get_absolute_url()).content.decode()
    assert page.count('data-sla-chart="sla-chart-') == 2
    assert '"labels": ["1999-01", "1999-02", "1999-03"]' in page  # the chart's months: the term's start to March
    assert "Showing 1999-01 – 1999-03" in page
    strict = ComplianceResult.objects.get(service_level__name="Strict", period=MAR)
    latest = (
        f'<a href="{strict.get_absolute_url()}">100.00 %</a> <span class="text-body-secondary small">1999-03</span>'
    )
    assert latest in page
    assert re.search(r"<td>1999-03</td><td>[\d,.]+ [A-Z]{3}</td>", page)  # March's credit statement


def test_contract_page_period_picker_chooses_and_is_bounded_to_the_term(bank_1999, client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(f"{bank_1999.get_absolute_url()}?period_from=1999-02&period_to=1999-02").content.decode()
    assert 'type="month"' in page and 'min="1999-01"' in page and 'max="1999-12"' in page
    assert '"labels": ["1999-02"]' in page
    strict = ComplianceResult.objects.get(service_level__name="Strict", period=FEB)
    assert f'<a href="{strict.get_absolute_url()}">' in page and "Breached" in page
    assert "<td>1999-03</td>" not in page  # March's statement is outside the period

    page = client.get(f"{bank_1999.get_absolute_url()}?period_from=1998-06&period_to=1999-02").content.decode()
    assert "1998-06 is outside the contract&#x27;s term (1999-01 – 1999-12)" in page
    assert "Showing 1999-01 – 1999-03" in page  # the default period instead

    page = client.get(f"{bank_1999.get_absolute_url()}?period_from=1999-13").content.decode()
    assert "is not a month; use YYYY-MM" in page and 'role="alert"' in page


# --- the result page and times ----------------------------------------------------------------------


def test_result_page_names_and_links_provider_contract_service_level_and_month(bank_1999, client, viewer_user):
    result = ComplianceResult.objects.get(service_level__name="Strict", period=FEB)
    sla, contract = result.service_level, bank_1999
    client.force_login(viewer_user)
    page = client.get(result.get_absolute_url()).content.decode()
    breadcrumb = page[page.index('<ol class="breadcrumb">') : page.index("</ol>")]
    for link in (contract.provider.get_absolute_url(), contract.get_absolute_url(), sla.get_absolute_url()):
        assert f'href="{link}"' in breadcrumb
    assert 'aria-current="page">1999-02</li>' in breadcrumb
    assert f'href="{contract.get_absolute_url()}?period_from=1999-02&amp;period_to=1999-02"' in page
    assert str(contract.provider) in page and "BANK-1999" in page


def test_times_are_shown_in_the_contracts_zone_with_its_label(bank_1999, client, viewer_user):
    result = ComplianceResult.objects.get(service_level__name="Strict", period=FEB)
    ComplianceResult.objects.filter(pk=result.pk).update(computed_at=dt.datetime(2000, 1, 15, 22, 30, tzinfo=dt.UTC))
    client.force_login(viewer_user)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "2000-01-16 00:30 (Asia/Jerusalem)" in page  # UTC+2

    report = bank_1999.reports.get(original_name="march.csv")
    type(report).objects.filter(pk=report.pk).update(
        created_at=dt.datetime(1999, 4, 2, 6, 5, tzinfo=dt.UTC), started_at=dt.datetime(1999, 4, 2, 6, 6, tzinfo=dt.UTC)
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "1999-04-02 09:05 (Asia/Jerusalem)" in page  # UTC+3 (summer time began 1999-04-02)
    assert "started 1999-04-02 09:06 (Asia/Jerusalem)" in page
    listing = client.get("/reports/").content.decode()
    assert "1999-04-02 09:05 (Asia/Jerusalem)" in listing


def test_dates_have_one_format_across_pages(bank_1999, client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(bank_1999.get_absolute_url()).content.decode()
    assert "1999-01-01 – 1999-12-31" in page  # the term, not "Jan. 1, 1999"
    listing = client.get("/contracts/").content.decode()
    assert "1999-12-31" in listing and "Dec. 31, 1999" not in listing
