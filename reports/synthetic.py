"""Synthetic vendor files for benchmarks and demo data: realistic, reproducible, streamed.

Work arrives with a contact centre's double-peaked day; each unit of work has its own
profile (calls wait seconds and may be abandoned, tickets and invoices take hours).
``quality`` below 1 makes a worse month: longer waits, more abandons, lower scores.
"""

import csv
import datetime as dt
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
