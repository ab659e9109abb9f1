"""The embedded mode (no broker, eager tasks): the upload answers at once and the bar moves."""

import datetime as dt
import re
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bpo_portal.celery import app as celery_app
from reports.models import VendorReport
from reports.synthetic import work_item_csv_bytes
from tests.factories import ContractFactory, UserFactory

ROWS = 60_000


def _import_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "background-reports.tasks.import_report"]


@pytest.mark.django_db(transaction=True)  # the import thread has its own connection: data must be committed
def test_progress_moves_while_an_embedded_import_runs(client, settings):
    settings.BACKGROUND_EAGER_TASKS = True
    assert celery_app.conf.task_always_eager  # the embedded mode: no worker, tasks run in-process
    contract = ContractFactory(reference="MSA-EMB")
    client.force_login(UserFactory(username="embedded", role="operations"))
    content = work_item_csv_bytes(ROWS, month=dt.date(2026, 10, 1))

    response = client.post(
        reverse("reports:vendorreport_add"),
        {
            "contract": contract.pk,
            "kind": "work_items",
            "month": "2026-10",
            "file": SimpleUploadedFile("october.csv", content),
        },
    )
    report = VendorReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()

    # Poll the progress panel as the page does, from this (another) connection.
    seen: list[int] = []
    deadline = time.monotonic() + 600
    progress_url = reverse("reports:vendorreport_progress", args=[report.pk])
    while time.monotonic() < deadline:
        html = client.get(progress_url).content.decode()
        percent = int(re.search(r'aria-valuenow="(\d+)"', html).group(1))
        seen.append(percent)
        if percent == 100:
            break
        time.sleep(0.02)
    for thread in _import_threads():
        thread.join(timeout=600)

    report.refresh_from_db()
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert report.rows_accepted == ROWS
    assert seen[-1] == 100
    assert any(0 < percent < 100 for percent in seen), seen
    assert seen == sorted(seen)  # it only moves forward
