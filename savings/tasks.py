"""Celery tasks of the savings app; each only calls a service."""

from celery import shared_task
from django.db import DatabaseError

from savings import services


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def recompute_contracts(contract_ids: list[int]) -> int:
    """Recompute the savings of every month of these contracts (after a rate or baseline changed)."""
    return services.recompute_all(contract_ids=contract_ids)
