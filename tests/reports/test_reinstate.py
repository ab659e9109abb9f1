"""Reinstating a superseded report, and the raw rows of duplicate item ids in the rejected-rows CSV."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import VendorReport, WorkItem
from slas.models import ComplianceResult
from tests.factories import ContractFactory, ServiceLevelFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def contract():
    contract = ContractFactory(reference="MSA-RE")
    ServiceLevelFactory(contract=contract, metric="volume", parameters={}, expected_level=1, minimum_level=1)
    return contract


@pytest.fixture
def replaced(contract, imported):
    """Report ``first`` (10 items) superseded by ``second`` (12 items) for October."""
    first = imported(contract, canonical_csv([work_item(n) for n in range(10)]), name="first.csv")
    second = imported(contract, canonical_csv([work_item(n, wait_seconds="5") for n in range(12)]), name="second.csv")
    first.refresh_from_db()
    assert first.status == VendorReport.Status.SUPERSEDED and second.status == VendorReport.Status.COMPLETED
    return first, second


def _october_sample(contract) -> int:
    return ComplianceResult.objects.get(service_level__contract=contract, period=OCT).sample_size


def test_reinstating_a_superseded_report_restores_it_and_its_items_count(
    contract, replaced, django_capture_on_commit_callbacks
):
    first, second = replaced
    assert _october_sample(contract) == 12
    with django_capture_on_commit_callbacks(execute=True):
        services.report_reinstate(first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == VendorReport.Status.COMPLETED and first.superseded_by is None
    assert first.reinstated_at is not None and first.rows_accepted == 10
    assert second.status == VendorReport.Status.SUPERSEDED and second.superseded_by == first
    assert WorkItem.objects.filter(contract=contract).count() == 10
    assert set(WorkItem.objects.filter(contract=contract).values_list("report_id", flat=True)) == {first.pk}
    assert _october_sample(contract) == 10  # compliance was recomputed from the reinstated rows

    with django_capture_on_commit_callbacks(execute=True):  # and back again
        services.report_reinstate(second)
    assert WorkItem.objects.filter(contract=contract).count() == 12
    assert _october_sample(contract) == 12


def test_only_a_superseded_report_can_be_reinstated(replaced):
    _first, second = replaced
    with pytest.raises(ValidationError, match="only a superseded report"):
        services.report_reinstate(second)


def test_reinstate_over_the_api_answers_202_and_needs_operations(
    contract, replaced, ops_api, viewer_api, django_capture_on_commit_callbacks
):
    first, second = replaced
    assert viewer_api.post(f"/api/v1/reports/{first.pk}/reinstate/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_api.post(f"/api/v1/reports/{first.pk}/reinstate/")
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued" and response["Location"].endswith(f"/api/v1/reports/{first.pk}/")
    assert ops_api.get(f"/api/v1/reports/{first.pk}/").json()["status"] == "completed"
    assert ops_api.get(f"/api/v1/reports/{second.pk}/").json()["superseded_by"] == first.pk
    again = ops_api.post(f"/api/v1/reports/{first.pk}/reinstate/")
    assert again.status_code == 409 and "superseded" in again.json()["detail"]


def test_reuploading_a_superseded_file_says_it_can_be_reinstated(contract, replaced, ops_api):
    first, _second = replaced
    data = {
        "file": SimpleUploadedFile("first.csv", canonical_csv([work_item(n) for n in range(10)])),
        "contract": "MSA-RE",
        "month": "2026-10",
    }
    response = ops_api.post("/api/v1/reports/", data, format="multipart")
    assert response.status_code == 409
    body = response.json()
    assert "reinstate" in body["detail"] and body["reinstate"].endswith(f"/api/v1/reports/{first.pk}/reinstate/")


def test_report_page_has_a_reinstate_button(contract, replaced, client, ops_user, viewer_user):
    first, second = replaced
    client.force_login(viewer_user)
    assert 'data-action="reinstate"' not in client.get(first.get_absolute_url()).content.decode()
    client.force_login(ops_user)
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'data-action="reinstate"' in page and f"/reports/{first.pk}/reinstate/" in page
    assert 'data-action="reinstate"' not in client.get(second.get_absolute_url()).content.decode()
    response = client.post(f"/reports/{first.pk}/reinstate/", follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status in (VendorReport.Status.QUEUED, VendorReport.Status.COMPLETED)
    assert first.reinstated_at is not None


def test_rejected_rows_csv_keeps_the_raw_row_of_a_duplicate_id(contract, imported):
    contract.rejected_row_tolerance_percent = 50
    contract.save()
    rows = [work_item(n) for n in range(5)] + [work_item(5, item_id="T-1", agent="Dup"), work_item(6, outcome="??")]
    report = imported(contract, canonical_csv(rows))
    assert report.status == VendorReport.Status.COMPLETED
    with report.rejected_rows_file.open("rb") as handle:
        lines = {int(r["row"]): r for r in csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8"))}
    duplicate = lines[7]
    assert duplicate["reason"] == "duplicate item id; first seen on row 3"
    raw = json.loads(duplicate["raw_row"])
    assert raw["item_id"] == "T-1" and raw["agent"] == "Dup"
    assert json.loads(lines[8]["raw_row"])["outcome"] == "??"


def test_reuploading_a_superseded_file_in_the_browser_links_to_reinstating_it(contract, replaced, client, ops_user):
    first, _second = replaced
    client.force_login(ops_user)
    data = {
        "contract": contract.pk,
        "kind": "work_items",
        "month": "2026-10",
        "file": SimpleUploadedFile("first.csv", canonical_csv([work_item(n) for n in range(10)])),
    }
    page = client.post("/reports/upload/", data, follow=True).content.decode()
    assert f"reinstate report #{first.pk}" in page and f'href="{first.get_absolute_url()}"' in page
    assert "Open it to reinstate it" in page
