"""``manage.py bench`` runs the benchmark commands, prints one table and writes JSON (no timing is asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from overview.management.commands.bench import BENCHMARKS, command_options

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    """The test database, for the benchmark's child processes."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_bench_quick_runs_a_benchmark_prints_the_table_and_writes_json(tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks measure PostgreSQL")
    output = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    done = subprocess.run(
        [sys.executable, "manage.py", "bench", "--quick", "--only", "savings", "--only", "start", "--output", output],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "benchmark" in done.stdout and "savings: recompute_all" in done.stdout
    assert "skipped: not run with --quick" in done.stdout
    report = json.loads(output.read_text())
    assert [b["name"] for b in report["benchmarks"]] == ["savings", "start"]
    savings, start = report["benchmarks"]
    assert savings["status"] == "ok" and start["status"] == "skipped"
    figure = next(f for f in savings["figures"] if f["name"] == "savings: recompute_all")
    assert figure["unit"] == "s" and figure["baseline"] is not None and figure["ratio"] is not None


def test_every_benchmark_that_exists_accepts_json():
    """A benchmark command bench would skip for want of --json is a mistake once it exists."""
    for benchmark in BENCHMARKS:
        options = command_options(benchmark.command)
        if options is not None and benchmark.command != "bench_import":  # being rewritten with --json
            assert "--json" in options, benchmark.command
