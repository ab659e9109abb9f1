"""Throughput check of the parsing engine: ``python -m reports.parsing.bench [rows] [file]``.

Builds a synthetic canonical work-item CSV in memory (``rows`` rows, 200,000 by default)
and times reading alone, parsing alone (``WorkItemParser.parse`` over rows already read)
and both together. With a path to the Anonymous Bank file it times that file as well.
Kept in the package so the figure quoted for the engine can be reproduced anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import sys
import time
import zoneinfo
from pathlib import Path

from reports.parsing.layout import Layout
from reports.parsing.readers import iter_raw_rows
from reports.parsing.records import WorkItemParser
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from reports.parsing.types import WORK_ITEM_FIELDS, Period

OUTCOME_CYCLE = ("handled", "handled", "handled", "abandoned", "self_service")


def synthetic_canonical_csv(rows: int) -> bytes:
    """A canonical work-item CSV for October 2026, every field filled."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(WORK_ITEM_FIELDS)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=(31 * 86400 - 3600) / rows)
    for i in range(rows):
        received = start + step * i
        started = received + dt.timedelta(seconds=i % 120)
        completed = started + dt.timedelta(seconds=60 + i % 600)
        writer.writerow(
            (
                f"T{i:08d}",
                "voice",
                f"queue-{i % 7}",
                received.isoformat(timespec="seconds"),
                started.isoformat(timespec="seconds"),
                completed.isoformat(timespec="seconds"),
                i % 120,
                60 + i % 600,
                OUTCOME_CYCLE[i % len(OUTCOME_CYCLE)],
                "yes" if i % 3 else "no",
                i % 6,
                5,
                f"{70 + i % 30}.5",
                "true",
                f"agent-{i % 40}",
            )
        )
    return buffer.getvalue().encode()


def _time(label: str, rows: int, seconds: float) -> None:
    print(f"{label:<44} {rows:>8} rows {seconds:7.3f} s {rows / seconds:>10,.0f} rows/s")


def bench_canonical(rows: int) -> None:
    data = synthetic_canonical_csv(rows)
    layout = Layout.canonical("work_items")
    period = Period(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    parser = WorkItemParser(layout, period)

    began = time.perf_counter()
    raws = list(iter_raw_rows(io.BytesIO(data), filename="canonical.csv", layout=layout))
    _time("canonical CSV: read (RawRows)", len(raws), time.perf_counter() - began)

    parse = parser.parse
    gc.collect()
    gc.freeze()  # the rows held in memory for this test are not what a streaming run pays for
    began = time.perf_counter()
    accepted = sum(1 for raw in raws if parse(raw).accepted)
    _time("canonical CSV: parse only", len(raws), time.perf_counter() - began)
    gc.unfreeze()
    assert accepted == len(raws), next(parse(r).errors for r in raws if not parse(r).accepted)

    began = time.perf_counter()
    count: int = sum(
        1 for raw in iter_raw_rows(io.BytesIO(data), filename="canonical.csv", layout=layout) if parse(raw) is not None
    )
    _time("canonical CSV: read + parse", count, time.perf_counter() - began)


def bench_bank(path: Path) -> None:
    layout = Layout.from_config(ANONYMOUS_BANK_LAYOUT)
    zone = zoneinfo.ZoneInfo("Asia/Jerusalem")
    period = Period(dt.datetime(1999, 2, 1, tzinfo=zone), dt.datetime(1999, 3, 1, tzinfo=zone))
    parser = WorkItemParser(layout, period)
    with path.open("rb") as handle:
        raws = list(iter_raw_rows(handle, filename=path.name, layout=layout))
    parse = parser.parse
    gc.collect()
    gc.freeze()
    began = time.perf_counter()
    accepted = sum(1 for raw in raws if parse(raw).accepted)
    _time("Anonymous Bank: parse only", len(raws), time.perf_counter() - began)
    gc.unfreeze()
    print(f"Anonymous Bank: {accepted} of {len(raws)} rows accepted")
    began = time.perf_counter()
    with path.open("rb") as handle:
        count: int = sum(
            1 for raw in iter_raw_rows(handle, filename=path.name, layout=layout) if parse(raw) is not None
        )
    _time("Anonymous Bank: read + parse", count, time.perf_counter() - began)


if __name__ == "__main__":
    bench_canonical(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
    if len(sys.argv) > 2:
        bench_bank(Path(sys.argv[2]))
