"""Benchmark: a fresh clone's ``scripts/start.sh`` until the first page answers.

    python manage.py bench_start [--json start.json]

Clones this repository's HEAD (committed work only) into a temporary folder, runs
``scripts/start.sh`` there in the embedded mode (no ``DATABASE_URL``, no broker: SQLite and
in-process tasks, as a newcomer runs it) on a free port, and times from the command to the
first ``200`` of the sign-in page. pip's cache is the one this checkout's ``.venv`` uses, so
the install is the warm-cache case issue #12 measures (nothing is downloaded when the cache
holds every wheel). The server is stopped and the clone removed afterwards.

Beside the total it prints each step as ``start.sh`` and ``seed_demo --timings`` report it
(install; migrate; the demo data; the rest: Django's start-up, its system checks and serving
the first page, all in the one process ``seed_demo --serve``) and, as the bare baseline, the
same start without the demo data (install, migrate and serve: what any Django project of this
size pays), so the ratio says how much the demo's data costs on top. CPU load from other
processes slows every step; the load average is printed with the figures.
"""

import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from overview.benchmarks import Figure, write_figures

# Issue #12: the first page within 30 s of the command on a fresh clone (pip cache warm).
TARGET_SECONDS = 30.0
STEP_LINE = re.compile(r"^(?P<step>[A-Z][a-z]+(?: [a-z]+)?) \((?P<ms>\d+) ms since start\)$")
# seed_demo --timings: "  migrate        4.20 s (4.10 s CPU)".
SEED_LINE = re.compile(r"^\s+(?P<step>[a-z]+)\s+(?P<seconds>[\d.]+) s \((?P<cpu>[\d.]+) s CPU\)$")


class Command(BaseCommand):
    help = "Time scripts/start.sh on a fresh clone until the first page answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", help="Write the figures to this file (for manage.py bench).")
        parser.add_argument("--timeout", type=float, default=300.0, help="Give up after this many seconds.")
        parser.add_argument("--keep", action="store_true", help="Keep the clone (its log is start.log there).")

    def handle(self, *args, **opts) -> None:
        base = Path(settings.BASE_DIR)
        if not (base / ".git").exists():
            raise CommandError(f"{base} is not a git checkout: bench_start clones its HEAD.")
        folder = Path(tempfile.mkdtemp(prefix="bench-start-"))
        clone = folder / "portal"
        try:
            subprocess.run(["git", "clone", "--quiet", str(base), str(clone)], check=True)
            seconds, steps = self._run(clone, opts["timeout"])
        finally:
            if opts["keep"]:
                self.stdout.write(f"clone kept in {clone}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        figures = self._figures(seconds, steps)
        for figure in figures:
            baseline = f" (bare: {figure.baseline:.1f} s, {figure.baseline_name})" if figure.baseline else ""
            self.stdout.write(f"{figure.name}: {figure.value:.1f} s{baseline}")
        self.stdout.write(f"load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if opts["json"]:
            write_figures(opts["json"], figures)

    def _run(self, clone: Path, timeout: float) -> tuple[float, dict[str, float]]:
        """Start ``start.sh`` in the clone, wait for the sign-in page, stop the server."""
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "VIRTUAL_ENV")}
        env.update(PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        cache = _pip_cache_dir()
        if cache:
            env["PIP_CACHE_DIR"] = cache
        url = f"http://127.0.0.1:{port}/login/"
        log_path = clone / "start.log"
        with log_path.open("wb") as log:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            # Its own session: the whole group (start.sh, pip, the server) is stopped at the end.
            process = subprocess.Popen(
                ["bash", "scripts/start.sh"],
                cwd=clone,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                seconds = self._wait(url, process, started, timeout)
            finally:
                _stop(process)
        # Every process start.sh ran (pip, migrate, seed_demo, the server until stopped), reaped.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        output = log_path.read_text(errors="replace")
        if seconds is None:
            tail = "\n".join(output.splitlines()[-30:])
            raise CommandError(f"start.sh did not serve {url} within {timeout:.0f} s:\n{tail}")
        lines = output.splitlines()
        steps = {m["step"]: int(m["ms"]) / 1000 for line in lines if (m := STEP_LINE.match(line.strip()))}
        self.seed_steps = {m["step"]: float(m["seconds"]) for line in lines if (m := SEED_LINE.match(line))}
        return seconds, steps

    def _wait(self, url: str, process: subprocess.Popen, started: float, timeout: float) -> float | None:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                return None  # start.sh ended (failed) without serving
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        return None

    def _figures(self, seconds: float, steps: dict[str, float]) -> list[Figure]:
        installed = steps.get("Installed")
        migrate = self.seed_steps.get("migrate")
        demo = sum(s for step, s in self.seed_steps.items() if step != "migrate") if self.seed_steps else None
        figures = [
            Figure(
                name="start: fresh clone to first page",
                value=round(seconds, 2),
                unit="s",
                baseline=round(seconds - demo, 2) if demo is not None else None,
                baseline_name="the same start without demo data",
                higher_is_better=False,
                note=f"target ≤ {TARGET_SECONDS:.0f} s: {'met' if seconds <= TARGET_SECONDS else 'missed'}",
            ),
            Figure(
                name="start: first page within 30 s",
                value=round(seconds, 2),
                unit="s",
                target=TARGET_SECONDS,
                higher_is_better=False,
            ),
            Figure(
                "start: CPU time of every process",
                round(self.cpu_seconds, 2),
                "s",
                higher_is_better=False,
                note="user + system, the steps one after another: about the wall time on an idle machine",
            ),
        ]
        parts = [("install (venv and pip)", installed), ("migrate", migrate), ("demo data", demo)]
        if installed is not None and migrate is not None and demo is not None:
            parts.append(("Django start-up, checks and first page", seconds - installed - migrate - demo))
        for step, part in parts:
            if part is not None:
                figures.append(Figure(f"start: {step}", round(part, 2), "s", higher_is_better=False))
        return figures


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pip_cache_dir() -> str | None:
    """The cache this checkout's pip uses (so the clone's install is warm)."""
    pip = Path(settings.BASE_DIR) / ".venv" / "bin" / "pip"
    command = [str(pip)] if pip.exists() else [sys.executable, "-m", "pip"]
    try:
        found = subprocess.run([*command, "cache", "dir"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() or None if found.returncode == 0 else None


def _stop(process: subprocess.Popen) -> None:
    """Stop start.sh's process group (whatever it still runs: pip, or the server)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
