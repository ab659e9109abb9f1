"""Imports under hostile files and failing services (issue 9): bounded parsing, best-effort
progress, uploads while the broker is down, and recovery of dead imports."""

import datetime as dt
import io
import json
import re
import time
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from bpo_portal.celery import app as celery_app
from contracts.models import Contract
from reports import selectors, services
from reports.models import VendorReport, WorkItem
from reports.parsing import Layout
from reports.parsing.readers import MAX_COLUMNS, iter_raw_rows
from reports.parsing.types import WORK_ITEM_FIELDS, FileError
from tests.factories import ContractFactory
from tests.reports.helpers import OCTOBER, canonical_csv, submit, work_item

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def contract():
    return ContractFactory(reference="MSA-FAULT")


# --- measuring memory -----------------------------------------------------------------------


def _status_kb(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))


@contextmanager
def peak_rss_growth():
    """The growth of this process's peak RSS over the block, in MB (``result["mb"]``).

    The kernel's high-water mark is reset first (``/proc/self/clear_refs``), so an earlier
    test's peak cannot hide this block's.
    """
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    result: dict[str, float] = {}
    yield result
    result["mb"] = (_status_kb("VmHWM") - before) / 1024


# --- bounded parsing ------------------------------------------------------------------------

# 20 KB of nesting: ijson's memory grows with the square of the depth (~250 MB here, ~23 GB
# at 100,000 levels); the old code read it.
NESTED = b"[" * 10_000 + b"]" * 10_000


def test_a_deeply_nested_json_report_is_refused_quickly_with_memory_bounded(contract, imported):
    started = time.monotonic()
    with peak_rss_growth() as growth:
        report = imported(contract, NESTED, name="nested.json")
    assert time.monotonic() - started < 30  # generous: the refusal itself takes milliseconds
    assert growth["mb"] < 40, f"peak RSS grew by {growth['mb']:.0f} MB"
    assert report.status == VendorReport.Status.FAILED
    assert "nested more than 32 levels deep" in report.failure_reason


def test_a_deeply_nested_json_preview_is_refused_with_memory_bounded(contract):
    with peak_rss_growth() as growth:
        preview = services.report_preview(
            io.BytesIO(b'[{"item_id": ' + NESTED + b"}]"),
            filename="nested.json",
            layout=services.builtin_layout("work_items"),
            period_start=OCTOBER[0],
            period_end=OCTOBER[1],
            contract=contract,
        )
    assert growth["mb"] < 40, f"peak RSS grew by {growth['mb']:.0f} MB"
    assert "nested more than 32 levels deep" in preview.file_error


def test_the_preview_page_shows_the_refusal(contract, ops_user):
    client = Client()
    client.force_login(ops_user)
    response = client.post(
        "/reports/preview/",
        {
            "contract": contract.pk,
            "kind": "work_items",
            "month": "2026-10",
            "file": SimpleUploadedFile("nested.json", NESTED),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"nested more than 32 levels deep" in response.content


def _raw_error(content: bytes, name: str) -> str:
    with pytest.raises(FileError) as info:
        list(iter_raw_rows(io.BytesIO(content), filename=name, layout=Layout.canonical("work_items")))
    return str(info.value)


def test_nesting_inside_strings_and_escapes_is_not_counted():
    row = {"item_id": "[[[[" * 50 + '\\"{{{{', "received_at": "2026-10-01T09:00:00Z", "outcome": "handled"}
    content = json.dumps([row, {**row, "item_id": "]]]]" * 50}]).encode()
    rows = list(iter_raw_rows(io.BytesIO(content), filename="ok.json", layout=Layout.canonical("work_items")))
    assert [r.values["item_id"] for r in rows] == [row["item_id"], "]]]]" * 50]


def test_an_oversized_json_element_is_refused():
    content = json.dumps([{"item_id": "x" * 2_000_000, "received_at": "2026-10-01", "outcome": "handled"}])
    assert "is larger than 1,048,576 bytes" in _raw_error(content.encode(), "big.json")


def test_a_deeply_nested_ndjson_line_is_refused():
    line = b'{"item_id": "A1", "received_at": "2026-10-01", "outcome": "handled"}\n'
    assert _raw_error(line + b'{"x": ' + NESTED + b"}\n", "deep.ndjson").startswith(
        "line 2: the JSON is nested more than 32 levels deep"
    )


def test_a_csv_without_line_breaks_is_refused_before_it_is_read_whole():
    content = b",".join([b"item_id", b"received_at", b"outcome"]) + b"," + b"x" * 3_000_000
    assert "longer than 1,048,576 characters" in _raw_error(content, "flat.csv")


def test_too_many_columns_are_refused():
    header = ",".join([*WORK_ITEM_FIELDS, *(f"extra{n}" for n in range(MAX_COLUMNS))])
    message = _raw_error(header.encode() + b"\n" + b"A1" + b"," * 5 + b"\n", "wide.csv")
    assert f"at most {MAX_COLUMNS:,} are read" in message


def test_the_xlsx_unpacked_size_setting_is_applied(contract, imported):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(WORK_ITEM_FIELDS))
    for n in range(50):
        sheet.append([work_item(n)[f] for f in WORK_ITEM_FIELDS])
    out = io.BytesIO()
    workbook.save(out)
    with override_settings(REPORT_MAX_XLSX_UNCOMPRESSED_BYTES=2_000):
        report = imported(contract, out.getvalue(), name="october.xlsx")
    assert report.status == VendorReport.Status.FAILED
    assert "the limit is 2,000 bytes" in report.failure_reason


class _UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


@override_settings(REPORT_MAX_UPLOAD_BYTES=1_000_000)
@pytest.mark.parametrize("url", ["/reports/upload/", "/reports/preview/"])
def test_a_browser_upload_over_the_limit_is_a_413_before_the_body_is_read(ops_user, url):
    client = Client(enforce_csrf_checks=True)  # the CSRF check would read the body first
    client.force_login(ops_user)
    response = client.post(
        url,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
        **{"wsgi.input": _UnreadableBody()},
    )
    assert response.status_code == 413
    assert b"the limit is 1,000,000 bytes" in response.content
    assert not VendorReport.objects.exists()


# --- imports that survive the cache and the broker -----------------------------------------


def test_a_cache_that_is_down_mid_import_leaves_a_completed_report(contract, imported):
    rows = 12_000  # progress is written every 5,000 rows
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    with override_settings(CACHES=dead_cache):
        report = imported(contract, canonical_csv([work_item(n) for n in range(rows)]))
        assert selectors.report_progress(report)["finished"] is True
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert report.rows_accepted == rows


@contextmanager
def broker_at(url: str):
    """Send tasks to ``url`` (the producer pools are rebuilt, as after a fork)."""
    previous = celery_app.conf.broker_write_url
    celery_app.conf.broker_write_url = url
    celery_app._after_fork()
    try:
        yield
    finally:
        celery_app.conf.broker_write_url = previous
        celery_app._after_fork()


@pytest.mark.integration  # tasks go to a broker, not run in-process
@pytest.mark.django_db(transaction=True)  # real commits: the task is sent after the upload's commit
def test_an_upload_while_the_broker_is_down_is_queued_for_the_sweep(ops_api, contract):
    content = canonical_csv([work_item(n) for n in range(10)])
    with broker_at(DEAD_REDIS):
        response = ops_api.post(
            "/api/v1/reports/",
            {"file": SimpleUploadedFile("october.csv", content), "contract": contract.reference, "month": "2026-10"},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert "task queue is unavailable" in body["detail"]
    assert body["dispatch_pending"] is True and body["progress"]["phase"] == "waiting for the task queue"
    report = VendorReport.objects.get()
    assert report.status == VendorReport.Status.QUEUED and report.dispatch_pending
    assert report.file.read() == content  # stored whole, not half

    with broker_at(DEAD_REDIS):
        assert services.requeue_stalled_imports() == 0  # still down: kept for the next sweep
    report.refresh_from_db()
    assert report.dispatch_pending

    celery_app.conf.task_always_eager = True  # the broker is back (a worker runs it here)
    assert services.requeue_stalled_imports() == 1
    report.refresh_from_db()
    assert report.status == VendorReport.Status.COMPLETED and not report.dispatch_pending
    assert WorkItem.objects.filter(report=report).count() == 10


# --- dead imports and lost recomputes --------------------------------------------------------


def test_an_import_whose_heartbeat_stopped_shows_interrupted_and_is_retried(contract, ops_api, ops_user):
    report = submit(contract, canonical_csv([work_item(n) for n in range(20)]))  # not run: on_commit
    long_ago = timezone.now() - dt.timedelta(minutes=2)
    VendorReport.objects.filter(pk=report.pk).update(
        status=VendorReport.Status.PROCESSING, attempts=1, started_at=long_ago, heartbeat_at=long_ago
    )
    body = ops_api.get(f"/api/v1/reports/{report.pk}/").json()
    assert body["status"] == "processing"
    assert body["progress"]["interrupted"] is True and body["progress"]["phase"] == "interrupted, retrying"
    client = Client()
    client.force_login(ops_user)
    assert b"interrupted, retrying" in client.get(report.get_absolute_url()).content

    assert services.requeue_stalled_imports() == 1
    report.refresh_from_db()
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert report.attempts == 2 and report.rows_accepted == 20


def test_a_live_import_is_left_alone(contract):
    report = submit(contract, canonical_csv([work_item(1)]))
    VendorReport.objects.filter(pk=report.pk).update(
        status=VendorReport.Status.PROCESSING, attempts=1, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert services.requeue_stalled_imports() == 0
    report.refresh_from_db()
    assert report.status == VendorReport.Status.PROCESSING


def test_a_finished_import_clears_its_compliance_mark(contract, imported):
    report = imported(contract, canonical_csv([work_item(n) for n in range(5)]))
    assert report.status == VendorReport.Status.COMPLETED
    assert report.compliance_pending_since is None  # set by the import, cleared by the recompute


def test_a_lost_compliance_recompute_is_sent_again(contract, imported):
    report = imported(contract, canonical_csv([work_item(n) for n in range(5)]))
    lost = timezone.now() - dt.timedelta(minutes=5)
    VendorReport.objects.filter(pk=report.pk).update(compliance_pending_since=lost)  # its worker died
    assert services.requeue_stalled_imports() == 1
    report.refresh_from_db()
    assert report.compliance_pending_since is None


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_from_outside_the_import_transaction(contract):
    """While the import's transaction is open (its writes invisible), the beat is committed."""
    from django.db import connections, transaction

    from reports import heartbeat

    report = submit(contract, canonical_csv([work_item(1)]))
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    VendorReport.objects.filter(pk=report.pk).update(status=VendorReport.Status.PROCESSING, heartbeat_at=long_ago)
    with heartbeat.beating(report.pk, interval=0.05), transaction.atomic():
        # As the import does: the contract locked, rows written, nothing committed yet.
        Contract.objects.select_for_update().get(pk=contract.pk)
        WorkItem.objects.create(
            report=report,
            contract=contract,
            process=report.process,
            source_row=2,
            item_id="T-1",
            received_at=timezone.now(),
            outcome="handled",
        )
        other = connections.create_connection("default")  # sees only what is committed
        try:
            deadline = time.monotonic() + 30
            beat = long_ago
            while beat == long_ago and time.monotonic() < deadline:
                time.sleep(0.05)
                with other.cursor() as cursor:
                    cursor.execute("SELECT heartbeat_at FROM reports_vendorreport WHERE id = %s", [report.pk])
                    beat = cursor.fetchone()[0]
        finally:
            other.close()
        assert beat > long_ago
        assert heartbeat.running_here() == {report.pk}
        transaction.set_rollback(True)
    assert heartbeat.running_here() == frozenset()
