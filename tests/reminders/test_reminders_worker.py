"""The beat entry's task, sent through Redis to a real worker, records and emails the reminders."""

import datetime as dt
import time

import pytest
from django.conf import settings

from bpo_portal.celery import app as celery_app
from reminders.models import Reminder
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.integration


@pytest.fixture
def mail_folder(tmp_path, monkeypatch):
    """The worker (started after this) writes its emails as files here and sends to the list too."""
    folder = tmp_path / "mail"
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{folder}")
    monkeypatch.setenv("REMINDER_RECIPIENTS", "procurement@example.com")
    monkeypatch.setenv("REMINDER_REPORT_DUE_DAY", "0")
    return folder


@pytest.fixture
def worker(mail_folder, celery_worker):
    return celery_worker


def test_the_scheduled_task_runs_on_a_worker_and_sends_once(worker, mail_folder):
    owner = UserFactory(username="worker-owner", email="owner@example.com")
    contract = ContractFactory(
        reference="BEAT-1", start_date=dt.date(1998, 1, 1), end_date=dt.date(1999, 12, 31), owner=owner
    )
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]

    # What beat sends: the entry's task by name (here with a frozen day).
    result = celery_app.send_task(entry["task"], kwargs={"today": "1999-07-04"})
    assert result.id
    deadline = time.monotonic() + 60
    while not Reminder.objects.filter(contract=contract, sent_at__isnull=False).exists():
        assert time.monotonic() < deadline, f"the worker did not send the reminder; log: {worker.log_path}"
        time.sleep(0.2)

    reminder = Reminder.objects.get(contract=contract)
    assert (reminder.kind, reminder.threshold) == ("notice_deadline", "90 days")
    assert reminder.recipients == ["owner@example.com", "procurement@example.com"]
    [message] = [p.read_text() for p in mail_folder.iterdir()]
    assert "Subject: Notice deadline of BEAT-1 in 90 days (1999-10-02)" in message
    assert "To: owner@example.com, procurement@example.com" in message

    # No result backend: the worker's log says when the second run has finished.
    again = celery_app.send_task(entry["task"], kwargs={"today": "1999-07-04"})
    deadline = time.monotonic() + 60
    while f"[{again.id}] succeeded" not in worker.log_path.read_text():
        assert time.monotonic() < deadline, f"the worker did not run the second task; log: {worker.log_path}"
        time.sleep(0.2)
    assert "{'created': 0, 'sent': 0, 'failed': 0, 'unaddressed': 0}" in worker.log_path.read_text()
    assert Reminder.objects.count() == 1
    assert len(list(mail_folder.iterdir())) == 1
