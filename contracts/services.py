"""Writes on contracts that go beyond a form save."""

import datetime as dt

from django.db import transaction

from contracts.models import Contract


@transaction.atomic
def expire_ended_contracts(*, today: dt.date) -> int:
    """Mark active contracts whose end date has passed as expired; returns how many.

    Contracts with auto-renewal are rolled forward by their own length instead, since they
    continue unless notice was given (recording notice is done by ending the contract).
    """
    ended = Contract.objects.select_for_update().filter(status=Contract.Status.ACTIVE, end_date__lt=today)
    changed = 0
    for contract in ended:
        if contract.auto_renew:
            term = contract.end_date - contract.start_date
            while contract.end_date < today:
                contract.start_date, contract.end_date = contract.end_date, contract.end_date + term
            contract.save(update_fields=["start_date", "end_date", "updated_at"])
        else:
            contract.status = Contract.Status.EXPIRED
            contract.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed
