"""One consistent API: filters take what responses show, anything not understood is a 400
naming it (one error shape), ordering is strict and documented, cursors walk large lists,
routes take references, and the schema documents every error a route can answer."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportLayout
from slas import services
from slas.models import ComplianceResult
from tests.factories import (
    CertificationFactory,
    ContactFactory,
    ContractFactory,
    ProcessFactory,
    ProviderFactory,
    ServiceLevelFactory,
)
from vendors.models import Provider

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
AFTER_OCT = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


def _error(response, parameter: str) -> dict:
    """The response is the API's one 400 shape and names ``parameter``."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and parameter in body["detail"]
    assert parameter in body["errors"] and all(isinstance(m, str) for m in body["errors"][parameter])
    return body


# --- filters accept what responses show -------------------------------------------------


def test_contract_filter_takes_the_reference(ops_api):
    first = ServiceLevelFactory(contract=ContractFactory(reference="MSA-2025-001"))
    ServiceLevelFactory()
    for url in (
        "/api/v1/service-levels/?contract=MSA-2025-001",
        f"/api/v1/service-levels/?contract={first.contract_id}",
        "/api/v1/service-levels/?contract=msa-2025-001",
    ):
        assert [s["id"] for s in ops_api.get(url).json()["results"]] == [first.pk], url
    _error(ops_api.get("/api/v1/service-levels/?contract=NOPE-1"), "contract")


def test_contract_filter_by_reference_on_compliance_and_reports(ops_api):
    sla = ServiceLevelFactory(contract=ContractFactory(reference="MSA-Q"))
    other = ServiceLevelFactory()
    for level in (sla, other):
        services.recompute_compliance(contract=level.contract, month=OCT, now=AFTER_OCT)
    results = ops_api.get("/api/v1/compliance/?contract=MSA-Q").json()["results"]
    assert results and {r["contract"] for r in results} == {"MSA-Q"}
    assert ops_api.get("/api/v1/reports/?contract=MSA-Q").status_code == 200


def test_provider_filter_takes_the_name(ops_api):
    contract = ContractFactory(provider=ProviderFactory(name="Manila Care"))
    ContractFactory()
    sla = ServiceLevelFactory(contract=contract)
    ContactFactory(provider=contract.provider, name="Ana")
    CertificationFactory(provider=contract.provider)
    ContactFactory()
    refs = lambda url: [c["reference"] for c in ops_api.get(url).json()["results"]]  # noqa: E731
    assert refs("/api/v1/contracts/?provider=Manila Care") == [contract.reference]
    assert refs("/api/v1/contracts/?provider=manila%20care") == [contract.reference]
    assert refs(f"/api/v1/contracts/?provider={contract.provider_id}") == [contract.reference]
    assert [s["id"] for s in ops_api.get("/api/v1/service-levels/?provider=Manila Care").json()["results"]] == [sla.pk]
    assert [c["name"] for c in ops_api.get("/api/v1/contacts/?provider=Manila Care").json()["results"]] == ["Ana"]
    assert ops_api.get("/api/v1/certifications/?provider=Manila Care").json()["count"] == 1
    assert ops_api.get("/api/v1/processes/?provider=Manila Care").json()["count"] == 1
    _error(ops_api.get("/api/v1/contracts/?provider=Nobody Ltd"), "provider")


def test_q_searches_compliance_results(ops_api):
    care = ServiceLevelFactory(
        contract=ContractFactory(reference="MSA-CARE", provider=ProviderFactory(name="Cebu Care")),
        name="Answer in 20 s",
    )
    other = ServiceLevelFactory(
        contract=ContractFactory(reference="MSA-OTHER"),
        metric="aht",
        parameters={},
        expected_level=300,
        minimum_level=360,
    )
    for level in (care, other):
        services.recompute_compliance(contract=level.contract, month=OCT, now=AFTER_OCT)
    assert ComplianceResult.objects.count() >= 2

    def contracts(q: str) -> set[str]:
        return {r["contract"] for r in ops_api.get(f"/api/v1/compliance/?q={q}").json()["results"]}

    assert contracts("cebu") == {"MSA-CARE"}
    assert contracts("msa-other") == {"MSA-OTHER"}
    assert contracts("answer in") == {"MSA-CARE"}
    assert contracts("aht") == {"MSA-OTHER"}
    assert contracts("handle time") == {"MSA-OTHER"}
    assert contracts(care.process.name) == {"MSA-CARE"}


# --- 400 naming the parameter, never a silent or HTML answer ----------------------------


def test_unknown_query_parameter_is_a_400_naming_it(ops_api):
    ProviderFactory()
    _error(ops_api.get("/api/v1/providers/?bogus=1"), "bogus")
    _error(ops_api.get("/api/v1/contracts/?contarct=MSA-1"), "contarct")
    _error(ops_api.get("/api/v1/compliance/?bogus=1"), "bogus")
    _error(ops_api.get("/api/v1/metrics/?bogus=1"), "bogus")
    _error(ops_api.get("/api/v1/sla-status/?bogus=1"), "bogus")
    assert ops_api.get("/api/v1/sla-status/?metric=aht").status_code == 200  # its FilterSet's fields are read
    contract = ContractFactory()
    _error(ops_api.get(f"/api/v1/contracts/{contract.pk}/credits/?month=2026-10&bogus=1"), "bogus")
    # what a view does read is still accepted
    assert ops_api.get("/api/v1/providers/?q=x&status=active&ordering=name&page=1&page_size=5").status_code == 200
    assert ops_api.get("/api/v1/providers/?format=json").status_code == 200


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=abc", "page"),
        ("page=4%C2%B3", "page"),
        ("page=999", "page"),
        ("page=0", "page"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("ordering=bogus", "ordering"),
        ("ordering=name,-bogus", "ordering"),
        ("pagination=pages", "pagination"),
        ("pagination=cursor&cursor=not-a-cursor", "cursor"),
        ("pagination=cursor&ordering=name", "ordering"),
    ],
)
def test_malformed_list_parameters_are_a_400_naming_them(ops_api, query, parameter):
    ProviderFactory()
    _error(ops_api.get(f"/api/v1/providers/?{query}"), parameter)


def test_malformed_filter_value_is_a_400_naming_it(ops_api):
    _error(ops_api.get("/api/v1/compliance/?period_from=1999-13"), "period_from")
    body = _error(ops_api.get("/api/v1/compliance/?period_to=%25s%25d"), "period_to")
    assert "%s%d" in body["errors"]["period_to"][0]
    _error(ops_api.get("/api/v1/contracts/?ends_before=someday"), "ends_before")


def test_every_error_has_the_one_shape(api_client, viewer_api, ops_api):
    provider = ProviderFactory()
    for response in (
        api_client.get("/api/v1/providers/"),  # 401
        viewer_api.delete(f"/api/v1/providers/{provider.pk}/"),  # 403
        ops_api.get("/api/v1/providers/999999/"),  # 404
        ops_api.get("/api/v1/contracts/NOPE-1/"),  # 404
    ):
        assert response.status_code in (401, 403, 404)
        assert set(response.json()) == {"detail"} and isinstance(response.json()["detail"], str)
    body = ops_api.post("/api/v1/providers/", {"name": ""}, format="json").json()
    assert set(body) == {"detail", "errors"} and "name" in body["errors"]


def test_ordering_by_an_offered_field_still_works(ops_api):
    ProviderFactory(name="B")
    ProviderFactory(name="A")
    names = [p["name"] for p in ops_api.get("/api/v1/providers/?ordering=-name").json()["results"]]
    assert names == ["B", "A"]


def test_a_clients_ordering_ends_on_the_id_so_ties_keep_their_place_between_pages(ops_api):
    """Eleven providers with one status: ordered by status, page by page, each appears once, by id."""
    made = [ProviderFactory(name=f"Tie {n:02d}", status="active") for n in (7, 3, 9, 1, 5, 10, 2, 8, 4, 6, 0)]
    # Rewritten newest first: PostgreSQL then reads the table against the ids' order, so only
    # a tiebreaker gives the ids' order back.
    for provider in reversed(made):
        Provider.objects.filter(pk=provider.pk).update(name=provider.name)
    for order in ("status", "-status"):
        seen = []
        for page in (1, 2, 3):
            body = ops_api.get(f"/api/v1/providers/?ordering={order}&page_size=4&page={page}").json()
            seen += [p["name"] for p in body["results"]]
        assert seen == [p.name for p in sorted(made, key=lambda p: p.pk)]


def test_a_browser_tables_sort_ends_on_the_id_so_ties_keep_their_place_between_pages(client, ops_user):
    """The page's rows are read ordered by the column, then the id (whatever order the
    database happens to give ties today: the provider list's grouping gives the ids' order)."""
    made = [ProviderFactory(name=f"Tie {n:02d}", status="active") for n in range(30)]
    client.force_login(ops_user)
    for sort in ("status", "-status"):
        with CaptureQueriesContext(connection) as queries:
            pages = [client.get(f"/providers/?sort={sort}&page={page}").content.decode() for page in (1, 2)]
        listed = [q["sql"] for q in queries if 'FROM "vendors_provider"' in q["sql"] and "LIMIT" in q["sql"]]
        assert listed and all(
            re.search(r'ORDER BY "vendors_provider"\."status" (ASC|DESC), "vendors_provider"\."id" ASC', sql)
            for sql in listed
        ), listed
        seen = [name for page in pages for name in re.findall(r"Tie \d\d", page)]
        assert seen == [p.name for p in made]


def test_browser_list_with_a_bad_page_shows_a_page_and_says_so(client, ops_user):
    for n in range(30):
        ProviderFactory(name=f"P{n:02d}")
    client.force_login(ops_user)
    for page, said in (("abc", "not a page number"), ("999", "There is no page 999")):
        response = client.get(f"/providers/?page={page}")
        assert response.status_code == 200
        assert said in response.content.decode()
    assert client.get("/providers/?page=2").status_code == 200


# --- cursor pagination ------------------------------------------------------------------


def test_cursor_pagination_walks_every_row_once(ops_api):
    made = {ProviderFactory().pk for _ in range(7)}
    url = "/api/v1/providers/?pagination=cursor&page_size=3"
    seen: list[int] = []
    pages = 0
    while url:
        body = ops_api.get(url).json()
        assert "count" not in body and set(body) == {"next", "previous", "results"}
        seen += [p["id"] for p in body["results"]]
        url, pages = body["next"], pages + 1
        if pages == 2:
            ProviderFactory(name="Added while walking")  # a cursor does not shift
    assert pages == 3
    assert seen == sorted(seen) and set(seen) >= made and len(seen) == len(set(seen))
    # the default stays page numbers, with a count
    assert ops_api.get("/api/v1/providers/?page_size=3").json()["count"] == 8


# --- references in routes ---------------------------------------------------------------


def test_contract_routes_take_the_reference(ops_api):
    contract = ContractFactory(reference="MSA-2025-001")
    by_ref = ops_api.get("/api/v1/contracts/MSA-2025-001/")
    assert by_ref.status_code == 200 and by_ref.json()["id"] == contract.pk
    assert ops_api.get(f"/api/v1/contracts/{contract.pk}/").json()["reference"] == "MSA-2025-001"
    dotted = ContractFactory(reference="SOW.7")
    assert ops_api.get("/api/v1/contracts/SOW.7/").json()["id"] == dotted.pk
    assert ops_api.patch("/api/v1/contracts/MSA-2025-001/", {"title": "Renamed"}, format="json").status_code == 200
    assert ops_api.get("/api/v1/contracts/MSA-2025-001/credits/?month=2026-10").status_code == 200
    assert ops_api.get("/api/v1/contracts/NOPE/credits/?month=2026-10").status_code == 404


# --- layout versions are paginated like every list -------------------------------------


def test_layout_versions_endpoint_is_paginated(ops_api):
    layout = ReportLayout.objects.filter(versions__isnull=False).first()
    assert layout is not None
    body = ops_api.get(f"/api/v1/report-layouts/{layout.pk}/versions/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == layout.versions.count() and body["results"][0]["number"] >= 1


# --- the schema -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    import yaml

    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    return yaml.safe_load(out.read_text())


def test_schema_documents_every_error_in_one_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = set(operation["responses"])
            public = not operation.get("security")  # e.g. the token endpoint: no credentials asked
            expected = {"400", "429"} | (set() if public else {"401", "403"}) | ({"404"} if "{" in path else set())
            assert expected <= codes, (method, path, codes)
            for code in expected:
                content = operation["responses"][code]["content"]["application/json"]["schema"]
                assert content["$ref"] == "#/components/schemas/ErrorResponse"
    upload = schema["paths"]["/api/v1/reports/"]["post"]["responses"]
    assert {"409", "413"} <= set(upload)
    assert upload["409"]["content"]["application/json"]["schema"]["$ref"].endswith("DuplicateErrorResponse")


def test_schema_names_the_ordering_fields_and_reference_lookups(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/providers/"]["get"]["parameters"]}
    assert set(parameters["ordering"]["schema"]["items"]["enum"]) >= {"name", "-name", "status", "-created_at"}
    assert parameters["pagination"]["schema"]["enum"] == ["page", "cursor"]
    contract_id = schema["paths"]["/api/v1/contracts/{id}/"]["get"]["parameters"][0]
    assert contract_id["schema"]["type"] == "string" and "reference" in contract_id["description"]
    compliance = {p["name"]: p for p in schema["paths"]["/api/v1/compliance/"]["get"]["parameters"]}
    assert compliance["contract"]["schema"]["items"]["type"] == "string" and "q" in compliance


def test_filter_labels_are_words_a_manager_uses(client, ops_user):
    client.force_login(ops_user)
    for name in (
        "vendors:provider_list",
        "vendors:contact_list",
        "vendors:certification_list",
        "contracts:contract_list",
        "contracts:process_list",
        "slas:servicelevel_list",
        "slas:complianceresult_list",
        "reports:reportlayout_list",
        "reports:vendorreport_list",
    ):
        page = client.get(reverse(name)).content.decode()
        labels = re.findall(r"<label[^>]*>([^<]+)</label>", page)
        assert labels, name
        for label in labels:
            assert not re.search(r"\b(lte|gte|icontains|exact|in)\b|__", label), (name, label)
    page = client.get(reverse("contracts:contract_list")).content.decode()
    assert "Ends on or before" in page and "Pricing model" in page


def test_process_filter_takes_the_name(ops_api):
    process = ProcessFactory(name="Inbound voice")
    contract = ContractFactory(processes=[process])
    ContractFactory()
    assert [c["id"] for c in ops_api.get("/api/v1/contracts/?process=Inbound voice").json()["results"]] == [contract.pk]


def test_a_nul_character_in_a_keyed_filter_is_a_400_not_a_500(ops_api):
    _error(ops_api.get("/api/v1/service-levels/?process=a%00b"), "process")
    _error(ops_api.get("/api/v1/reports/?contract=a%00b"), "contract")


def test_an_unmatched_api_url_is_a_json_404(ops_api):
    response = ops_api.get("/api/v1/categories/0.5/")
    assert response.status_code == 404 and response.json() == {"detail": "No API endpoint at /api/v1/categories/0.5/."}
    assert ops_api.get("/api/v1/nothing-here/").json()["detail"].startswith("No API endpoint")
    assert ops_api.get("/api/v1/providers").status_code == 301  # APPEND_SLASH still redirects


def test_digits_that_are_not_ascii_are_a_key_not_an_id(ops_api):
    _error(ops_api.get("/api/v1/reports/?process=4%C2%B3"), "process")
    assert ops_api.get("/api/v1/contracts/4%C2%B3/").status_code == 404
    _error(ops_api.get("/api/v1/contracts/?provider=99999999999999999999999"), "provider")
    assert ops_api.get("/api/v1/contracts/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/compliance/", "/api/v1/savings/", "/api/v1/invoices/"])
def test_a_period_that_ends_before_it_starts_is_a_400_naming_period_to(viewer_api, path):
    response = viewer_api.get(path, {"period_from": "2026-05", "period_to": "2026-03"})
    assert response.status_code == 400
    assert "period_to" in response.json()["errors"]


def test_credits_for_a_month_outside_the_term_is_a_400_naming_the_term(viewer_api):
    from tests.factories import ContractFactory

    contract = ContractFactory(reference="MSA-TERM", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    inside = viewer_api.get(f"/api/v1/contracts/{contract.reference}/credits/", {"month": "1999-02"})
    assert inside.status_code == 200
    for month in ("1900-01", "2026-11"):
        outside = viewer_api.get(f"/api/v1/contracts/{contract.reference}/credits/", {"month": month})
        assert outside.status_code == 400
        assert "runs 1999-01-01 to 1999-12-31" in outside.json()["errors"]["month"][0]


def test_yes_no_filters_offer_any_rather_than_unknown(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get("/compliance/").content.decode()
    assert ">Any</option>" in page and ">Unknown</option>" not in page
