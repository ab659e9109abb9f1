"""A real Celery worker process, fed through Redis, writes to the PostgreSQL test database."""

import datetime as dt
import time

import pytest

from contracts import tasks
from contracts.models import Contract
from tests.factories import ContractFactory

pytestmark = pytest.mark.integration


def test_worker_runs_a_task_that_writes_to_postgres(celery_worker):
    ended = ContractFactory(status="active", start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1))
    renewing = ContractFactory(
        status="active", auto_renew=True, start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1)
    )
    running = ContractFactory(status="active", end_date=dt.date.today() + dt.timedelta(days=30))

    result = tasks.expire_ended_contracts.delay()
    assert result.id  # sent to the broker, not run in this process

    deadline = time.monotonic() + 60
    while Contract.objects.get(pk=ended.pk).status != "expired":
        assert time.monotonic() < deadline, f"worker did not process the task; log: {celery_worker.log_path}"
        time.sleep(0.2)

    renewing.refresh_from_db()  # renewed term after term, the old terms expired, their dates kept
    assert renewing.status == "expired" and renewing.end_date == dt.date(2021, 1, 1)
    latest = Contract.objects.filter(reference__startswith=f"{renewing.reference}-R", status="active").get()
    assert latest.start_date <= dt.date.today() <= latest.end_date
    assert Contract.objects.get(pk=running.pk).status == "active"
