"""Synthetic vendor files for benchmarks and demo data: realistic, reproducible, streamed.

Work arrives with a contact centre's double-peaked day; each unit of work has its own
profile (calls wait seconds and may be abandoned, tickets and invoices take hours).
``quality`` below 1 makes a worse month: longer waits, more abandons, lower scores.
"""

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

from reports.parsing.types import WORK_ITEM_FIELDS

QUEUES = ("billing", "cards", "loans", "general", "retention")
# Share of the day's work per hour.
HOURLY_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 10, 11, 12, 12, 11, 9, 7, 5, 4, 3, 2, 1)
REALTIME = {"call": ("voice", 10.0), "chat": ("chat", 25.0)}
TURNAROUND_HOURS = {"email": 4.0, "ticket": 1.6}


def synthetic_work_items(
    rows: int,
    *,
    month: dt.date,
    seed: int = 7,
    tz: dt.tzinfo = dt.UTC,
    quality: float = 1.0,
    unit_of_work: str = "call",
    days: int | None = None,
) -> Iterator[dict]:
    """``rows`` canonical work items spread over the first ``days`` days of ``month``."""
    rng = random.Random(seed)
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = min(days or 31, (next_month - month).days)
    hours = rng.choices(range(24), weights=HOURLY_WEIGHTS, k=min(rows, 100_000))
    channel, mean_wait = REALTIME.get(unit_of_work, (unit_of_work, 0.0))
    for n in range(rows):
        day = month + dt.timedelta(days=n * days // rows)
        received = dt.datetime.combine(day, dt.time(hours[n % len(hours)], rng.randrange(60), rng.randrange(60)), tz)
        row = dict.fromkeys(WORK_ITEM_FIELDS, "")
        row.update(
            item_id=f"{unit_of_work[:2].upper()}{month:%y%m}-{n:08d}",
            channel=channel,
            queue=QUEUES[n % len(QUEUES)],
            received_at=received.isoformat(),
            agent=f"A{rng.randrange(400):03d}",
            csat_scale_max="5",
        )
        if mean_wait:
            wait = rng.expovariate(1 / (mean_wait / quality))
            abandoned = wait > 5 and rng.random() < 0.04 / quality**3
            handle = rng.lognormvariate(5.6, 0.45)
            started = received + dt.timedelta(seconds=wait)
            row.update(wait_seconds=f"{wait:.1f}", outcome="abandoned" if abandoned else "handled")
            if not abandoned:
                row.update(
                    started_at=started.isoformat(),
                    handle_seconds=f"{handle:.1f}",
                    completed_at=(started + dt.timedelta(seconds=handle)).isoformat(),
                    resolved_first_contact="true" if rng.random() < 0.76 * quality else "false",
                )
        else:
            hours_taken = rng.lognormvariate(0, 0.8) * TURNAROUND_HOURS.get(unit_of_work, 8.0) / quality**2
            completed = received + dt.timedelta(hours=hours_taken)
            row.update(
                outcome="handled",
                started_at=received.isoformat(),
                completed_at=completed.isoformat(),
                handle_seconds=f"{rng.lognormvariate(6.2, 0.5):.0f}",
                accurate="true" if rng.random() < 1 - 0.008 / quality**4 else "false",
                resolved_first_contact="true" if rng.random() < 0.72 * quality else "false",
            )
        if row["outcome"] == "handled":
            if rng.random() < 0.25:
                row["csat"] = str(rng.choices((1, 2, 3, 4, 5), (3, 4, 10, 35 * quality, 48 * quality**2))[0])
            if rng.random() < 0.1:
                row["quality_score"] = f"{min(100.0, rng.gauss(91 * quality, 5)):.0f}"
        yield row


def write_work_item_csv(path: Path, rows: int, *, month: dt.date, **kwargs) -> int:
    """Write a canonical CSV; returns its size in bytes."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=WORK_ITEM_FIELDS)
        writer.writeheader()
        writer.writerows(synthetic_work_items(rows, month=month, **kwargs))
    return path.stat().st_size


def work_item_csv_bytes(rows: int, *, month: dt.date, **kwargs) -> bytes:
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WORK_ITEM_FIELDS)
    writer.writeheader()
    writer.writerows(synthetic_work_items(rows, month=month, **kwargs))
    return out.getvalue().encode()


# The columns of the "Anonymous Bank" call-centre file (``ANONYMOUS_BANK_LAYOUT``): the
# vendor's native layout, with the date and the time of day in separate columns.
CALL_CENTRE_COLUMNS: tuple[str, ...] = (
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
    "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
)  # fmt: skip
CALL_CENTRE_TYPES = ("PS", "NW", "PE", "IN", "NE")
AGENTS = ("DORIT", "TOVA", "MORIAH", "ANAT", "AVI", "SHARON", "YITZ", "BENNY")


def _clock(seconds: int) -> str:
    seconds %= 86400
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def synthetic_call_centre(
    rows: int, *, month: dt.date, seed: int = 7, tz: dt.tzinfo = dt.UTC
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """``rows`` calls in the call-centre file's own columns, each with its canonical twin.

    The native row is what the vendor sends (YYMMDD date, H:MM:SS clocks that wrap at
    midnight, "0:00:00" for a clock that never started, NO_SERVER); the canonical row holds
    the same call as the parser reads it through ``ANONYMOUS_BANK_LAYOUT`` in zone ``tz``
    (its extras as JSON text), for a COPY of the same rows in canonical form.
    """
    rng = random.Random(seed)
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = (next_month - month).days
    hours = rng.choices(range(6, 24), weights=HOURLY_WEIGHTS[6:], k=min(rows, 100_000))
    for n in range(rows):
        day = month + dt.timedelta(days=n * days // rows)
        entry = hours[n % len(hours)] * 3600 + rng.randrange(3600)
        vru = rng.randrange(2, 30)
        roll = rng.random()
        outcome = "AGENT" if roll < 0.8 else ("HANG" if roll < 0.97 else "PHANTOM")
        queued = (outcome == "AGENT" and rng.random() < 0.6) or (outcome == "HANG" and rng.random() < 0.7)
        q_start = entry + vru
        q_time = int(rng.expovariate(1 / 60)) if queued else 0
        served = outcome == "AGENT"
        ser_start = q_start + q_time if served else 0
        ser_time = int(rng.lognormvariate(5.0, 0.6)) if served else 0
        line = f"AA{rng.randrange(1, 9):02d}{rng.randrange(1, 9):02d}"
        server = rng.choice(AGENTS) if served else "NO_SERVER"
        native = {
            "vru+line": line,
            "call_id": str(n),
            "customer_id": str(rng.randrange(10**7, 10**8)) if rng.random() < 0.6 else "0",
            "priority": str(rng.randrange(3)),
            "type": CALL_CENTRE_TYPES[n % len(CALL_CENTRE_TYPES)],
            "date": f"{day:%y%m%d}",
            "vru_entry": _clock(entry),
            "vru_exit": _clock(entry + vru),
            "vru_time": str(vru),
            "q_start": _clock(q_start) if queued else "0:00:00",
            "q_exit": _clock(q_start + q_time) if queued else "0:00:00",
            "q_time": str(q_time),
            "outcome": outcome,
            "ser_start": _clock(ser_start) if served else "0:00:00",
            "ser_exit": _clock(ser_start + ser_time) if served else "0:00:00",
            "ser_time": str(ser_time),
            "server": server,
        }
        received = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(seconds=entry)
        canonical = dict.fromkeys(WORK_ITEM_FIELDS, "")
        canonical.update(
            item_id=f"{line}-{n}",
            channel="voice",
            queue=native["type"],
            received_at=received.isoformat(),
            wait_seconds=f"{q_time}.0",
            handle_seconds=f"{ser_time}.0",
            outcome={"AGENT": "handled", "PHANTOM": "ignored"}.get(outcome)
            or ("abandoned" if queued else "self_service"),
            agent="" if server == "NO_SERVER" else server,
            extras=json.dumps({k: native[k] for k in ("customer_id", "priority", "vru_time")}),
        )
        if served:
            started = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(seconds=ser_start)
            canonical.update(
                started_at=started.isoformat(),
                completed_at=(started + dt.timedelta(seconds=ser_time)).isoformat(),
            )
        yield native, canonical


def write_call_centre_csv(path: Path, canonical_path: Path, rows: int, *, month: dt.date, **kwargs) -> int:
    """Write a call-centre file (tab-separated) and its canonical twin; returns the first's size."""
    with (
        path.open("w", newline="", encoding="utf-8") as handle,
        canonical_path.open("w", newline="", encoding="utf-8") as twin,
    ):
        writer = csv.DictWriter(handle, fieldnames=CALL_CENTRE_COLUMNS, delimiter="\t")
        twin_writer = csv.DictWriter(twin, fieldnames=(*WORK_ITEM_FIELDS, "extras"))
        writer.writeheader()
        twin_writer.writeheader()
        for native, canonical in synthetic_call_centre(rows, month=month, **kwargs):
            writer.writerow(native)
            twin_writer.writerow(canonical)
    return path.stat().st_size
