"""Every benchmark in one run: one table of figures beside their bare baselines, and a JSON file.

    python manage.py bench                       # everything (PostgreSQL; minutes)
    python manage.py bench --quick               # small sizes: a smoke test of the commands
    python manage.py bench --only compliance --only savings --output results.json

Runs each benchmark command (``bench_import``, ``bench_compliance``, ``bench_savings``,
``bench_scorecards``, ``bench_api``, ``bench_start``) in its own process with ``--json FILE``,
collects the figures they write (``overview.benchmarks.Figure``: each measured beside its bare
baseline in the same run — a bare ``COPY`` into the same table shape, the bare SQL aggregate,
the trivial view — with the ratio and the target), prints one table and writes it all as
JSON (``bench-results.json`` unless ``--output``). A benchmark command that does not exist
yet, or has no ``--json`` option yet, is skipped and the table says so; one that fails is
reported with the end of its output and the others still run. Each runs in a child process
so that one's memory, caches and connections do not colour the next one's figures.

The figures are timings on whatever machine runs this: the README's performance section is
this table from the CI machine; tests never assert a timing.
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from overview.benchmarks import Figure, read_figures


@dataclass(frozen=True)
class Benchmark:
    """A benchmark command and the arguments of a quick run (``None``: skipped with ``--quick``).

    ``quick`` arguments are used when the command has no ``--quick`` option of its own, and
    only if it accepts every one of them.
    """

    name: str
    command: str
    quick: list[str] | None = field(default_factory=list)
    what: str = ""
    full: list[str] = field(default_factory=list)  # arguments of the full run (the sizes)


BENCHMARKS = [
    Benchmark(
        "import",
        "bench_import",
        ["--rows", "5000"],
        "import canonical and native vs bare COPY",
        full=["--rows", "100000", "--rows", "1000000", "--repeat", "3"],
    ),
    Benchmark("compliance", "bench_compliance", ["--rows", "20000", "--repeat", "2"], "vs the bare SQL aggregate"),
    Benchmark(
        "savings",
        "bench_savings",
        ["--contracts", "5", "--months", "12", "--compliance-months", "1", "--items", "1000"],
        "vs a bare INSERT … SELECT",
    ),
    Benchmark("scorecards", "bench_scorecards", [], "vs the bare SQL aggregate"),
    Benchmark("api", "bench_api", [], "API cold and cached, dashboard vs the trivial view"),
    Benchmark("start", "bench_start", None, "fresh clone to first page"),
]
NAMES = [b.name for b in BENCHMARKS]


@dataclass
class Outcome:
    benchmark: Benchmark
    status: str  # "ok", "failed" or "skipped"
    reason: str = ""
    seconds: float = 0.0
    figures: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.benchmark.name,
            "command": self.benchmark.command,
            "status": self.status,
            "reason": self.reason,
            "seconds": round(self.seconds, 2),
            "figures": [f.as_dict() for f in self.figures],
        }


class Command(BaseCommand):
    help = "Run every benchmark, print one table of figures beside their baselines, and write it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", action="append", choices=NAMES, help="Run only this benchmark (repeatable).")
        parser.add_argument("--quick", action="store_true", help="Small sizes: a smoke test, not figures to quote.")
        parser.add_argument(
            "--output", default="bench-results.json", help="Where to write the JSON (default bench-results.json)."
        )
        parser.add_argument("--timeout", type=float, default=None, help="Give up a benchmark after this many seconds.")

    def handle(self, *args, **opts) -> None:
        wanted = [b for b in BENCHMARKS if not opts["only"] or b.name in opts["only"]]
        started = dt.datetime.now(dt.UTC)
        outcomes = [self._run(b, quick=opts["quick"], timeout=opts["timeout"]) for b in wanted]
        self.stdout.write("")
        for line in table(outcomes):
            self.stdout.write(line)
        report = {
            "generated_at": started.isoformat(timespec="seconds"),
            "quick": opts["quick"],
            "machine": machine(),
            "benchmarks": [o.as_dict() for o in outcomes],
        }
        Path(opts["output"]).write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(f"\nwritten to {opts['output']}")
        if any(o.status == "failed" for o in outcomes):
            raise CommandError("some benchmarks failed (see above); the others' figures are in the table.")

    def _run(self, benchmark: Benchmark, *, quick: bool, timeout: float | None) -> Outcome:
        options = command_options(benchmark.command)
        if options is None:
            return Outcome(benchmark, "skipped", f"no {benchmark.command} command yet")
        if "--json" not in options:
            return Outcome(benchmark, "skipped", f"{benchmark.command} has no --json option yet")
        arguments: list[str] = list(benchmark.full)
        if quick:
            arguments = []
            if "--quick" in options:
                arguments = ["--quick"]
            elif benchmark.quick is None:
                return Outcome(benchmark, "skipped", "not run with --quick (a fresh install takes its time)")
            elif all(a in options for a in benchmark.quick if a.startswith("--")):
                arguments = list(benchmark.quick)
        self.stdout.write(self.style.MIGRATE_HEADING(f"== {benchmark.name}: {benchmark.command} {' '.join(arguments)}"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.json"
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), benchmark.command, *arguments]
            started = time.perf_counter()
            returncode, tail = self._child([*command, "--json", str(path)], timeout)
            seconds = time.perf_counter() - started
            if returncode != 0:
                reason = f"exit {returncode}" if returncode > 0 else "timed out"
                self.stderr.write(f"{benchmark.command} failed ({reason}):\n" + "\n".join(tail))
                last = next((line for line in reversed(tail) if line.strip()), "")
                return Outcome(benchmark, "failed", f"{reason}: {last.strip()}"[:300], seconds)
            if not path.exists():
                return Outcome(benchmark, "failed", "it wrote no figures", seconds)
            return Outcome(benchmark, "ok", "", seconds, read_figures(path))

    def _child(self, command: list[str], timeout: float | None) -> tuple[int, list[str]]:
        """Run a benchmark, echoing its output indented; its exit code (-1: timed out) and last lines."""
        tail: list[str] = []
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        deadline = time.monotonic() + timeout if timeout else None
        assert process.stdout is not None
        for line in process.stdout:
            self.stdout.write("   " + line.rstrip())
            tail = [*tail[-29:], line.rstrip()]
            if deadline and time.monotonic() > deadline:
                process.kill()
                process.wait()
                return -1, tail
        return process.wait(), tail


def command_options(name: str) -> set[str] | None:
    """The option strings a management command accepts, or None when there is no such command."""
    app = get_commands().get(name)
    if app is None:
        return None
    parser = load_command_class(app, name).create_parser("manage.py", name)
    return {option for action in parser._actions for option in action.option_strings}


def table(outcomes: list[Outcome]) -> list[str]:
    """The figures as one aligned table: value, bare baseline, ratio, target and whether it is met."""
    header = ("benchmark", "figure", "value", "baseline", "ratio", "target", "met")
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        if outcome.status != "ok":
            rows.append((outcome.benchmark.name, f"{outcome.status}: {outcome.reason}", "", "", "", "", ""))
            continue
        for figure in outcome.figures:
            ratio = figure.ratio
            meets = figure.meets
            rows.append(
                (
                    outcome.benchmark.name,
                    figure.name,
                    quantity(figure.value, figure.unit),
                    f"{quantity(figure.baseline, figure.unit)} {figure.baseline_name}".strip()
                    if figure.baseline is not None
                    else "",
                    "" if ratio is None else f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}",
                    target_text(figure),
                    "" if meets is None else ("✓" if meets else "✗"),
                )
            )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def quantity(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if abs(value) >= 1000 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def target_text(figure: Figure) -> str:
    if figure.target is None:
        return ""
    if figure.ratio is not None:
        return f"ratio ≥ {figure.target:g}"
    return f"{'≥' if figure.higher_is_better else '≤'} {quantity(figure.target, figure.unit)}"


def machine() -> dict[str, Any]:
    database = connection.vendor
    if database == "postgresql":
        database += f" {connection.pg_version // 10000}"  # type: ignore[attr-defined]
    return {
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "database": database,
    }
