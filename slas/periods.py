"""The months a contract's compliance is shown for: one rule for the contract page and the API.

A contract's history may lie wholly in the past (the bank's February 1999 data), so the
default is never "the twelve months before today" but the last twelve months of the
contract's term up to its last month with data. A user may ask for any other run of months.
Pure functions over dates; the selectors feed them the term and the last month with data.
"""

import datetime as dt
from dataclasses import dataclass

from core.months import add_months, month_start

DEFAULT_MONTHS = 12


@dataclass(frozen=True, slots=True)
class MonthWindow:
    """The months ``first`` … ``last`` (first days of months, both included)."""

    first: dt.date
    last: dt.date

    def __contains__(self, month: dt.date) -> bool:
        return self.first <= month <= self.last

    def months(self) -> list[dt.date]:
        """Every month of the window, oldest first (the x axis of a chart)."""
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [add_months(self.first, n) for n in range(max(count, 0))]

    def clamp(self, month: dt.date) -> dt.date:
        return min(max(month, self.first), self.last)

    def __str__(self) -> str:
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"


def term_window(start_date: dt.date, end_date: dt.date) -> MonthWindow:
    """The months a contract's term touches."""
    return MonthWindow(month_start(start_date), month_start(end_date))


def default_window(
    term: MonthWindow, last_with_data: dt.date | None, *, current_month: dt.date, months: int = DEFAULT_MONTHS
) -> MonthWindow:
    """The last ``months`` months of ``term`` ending at its last month with data.

    Without any data the window ends at the current month while the term runs, at the term's
    end once it is over (or its start before it begins), so an empty contract still shows
    the months a report would fill.
    """
    last = term.clamp(last_with_data if last_with_data is not None else current_month)
    return MonthWindow(max(term.first, add_months(last, 1 - months)), last)


def requested_window(
    period_from: dt.date | None, period_to: dt.date | None, *, months: int = DEFAULT_MONTHS
) -> MonthWindow | None:
    """The window a user asked for, or None when they named neither bound (use the default).

    One bound alone means ``months`` months from it (or up to it). The caller has checked
    that ``period_from`` is not after ``period_to``.
    """
    if period_from is None and period_to is None:
        return None
    if period_from is None:
        assert period_to is not None
        period_from = add_months(period_to, 1 - months)
    if period_to is None:
        period_to = add_months(period_from, months - 1)
    return MonthWindow(month_start(period_from), month_start(period_to))
