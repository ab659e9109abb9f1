"""Celery tasks of the reminders app; each only calls a service."""

import datetime as dt

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from reminders import services


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def send_reminders(today: str | None = None) -> dict[str, int]:
    """The daily run from beat (``CELERY_BEAT_SCHEDULE["send-reminders"]``): today is the server's date
    unless given (``YYYY-MM-DD``). Idempotent: a reminder already recorded is not sent again."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return vars(services.send_reminders(today=day))
