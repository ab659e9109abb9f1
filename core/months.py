"""Calendar months: the reporting period of every contract, in one place.

Reports, compliance results and credit statements are all per calendar month in the
contract's own time zone, so the arithmetic and the parsing of ``YYYY-MM`` live here.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Period:
    """The half-open interval [start, end) of instants a report or a month covers (aware datetimes)."""

    start: dt.datetime
    end: dt.datetime

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    """The last day of ``first``'s month."""
    return add_months(first, 1) - dt.timedelta(days=1)


def parse_month(text: str) -> dt.date:
    """``"2026-10"`` (or an ISO date in that month) → 2026-10-01; ValueError otherwise."""
    try:
        return dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01").replace(day=1)
    except (TypeError, ValueError):
        raise ValueError(f"“{text}” is not a month; use YYYY-MM, e.g. 2026-10.") from None


def local_period(first_day: dt.date, last_day: dt.date, zone: str) -> Period:
    """Days ``first_day``…``last_day`` (inclusive) as the half-open interval of instants in ``zone``."""
    tz = zoneinfo.ZoneInfo(zone)
    return Period(
        dt.datetime.combine(first_day, dt.time.min, tzinfo=tz),
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def current_month_in(zone: str, now: dt.datetime) -> dt.date:
    """The first day of the month running at ``now`` (aware) in ``zone``."""
    return month_start(now.astimezone(zoneinfo.ZoneInfo(zone)).date())
