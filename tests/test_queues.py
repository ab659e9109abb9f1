"""Two queues (``imports`` and ``compute``, settings.CELERY_TASK_ROUTES) and more than one worker.

A recomputation must never delay an import, and several workers must share the work without
doing anything twice or losing anything.
"""

import datetime as dt
import re
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from bpo_portal.celery import app as celery_app
from reports.models import VendorReport, WorkItem
from slas.models import ComplianceResult, RecomputeRun
from tests.compliance.test_term import _calls_1999, _with_slas
from tests.factories import ContractFactory
from tests.reports.helpers import submit

FEB = (dt.date(1999, 2, 1), dt.date(1999, 2, 28))
IMPORT_TASKS = {"reports.tasks.import_report", "reports.tasks.requeue_stalled_imports"}


@celery_app.task(name="tests.test_queues.hold_compute_worker", acks_late=False)
def hold_compute_worker(key: str, limit_seconds: float = 180) -> bool:
    """Test-only, slow compute task: busy until the test releases it (or a safety limit passes)."""
    cache.set(f"{key}:started", True, 600)
    deadline = time.monotonic() + limit_seconds
    while not cache.get(f"{key}:release") and time.monotonic() < deadline:
        time.sleep(0.1)
    cache.set(f"{key}:finished", True, 600)
    return bool(cache.get(f"{key}:release"))


def _queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def _wait_for(predicate, *, what: str, logs, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}; worker logs: {logs}"
        time.sleep(0.2)


def test_imports_and_computations_go_to_their_own_queues():
    celery_app.loader.import_default_modules()
    ours = {name for name in celery_app.tasks if not name.startswith(("celery.", "tests."))}
    assert ours >= IMPORT_TASKS
    for name in ours:
        expected = settings.CELERY_IMPORTS_QUEUE if name in IMPORT_TASKS else settings.CELERY_COMPUTE_QUEUE
        assert _queue_of(name) == expected, name
    # Every periodic task is a computation, except the import sweep.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        expected = settings.CELERY_IMPORTS_QUEUE if entry["task"] in IMPORT_TASKS else settings.CELERY_COMPUTE_QUEUE
        assert _queue_of(entry["task"]) == expected
    # Anything else (Celery's own tasks) keeps the default queue, which the compute workers consume.
    assert _queue_of("celery.backend_cleanup") == settings.CELERY_TASK_DEFAULT_QUEUE
    assert len({settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_IMPORTS_QUEUE, settings.CELERY_COMPUTE_QUEUE}) == 3


def _contract_1999(reference: str):
    return _with_slas(
        ContractFactory(reference=reference, start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    )


def _received(worker, task_name: str) -> int:
    return len(re.findall(rf"Task {re.escape(task_name)}\[[^\]]+\] received", worker.log_path.read_text()))


@pytest.mark.integration
def test_two_workers_import_two_reports_at_once_and_recompute_without_duplicates(start_worker, ops_api):
    """Two workers on both queues, as ``docker compose up --scale worker=2`` or two started by hand."""
    workers = [start_worker("first"), start_worker("second")]
    logs = [str(worker.log_path) for worker in workers]
    contracts = [_contract_1999("MSA-Q1"), _contract_1999("MSA-Q2")]
    rows = 3000  # long enough that the first import is still running when the second is sent
    waits = [([5] * 8 + [50] * 2) * (rows // 10), ([50] * 6 + [5] * 4) * (rows // 10)]  # met, breached
    with transaction.atomic():  # both sent together, at the commit
        reports = [
            submit(contract, _calls_1999(w), period=FEB, name=f"{contract.reference}.csv")
            for contract, w in zip(contracts, waits, strict=True)
        ]

    def imported_and_recomputed() -> bool:
        return (
            all(
                r.status == VendorReport.Status.COMPLETED and r.compliance_pending_since is None
                for r in VendorReport.objects.filter(pk__in=[r.pk for r in reports])
            )
            and not RecomputeRun.objects.filter(finished_at__isnull=True).exists()
        )

    _wait_for(imported_and_recomputed, what="both imports and their recomputes", logs=logs)
    # Each worker took one of the two imports (one task at a time each: prefetch 1, late acks).
    assert [_received(worker, "reports.tasks.import_report") for worker in workers] == [1, 1]
    for report in reports:
        report.refresh_from_db()
        assert report.rows_accepted == rows and WorkItem.objects.filter(report=report).count() == rows
    assert RecomputeRun.objects.filter(trigger="import").count() == 2

    # Both contracts recomputed at once on the two workers: every month of each term, once.
    queued = [ops_api.post(f"/api/v1/contracts/{c.reference}/recompute/") for c in contracts]
    assert [response.status_code for response in queued] == [202, 202]
    run_ids = [response.json()["id"] for response in queued]
    _wait_for(
        lambda: RecomputeRun.objects.filter(pk__in=run_ids, finished_at__isnull=False).count() == 2,
        what="the requested recomputes",
        logs=logs,
    )
    for contract, status in zip(contracts, ["met", "breached"], strict=True):
        results = ComplianceResult.objects.filter(service_level__contract=contract)
        assert results.count() == 2 * 12  # two service levels, twelve months, no duplicate and none lost
        assert results.values("service_level", "period").distinct().count() == 2 * 12
        assert results.get(service_level__metric="service_level", period=FEB[0]).status == status
    assert VendorReport.objects.filter(status=VendorReport.Status.COMPLETED).count() == 2
    assert sum(_received(worker, "slas.tasks.perform_recompute_run") for worker in workers) == 2


@pytest.mark.integration
def test_a_long_computation_does_not_delay_an_import(start_worker):
    """One worker per queue, as deployed: the import completes while the compute worker is busy."""
    compute = start_worker("compute", consumes=("compute", "default"), include=("tests.test_queues",))
    imports = start_worker("imports", consumes=("imports",))
    logs = [str(compute.log_path), str(imports.log_path)]
    key = f"test-hold-{uuid.uuid4().hex}"
    hold_compute_worker.apply_async(args=(key,), queue=compute.queues["compute"])
    try:
        _wait_for(lambda: cache.get(f"{key}:started"), what="the slow computation to start", logs=logs)
        report = submit(_contract_1999("MSA-QH"), _calls_1999([5] * 10), period=FEB)

        def completed() -> bool:
            report.refresh_from_db()
            return report.is_finished

        _wait_for(completed, what="the import", logs=logs)
        assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
        assert not cache.get(f"{key}:finished")  # the computation is still running: the import did not wait
        assert report.compliance_pending_since is not None  # its own recompute waits behind it, on compute
    finally:
        cache.set(f"{key}:release", True, 600)
    _wait_for(lambda: cache.get(f"{key}:finished"), what="the slow computation to end", logs=logs)

    def recomputed() -> bool:
        report.refresh_from_db()
        return report.compliance_pending_since is None

    _wait_for(recomputed, what="the import's recompute", logs=logs)
    assert ComplianceResult.objects.filter(service_level__contract=report.contract, period=FEB[0]).count() == 2
    assert _received(imports, "slas.tasks.recompute_for_report") == 0
    assert _received(compute, "reports.tasks.import_report") == 0
