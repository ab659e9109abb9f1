"""Celery tasks of the contracts app; each only calls a service."""

from celery import shared_task
from django.utils import timezone

from contracts import services


@shared_task
def expire_ended_contracts() -> int:
    """Scheduled by beat; idempotent, so a redelivered run changes nothing more."""
    return services.expire_ended_contracts(today=timezone.localdate())
