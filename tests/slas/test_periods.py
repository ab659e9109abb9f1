"""The window of months compliance is shown for: pure, over dates (no today inside the data assumed)."""

import datetime as dt

from slas.periods import MonthWindow, default_window, requested_window, term_window

JAN, FEB, MAR = dt.date(1999, 1, 1), dt.date(1999, 2, 1), dt.date(1999, 3, 1)


def test_default_window_is_the_last_twelve_months_of_the_term_up_to_the_last_with_data():
    term = term_window(dt.date(1997, 6, 15), dt.date(1999, 12, 31))
    assert default_window(term, FEB, current_month=dt.date(2026, 11, 1)) == MonthWindow(dt.date(1998, 3, 1), FEB)
    # without data: the term's end once it is over, the current month while it runs, its start before it begins
    assert default_window(term, None, current_month=dt.date(2026, 11, 1)).last == dt.date(1999, 12, 1)
    assert default_window(term, None, current_month=MAR) == MonthWindow(dt.date(1998, 4, 1), MAR)
    assert default_window(term, None, current_month=dt.date(1990, 1, 1)) == MonthWindow(
        dt.date(1997, 6, 1), dt.date(1997, 6, 1)
    )
    # never before the term starts
    assert default_window(term_window(JAN, dt.date(1999, 12, 31)), MAR, current_month=MAR).first == JAN


def test_requested_window_fills_a_missing_bound_with_twelve_months():
    assert requested_window(None, None) is None
    assert requested_window(FEB, MAR) == MonthWindow(FEB, MAR)
    assert requested_window(FEB, None) == MonthWindow(FEB, dt.date(2000, 1, 1))
    assert requested_window(None, MAR) == MonthWindow(dt.date(1998, 4, 1), MAR)
    assert MonthWindow(JAN, MAR).months() == [JAN, FEB, MAR]
