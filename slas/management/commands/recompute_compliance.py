"""Recompute SLA compliance and credits.

    python manage.py recompute_compliance [--contract REF] [--month 2026-10]

Without --month, every month from the contract's start (or its first report) to now.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min

from contracts.models import Contract
from core.months import month_start, parse_month
from reports.models import VendorReport
from slas import services


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
            start = month or self._first_month(contract)
            if start is None:
                continue
            count = services.recompute_from(contract=contract, month=start)
            total += count
            self.stdout.write(f"{contract.reference}: {count} month(s) from {start:%Y-%m}")
        self.stdout.write(self.style.SUCCESS(f"Recomputed {total} contract-month(s)."))

    def _first_month(self, contract: Contract) -> dt.date | None:
        first_report = VendorReport.objects.filter(contract=contract).aggregate(m=Min("period_start"))["m"]
        return month_start(first_report) if first_report else None
