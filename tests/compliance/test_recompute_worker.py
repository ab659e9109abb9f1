"""Recompute runs on a real Celery worker: an import, an SLA edit and the endpoint each queue one."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from slas.models import ComplianceResult, RecomputeRun, ServiceLevel
from tests.compliance.test_term import _calls_1999, _with_slas
from tests.factories import ContractFactory

pytestmark = pytest.mark.integration

FEB = dt.date(1999, 2, 1)


def _wait_for(predicate, *, what: str, log, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}; worker log: {log}"
        time.sleep(0.2)


def test_import_edit_and_endpoint_recompute_on_the_worker(celery_worker, ops_api):
    contract = _with_slas(
        ContractFactory(reference="MSA-W1999", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    )
    sla = ServiceLevel.objects.get(contract=contract, metric="service_level")
    upload = {"file": SimpleUploadedFile("feb.csv", _calls_1999([5] * 8 + [50] * 2)), "contract": "MSA-W1999"}
    assert ops_api.post("/api/v1/reports/", {**upload, "month": "1999-02"}, format="multipart").status_code == 202
    _wait_for(
        lambda: RecomputeRun.objects.filter(contract=contract, trigger="import", finished_at__isnull=False).exists(),
        what="the import's recompute",
        log=celery_worker.log_path,
    )
    assert ComplianceResult.objects.get(service_level=sla, period=FEB).status == "met"
    assert not ComplianceResult.objects.filter(service_level=sla, period__gt=dt.date(1999, 12, 31)).exists()

    response = ops_api.patch(f"/api/v1/service-levels/{sla.pk}/", {"expected_level": "90", "minimum_level": "85"})
    assert response.status_code == 200
    _wait_for(
        lambda: ComplianceResult.objects.get(service_level=sla, period=FEB).status == "breached",
        what="the edit's recompute",
        log=celery_worker.log_path,
    )
    run = RecomputeRun.objects.get(trigger="service_level")
    _wait_for(lambda: RecomputeRun.objects.get(pk=run.pk).finished_at is not None, what="run", log=None)
    run.refresh_from_db()
    assert any(c["month"] == "1999-02" and c["old_status"] == "met" for c in run.changes)

    queued = ops_api.post("/api/v1/contracts/MSA-W1999/recompute/")
    assert queued.status_code == 202 and queued.json()["months"][0] == "1999-01"
    _wait_for(
        lambda: RecomputeRun.objects.get(pk=queued.json()["id"]).finished_at is not None,
        what="the requested recompute",
        log=celery_worker.log_path,
    )
    assert ComplianceResult.objects.filter(service_level=sla).count() == 12
