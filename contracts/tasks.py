"""Celery tasks of the contracts app; each only calls a service."""

from typing import Any

from celery import shared_task
from django.utils import timezone

from contracts import lifecycle


@shared_task
def expire_ended_contracts() -> dict[str, Any]:
    """Daily (beat): expire ended contracts, renewing those with auto-renewal (``contracts.lifecycle``).

    Idempotent, so a redelivered or repeated run changes nothing more.
    """
    run = lifecycle.expire_ended_contracts(today=timezone.localdate())
    return {"expired": run.expired, "renewed": run.renewed, "not_renewed": run.not_renewed}
