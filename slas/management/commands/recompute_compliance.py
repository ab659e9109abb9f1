"""Recompute SLA compliance and credits.

    python manage.py recompute_compliance [--contract REF] [--month 2026-10]

Months outside a contract's term, and months after the current one, are never computed.
Without --month, every month of the term up to now. Each contract's run is recorded
(``RecomputeRun``) with what it changed.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contracts.models import Contract
from core.months import parse_month
from slas import services
from slas.models import RecomputeRun


class Command(BaseCommand):
    help = "Recompute compliance results and service credits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contract", help="Contract reference (default: all contracts).")
        parser.add_argument("--month", help="YYYY-MM: this month and the months after it.")

    def handle(self, *args, **opts) -> None:
        contracts = Contract.objects.all()
        if opts["contract"]:
            contracts = contracts.filter(reference=opts["contract"])
            if not contracts:
                raise CommandError(f"No contract with reference “{opts['contract']}”.")
        month = None
        if opts["month"]:
            try:
                month = parse_month(opts["month"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        total = 0
        for contract in contracts:
            changed = None
            if month is not None:
                changed = [m for m in services.term_months(contract) if m >= month]
                if not changed:
                    continue
            run = services.recompute_contract(
                contract=contract, trigger=RecomputeRun.Trigger.COMMAND, changed=changed, reason="recompute_compliance"
            )
            total += run.month_count
            span = f" from {run.first_month:%Y-%m} to {run.last_month:%Y-%m}" if run.month_count else ""
            self.stdout.write(f"{contract.reference}: {run.month_count} month(s){span}, {len(run.changes)} change(s)")
        self.stdout.write(self.style.SUCCESS(f"Recomputed {total} contract-month(s)."))
