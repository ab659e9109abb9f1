"""REST API: CRUD, filters, ordering, pagination, permissions and the OpenAPI schema."""

import datetime as dt

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from contracts.models import Contract, ServiceCategory
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db


def test_anonymous_requests_are_refused(api_client):
    ProviderFactory()
    response = api_client.get("/api/v1/providers/")
    assert response.status_code == 401
    assert api_client.post("/api/v1/providers/", {"name": "X"}).status_code == 401


def test_provider_crud_by_operations_user(ops_api):
    created = ops_api.post(
        "/api/v1/providers/",
        {"name": "Manila Care", "headquarters_country": "PH", "delivery_countries": ["PH", "VN"], "status": "active"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["delivery_countries"] == ["PH", "VN"]
    url = f"/api/v1/providers/{body['id']}/"

    assert ops_api.get(url).json()["name"] == "Manila Care"
    patched = ops_api.patch(url, {"risk_tier": "high"}, format="json")
    assert patched.status_code == 200 and patched.json()["risk_tier"] == "high"
    assert ops_api.delete(url).status_code == 204
    assert ops_api.get(url).status_code == 404


def test_viewer_can_read_but_not_write(viewer_api):
    provider = ProviderFactory()
    assert viewer_api.get("/api/v1/providers/").status_code == 200
    assert viewer_api.post("/api/v1/providers/", {"name": "Nope", "headquarters_country": "IN"}).status_code == 403
    assert viewer_api.patch(f"/api/v1/providers/{provider.pk}/", {"name": "Renamed"}).status_code == 403
    assert viewer_api.delete(f"/api/v1/providers/{provider.pk}/").status_code == 403


def test_provider_filters_search_and_ordering(ops_api):
    ProviderFactory(name="Alpha Contact", status="active", headquarters_country="PH")
    ProviderFactory(name="Beta Ledger", status="probation", headquarters_country="PL")
    ProviderFactory(name="Gamma Contact", status="probation", headquarters_country="PH")

    names = lambda r: [p["name"] for p in r.json()["results"]]  # noqa: E731
    assert names(ops_api.get("/api/v1/providers/?status=probation&ordering=-name")) == ["Gamma Contact", "Beta Ledger"]
    assert names(ops_api.get("/api/v1/providers/?q=contact&ordering=name")) == ["Alpha Contact", "Gamma Contact"]
    assert names(ops_api.get("/api/v1/providers/?headquarters_country=PL")) == ["Beta Ledger"]


def test_pagination_honours_page_size(ops_api):
    for _ in range(7):
        ProviderFactory()
    page = ops_api.get("/api/v1/providers/?page_size=3&page=2").json()
    assert page["count"] == 7
    assert len(page["results"]) == 3
    assert page["next"] and page["previous"]


def test_contract_create_runs_model_validation(ops_api):
    provider = ProviderFactory()
    process = ProcessFactory()
    payload = {
        "provider": provider.pk,
        "reference": "MSA-9",
        "title": "Care",
        "processes": [process.pk],
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "pricing_model": "per_fte",
        "time_zone": "Asia/Manila",
    }
    response = ops_api.post("/api/v1/contracts/", payload, format="json")
    assert response.status_code == 400
    assert "fte_rate" in response.json()["errors"]

    payload["fte_rate"] = "2100.00"
    payload["fte_count"] = "30"
    response = ops_api.post("/api/v1/contracts/", payload, format="json")
    assert response.status_code == 201, response.json()
    contract = Contract.objects.get(reference="MSA-9")
    assert str(contract.time_zone) == "Asia/Manila"
    assert list(contract.processes.all()) == [process]
    assert response.json()["notice_deadline"] == str(dt.date(2027, 12, 31) - dt.timedelta(days=90))


def test_contract_filters(ops_api):
    first = ContractFactory(status="active", pricing_model="per_unit")
    ContractFactory(status="draft")
    response = ops_api.get(f"/api/v1/contracts/?status=active&provider={first.provider_id}")
    assert [c["reference"] for c in response.json()["results"]] == [first.reference]


def test_service_level_api_rejects_wrong_direction_with_field_error(ops_api):
    contract = ContractFactory()
    payload = {
        "contract": contract.pk,
        "process": contract.processes.first().pk,
        "metric": "asa",
        "expected_level": "30",
        "minimum_level": "20",
        "credit_allocation_percent": "20",
    }
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 400
    assert "better when lower" in response.json()["errors"]["minimum_level"][0]

    payload["minimum_level"] = "45"
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "lower"


def test_service_level_filter_by_metric_and_provider(ops_api):
    sla = ServiceLevelFactory()
    ServiceLevelFactory(metric="aht", parameters={}, expected_level=300, minimum_level=360)
    response = ops_api.get(f"/api/v1/service-levels/?metric=service_level&provider={sla.contract.provider_id}")
    assert [s["id"] for s in response.json()["results"]] == [sla.pk]


def test_categories_are_read_only(ops_api):
    response = ops_api.get("/api/v1/categories/?page_size=100")
    assert response.json()["count"] == ServiceCategory.objects.count() == 10
    assert ops_api.post("/api/v1/categories/", {"code": "x", "name": "X"}).status_code == 405


def test_metric_catalogue_endpoint(viewer_api):
    metrics = {m["code"]: m for m in viewer_api.get("/api/v1/metrics/").json()}
    assert metrics["aht"]["direction"] == "lower"
    assert metrics["service_level"]["parameters"][0]["name"] == "threshold_seconds"
    assert metrics["uptime"]["vendor_reported"] is True


def test_deleting_a_provider_with_contracts_is_a_400_not_a_500(ops_api):
    contract = ContractFactory()
    response = ops_api.delete(f"/api/v1/providers/{contract.provider_id}/")
    assert response.status_code == 400
    assert "cannot be deleted" in str(response.json())


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path, capsys):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(out.read_text())
    validate(schema)
    assert "/api/v1/providers/" in schema["paths"]
    assert "/api/v1/service-levels/{id}/" in schema["paths"]


def test_schema_and_docs_are_served(client, ops_user):
    client.force_login(ops_user)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_token_can_be_created_with_the_documented_command(ops_user, api_client, capsys):
    call_command("drf_create_token", ops_user.username)
    key = capsys.readouterr().out.split()[2]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/providers/").status_code == 200
