"""``manage.py run_contract_lifecycle [--today YYYY-MM-DD]``: the daily lifecycle run, by hand."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from contracts.lifecycle import expire_ended_contracts


class Command(BaseCommand):
    help = (
        "Expire active contracts past their end date; with auto-renewal, create the next term first "
        "(not for a provider missing a required certification). Safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as on this day (YYYY-MM-DD; default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"“{options['today']}” is not a date; use YYYY-MM-DD.") from None
        run = expire_ended_contracts(today=today)
        for old, new in run.renewed:
            self.stdout.write(f"Renewed {old} as {new}.")
        for reference, problems in run.not_renewed:
            self.stdout.write(f"Not renewed {reference}: {problems}; renew it by hand with an override.")
        self.stdout.write(f"{len(run.expired)} contract(s) expired as of {today}.")
