"""Celery tasks of the scorecards app; each only calls a service."""

from celery import shared_task
from django.db import DatabaseError

from scorecards import template_services


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def recompute_template_history(version_id: int) -> int:
    """Recompute every stored month under a newly saved template version (idempotent upserts)."""
    return template_services.recompute_template_history(version_id)
