"""Finding the reminders due on a day, sending each once, and acknowledging them.

``send_reminders(today=...)`` is the whole daily run (the beat task and the
``send_reminders`` command call it): it records every reminder due that day (the model's
unique constraints make that idempotent), then emails every recorded one not sent yet. An
email that fails (mail server down) leaves its reminder unsent, and the next run retries it;
a row lock keeps two overlapping runs from sending the same one twice.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.models import Contract
from core import versions
from core.months import add_months, month_end
from reminders.models import Reminder
from reminders.schedule import crossed_threshold, month_to_report, uncovered
from reports.models import VendorReport
from vendors.models import Certification

logger = logging.getLogger(__name__)

# Contracts whose deadlines are watched: in force. A draft has no deadlines yet; a
# terminated contract has none left.
WATCHED = (Contract.Status.ACTIVE,)
# Contracts that owe last month's report: in force during it (an expired one still owes the last month's).
REPORTING = (Contract.Status.ACTIVE, Contract.Status.EXPIRED)


@dataclass
class RunSummary:
    """What one run did: reminders newly due, emails sent, emails that failed (retried next run),
    and reminders with nobody to email (no owner, no REMINDER_RECIPIENTS: listed on the dashboard only)."""

    created: int = 0
    sent: int = 0
    failed: int = 0
    unaddressed: int = 0


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _when(days_left: int) -> str:
    return "today" if days_left == 0 else f"in {_days(days_left)}"


def notice_reminders(today: dt.date) -> list[Reminder]:
    """The notice deadline (end date − notice period) at REMINDER_NOTICE_DAYS before it."""
    found = []
    for contract in Contract.objects.filter(status__in=WATCHED, end_date__gte=today).select_related("provider"):
        deadline = contract.notice_deadline
        threshold = crossed_threshold(deadline, today, settings.REMINDER_NOTICE_DAYS) if deadline else None
        if deadline is None or threshold is None:
            continue
        days_left = (deadline - today).days
        after = "it renews itself automatically" if contract.auto_renew else "it ends as agreed"
        found.append(
            Reminder(
                kind=Reminder.Kind.NOTICE_DEADLINE,
                provider=contract.provider,
                contract=contract,
                due_on=deadline,
                threshold=_days(threshold),
                subject=f"Notice deadline of {contract.reference} {_when(days_left)} ({deadline:%Y-%m-%d})",
                message=(
                    f"Contract {contract.reference} “{contract.title}” with {contract.provider} ends on "
                    f"{contract.end_date:%Y-%m-%d} and needs {_days(contract.notice_period_days)} of notice: "
                    f"notice must be given by {deadline:%Y-%m-%d}, {_when(days_left)}. Without notice, {after}."
                ),
            )
        )
    return found


def ending_reminders(today: dt.date) -> list[Reminder]:
    """The contract's end date at REMINDER_CONTRACT_END_DAYS before it."""
    found = []
    horizon = today + dt.timedelta(days=max(settings.REMINDER_CONTRACT_END_DAYS, default=0))
    contracts = Contract.objects.filter(status__in=WATCHED, end_date__gte=today, end_date__lte=horizon)
    for contract in contracts.select_related("provider"):
        threshold = crossed_threshold(contract.end_date, today, settings.REMINDER_CONTRACT_END_DAYS)
        if threshold is None:
            continue
        days_left = (contract.end_date - today).days
        renewal = " It renews itself automatically." if contract.auto_renew else ""
        found.append(
            Reminder(
                kind=Reminder.Kind.CONTRACT_ENDING,
                provider=contract.provider,
                contract=contract,
                due_on=contract.end_date,
                threshold=_days(threshold),
                subject=f"Contract {contract.reference} ends {_when(days_left)} ({contract.end_date:%Y-%m-%d})",
                message=(
                    f"Contract {contract.reference} “{contract.title}” with {contract.provider} ends on "
                    f"{contract.end_date:%Y-%m-%d}, {_when(days_left)}.{renewal}"
                ),
            )
        )
    return found


def certification_reminders(today: dt.date) -> list[Reminder]:
    """A provider's certification at REMINDER_CERTIFICATION_DAYS before it expires."""
    found = []
    horizon = today + dt.timedelta(days=max(settings.REMINDER_CERTIFICATION_DAYS, default=0))
    certifications = Certification.objects.filter(expires_on__gte=today, expires_on__lte=horizon)
    for certification in certifications.select_related("provider"):
        expires = certification.expires_on
        assert expires is not None  # filtered above
        threshold = crossed_threshold(expires, today, settings.REMINDER_CERTIFICATION_DAYS)
        if threshold is None:
            continue
        days_left = (expires - today).days
        reference = f" ({certification.reference})" if certification.reference else ""
        found.append(
            Reminder(
                kind=Reminder.Kind.CERTIFICATION_EXPIRING,
                provider=certification.provider,
                certification=certification,
                due_on=expires,
                threshold=_days(threshold),
                subject=(
                    f"{certification.get_kind_display()} of {certification.provider} expires "
                    f"{_when(days_left)} ({expires:%Y-%m-%d})"
                ),
                message=(
                    f"The {certification.get_kind_display()} certification{reference} of {certification.provider} "
                    f"expires on {expires:%Y-%m-%d}, {_when(days_left)}. Ask the provider for the renewed certificate."
                ),
            )
        )
    return found


def missing_report_reminders(today: dt.date) -> list[Reminder]:
    """From day REMINDER_REPORT_DUE_DAY of a month: contracts in force last month whose
    completed reports (work items or KPI summaries) do not cover it for every process.

    The days to cover are last month's within the contract's term; reports may cover them
    in pieces. One reminder per contract and month, naming the processes without a report.
    """
    due_day = settings.REMINDER_REPORT_DUE_DAY
    month = month_to_report(today, due_day) if due_day > 0 else None  # 0: these reminders are off
    if month is None:
        return []
    last = month_end(month)
    next_month = add_months(month, 1)
    due_on = next_month.replace(day=min(due_day, month_end(next_month).day))
    contracts = list(
        Contract.objects.filter(status__in=REPORTING, start_date__lte=last, end_date__gte=month)
        .select_related("provider")
        .prefetch_related("processes")
    )
    covered: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    reports = VendorReport.objects.filter(
        contract__in=[c.pk for c in contracts],
        status=VendorReport.Status.COMPLETED,
        period_start__lte=last,
        period_end__gte=month,
    ).values_list("contract_id", "process_id", "period_start", "period_end")
    for contract_id, process_id, first, final in reports:
        covered[(contract_id, process_id)].append((first, final))
    found = []
    for contract in contracts:
        wanted = (max(month, contract.start_date), min(last, contract.end_date))
        missing = sorted(p.name for p in contract.processes.all() if uncovered(wanted, covered[(contract.pk, p.pk)]))
        if not missing:
            continue
        found.append(
            Reminder(
                kind=Reminder.Kind.REPORT_MISSING,
                provider=contract.provider,
                contract=contract,
                due_on=due_on,
                threshold=f"{month:%Y-%m}",
                subject=f"Report for {month:%Y-%m} missing: {contract.reference}",
                message=(
                    f"No completed vendor report covers {month:%Y-%m} ({wanted[0]:%Y-%m-%d} to {wanted[1]:%Y-%m-%d}) "
                    f"for contract {contract.reference} with {contract.provider}, process"
                    f"{'es' if len(missing) > 1 else ''} {', '.join(missing)}; it was due by {due_on:%Y-%m-%d}."
                ),
            )
        )
    return found


def due_reminders(*, today: dt.date) -> list[Reminder]:
    """Every reminder due on ``today`` (unsaved; recorded ones are found again and skipped on save)."""
    return [
        *notice_reminders(today),
        *ending_reminders(today),
        *certification_reminders(today),
        *missing_report_reminders(today),
    ]


def recipients(reminder: Reminder) -> list[str]:
    """The contract's owner (for a certification: the owners of the provider's contracts in
    force) and REMINDER_RECIPIENTS, each address once."""
    owners = Contract.objects.filter(owner__is_active=True).exclude(owner__email="")
    if reminder.contract_id:
        owners = owners.filter(pk=reminder.contract_id)
    else:
        owners = owners.filter(provider=reminder.provider_id, status__in=WATCHED)
    addresses: Iterable[str] = [
        *owners.order_by("reference").values_list("owner__email", flat=True),
        *settings.REMINDER_RECIPIENTS,
    ]
    unique: dict[str, str] = {}
    for address in addresses:
        if address and address.strip():
            unique.setdefault(address.strip().lower(), address.strip())
    return list(unique.values())


def _record(candidate: Reminder) -> bool:
    """Save a due reminder unless it exists already; whether it was new."""
    subject_key = (
        {"contract": candidate.contract} if candidate.contract_id else {"certification": candidate.certification}
    )
    try:
        with transaction.atomic():
            _, created = Reminder.objects.get_or_create(
                kind=candidate.kind,
                due_on=candidate.due_on,
                threshold=candidate.threshold,
                **subject_key,
                defaults={"provider": candidate.provider, "subject": candidate.subject, "message": candidate.message},
            )
    except IntegrityError:  # an overlapping run recorded it between the get and the create
        return False
    return created


def _send(pk: int) -> bool | None:
    """Email one unsent reminder and stamp it; whether it had anyone to email (stamped either
    way: it is sent once); None when another run holds it or sent it."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("provider", "contract")
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return None
        to = recipients(reminder)
        if to:
            body = f"{reminder.message}\n\nAcknowledge it on the portal's dashboard once it is taken care of."
            EmailMessage(reminder.subject, body, to=to).send()
        reminder.recipients = to
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["recipients", "sent_at"])
        return bool(to)


def send_reminders(*, today: dt.date) -> RunSummary:
    """The daily run: record the reminders due on ``today``, then email each unsent one once."""
    summary = RunSummary()
    for candidate in due_reminders(today=today):
        summary.created += _record(candidate)
    pending = list(
        Reminder.objects.filter(sent_at__isnull=True, acknowledged_at__isnull=True)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    for pk in pending:
        try:
            sent = _send(pk)
        except OSError:  # smtplib's errors are OSErrors: the mail server is away; retried next run
            logger.exception("Reminder %s could not be emailed; it is retried on the next run.", pk)
            summary.failed += 1
            continue
        if sent is not None:
            summary.sent += sent
            summary.unaddressed += not sent
    logger.info("Reminders for %s: %s", today, summary)
    return summary


def reminder_acknowledge(reminder: Reminder, *, user: AbstractBaseUser | AnonymousUser) -> Reminder:
    """Mark the reminder taken care of: it leaves the dashboard. Acknowledging twice keeps the first."""
    subject = f"contract:{reminder.contract_id}" if reminder.contract_id else f"provider:{reminder.provider_id}"
    with transaction.atomic():  # the version commits with the change (core.versions)
        if Reminder.objects.filter(pk=reminder.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=user, acknowledged_at=timezone.now()
        ):
            versions.bump(subject)
    reminder.refresh_from_db()
    return reminder
