"""Recovery with real processes (issue 9): a dead import found by its heartbeat and retried,
and a worker that outlives a broker restart."""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from bpo_portal.celery import app as celery_app
from reports import heartbeat, progress, services
from reports.models import VendorReport, WorkItem
from reports.synthetic import work_item_csv_bytes
from tests.factories import ContractFactory
from tests.fixtures.services import (
    PROJECT_DIR,
    _missing,
    _test_database_url,
    private_queues,
    queue_environment,
    tasks_routed_to,
)
from tests.reports.helpers import OCTOBER, canonical_csv, submit, work_item
from tests.reports.test_worker_import import _wait_for

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_is_found_by_its_heartbeat_and_retried(celery_worker):
    """No waiting for the broker's visibility timeout: the sweep sees the heartbeat stop."""
    rows = 300_000
    report = submit(ContractFactory(reference="MSA-BEAT"), work_item_csv_bytes(rows, month=OCTOBER[0]), name="big.csv")

    def importing() -> bool:
        state = progress.read(report.pk)
        return state is not None and state.rows_read >= 20_000

    _wait_for(importing, timeout=120, what="the import to get going", log=celery_worker.log_path)
    report.refresh_from_db()
    assert report.heartbeat_at is not None and not heartbeat.interrupted(report)
    assert services.requeue_stalled_imports() == 0  # alive: left alone

    celery_worker.kill()
    report.refresh_from_db()
    assert report.status == VendorReport.Status.PROCESSING
    # A minute later (the sweep is given the time instead of the test waiting for it):
    later = timezone.now() + heartbeat.STALE_AFTER + dt.timedelta(seconds=5)
    assert heartbeat.interrupted(report, now=later)

    celery_worker.start()
    services.requeue_stalled_imports(now=later)
    report.refresh_from_db()
    assert report.status in (VendorReport.Status.QUEUED, VendorReport.Status.PROCESSING, VendorReport.Status.COMPLETED)

    def done() -> bool:
        report.refresh_from_db()
        return report.is_finished

    _wait_for(done, timeout=240, what="the retried import", log=celery_worker.log_path)
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert report.attempts == 2
    assert WorkItem.objects.filter(report=report).count() == rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test may stop and start."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_a_worker_outlives_a_broker_restart_mid_import_and_then_imports(tmp_path, tmp_path_factory):
    """Redis (broker and cache) stopped mid-import and started again, as in the audit.

    The import finishes (progress is best effort), the worker reconnects (or, if its main
    process gives up, is started again as docker-compose's ``restart: unless-stopped`` does;
    the test plays that supervisor) and imports the next report. Whatever the outage lost
    (Redis here keeps nothing on disk) the heartbeat sweep recovers.
    """
    if shutil.which("redis-server") is None:
        _missing("no redis-server on PATH for a private broker")
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing("integration tests need DATABASE_URL to point at PostgreSQL")
    redis = PrivateRedis(tmp_path)
    redis.start()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    queues = private_queues(queue)
    hostname = f"{queue}@localhost"
    log_dir = Path(os.environ.get("BPO_TEST_ARTIFACTS", tmp_path_factory.mktemp("worker")))
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"worker-{queue}-broker-restart.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": redis.url,
        **queue_environment(queues),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "bpo_portal", "worker", "-n", hostname),
        *("-Q", ",".join(queues.values())),
        *("--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle", "-l", "INFO"),
    ]
    restarts = 0

    def start_worker() -> subprocess.Popen:
        with log_path.open("ab") as log:
            return subprocess.Popen(
                command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def answers() -> bool:
        try:
            return bool(celery_app.control.ping(destination=[hostname], timeout=1.0))
        except (OSError, KombuOperationalError, RedisConnectionError):  # our own pooled connection died too
            time.sleep(0.5)
            return False

    def supervised() -> bool:
        nonlocal worker, restarts
        if worker.poll() is not None:  # what `restart: unless-stopped` does in docker-compose
            restarts += 1
            worker = start_worker()
        return answers()

    def finished(report: VendorReport) -> bool:
        report.refresh_from_db()
        if not report.is_finished and heartbeat.interrupted(report):
            services.requeue_stalled_imports()  # as beat would, every 30 s
        return report.is_finished

    previous = (celery_app.conf.broker_write_url, celery_app.conf.broker_read_url)
    celery_app.conf.broker_write_url = celery_app.conf.broker_read_url = redis.url
    celery_app._after_fork()  # drop the pooled connections to the shared broker
    routed = tasks_routed_to(queues)
    routed.__enter__()
    worker = start_worker()
    try:
        _wait_for(answers, timeout=60, what="the worker to start", log=log_path)
        rows = 200_000
        big = submit(
            ContractFactory(reference="MSA-REDIS"), work_item_csv_bytes(rows, month=OCTOBER[0]), name="big.csv"
        )

        def processing() -> bool:
            big.refresh_from_db()
            return big.status == VendorReport.Status.PROCESSING

        _wait_for(processing, timeout=60, what="the import to start", log=log_path)
        redis.stop()
        time.sleep(8)  # the import goes on without its cache; the worker retries its connection
        redis.start()
        _wait_for(supervised, timeout=120, what="the worker to reconnect", log=log_path)
        _wait_for(lambda: finished(big), timeout=240, what="the import begun before the outage", log=log_path)
        assert big.status == VendorReport.Status.COMPLETED, big.failure_reason
        assert WorkItem.objects.filter(report=big).count() == rows

        small = submit(ContractFactory(reference="MSA-AFTER"), canonical_csv([work_item(n) for n in range(50)]))
        _wait_for(lambda: supervised() and finished(small), timeout=120, what="the next import", log=log_path)
        assert small.status == VendorReport.Status.COMPLETED, small.failure_reason
        print(f"worker restarts needed: {restarts}")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        celery_app.conf.broker_write_url, celery_app.conf.broker_read_url = previous
        routed.__exit__(None, None, None)
        celery_app._after_fork()
        redis.stop()
