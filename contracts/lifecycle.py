"""A contract's lifecycle: the one place its status changes.

The arrows::

    draft ──activate──▶ active ──(end date passes)──▶ expired
      │                   │  └──renew──▶ next term (a new Contract, active; this one expires at its end)
      └──terminate──▶ terminated ◀──terminate (early, with a reason and a last day of service)

* A draft is activated, or cancelled (terminated, with a reason). It never expires by itself.
* An active contract is terminated early (reason and last day of service within its term), or
  renewed: the **next term** is a new contract linked to this one (``previous_term``), with a
  reference ``<reference>-R<n>``, the same provider, processes, prices, credit terms,
  business case and service levels; it starts the day after this term ends and runs as long.
  A term's dates never move, so its compliance results and savings stay attached to it.
* Expired and terminated are final.

The daily task (``expire_ended_contracts``, scheduled by celery beat and run by
``manage.py run_contract_lifecycle``) expires active contracts past their end date, renewing
those with auto-renewal first — unless the provider lacks a certification its data access
requires (``vendors.certifications``): such a contract is left to expire, and only a person
can renew it, with an override reason that the amendment history keeps.

Every change is saved with a django-simple-history change reason, so the contract's
amendment history tells who moved it where and why.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from contracts.models import Contract
from core.months import add_months
from vendors.certifications import CertificationProblem, certification_problems

Status = Contract.Status

# Sent inside the renewal's transaction with ``previous`` and ``renewal`` (both Contracts), so
# the apps above (``slas``: service levels) copy what belongs to the previous term.
contract_renewed = Signal()

# The manual transitions: target → the stored statuses it may start from. "renewed" is not a
# status: it creates the next term (and leaves this one active until its end).
RENEWED = "renewed"
ALLOWED: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (Status.DRAFT,),
    Status.TERMINATED: (Status.DRAFT, Status.ACTIVE),
    Status.EXPIRED: (Status.ACTIVE,),
    RENEWED: (Status.ACTIVE,),
}
TARGETS: dict[str, str] = {
    Status.ACTIVE: "Activate",
    Status.TERMINATED: "Terminate",
    Status.EXPIRED: "Expire",
    RENEWED: "Renew",
}

# Fields a renewal does not copy: identity, the term itself and how it ended, and the one-time
# transition cost (paid and amortised in the first term; the next term would charge it again).
_NOT_COPIED = {
    "transition_cost",
    "id",
    "reference",
    "start_date",
    "end_date",
    "status",
    "created_at",
    "updated_at",
    "previous_term",
    "terminated_on",
    "termination_reason",
    "renewal_override_reason",
}
# django-simple-history keeps a change reason in 100 characters; the full texts are fields
# (termination_reason, renewal_override_reason), whose before → after the history shows too.
REASON_LENGTH = 100
_RENEWAL_SUFFIX = re.compile(r"^(?P<base>.+)-R(?P<n>\d+)$")


class TransitionNotAllowed(Exception):
    """The contract's status does not allow the requested change (the API answers 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LifecycleRun:
    """What one run of the daily task did (for the command's output and the task's result)."""

    expired: list[str] = field(default_factory=list)
    renewed: list[tuple[str, str]] = field(default_factory=list)
    not_renewed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.expired)


def allowed_transitions(contract: Contract, *, today: dt.date) -> list[str]:
    """The transitions a person may make now (the buttons the contract page offers)."""
    allowed = []
    for target in TARGETS:
        try:
            _check(contract, target, today=today)
        except TransitionNotAllowed:
            continue
        allowed.append(target)
    return allowed


def _check(contract: Contract, target: str, *, today: dt.date) -> None:
    """Raise ``TransitionNotAllowed`` unless ``target`` is an allowed arrow from where the contract is."""
    if target not in ALLOWED:
        raise TransitionNotAllowed(f"“{target}” is not a contract status; choose one of {', '.join(TARGETS)}.")
    current = Status(contract.status)
    if current not in ALLOWED[target]:
        wanted = "renewed" if target == RENEWED else Status(target).label.lower()
        article = "an" if current in (Status.ACTIVE, Status.EXPIRED) else "a"
        raise TransitionNotAllowed(
            f"Contract {contract.reference} is {current.label.lower()}; {article} {current.label.lower()} contract "
            f"cannot be {wanted}."
        )
    ended = contract.end_date < today
    if target == Status.ACTIVE and ended:
        raise TransitionNotAllowed(
            f"Contract {contract.reference} ended on {contract.end_date}; a draft whose term has passed cannot be "
            "activated."
        )
    if target == Status.EXPIRED and not ended:
        raise TransitionNotAllowed(
            f"Contract {contract.reference} runs until {contract.end_date}; it expires only after its end date "
            "(terminate it to end it early)."
        )
    if target == Status.TERMINATED and current == Status.ACTIVE and ended:
        raise TransitionNotAllowed(
            f"Contract {contract.reference} already ended on {contract.end_date}; there is nothing to terminate."
        )
    if target == RENEWED:
        following = Contract.objects.filter(previous_term=contract).first()
        if following is not None:
            raise TransitionNotAllowed(f"Contract {contract.reference} was already renewed as {following.reference}.")


def _short(reason: str) -> str:
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


def _save(contract: Contract, fields: list[str], *, reason: str, user: Any) -> None:
    contract._change_reason = _short(reason)  # type: ignore[attr-defined]  # read by django-simple-history
    if user is not None and getattr(user, "is_authenticated", False):
        contract._history_user = user  # type: ignore[attr-defined]
    contract.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def transition(
    contract: Contract,
    to: str,
    *,
    today: dt.date,
    user: Any = None,
    reason: str = "",
    on: dt.date | None = None,
    override_reason: str = "",
) -> Contract:
    """Move ``contract`` along an allowed arrow; returns it (or, for a renewal, the next term).

    ``reason`` is required to terminate (and recorded for every change); ``on`` is a
    termination's last day of service (default ``today``, within the term); ``override_reason``
    is required to renew a contract whose provider lacks a required certification.
    Raises ``TransitionNotAllowed`` for an arrow that does not exist from the current status,
    ``ValidationError`` (naming the field) for missing or invalid input.
    """
    contract = Contract.objects.select_for_update().select_related("provider").get(pk=contract.pk)
    _check(contract, to, today=today)
    reason = reason.strip()
    if to == RENEWED:
        return renew(contract, today=today, user=user, reason=reason, override_reason=override_reason)
    if to == Status.ACTIVE:
        contract.status = Status.ACTIVE
        _save(contract, ["status"], reason=_sentence("Activated", reason), user=user)
    elif to == Status.EXPIRED:
        contract.status = Status.EXPIRED
        what = f"Expired after its end on {contract.end_date}"
        _save(contract, ["status"], reason=_sentence(what, reason), user=user)
    elif to == Status.TERMINATED:
        if not reason:
            raise ValidationError({"reason": "Say why the contract is terminated."})
        last_day = on or today
        if contract.status == Status.ACTIVE and not contract.start_date <= last_day <= contract.end_date:
            raise ValidationError(
                {
                    "date": f"The last day of service must lie within the term ({contract.start_date} – "
                    f"{contract.end_date})."
                }
            )
        was = Status(contract.status)
        contract.status = Status.TERMINATED
        contract.terminated_on = last_day
        contract.termination_reason = reason
        verb = "Cancelled (terminated as a draft)" if was == Status.DRAFT else f"Terminated as of {last_day}"
        _save(
            contract,
            ["status", "terminated_on", "termination_reason"],
            reason=_sentence(verb, reason),
            user=user,
        )
    return contract


def _sentence(what: str, reason: str) -> str:
    return f"{what}: {reason}" if reason else what


def renewal_reference(contract: Contract) -> str:
    """``MSA-2025-001`` → ``MSA-2025-001-R1``; ``MSA-2025-001-R1`` (a renewal) → ``MSA-2025-001-R2``."""
    match = _RENEWAL_SUFFIX.match(contract.reference)
    if match and contract.previous_term_id is not None:
        return f"{match['base']}-R{int(match['n']) + 1}"
    return f"{contract.reference}-R1"


def next_term_dates(contract: Contract) -> tuple[dt.date, dt.date]:
    """The next term starts the day after this one ends and runs as long.

    A term of whole calendar months (1 Jan – 31 Dec) is followed by as many whole months;
    any other term by the same number of days.
    """
    start = contract.end_date + dt.timedelta(days=1)
    months = _whole_months(contract.start_date, start)
    if months is not None:
        return start, add_months(start, months) - dt.timedelta(days=1)
    return start, start + (contract.end_date - contract.start_date)


def _whole_months(first: dt.date, after_last: dt.date) -> int | None:
    if first.day != 1 or after_last.day != 1:
        return None
    return (after_last.year - first.year) * 12 + after_last.month - first.month


def renewal_problems(contract: Contract, *, today: dt.date) -> list[CertificationProblem]:
    """What stands against renewing: the provider's missing or expired required certifications."""
    return certification_problems(contract.provider, on=today)


def renew(
    contract: Contract, *, today: dt.date, user: Any = None, reason: str = "", override_reason: str = ""
) -> Contract:
    """Create the next term of ``contract`` (locked by the caller) and return it.

    The previous term keeps its dates; it is expired now if it has ended, else at its end by
    the daily task. A provider with certification problems needs ``override_reason``.
    """
    problems = renewal_problems(contract, today=today)
    override_reason = override_reason.strip()
    if problems and not override_reason:
        flagged = ", ".join(p.label for p in problems)
        raise ValidationError(
            {
                "override_reason": f"{contract.provider} has {flagged}; renewing its contract needs an override "
                "with a reason."
            }
        )
    notes = [reason] if reason else []
    if problems:
        override = f"override of {', '.join(p.label for p in problems)}: {override_reason}"
        notes.append(override)
        contract.renewal_override_reason = override
    return _create_next_term(contract, today=today, user=user, note="; ".join(notes))


def _create_next_term(contract: Contract, *, today: dt.date, user: Any, note: str) -> Contract:
    start, end = next_term_dates(contract)
    values = {
        f.attname: getattr(contract, f.attname) for f in Contract._meta.concrete_fields if f.name not in _NOT_COPIED
    }
    renewal = Contract(
        **values,
        reference=renewal_reference(contract),
        start_date=start,
        end_date=end,
        status=Status.ACTIVE,
        previous_term=contract,
    )
    renewal.full_clean()
    renewal._change_reason = _short(_sentence(f"Renewal of {contract.reference}", note))  # type: ignore[attr-defined]
    if user is not None and getattr(user, "is_authenticated", False):
        renewal._history_user = user  # type: ignore[attr-defined]
    renewal.save()
    renewal.processes.set(contract.processes.all())
    contract_renewed.send(sender=Contract, previous=contract, renewal=renewal)
    what = f"Renewed as {renewal.reference} from {start}"
    fields = ["renewal_override_reason"] if contract.renewal_override_reason else []
    if contract.end_date < today:
        contract.status = Status.EXPIRED
        fields.append("status")
    _save(contract, fields, reason=_sentence(what, note), user=user)
    return renewal


@transaction.atomic
def expire_ended_contracts(*, today: dt.date) -> LifecycleRun:
    """The daily run: expire active contracts whose end date is before ``today``.

    One with auto-renewal is renewed first (its next term created), unless its provider has a
    certification problem: then it expires, and only a person can renew it (with an override).
    A next term that has itself ended already (the portal was not run for a while) is handled
    in the same run, so the chain of terms catches up with ``today``. Idempotent: a second run
    on the same day finds nothing active and ended, and a term is renewed at most once (the
    database allows one next term per contract).
    """
    run = LifecycleRun()
    while True:
        ended = list(
            Contract.objects.select_for_update(of=("self",))
            .select_related("provider")
            .filter(status=Status.ACTIVE, end_date__lt=today)
            .order_by("end_date", "pk")
        )
        if not ended:
            return run
        for contract in ended:
            following = Contract.objects.filter(previous_term=contract).first()
            if following is not None:
                contract.status = Status.EXPIRED
                why = f"Ended on {contract.end_date}; renewed as {following.reference}"
                _save(contract, ["status"], reason=why, user=None)
            elif contract.auto_renew and not (problems := renewal_problems(contract, today=today)):
                renewal = _create_next_term(contract, today=today, user=None, note="automatic renewal")
                run.renewed.append((contract.reference, renewal.reference))
            else:
                why = f"Ended on {contract.end_date}"
                if contract.auto_renew:
                    flagged = ", ".join(p.label for p in problems)
                    why += f"; not renewed automatically: {contract.provider} has {flagged}"
                    run.not_renewed.append((contract.reference, flagged))
                contract.status = Status.EXPIRED
                _save(contract, ["status"], reason=why, user=None)
            run.expired.append(contract.reference)
