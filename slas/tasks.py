"""Celery tasks of the slas app; each only calls a service."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from reports.services import compliance_recomputed
from slas import services


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def recompute_for_report(report_id: int, superseded_ids: list[int] | None = None) -> int:
    """Recompute the months a completed import changed, and those depending on them (idempotent).

    Then clears the report's "compliance pending" mark, which the reports sweep watches to
    send a recompute again that a dying worker lost.
    """
    started = timezone.now()
    count = services.recompute_for_report(report_id, superseded_ids or ())
    compliance_recomputed(report_id, started=started)
    return count


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def perform_recompute_run(run_id: int) -> int:
    """Run a recompute requested by an edit or a user (idempotent: a finished run is left alone)."""
    run = services.perform_recompute_run(run_id)
    return run.month_count if run else 0


@shared_task
def close_finished_periods() -> int:
    """Nightly: settle last month and refresh this month's running figures."""
    return services.close_finished_periods()


@shared_task
def resume_unfinished_runs() -> int:
    """Every minute: recompute runs interrupted in flight (or lost before they ran) are queued again."""
    return services.resume_unfinished_runs()
