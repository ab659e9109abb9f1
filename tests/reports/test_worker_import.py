"""Imports on a real Celery worker process (Redis broker, PostgreSQL test database)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import progress
from reports.models import VendorReport, WorkItem
from reports.synthetic import work_item_csv_bytes
from tests.factories import ContractFactory
from tests.reports.helpers import OCTOBER, canonical_csv, submit, work_item

pytestmark = pytest.mark.integration


def _wait_for(predicate, *, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}; worker log: {log}"
        time.sleep(0.2)


def test_api_upload_is_imported_by_the_worker(celery_worker, ops_api):
    ContractFactory(reference="MSA-W1")
    content = canonical_csv([work_item(n) for n in range(200)])
    response = ops_api.post(
        "/api/v1/reports/",
        {"file": SimpleUploadedFile("october.csv", content), "contract": "MSA-W1", "month": "2026-10"},
        format="multipart",
    )
    assert response.status_code == 202
    url = response.json()["url"]
    states = []

    def finished() -> bool:
        body = ops_api.get(url).json()
        states.append(body["status"])
        return body["progress"]["finished"]

    _wait_for(finished, timeout=60, what="the import", log=celery_worker.log_path)
    body = ops_api.get(url).json()
    assert body["status"] == "completed" and body["rows_accepted"] == 200
    assert states[0] in ("queued", "processing", "completed")
    assert WorkItem.objects.filter(report_id=body["id"]).count() == 200


def _big_file(rows: int) -> bytes:
    return work_item_csv_bytes(rows, month=OCTOBER[0])


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_import_then_restarting_yields_a_clean_import(celery_worker):
    rows = 300_000
    report = submit(ContractFactory(reference="MSA-KILL"), _big_file(rows), name="big.csv")

    def importing() -> bool:
        state = progress.read(report.pk)
        return state is not None and state.rows_read >= 20_000

    _wait_for(importing, timeout=120, what="the import to get going", log=celery_worker.log_path)
    celery_worker.kill()
    report.refresh_from_db()
    assert report.status == VendorReport.Status.PROCESSING
    assert WorkItem.objects.filter(report=report).count() == 0  # nothing half-loaded is visible

    celery_worker.start()

    def done() -> bool:
        report.refresh_from_db()
        return report.is_finished

    _wait_for(done, timeout=240, what="the redelivered import", log=celery_worker.log_path)
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert report.attempts == 2
    assert report.rows_accepted == rows
    items = WorkItem.objects.filter(report=report)
    assert items.count() == rows
    assert items.values("item_id").distinct().count() == rows
