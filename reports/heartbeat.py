"""The heartbeat of a running import: proof, in the database, that its worker is alive.

An import runs in one long transaction, so nothing it writes is visible until it ends,
and progress in the cache is best effort (the cache may be down). A small thread beside
the import therefore stamps ``VendorReport.heartbeat_at`` every ``INTERVAL_SECONDS`` on
its own database connection (Django gives each thread its own), outside the import's
transaction. When the worker dies (``kill -9``, OOM, a lost machine) the beats stop, and
``services.requeue_stalled_imports`` sees a heartbeat older than ``STALE_AFTER`` and
sends the import again.

The import does not lock its report row, so the beat never waits on it, except for the
moment between the import's final update and its commit.

Only on PostgreSQL: SQLite has one writer at a time, and a second connection writing
while the import's transaction reads could make the import's first write fail with
"database is locked". On SQLite in the embedded mode (tasks run in the web process) every
import runs in this process, which knows which ones it is running (``running_here``): one
shown as processing for a minute that this process is not running died with an earlier
process. On SQLite with separate workers the sweep falls back to the age of the report's
last update (``services.STALE_WITHOUT_HEARTBEAT``).
"""

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from reports.models import VendorReport

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 5.0
STALE_AFTER = dt.timedelta(seconds=60)

_running: set[int] = set()  # reports this process is importing
_running_lock = threading.Lock()


def supported() -> bool:
    """Whether imports beat here (PostgreSQL); see the module docstring."""
    return connection.vendor == "postgresql"


def in_process_only() -> bool:
    """Without heartbeats, whether every import runs in this process (the embedded mode)."""
    return not supported() and bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def running_here() -> frozenset[int]:
    """The reports whose import runs in this process right now."""
    with _running_lock:
        return frozenset(_running)


@contextmanager
def beating(report_id: int, *, interval: float = INTERVAL_SECONDS) -> Iterator[None]:
    """Stamp the report's heartbeat every ``interval`` seconds while the block runs.

    The report also counts as ``running_here`` meanwhile. The stamping is skipped inside an
    outer transaction (the import is then not what holds its locks, and its rows may not be
    visible to another connection) and where ``supported()`` is false.
    """
    with _running_lock:
        _running.add(report_id)
    try:
        if not supported() or connection.in_atomic_block:
            yield
        else:
            yield from _beating(report_id, interval)
    finally:
        with _running_lock:
            _running.discard(report_id)


def _beating(report_id: int, interval: float) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat, args=(report_id, stop, interval), name=f"report-{report_id}-heartbeat", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # A beat may be waiting for the import's commit; it ends right after it, and a
        # daemon thread left behind never keeps the worker alive.
        thread.join(timeout=interval * 2)


def _beat(report_id: int, stop: threading.Event, interval: float) -> None:
    try:
        while not stop.is_set():
            try:
                VendorReport.objects.filter(pk=report_id, status=VendorReport.Status.PROCESSING).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError as exc:  # the import notices a lost database by itself
                logger.warning("heartbeat of report %s not written: %s", report_id, exc)
            stop.wait(interval)
    finally:
        connection.close()  # this thread's own connection


def interrupted(report: VendorReport, *, now: dt.datetime | None = None) -> bool:
    """Whether the report's import was interrupted and waits to be retried.

    Either it still shows as processing with a dead heartbeat (the sweep has not run yet),
    or the sweep has put it back in the queue after a start (``attempts``).
    """
    if report.status == VendorReport.Status.QUEUED:
        return report.attempts > 0
    if report.status != VendorReport.Status.PROCESSING:
        return False
    if supported():
        last = report.heartbeat_at or report.started_at
    elif in_process_only() and report.pk not in running_here():
        last = report.started_at
    else:
        return False
    return last is not None and last < (now or timezone.now()) - STALE_AFTER
