"""Benchmark: all SLA metrics of one contract-month of N work items, on PostgreSQL.

    python manage.py bench_compliance --rows 1000000

Fills one contract-month with synthetic work items (generated inside PostgreSQL with
generate_series, so the set-up is quick), then times ``slas.metrics.compute`` for a
service level of every metric in the catalogue (best and median of --repeat runs), the
whole ``recompute_compliance`` service, and prints the query plan's top lines. Everything
it creates is removed afterwards.

The bare baseline, measured in the same run over the same rows: one plain SQL aggregate
(count and two averages over the month's items, the same ``WHERE``), the least any
computation of the month must pay to read them. ``--json FILE`` writes the figures for
``manage.py bench``.
"""

import datetime as dt
import statistics
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from contracts.models import Contract, Process
from core.catalogue import METRICS
from overview.benchmarks import Figure, benchmark_contract, remove_benchmark_contract, write_figures
from reports.models import ReportKind, ReportLayout, VendorReport
from slas import services
from slas.metrics import MetricRequest, build_query, compute
from slas.models import ServiceLevel

MONTH = dt.date(2026, 10, 1)
BENCH_PARAMETERS = {"service_level": {"threshold_seconds": 20}, "turnaround": {"hours": 24}}
FILL_SQL = """
INSERT INTO reports_workitem (report_id, contract_id, process_id, source_row, item_id, channel, queue, received_at,
    started_at, completed_at, wait_seconds, handle_seconds, outcome, resolved_first_contact, csat, csat_scale_max,
    quality_score, accurate, agent, extras)
SELECT %(report)s, %(contract)s, %(process)s, n, 'B' || n, 'voice', 'q' || (n %% 5),
    t, t + make_interval(secs => w), t + make_interval(secs => w + h), w, h,
    CASE WHEN r < 0.04 THEN 'abandoned' WHEN r < 0.06 THEN 'self_service' WHEN r < 0.065 THEN 'ignored'
         ELSE 'handled' END,
    CASE WHEN n %% 3 = 0 THEN NULL ELSE random() < 0.78 END,
    CASE WHEN n %% 4 = 0 THEN 1 + floor(random() * 5) END, 5,
    CASE WHEN n %% 10 = 0 THEN 70 + random() * 30 END,
    CASE WHEN n %% 2 = 0 THEN random() < 0.99 END, 'A' || (n %% 400), '{}'
FROM (
    SELECT n, %(start)s::timestamptz + (n * interval '2678399 seconds' / %(rows)s) AS t,
           -ln(1 - random()) * 18 AS w, exp(5.6 + 0.45 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS h,
           random() AS r
    FROM generate_series(1, %(rows)s) AS n
) AS g
"""
# The bare baseline: the same month's rows read by one plain aggregate.
BARE_SQL = """
SELECT count(*), avg(wait_seconds), avg(handle_seconds), count(*) FILTER (WHERE outcome = 'abandoned')
FROM reports_workitem
WHERE contract_id = %s AND process_id = %s AND received_at >= %s AND received_at < %s AND outcome <> 'ignored'
"""
# Issue #12: every metric of a contract-month of 1M work items in under 2 s.
TARGET_SECONDS = 2.0


class Command(BaseCommand):
    help = "Time the computation of every SLA metric for one contract-month of N work items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--json", help="Write the figures to this file (for manage.py bench).")

    def handle(self, *args, **opts) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_compliance measures the PostgreSQL query: set DATABASE_URL to PostgreSQL.")
        rows = opts["rows"]
        contract, process, report = self._setup()
        try:
            self.stdout.write(f"filling {rows:,} work items for {MONTH:%Y-%m}…")
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SELECT setseed(0.42)")
                cursor.execute(
                    FILL_SQL,
                    {
                        "report": report.pk,
                        "contract": contract.pk,
                        "process": process.pk,
                        "start": MONTH.isoformat(),
                        "rows": rows,
                    },
                )
                cursor.execute("ANALYZE reports_workitem")
            self.stdout.write(f"  filled in {time.perf_counter() - started:.1f} s")
            figures = self._measure(contract, process, opts["repeat"], rows)
        finally:
            remove_benchmark_contract(contract)
        if opts["json"]:
            write_figures(opts["json"], figures)

    def _measure(self, contract: Contract, process: Process, repeat: int, rows: int) -> list[Figure]:
        period = services.month_period(contract, MONTH)
        requests = [MetricRequest(str(sla.pk), sla.metric, sla.parameters) for sla in contract.service_levels.all()]
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            values = compute(contract_id=contract.pk, process_id=process.pk, period=period, requests=requests)
            timings.append(time.perf_counter() - started)
        bare = []
        with connection.cursor() as cursor:
            for _ in range(repeat):
                started = time.perf_counter()
                cursor.execute(BARE_SQL, [contract.pk, process.pk, period.start, period.end])
                cursor.fetchall()
                bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        services.recompute_compliance(contract=contract, month=MONTH)
        service_seconds = time.perf_counter() - started
        sql, params, _ = build_query(contract_id=contract.pk, process_id=process.pk, period=period, requests=requests)
        assert sql is not None  # there are service levels to compute
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [line for (line,) in cursor.fetchall()]
        sample = values[requests[0].key]
        self.stdout.write("")
        self.stdout.write(f"metrics: {len(requests)} service levels ({', '.join(r.code for r in requests)})")
        self.stdout.write(f"items in the month: {sample.sample_size:,} (first metric's sample)")
        self.stdout.write(
            f"compute (one SQL query): best {min(timings):.3f} s, median {statistics.median(timings):.3f} s "
            f"over {repeat} runs"
        )
        self.stdout.write(
            f"bare SQL aggregate (count, two averages, same rows): best {min(bare):.3f} s, "
            f"median {statistics.median(bare):.3f} s"
        )
        self.stdout.write(f"recompute_compliance (query + statuses + credits + upserts): {service_seconds:.3f} s")
        self.stdout.write("query plan:")
        for line in [*plan[:12], "…", *plan[-2:]]:
            self.stdout.write(f"  {line}")
        return [
            Figure(
                name=f"compliance: {len(requests)} metrics of a month, one query",
                value=round(statistics.median(timings), 4),
                unit="s",
                baseline=round(statistics.median(bare), 4),
                baseline_name="bare SQL aggregate",
                higher_is_better=False,
                note=f"{rows:,} work items; median of {repeat}",
            ),
            Figure(
                name="compliance: recompute_compliance of a month",
                value=round(service_seconds, 4),
                unit="s",
                target=TARGET_SECONDS,
                higher_is_better=False,
                note=f"{rows:,} work items (target for 1,000,000: under {TARGET_SECONDS:g} s)",
            ),
        ]

    @transaction.atomic
    def _setup(self) -> tuple[Contract, Process, VendorReport]:
        contract = benchmark_contract("BENCH-COMPLIANCE")
        process = contract.processes.get()
        for metric in METRICS:
            params = metric.clean_parameters(BENCH_PARAMETERS.get(metric.code, {}))
            levels = ("80", "70") if metric.higher_is_better else ("300", "400")
            if metric.code in ("volume",):
                levels = ("1000", "500")
            ServiceLevel.objects.get_or_create(
                contract=contract,
                process=process,
                metric=metric.code,
                defaults={
                    "parameters": params,
                    "expected_level": levels[0],
                    "minimum_level": levels[1],
                    "kind": "key",
                    "credit_allocation_percent": 0,
                },
            )
        layout = ReportLayout.objects.get(name="Canonical work items")
        assert layout.current_version is not None  # the built-in layout has its config
        report = VendorReport.objects.create(
            contract=contract,
            process=process,
            kind=ReportKind.WORK_ITEMS,
            period_start=MONTH,
            period_end=dt.date(2026, 10, 31),
            layout_version=layout.current_version,
            original_name="generated",
            sha256="0" * 64,
            size=0,
            status=VendorReport.Status.COMPLETED,
        )
        return contract, process, report
