"""Benchmark: score 200 providers × 36 months (ranks, trends, roll-ups included), on PostgreSQL.

    python manage.py bench_scorecards [--providers 200] [--months 36] [--json PATH]

Builds ``--providers`` throw-away providers spread over the service categories, each with a
contract of one or two processes, three service levels, and ``--months`` months of stored
compliance results, savings results and a reviewer's rating (all bulk-created: the benchmark
measures scoring, not imports or compliance). Then times ``scorecards.services.recompute_scorecards``
over them twice (the first run inserts, the second updates; the slower counts against the
target of 10 s), counts the queries of the per-provider path the compliance signal takes
(one provider, one month), and removes everything it created.
"""

import datetime as dt
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import Contract, Process, ServiceCategory
from core.months import add_months, month_start
from overview.benchmarks import Figure, write_figures
from savings.models import SavingsResult
from scorecards import services
from scorecards.models import ManualRating, ProcessScorecard, Scorecard, ScorecardRollup, StandingConsequence
from scorecards.review_services import propose_consequences
from slas.models import ComplianceResult, ServiceLevel
from vendors.models import Provider

PREFIX = "BENCH-SCORECARDS-"
REVIEWER = "bench-scorecards-reviewer"
TARGET_SECONDS = 10.0
LEVELS = [
    # metric, parameters, expected, minimum, weight
    ("service_level", {"threshold_seconds": 20}, "80", "70", "3"),
    ("abandon_rate", {}, "5", "10", "1"),
    ("aht", {}, "360", "420", "1"),
]


class Command(BaseCommand):
    help = "Time the scorecard recomputation of N providers × M months (target: 200 × 36 under 10 s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--providers", type=int, default=200)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--json", metavar="PATH", help="Also write the figures as JSON (overview.benchmarks).")

    def handle(self, *args, **opts) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_scorecards measures PostgreSQL: set DATABASE_URL to PostgreSQL.")
        if services.default_version() is None:
            raise CommandError("No default scorecard template.")
        providers, months = opts["providers"], opts["months"]
        try:
            started = time.perf_counter()
            ids, last_month = self._setup(providers, months)
            self.stdout.write(
                f"built {providers:,} providers × {months} months "
                f"({providers * months * len(LEVELS):,} compliance results) in {time.perf_counter() - started:.1f} s"
            )
            seconds = self._measure(ids, last_month)
        finally:
            self._teardown()
        name = f"scorecards: {providers} providers × {months} months"
        figure = Figure(
            name=name,
            value=round(seconds, 3),
            unit="s",
            target=TARGET_SECONDS,
            higher_is_better=False,
            note="recompute_scorecards, the slower of the inserting and the updating run",
        )
        verdict = "met" if figure.meets else "MISSED"
        self.stdout.write(f"{name}: {seconds:.2f} s (target under {TARGET_SECONDS:g} s: {verdict})")
        if opts["json"]:
            write_figures(opts["json"], [figure])
            self.stdout.write(f"figures written to {opts['json']}")

    def _measure(self, ids: list[int], last_month: dt.date) -> float:
        timings = []
        for label in ("first run (inserts)", "second run (updates)"):
            started = time.perf_counter()
            stored = services.recompute_scorecards(provider_ids=ids)
            timings.append(time.perf_counter() - started)
            self.stdout.write(f"recompute_scorecards, {label}: {timings[-1]:.2f} s for {len(stored):,} provider-months")
        ranked = Scorecard.objects.filter(provider_id__in=ids, rank__isnull=False).count()
        rollups = ScorecardRollup.objects.filter(provider_id__in=ids).count()
        per_process = ProcessScorecard.objects.filter(provider_id__in=ids).count()
        consequences = StandingConsequence.objects.filter(provider_id__in=ids).count()
        self.stdout.write(
            f"  {ranked:,} ranked scorecards, {per_process:,} process scorecards, {rollups:,} roll-ups, "
            f"{consequences:,} standing consequences proposed"
        )
        # The consequences alone, proposed again from none (as the first run did) and then as a
        # recomputation finds them: the one step that used to write a row (and history) per card.
        StandingConsequence.history.model.objects.filter(provider_id__in=ids)._raw_delete(connection.alias)
        StandingConsequence.objects.filter(provider_id__in=ids)._raw_delete(connection.alias)
        for label in ("from none", "again (nothing changes)"):
            with transaction.atomic():
                started = time.perf_counter()
                proposed = propose_consequences(stored)
                seconds = time.perf_counter() - started
            self.stdout.write(
                f"  propose_consequences {label}: {seconds:.2f} s for {len(stored):,} scorecards "
                f"({len(proposed):,} proposed)"
            )
        with CaptureQueriesContext(connection) as one:
            services.recompute_scorecards(provider_ids=[ids[0]], months=[last_month])
        queries = len(one.captured_queries)
        self.stdout.write(f"queries for one provider's month (the compliance signal's path): {queries}")
        return max(timings)

    @transaction.atomic
    def _setup(self, providers: int, months: int) -> tuple[list[int], dt.date]:
        self._teardown()
        categories = list(ServiceCategory.objects.order_by("pk"))
        processes = [
            Process.objects.create(
                name=f"{PREFIX}{category.code}",
                category=category,
                unit_of_work="call",
                baseline_cost_per_unit=Decimal("5.00"),
            )
            for category in categories
        ]
        reviewer = get_user_model().objects.create(username=REVIEWER)
        last = add_months(month_start(timezone.localdate()), -1)
        first = add_months(last, -(months - 1))
        created = Provider.objects.bulk_create(
            Provider(name=f"{PREFIX}{n:04d}", headquarters_country="IN") for n in range(providers)
        )
        contracts = Contract.objects.bulk_create(
            Contract(
                reference=f"{PREFIX}{n:04d}",
                provider=provider,
                title="Scorecard benchmark",
                start_date=first,
                end_date=add_months(last, 12) - dt.timedelta(days=1),
                status="active",
                pricing_model="per_unit",
                unit_price=Decimal("3.20"),
            )
            for n, provider in enumerate(created)
        )
        links: list = []
        levels: list[ServiceLevel] = []
        for n, contract in enumerate(contracts):
            # Providers gather in few categories (so ranks compare many), some with a second process.
            own = [processes[n % 4]] + ([processes[4 + n % 3]] if n % 5 == 0 else [])
            links += [Contract.processes.through(contract_id=contract.pk, process_id=p.pk) for p in own]
            for metric, params, expected, minimum, weight in LEVELS:
                levels.append(
                    ServiceLevel(
                        contract=contract,
                        process=own[len(levels) % len(own)],
                        metric=metric,
                        parameters=params,
                        expected_level=Decimal(expected),
                        minimum_level=Decimal(minimum),
                        weight=Decimal(weight),
                        kind=ServiceLevel.Kind.KEY,
                    )
                )
        Contract.processes.through.objects.bulk_create(links)
        levels = ServiceLevel.objects.bulk_create(levels)
        now = timezone.now()
        results, savings, ratings = [], [], []
        for i, level in enumerate(levels):
            target, floor = float(level.expected_level), float(level.minimum_level)
            for m in range(months):
                # Each month somewhere between the minimum and a bit beyond the target.
                actual = floor + (target - floor) * (((i * 7 + m * 3) % 13) / 10)
                results.append(
                    ComplianceResult(
                        service_level=level,
                        period=add_months(first, m),
                        period_closed=True,
                        actual=actual,
                        sample_size=1000,
                        expected_level=level.expected_level,
                        minimum_level=level.minimum_level,
                        status="met" if (actual >= target) == (target >= floor) else "at_risk",
                        chronic=(i + m) % 29 == 0,
                        discrepancy=(i + m) % 17 == 0,
                        computed_at=now,
                    )
                )
        for n, contract in enumerate(contracts):
            for m in range(months):
                period = add_months(first, m)
                savings.append(
                    SavingsResult(
                        contract=contract,
                        period=period,
                        status="ok",
                        reporting_currency="USD",
                        savings=Decimal(800 + (n * 31 + m * 17) % 900),
                        projected_savings=Decimal(1200),
                        invoice_discrepancy=(n + m) % 23 == 0,
                        computed_at=now,
                    )
                )
                if m % 3 == 0:
                    ratings.append(
                        ManualRating(
                            provider_id=contract.provider_id,
                            period=period,
                            criterion="relationship",
                            reviewer=reviewer,
                            rating=Decimal(60 + (n + m) % 40),
                        )
                    )
        ComplianceResult.objects.bulk_create(results, batch_size=5000)
        SavingsResult.objects.bulk_create(savings, batch_size=5000)
        ManualRating.objects.bulk_create(ratings, batch_size=5000)
        with connection.cursor() as cursor:
            for table in ("slas_complianceresult", "savings_savingsresult", "scorecards_scorecard"):
                cursor.execute(f"ANALYZE {table}")
        return [p.pk for p in created], last

    @transaction.atomic
    def _teardown(self) -> None:
        """Remove what the benchmark made (and a crashed run's leftovers), fast."""
        alias = connection.alias
        providers = Provider.objects.filter(name__startswith=PREFIX)
        contracts = Contract.objects.filter(reference__startswith=PREFIX)
        # The consequences the standing bands proposed (and their history), before their scorecards.
        StandingConsequence.history.model.objects.filter(provider_id__in=providers.values("pk"))._raw_delete(alias)
        StandingConsequence.objects.filter(provider__in=providers)._raw_delete(alias)
        Scorecard.objects.filter(provider__in=providers)._raw_delete(alias)
        ProcessScorecard.objects.filter(provider__in=providers)._raw_delete(alias)
        ScorecardRollup.objects.filter(provider__in=providers)._raw_delete(alias)
        ManualRating.objects.filter(provider__in=providers)._raw_delete(alias)
        ComplianceResult.objects.filter(service_level__contract__in=contracts)._raw_delete(alias)
        SavingsResult.objects.filter(contract__in=contracts)._raw_delete(alias)
        ServiceLevel.objects.filter(contract__in=contracts)._raw_delete(alias)
        Contract.processes.through.objects.filter(contract__in=contracts)._raw_delete(alias)
        contracts._raw_delete(alias)
        Process.objects.filter(name__startswith=PREFIX)._raw_delete(alias)
        Process.history.model.objects.filter(name__startswith=PREFIX)._raw_delete(alias)
        providers._raw_delete(alias)
        get_user_model().objects.filter(username=REVIEWER).delete()
