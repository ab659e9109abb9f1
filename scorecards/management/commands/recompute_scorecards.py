"""Recompute provider scorecards.

    python manage.py recompute_scorecards [--provider NAME] [--month YYYY-MM ...]

Every month each provider has compliance or savings results or ratings for, under the default
template's current version; idempotent (scorecards are upserted). Scorecards read stored
compliance and savings results, so run ``recompute_compliance`` and ``recompute_savings``
first if those may be stale.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.months import parse_month
from scorecards import services
from vendors.models import Provider


class Command(BaseCommand):
    help = "Recompute scorecards per provider-month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", help="Provider name (default: all providers).")
        parser.add_argument("--month", action="append", help="Month YYYY-MM (repeatable; default: every active month).")

    def handle(self, *args, **opts) -> None:
        provider_ids = None
        if opts["provider"]:
            provider_ids = list(Provider.objects.filter(name=opts["provider"]).values_list("pk", flat=True))
            if not provider_ids:
                raise CommandError(f"No provider named “{opts['provider']}”.")
        try:
            months = [parse_month(m) for m in opts["month"]] if opts["month"] else None
        except ValueError as error:
            raise CommandError(str(error))
        if services.default_version() is None:
            raise CommandError("No default scorecard template.")
        stored = services.recompute_scorecards(provider_ids=provider_ids, months=months)
        scored = sum(1 for card in stored if card.score is not None)
        self.stdout.write(
            self.style.SUCCESS(f"Recomputed {len(stored)} provider-month(s) of scorecards, {scored} with a score.")
        )
