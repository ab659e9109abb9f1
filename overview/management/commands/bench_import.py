"""Benchmark the vendor report import against a bare PostgreSQL COPY of the same file.

    python manage.py bench_import --rows 100000 --rows 1000000

For each size: generates a canonical work-item CSV, times a bare ``COPY`` of it into an
unlogged table with no indexes (the reference), then imports it end to end through the
Celery task code path in a child process, and prints rows/s, the ratio and the child's
peak RSS. Everything it creates is removed afterwards.
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from contracts.models import Contract
from overview.benchmarks import benchmark_contract, remove_benchmark_contract
from reports import services
from reports.models import ReportKind, VendorReport
from reports.synthetic import write_work_item_csv

MONTH = dt.date(2026, 10, 1)
REFERENCE_TABLE = "bench_copy_reference"
REFERENCE_COLUMNS = """
    item_id text, channel text, queue text, received_at timestamptz, started_at timestamptz,
    completed_at timestamptz, wait_seconds double precision, handle_seconds double precision, outcome text,
    resolved_first_contact boolean, csat double precision, csat_scale_max double precision,
    quality_score double precision, accurate boolean, agent text
"""


class Command(BaseCommand):
    help = "Time the report import against a bare COPY; print rows/s, ratio and peak RSS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, action="append", help="Rows per run (repeatable).")
        parser.add_argument("--import-report", type=int, help=argparse_suppress())

    def handle(self, *args, **opts) -> None:
        if opts["import_report"]:  # the child process: import one report through the task
            from reports.tasks import import_report

            started = time.perf_counter()
            import_report.apply(args=(opts["import_report"],), throw=True)
            self.stdout.write(f"{time.perf_counter() - started:.3f}")
            return
        if connection.vendor != "postgresql":
            raise CommandError("bench_import compares with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL database.")
        sizes = opts["rows"] or [100_000, 1_000_000]
        contract = benchmark_contract("BENCH-IMPORT")
        results = []
        try:
            with tempfile.TemporaryDirectory() as folder:
                for rows in sizes:
                    results.append(self._run(contract, rows, Path(folder) / f"bench-{rows}.csv"))
        finally:
            remove_benchmark_contract(contract)
        self.stdout.write("")
        self.stdout.write(
            f"{'rows':>10} {'file MB':>8} {'COPY rows/s':>12} {'import rows/s':>14} {'ratio':>6} {'peak RSS MB':>12}"
        )
        for r in results:
            self.stdout.write(
                f"{r['rows']:>10,} {r['mb']:>8.1f} {r['copy_rate']:>12,.0f} {r['import_rate']:>14,.0f} "
                f"{r['ratio']:>6.2f} {r['rss_mb']:>12.0f}"
            )
        self.stdout.write(
            f"machine: {os.cpu_count()} cores, PostgreSQL {connection.pg_version // 10000}, "  # type: ignore[attr-defined]
            f"Python {sys.version.split()[0]}"
        )

    def _run(self, contract: Contract, rows: int, path: Path) -> dict:
        self.stdout.write(f"generating {rows:,} rows…")
        size = write_work_item_csv(path, rows, month=MONTH)
        copy_seconds = self._bare_copy(path)
        with path.open("rb") as handle:
            report = services.report_submit(
                services.ReportSubmission(
                    contract=contract,
                    kind=ReportKind.WORK_ITEMS,
                    period_start=MONTH,
                    period_end=dt.date(2026, 10, 31),
                    upload=File(handle, name=path.name),
                    source=VendorReport.Source.CLI,
                ),
                enqueue=False,
            )
        self.stdout.write(f"importing report #{report.pk} in a child process…")
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            child = subprocess.Popen(
                [sys.executable, "manage.py", "bench_import", "--import-report", str(report.pk)],
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=err,
            )
            _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS, in kB on Linux
            child.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - started
            out.seek(0), err.seek(0)
            stdout, stderr = out.read(), err.read()
        if child.returncode != 0:
            raise CommandError(stderr[-3000:])
        rss_kb = usage.ru_maxrss
        report.refresh_from_db()
        if report.status != VendorReport.Status.COMPLETED or report.rows_accepted != rows:
            raise CommandError(
                f"import ended {report.status} with {report.rows_accepted} rows: {report.failure_reason}"
            )
        import_seconds = float(stdout.strip().splitlines()[-1])
        self.stdout.write(f"  bare COPY {copy_seconds:.2f} s, import {import_seconds:.2f} s (child wall {wall:.2f} s)")
        return {
            "rows": rows,
            "mb": size / 1e6,
            "copy_rate": rows / copy_seconds,
            "import_rate": rows / import_seconds,
            "ratio": copy_seconds / import_seconds,
            "rss_mb": rss_kb / 1024,
        }

    def _bare_copy(self, path: Path) -> float:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {REFERENCE_TABLE}")
            cursor.execute(f"CREATE UNLOGGED TABLE {REFERENCE_TABLE} ({REFERENCE_COLUMNS})")
        raw = connection.connection
        started = time.perf_counter()
        sql = f"COPY {REFERENCE_TABLE} FROM STDIN (FORMAT csv, HEADER)"
        with raw.cursor() as cursor, cursor.copy(sql) as copy, path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        raw.commit()
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {REFERENCE_TABLE}")
        return seconds


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
