"""REST API for reports and layouts: upload (202), status, files, errors, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import ReportLayout, VendorReport
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return ContractFactory(reference="MSA-API")


def _post(client, content: bytes, name="october.csv", **fields):
    data = {"file": SimpleUploadedFile(name, content), "contract": "MSA-API", "month": "2026-10", **fields}
    return client.post("/api/v1/reports/", data, format="multipart")


def test_upload_answers_202_with_the_report_url_and_imports(contract, ops_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(ops_api, canonical_csv([work_item(n) for n in range(20)]))
    assert response.status_code == 202, response.json()
    body = response.json()
    assert response["Location"] == body["url"] and body["url"].endswith(f"/api/v1/reports/{body['id']}/")
    status = ops_api.get(body["url"]).json()
    assert status["status"] == "completed"
    assert status["progress"] == {**status["progress"], "percent": 100, "finished": True, "rows_accepted": 20}
    assert (status["rows_read"], status["rows_accepted"], status["rows_rejected"]) == (20, 20, 0)
    assert status["period_start"] == "2026-10-01" and status["period_end"] == "2026-10-31"
    original = ops_api.get(status["file_url"])
    assert b"".join(original.streaming_content).startswith(b"item_id,")


def test_rejected_rows_download(contract, ops_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(ops_api, canonical_csv([work_item(1), work_item(2, outcome="??")]))
    status = ops_api.get(response.json()["url"]).json()
    assert status["status"] == "failed"
    assert status["errors"][0]["row"] == 3 and status["errors"][0]["column"] == "outcome"
    csv_text = b"".join(ops_api.get(status["rejected_rows_url"]).streaming_content).decode()
    assert csv_text.splitlines()[0] == "row,column,value,reason,raw_row"
    assert csv_text.splitlines()[1].startswith("3,outcome,??,")


def test_duplicate_upload_is_409_with_a_link_to_the_first(contract, ops_api, django_capture_on_commit_callbacks):
    content = canonical_csv([work_item(1)])
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(ops_api, content).json()
    response = _post(ops_api, content)
    assert response.status_code == 409
    assert response.json()["existing"] == first["url"]


def test_oversized_upload_is_413(contract, ops_api, settings):
    settings.REPORT_MAX_UPLOAD_BYTES = 50
    response = _post(ops_api, canonical_csv([work_item(n) for n in range(10)]))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_bad_fields_are_400_naming_them(contract, ops_api):
    response = _post(ops_api, canonical_csv([work_item(1)]), month="2026-13")
    assert response.status_code == 400 and "month" in response.json()["errors"]
    response = ops_api.post("/api/v1/reports/", {"contract": "NOPE", "month": "2026-10"}, format="multipart")
    assert response.status_code == 400 and {"file", "contract"} <= set(response.json()["errors"])


def test_viewer_cannot_upload_but_can_read(contract, viewer_api):
    assert _post(viewer_api, canonical_csv([work_item(1)])).status_code == 403
    assert viewer_api.get("/api/v1/reports/").status_code == 200


def test_report_filters(contract, ops_api, imported):
    imported(contract, canonical_csv([work_item(1)]))
    other = imported(ContractFactory(reference="OTHER"), canonical_csv([work_item(1, outcome="x")]))
    assert other.status == "failed"
    results = ops_api.get("/api/v1/reports/?status=failed").json()["results"]
    assert [r["id"] for r in results] == [other.pk]
    results = ops_api.get(f"/api/v1/reports/?contract={contract.pk}").json()["results"]
    assert len(results) == 1 and results[0]["status"] == "completed"


def test_layout_api_creates_versions_and_validates(contract, ops_api):
    config = {
        "kind": "work_items",
        "delimiter": "|",
        "fields": {
            "item_id": {"column": "Ticket"},
            "received_at": {"column": "Opened", "format": "%d/%m/%Y %H:%M"},
            "outcome": {"constant": "handled"},
        },
    }
    response = ops_api.post(
        "/api/v1/report-layouts/",
        {"provider": contract.provider_id, "name": "Pipe export", "kind": "work_items", "config": config},
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = response.json()["url"]
    assert response.json()["current_version"]["number"] == 1
    config["fields"]["channel"] = {"constant": "email"}
    assert ops_api.patch(url, {"config": config}, format="json").json()["current_version"]["number"] == 2
    versions = ops_api.get(url + "versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]

    bad = ops_api.patch(
        url,
        {"config": {"kind": "work_items", "fields": {"outcome": {"column": "o", "map": {"X": "won"}}}}},
        format="json",
    )
    assert bad.status_code == 400 and "config" in bad.json()["errors"]


def test_builtin_layouts_exist_and_cannot_be_changed(ops_api):
    builtin = ReportLayout.objects.get(name="Canonical work items")
    assert builtin.is_builtin and builtin.current_version.number == 1
    response = ops_api.patch(f"/api/v1/report-layouts/{builtin.pk}/", {"description": "x"}, format="json")
    assert response.status_code == 400


def test_schema_still_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_report_status_constant_queries(contract, ops_api, imported, django_assert_max_num_queries):
    for n in range(3):
        imported(contract, canonical_csv([work_item(n, wait_seconds=str(n))]))
    with django_assert_max_num_queries(8):
        assert ops_api.get("/api/v1/reports/").status_code == 200
    assert VendorReport.objects.count() == 3
