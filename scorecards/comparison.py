"""Comparing providers side by side: pure functions over plain data, no database.

The comparison page (``scorecards.compare_views``) reads stored scorecards, savings and
compliance results for 2–5 providers over a month range and hands plain numbers to these
functions. Each choice that could favour one provider over another is made here, once, and
tested with hand-computed cases:

- **Averages leave missing months out.** A month without a score (no activity) is not a 0;
  the mean is over the months that have one, and the caller shows how many were left out.
- **Common metrics are normalised min–max across the compared providers, direction-aware.**
  Targets differ between contracts (one SLA asks 80 % in 20 s, another 85 %), so "attainment
  of its own target" would compare contracts, not providers; the providers' measured values
  of the *same* metric are comparable, so each is placed between the worst (0) and the best
  (1) of the providers compared::

        normalised = (value − worst) ÷ (best − worst)

  where best is the highest value for a higher-is-better metric and the lowest for a
  lower-is-better one (handle time): the formula flips with the direction, so 1 is always
  best. When every provider has the same value nobody is worse: all get 1.
- **Quadrants split at the medians** of the compared providers' spend and score. A provider
  exactly on a median line is given the benefit of it: a score at the median counts as high
  performance, a spend at the median as low spend.
- **The frontier** (cost per unit against quality, for one process) is the providers no
  other provider beats on both: another is *at least as cheap and at least as good, and
  strictly better on one*. Two providers with the same cost and the same quality do not beat
  each other, so both stay on the frontier; at equal cost the better quality wins.
- **Cost per unit of a process** is the contract's outsourced cost shared among its
  processes in proportion to their billable volume (charges are per contract, volumes per
  process), summed over the months and divided by the process's volume.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

MIN_PROVIDERS = 2
MAX_PROVIDERS = 5

# Quadrants of spend (x) against performance (y).
EFFICIENT = "efficient"  # low spend, high performance
STRATEGIC = "strategic"  # high spend, high performance
REVIEW = "review"  # high spend, low performance
MARGINAL = "marginal"  # low spend, low performance
QUADRANT_LABELS: dict[str, str] = {
    EFFICIENT: "Efficient: low spend, high performance",
    STRATEGIC: "Strategic: high spend, high performance",
    REVIEW: "Review: high spend, low performance",
    MARGINAL: "Marginal: low spend, low performance",
}


@dataclass(frozen=True)
class Average:
    """A mean over the months with a value, and how many months had none (left out)."""

    value: float | None
    months: int
    left_out: int


def average(values: Iterable[float | None]) -> Average:
    """The mean of the values that are not ``None``; ``None`` when none has one.

    >>> average([80.0, None, 70.0])
    Average(value=75.0, months=2, left_out=1)
    """
    present: list[float] = []
    missing = 0
    for value in values:
        if value is None:
            missing += 1
        else:
            present.append(value)
    return Average(statistics.fmean(present) if present else None, len(present), missing)


def min_max(values: Mapping[K, float | None], *, higher_is_better: bool) -> dict[K, float | None]:
    """Each value placed between the worst (0) and the best (1) of ``values``, direction-aware.

        normalised = (value − worst) ÷ (best − worst)

    ``None`` stays ``None`` (no data is not the worst); when every value is the same (or
    there is only one) each gets 1.
    """
    present = [v for v in values.values() if v is not None]
    if not present:
        return {key: None for key in values}
    best = max(present) if higher_is_better else min(present)
    worst = min(present) if higher_is_better else max(present)
    span = best - worst
    return {
        key: None if value is None else (1.0 if span == 0 else (value - worst) / span) for key, value in values.items()
    }


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values that are not ``None``; ``None`` when none has one."""
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def quadrant(spend: float, score: float, *, spend_median: float, score_median: float) -> str:
    """Which quadrant a provider falls in; on a median line it gets the better side.

    Score ≥ median → high performance; spend ≤ median → low spend.
    """
    high_performance = score >= score_median
    low_spend = spend <= spend_median
    if high_performance:
        return EFFICIENT if low_spend else STRATEGIC
    return MARGINAL if low_spend else REVIEW


@dataclass(frozen=True)
class QuadrantSplit(Generic[K]):
    """The median lines and each provider's quadrant (``None`` for a provider lacking spend or score)."""

    spend_median: float | None
    score_median: float | None
    quadrants: dict[K, str | None]


def assign_quadrants(points: Mapping[K, tuple[float | None, float | None]]) -> QuadrantSplit[K]:
    """Quadrants of providers given ``{key: (spend, score)}``, split at the medians of those with both.

    A provider without spend or without a score takes no part in the medians and gets no quadrant.
    """
    complete = {key: (s, p) for key, (s, p) in points.items() if s is not None and p is not None}
    spend_median = median(s for s, _ in complete.values())
    score_median = median(p for _, p in complete.values())
    quadrants: dict[K, str | None] = {}
    for key in points:
        if key in complete and spend_median is not None and score_median is not None:
            spend, score = complete[key]
            quadrants[key] = quadrant(spend, score, spend_median=spend_median, score_median=score_median)
        else:
            quadrants[key] = None
    return QuadrantSplit(spend_median, score_median, quadrants)


def beats(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether ``a`` = (cost, quality) beats ``b``: no dearer, no worse, and strictly better on one."""
    cost_a, quality_a = a
    cost_b, quality_b = b
    return cost_a <= cost_b and quality_a >= quality_b and (cost_a < cost_b or quality_a > quality_b)


def dominators(points: Mapping[K, tuple[float, float]]) -> dict[K, list[K]]:
    """For each provider ``{key: (cost per unit, quality)}``, the providers that beat it (in input order)."""
    return {
        key: [other for other, theirs in points.items() if other != key and beats(theirs, ours)]
        for key, ours in points.items()
    }


def pareto_frontier(points: Mapping[K, tuple[float, float]]) -> list[K]:
    """The providers no other beats on both lower cost and higher quality, cheapest first.

    Providers with equal cost and quality are both on it (neither beats the other); ties in
    cost keep the input order.
    """
    beaten = dominators(points)
    frontier = [key for key in points if not beaten[key]]
    return sorted(frontier, key=lambda key: points[key][0])


@dataclass(frozen=True)
class ProcessMonthCost:
    """One contract-month as the cost per unit of one of its processes needs it.

    ``contract_cost``: the contract's outsourced cost for the month (reporting currency);
    ``contract_volume``: its billable volume over all its processes; ``process_volume``: the
    process's share of that volume.
    """

    contract_cost: Decimal
    contract_volume: int
    process_volume: int


def cost_per_unit(months: Sequence[ProcessMonthCost]) -> Decimal | None:
    """The process's cost per unit of work over the months:

        cost per unit = Σ (contract cost × process volume ÷ contract volume) ÷ Σ process volume

    Months without volume for the process (or for the contract) are left out; none left → ``None``.
    """
    cost = Decimal("0")
    volume = 0
    for month in months:
        if month.process_volume <= 0 or month.contract_volume <= 0:
            continue
        cost += month.contract_cost * month.process_volume / month.contract_volume
        volume += month.process_volume
    if volume == 0:
        return None
    return cost / volume
