"""When a reminder is due: pure functions over dates, no database.

Every function takes ``today`` as an argument: nothing here assumes today lies inside the
data (the real data set is February 1999).
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from core.months import add_months, month_start


def crossed_threshold(due_on: dt.date, today: dt.date, thresholds: Sequence[int]) -> int | None:
    """The tightest threshold (days before ``due_on``) that ``today`` has reached, or None.

    With thresholds (90, 60, 30): 91 days before → None; 90 to 61 → 90; 60 to 31 → 60;
    30 to 0 → 30; after the date → None. A run only ever sends the tightest one, so a
    scheduler that was down at 90 days and runs again at 45 sends the 60-day reminder,
    not a late 90-day one as well.
    """
    days_left = (due_on - today).days
    if days_left < 0:
        return None
    reached = [t for t in thresholds if days_left <= t]
    return min(reached) if reached else None


def month_to_report(today: dt.date, due_day: int) -> dt.date | None:
    """The month (its first day) whose report must be in by ``today``, or None before day ``due_day``.

    From day ``due_day`` of a month on, last month's report is due.
    """
    if today.day < due_day:
        return None
    return add_months(month_start(today), -1)


def uncovered(wanted: tuple[dt.date, dt.date], covered: Iterable[tuple[dt.date, dt.date]]) -> bool:
    """Whether some day of ``wanted`` (first, last, inclusive) lies outside every interval of ``covered``.

    Reports may cover a month in pieces (weekly files); together they must cover every day.
    """
    start, end = wanted
    for first, last in sorted(covered):
        if first > start:
            return True
        if last >= start:
            start = last + dt.timedelta(days=1)
        if start > end:
            return False
    return start <= end
