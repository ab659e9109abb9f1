"""Benchmark: the polled API lists and the dashboard under gunicorn, against a trivial JSON view.

    python manage.py bench_api [--seconds 5] [--connections 16] [--workers 4] [--json PATH]

Needs ``wrk`` (Debian's package; ``apt-get install wrk``) and the configured database with
data: an empty database gets the demo (``seed_demo``); then, if fewer than 60 service levels
exist, copies of the demo's contracts (with their service levels and compliance results,
references ``BENCH-API-…``, bulk-created so nothing is recomputed) are added, so a page of
50 of ``/api/v1/sla-status/`` is full. They stay for the next run (delete the contracts
``BENCH-API-…`` to remove them).

The tables the pages read are vacuumed and analyzed first (``vacuum_read_tables``: this
machine's PostgreSQL runs without autovacuum). It starts gunicorn (``--workers`` sync workers, 4
by default) on a free local port with
``bpo_portal.settings_bench``: the ordinary settings with ``DEBUG`` off, a trivial
``JsonResponse`` view at ``/bench/trivial/`` (that URLconf exists only for this server) and
the API throttles off (the benchmark's one user would otherwise be throttled; each real
request pays one Redis read and write for it) and persistent database connections
(``CONN_MAX_AGE`` 60 unless set: with 0, every request that touches the database first
opens a PostgreSQL connection, which the trivial view never does). Then ``wrk -c16`` drives, for ``--seconds``
each, one URL at a time:

- the trivial view, right before each of the others: the baseline its ratio is taken
  against (same server; on a shared machine the load moves within a minute);
- ``sla-status`` and ``compliance`` at page size 50, token-authenticated:
  *304* (``If-None-Match`` with the current ETag), *cached* (plain GET answered from the
  page cache), *cold* (the header ``X-Bench-Cold``, honoured only by the benchmark's
  settings, makes every request render its page afresh: the query, the serializer and
  the JSON, as after a change; the permission set stays cached, as it does between changes);
- ``/api/v1/providers/`` (no page cache);
- the dashboard, signed in with a session cookie (warm: its fragments cached for the
  current data version).

It prints requests per second, the median and 99th-percentile latency and the ratio to
the trivial view; ``--json PATH`` writes the figures (``overview.benchmarks.Figure``) with
targets 0.5 (cached), 0.1 (cold) and 0.1 (dashboard). The machine's load average is
printed beside them: other processes sharing the cores lower every figure alike.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from contracts.models import Contract
from core import versions
from core.models import DataVersion
from overview.benchmarks import Figure, write_figures
from slas.models import ComplianceResult, ServiceLevel
from vendors.models import Provider

PREFIX = "BENCH-API-"
MIN_SERVICE_LEVELS = 60


@dataclass
class Run:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@transaction.atomic
def top_up_portfolio(minimum: int = MIN_SERVICE_LEVELS) -> int:
    """Copies of existing contracts with their service levels and results until ``minimum`` service levels exist."""
    missing = minimum - ServiceLevel.objects.count()
    sources = list(Contract.objects.filter(service_levels__isnull=False).distinct().order_by("pk"))
    copies = 0
    while missing > 0 and sources:
        source = sources[copies % len(sources)]
        processes = list(source.processes.all())
        service_levels = list(source.service_levels.all())
        contract = Contract.objects.get(pk=source.pk)
        contract.pk = None
        contract._state.adding = True
        contract.reference = f"{PREFIX}{copies + 1:03d}-{source.reference}"[:50]
        contract.previous_term = None
        (contract,) = Contract.objects.bulk_create([contract])  # no signal: nothing is recomputed
        contract.processes.through.objects.bulk_create(
            [contract.processes.through(contract=contract, process=p) for p in processes]
        )
        for sla in service_levels:
            results = list(sla.results.all())
            sla.pk = None
            sla._state.adding = True
            sla.contract = contract
            (sla,) = ServiceLevel.objects.bulk_create([sla])
            for result in results:
                result.pk = None
                result._state.adding = True
                result.service_level = sla
            ComplianceResult.objects.bulk_create(results)
        versions.bump(f"contract:{contract.pk}")
        missing -= len(service_levels)
        copies += 1
    return copies


#: The tables the measured pages read.
READ_TABLES = (
    ComplianceResult,
    ServiceLevel,
    Contract,
    Provider,
    Contract.processes.through,
    Contract.processes.field.related_model,
    DataVersion,
    Token,
    User,
)


def vacuum_read_tables() -> None:
    """``VACUUM (ANALYZE)`` the tables the pages read, as autovacuum would have by now.

    Recomputations rewrite compliance results (the other benchmarks, run just before in
    ``manage.py bench``, leave tens of thousands of dead rows), and where autovacuum is off
    (this machine's PostgreSQL) every page would scan them and plan on stale statistics.
    """
    with connection.cursor() as cursor:
        for model in READ_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


class Command(BaseCommand):
    help = "Req/s of sla-status, compliance, providers and the dashboard under gunicorn vs a trivial view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=int, default=5, help="How long wrk drives each URL.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
        parser.add_argument("--json", dest="json_path", help="Write the figures to this JSON file.")

    def handle(self, *args, seconds: int, connections: int, workers: int, json_path: str | None, **options) -> None:
        wrk = subprocess.run(["which", "wrk"], capture_output=True, text=True).stdout.strip()
        if not wrk:
            raise CommandError("wrk is missing: install Debian's package (apt-get install wrk).")
        if not Provider.objects.exists():
            self.stdout.write("Empty database: loading the demo (seed_demo)…")
            call_command("seed_demo", stdout=self.stdout)
        if copies := top_up_portfolio():
            self.stdout.write(f"Added {copies} copies of demo contracts ({PREFIX}…) so a page of 50 is full.")
        vacuum_read_tables()
        user = User.objects.filter(username="ops").first() or User.objects.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("No user 'ops' or superuser to sign in as: run seed_demo.")
        token, _ = Token.objects.get_or_create(user=user)
        session = self._session(user)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bpo_portal.settings_bench"}
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "bpo_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            self._wait(f"{base}/bench/trivial/")
            figures = self._measure(base, wrk, token.key, session, seconds, connections)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        self._print(figures, workers, connections, seconds)
        if json_path:
            write_figures(json_path, figures)

    def _session(self, user: User) -> str:
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "core.permissions.CachedPermissionsBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key or ""

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError("gunicorn did not answer within 60 s.")

    def _get(self, url: str, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return response.status, response.headers.get("ETag", "")
        except urllib.error.HTTPError as exc:  # a 304 is an "error" to urllib
            return exc.code, exc.headers.get("ETag", "")

    def _wrk(self, wrk: str, name: str, url: str, headers: dict[str, str], seconds: int, connections: int) -> Run:
        self._get(url, headers)  # warm: every worker's first request is slower, the cache gets filled
        command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
        for header, value in headers.items():
            command += ["-H", f"{header}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
        errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        run = Run(name, rate, p50, p99, int(errors_match.group(1)) if errors_match else 0)
        self.stdout.write(f"  {name:<34} {rate:9.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
        return run

    def _measure(self, base: str, wrk: str, token: str, session: str, seconds: int, connections: int) -> list[Figure]:
        auth = {"Authorization": f"Token {token}"}
        cold = {**auth, "X-Bench-Cold": "1"}
        runs: dict[str, tuple[Run, Run]] = {}

        def drive(name: str, path: str, headers: dict[str, str]) -> None:
            # The trivial view right before each URL: the load of a shared machine moves
            # within a minute, so each ratio is taken against its neighbour.
            trivial = self._wrk(wrk, "  trivial JsonResponse", base + "/bench/trivial/", {}, seconds, connections)
            runs[name] = (self._wrk(wrk, name, base + path, headers, seconds, connections), trivial)

        for endpoint in ("sla-status", "compliance"):
            path = f"/api/v1/{endpoint}/?page_size=50"
            status, etag = self._get(base + path, auth)
            if status != 200 or not etag:
                raise CommandError(f"{path} answered {status} without an ETag.")
            drive(f"{endpoint} 304 (If-None-Match)", path, {**auth, "If-None-Match": etag})
            drive(f"{endpoint} cached", path, auth)
            drive(f"{endpoint} cold", path, cold)
        drive("providers", "/api/v1/providers/?page_size=50", auth)
        drive("dashboard (session)", "/", {"Cookie": f"sessionid={session}"})
        targets = {"304": 0.5, "cached": 0.5, "cold": 0.1, "dashboard": 0.1}
        figures = []
        for name, (run, trivial) in runs.items():
            target = next((value for word, value in targets.items() if word in name), None)
            note = f"p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms" + (
                f", {run.errors} non-2xx/3xx answers" if run.errors else ""
            )
            figures.append(
                Figure(
                    name=name,
                    value=round(run.requests_per_second, 1),
                    unit="req/s",
                    baseline=round(trivial.requests_per_second, 1),
                    baseline_name="trivial JsonResponse, same server, run just before",
                    target=target,
                    note=note,
                )
            )
        return figures

    def _print(self, figures: list[Figure], workers: int, connections: int, seconds: int) -> None:
        load = os.getloadavg()
        self.stdout.write("")
        self.stdout.write(
            f"gunicorn {workers} sync workers, wrk -c{connections} {seconds} s each; "
            f"load average {load[0]:.2f} on {os.cpu_count()} cores; ratio = req/s ÷ the trivial view's just before"
        )
        self.stdout.write(f"{'':<32} {'req/s':>8} {'trivial':>8} {'ratio':>7} {'target':>7}  latency")
        for figure in figures:
            ratio = f"{figure.ratio:.3f}" if figure.ratio is not None else "-"
            target = f"{figure.target}" if figure.target is not None else ""
            trivial = figure.baseline or 0
            self.stdout.write(
                f"{figure.name:<32} {figure.value:8.1f} {trivial:8.1f} {ratio:>7} {target:>7}  {figure.note}"
            )
