"""``manage.py send_reminders [--today YYYY-MM-DD]``: the daily reminder run, by hand."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reminders import services


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Record and email the reminders due on a day (notice deadlines, contracts ending, certifications "
        "expiring, last month's reports missing). Each is sent once: running it again sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to run for (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        summary = services.send_reminders(today=today)
        self.stdout.write(
            f"{today:%Y-%m-%d}: {summary.created} reminder(s) newly due, {summary.sent} emailed, "
            f"{summary.failed} failed (retried on the next run)."
            + (
                f" {summary.unaddressed} with nobody to email: set the contract's owner or REMINDER_RECIPIENTS "
                "(listed on the dashboard)."
                if summary.unaddressed
                else ""
            )
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} reminder(s) could not be emailed.")
