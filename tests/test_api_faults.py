"""Hostile or racing API requests answer 4xx, never 500 (issue 9)."""

import pytest
from django.db import connection, transaction

from contracts.models import Process
from tests.factories import ContractFactory, ServiceLevelFactory
from tests.reports.helpers import canonical_csv, submit, work_item

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    "url",
    ["/api/v1/processes/", "/api/v1/providers/", "/api/v1/service-levels/", "/api/v1/report-layouts/"],
)
def test_a_body_nested_5000_levels_is_a_400(ops_api, url):
    response = ops_api.post(url, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 32 levels" in response.json()["detail"]


def _json_write_operations() -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI schema that takes a JSON body, with ids filled in."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                operations.append((method, path))
    return operations


def test_every_json_endpoint_answers_a_deep_body_with_a_400(ops_api, admin_user):
    """Collection endpoints parse the body at once; on object endpoints the object must exist,
    so each gets one (the id 1 of a fresh sequence is not assumed: the path uses a real id)."""
    from rest_framework.test import APIClient

    sla = ServiceLevelFactory()
    ids = {
        "/api/v1/service-levels/{id}/": sla.pk,
        "/api/v1/processes/{id}/": sla.process_id,
        "/api/v1/contracts/{id}/": sla.contract_id,
        "/api/v1/providers/{id}/": sla.contract.provider_id,
    }
    client = APIClient()
    client.force_authenticate(admin_user)
    checked = 0
    for method, path in _json_write_operations():
        if "{" in path and path not in ids:
            continue
        url = path.replace("{id}", str(ids.get(path, "")))
        response = getattr(client, method)(url, DEEP, content_type="application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        checked += 1
    assert checked >= 8


def test_a_deep_json_string_in_a_form_field_is_a_400(ops_api):
    """Form bodies skip the JSON parser; a JSON field still parses its text."""
    response = ops_api.post(
        "/api/v1/report-layouts/", {"name": "deep", "kind": "work_items", "config": DEEP}, format="multipart"
    )
    assert response.status_code == 400


def test_normal_nesting_still_parses(ops_api):
    contract = ContractFactory()
    payload = {
        "contract": contract.pk,
        "process": contract.processes.first().pk,
        "metric": "service_level",
        "parameters": {"threshold_seconds": 20},
        "expected_level": "80",
        "minimum_level": "70",
        "credit_allocation_percent": "10",  # a critical service level carries a credit
    }
    assert ops_api.post("/api/v1/service-levels/", payload, format="json").status_code == 201


def test_service_level_parameters_given_as_a_list_is_a_400_naming_the_field(ops_api):
    contract = ContractFactory()
    payload = {
        "contract": contract.pk,
        "process": contract.processes.first().pk,
        "metric": "service_level",
        "parameters": [1, 2],
        "expected_level": "80",
        "minimum_level": "70",
    }
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 400
    assert "must be an object" in response.json()["errors"]["parameters"][0]


def test_deleting_a_process_whose_referring_rows_vanish_meanwhile_is_a_409(ops_api):
    """The process delete finds a row protecting it (a vendor report) whose contract another
    request deletes at the same moment: naming the report reads a contract that is gone.

    The other request's delete is made here with SQL in a savepoint of the test's
    transaction; PostgreSQL defers the foreign-key checks, so the process delete meets
    exactly the state a concurrent delete leaves between its steps, and the savepoint is
    rolled back afterwards. (Service levels cannot show it this way: the collector's query
    joins their contract for ordering, so one whose contract is gone is not found.)
    """
    contract = ContractFactory()
    process = contract.processes.first()
    submit(contract, canonical_csv([work_item(1)]))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("DELETE FROM contracts_contract_processes WHERE contract_id = %s", [contract.pk])
            cursor.execute("DELETE FROM contracts_contract WHERE id = %s", [contract.pk])
        response = ops_api.delete(f"/api/v1/processes/{process.pk}/")
        transaction.set_rollback(True)
    assert response.status_code == 409, response.content
    assert "cannot be deleted while these refer to it: vendor report #" in response.json()["detail"]
    assert "try again" in response.json()["detail"]
    assert Process.objects.filter(pk=process.pk).exists()


def test_deleting_a_process_still_referred_to_stays_a_400(ops_api):
    sla = ServiceLevelFactory()
    response = ops_api.delete(f"/api/v1/processes/{sla.process_id}/")
    assert response.status_code == 400
    assert "cannot be deleted" in str(response.json())


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/service-levels/add/", {"metric": "service_level", "parameters": DEEP}),
        ("/report-layouts/add/", {"name": "deep", "kind": "work_items", "config": DEEP}),
    ],
)
def test_a_deep_json_value_in_a_browser_form_is_a_form_error(ops_user, url, data):
    from django.test import Client

    client = Client()
    client.force_login(ops_user)
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"nested more than 32 levels deep" in response.content
