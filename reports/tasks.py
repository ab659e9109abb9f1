"""Celery tasks of the reports app; each only calls a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=3,
)
def import_report(report_id: int) -> str | None:
    """Import one vendor report; a redelivered or repeated call changes nothing more."""
    report = services.report_import(report_id)
    return report.status if report else None


@shared_task
def requeue_stalled_imports() -> int:
    return services.requeue_stalled_imports()
