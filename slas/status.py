"""A period's compliance status from its measured value: pure functions.

- ``met``: meets the expected level (the target).
- ``at_risk``: between the minimum and the expected level; or, while the month is still
  running, the month-to-date value is on course to miss the target (a running month is
  never ``breached``: the month can still recover).
- ``breached``: misses the minimum level in a closed month.
- ``insufficient_data``: fewer items than the SLA's minimum sample size.
- ``no_data``: nothing to measure (no items, or no value claimed).
"""

from decimal import Decimal

MET = "met"
AT_RISK = "at_risk"
BREACHED = "breached"
INSUFFICIENT_DATA = "insufficient_data"
NO_DATA = "no_data"
MISSES = (AT_RISK, BREACHED)


def meets(value: float, level: Decimal, *, higher_is_better: bool) -> bool:
    """Whether ``value`` is on the good side of ``level`` (reaching the level counts)."""
    return value >= float(level) if higher_is_better else value <= float(level)


def compliance_status(
    value: float | None,
    *,
    sample_size: int,
    minimum_sample_size: int,
    expected: Decimal,
    minimum: Decimal,
    higher_is_better: bool,
    period_closed: bool,
) -> str:
    if value is None:
        return NO_DATA if sample_size == 0 else INSUFFICIENT_DATA
    if sample_size < minimum_sample_size:
        return INSUFFICIENT_DATA
    if meets(value, expected, higher_is_better=higher_is_better):
        return MET
    if not period_closed or meets(value, minimum, higher_is_better=higher_is_better):
        return AT_RISK
    return BREACHED


def projected_value(code: str, value: float | None, *, elapsed_fraction: float) -> float | None:
    """The month-to-date value extrapolated to the whole month.

    Rates and averages are their own projection; counts that accumulate over the month
    (volume) scale with the share of the month elapsed. Backlog is a point-in-time count.
    """
    if value is None or code != "volume" or elapsed_fraction <= 0:
        return value
    return value / min(1.0, elapsed_fraction)
