"""Synthetic vendor files for benchmarks and demo data: realistic, reproducible, streamed."""

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from reports.parsing.types import WORK_ITEM_FIELDS

CHANNELS = ("voice", "voice", "voice", "chat", "email")
QUEUES = ("billing", "cards", "loans", "general", "retention")
# Share of the day's calls per hour (a contact centre's double-peaked curve).
HOURLY_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 10, 11, 12, 12, 11, 9, 7, 5, 4, 3, 2, 1)


def synthetic_work_items(
    rows: int, *, month: dt.date, seed: int = 7, tz: dt.tzinfo = dt.UTC, quality: float = 1.0
) -> Iterator[dict]:
    """``rows`` canonical work items spread over ``month`` with a diurnal pattern.

    ``quality`` < 1 makes waits longer and abandonment more frequent (a bad month).
    """
    rng = random.Random(seed)
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = (next_month - month).days
    hours = rng.choices(range(24), weights=HOURLY_WEIGHTS, k=min(rows, 100_000))
    for n in range(rows):
        day = month + dt.timedelta(days=n * days // rows)
        received = dt.datetime.combine(day, dt.time(hours[n % len(hours)], rng.randrange(60), rng.randrange(60)), tz)
        wait = rng.expovariate(1 / (18 / quality))
        abandoned = rng.random() < 0.04 / quality and wait > 5
        handle = 0.0 if abandoned else rng.lognormvariate(5.6, 0.45)
        started = received + dt.timedelta(seconds=wait)
        yield {
            "item_id": f"C{month:%y%m}-{n:08d}",
            "channel": CHANNELS[n % len(CHANNELS)],
            "queue": QUEUES[n % len(QUEUES)],
            "received_at": received.isoformat(),
            "started_at": "" if abandoned else started.isoformat(),
            "completed_at": "" if abandoned else (started + dt.timedelta(seconds=handle)).isoformat(),
            "wait_seconds": f"{wait:.1f}",
            "handle_seconds": "" if abandoned else f"{handle:.1f}",
            "outcome": "abandoned" if abandoned else "handled",
            "resolved_first_contact": "" if abandoned else ("true" if rng.random() < 0.78 * quality else "false"),
            "csat": "" if abandoned or rng.random() > 0.2 else str(rng.choices((1, 2, 3, 4, 5), (3, 4, 10, 35, 48))[0]),
            "csat_scale_max": "5",
            "quality_score": "" if rng.random() > 0.05 else f"{min(100, rng.gauss(88 * quality, 6)):.0f}",
            "accurate": "",
            "agent": f"A{rng.randrange(400):03d}",
        }


def write_work_item_csv(path: Path, rows: int, *, month: dt.date, **kwargs) -> int:
    """Write a canonical CSV; returns its size in bytes."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=WORK_ITEM_FIELDS)
        writer.writeheader()
        writer.writerows(synthetic_work_items(rows, month=month, **kwargs))
    return path.stat().st_size
