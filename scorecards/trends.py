"""Rank, trend, overall score and roll-ups of stored monthly scores: pure functions, no database.

What a scorecard shows beside its own month's score is derived from the provider's other
months and from its peers' scores; ``scorecards.services`` reads those, calls these, and
stores the results with the scorecards in the same recomputation. The rules:

- **Category.** A provider is ranked in one service category per month: the category of
  most of the processes of its contracts whose term covers the month (a contract with two
  processes counts both); ties go to the category first by name. A month no contract's term
  covers falls back to all the provider's contracts. No contract with a process → no
  category, no rank. (A provider in several categories is compared where most of its work
  is, so every scorecard has one rank and ``rank of N`` always counts the same providers.)
- **Rank.** Among the providers of the category with a score in the month (``scoring.rank``:
  highest first, ties share a rank, the next skips: 1, 1, 3); a month without a score has
  no rank.
- **Change.** The month's score minus the previous calendar month's; either without a score
  → no change (never a change from or to 0).
- **Overall.** ``scoring.overall_score`` over the 12 calendar months ending at the month
  (linear decay, a month without a score left out), with the weight each month got.
- **Roll-ups.** A quarter's or year's score is the mean of its months that have a score;
  months without one are left out; none → no score.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from scorecards import scoring

K = TypeVar("K")

CENT = Decimal("0.01")


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def year_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 1, 1)


def span_start(span: str, month: dt.date) -> dt.date:
    return year_start(month) if span == "year" else quarter_start(month)


def span_months(span: str, start: dt.date) -> list[dt.date]:
    return [add_months(start, n) for n in range(12 if span == "year" else 3)]


# --- Category --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessLink:
    """One process of one of the provider's contracts, with the contract's term."""

    contract_id: int
    process_id: int
    category_id: int
    category_name: str
    start: dt.date
    end: dt.date

    def covers(self, month: dt.date) -> bool:
        return self.start <= add_months(month, 1) - dt.timedelta(days=1) and self.end >= month


def ranking_category(links: Sequence[ProcessLink], month: dt.date) -> int | None:
    """The category the provider is ranked in for ``month`` (see the module's docstring)."""
    covering = [link for link in links if link.covers(month)] or list(links)
    if not covering:
        return None
    counts = Counter((link.category_id, link.category_name) for link in covering)
    (category_id, _), _ = min(counts.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    return category_id


# --- Change and overall ----------------------------------------------------------------


def change(scores: Mapping[dt.date, Decimal | None], month: dt.date) -> Decimal | None:
    """The month's score minus the previous calendar month's, or ``None`` when either has none."""
    current = scores.get(month)
    previous = scores.get(add_months(month, -1))
    if current is None or previous is None:
        return None
    return current - previous


def overall(
    scores: Mapping[dt.date, Decimal | None], month: dt.date, periods: int = scoring.RECENCY_PERIODS
) -> tuple[Decimal | None, list[dict[str, Any]]]:
    """The recency-weighted overall score at ``month`` and, latest first, each month's score and weight."""
    months = [add_months(month, -age) for age in range(periods)]
    latest_first = [scores.get(m) for m in months]
    result = scoring.overall_score([float(s) if s is not None else None for s in latest_first], periods=periods)
    weights = result.weights if result else [0.0] * periods
    rows = [
        {"month": f"{m:%Y-%m}", "score": float(s) if s is not None else None, "weight": round(w, 4)}
        for m, s, w in zip(months, latest_first, weights, strict=True)
    ]
    if result is None:
        return None, rows
    return Decimal(str(result.score)).quantize(CENT, rounding=ROUND_HALF_UP), rows


# --- Rank ------------------------------------------------------------------------------


def ranks(scores: Mapping[K, Decimal | None]) -> dict[K, tuple[int | None, int | None]]:
    """Per key (a scorecard), its rank and out of how many, among the keys with a score."""
    scored = {key: float(score) for key, score in scores.items() if score is not None}
    ranked = scoring.rank(scored)
    return {key: (ranked[key], len(scored)) if key in ranked else (None, None) for key in scores}


# --- Roll-ups --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """A quarter's or year's score (``None`` without a scored month) and its months' scores."""

    span: str
    period: dt.date
    score: Decimal | None
    months_scored: int
    months: list[dict[str, Any]]


def rollup(span: str, start: dt.date, scores: Mapping[dt.date, Decimal | None]) -> Rollup:
    """The mean of the span's months with a score (months with no score, or no scorecard, left out).

    ``scores`` holds the months that have a scorecard (a month with no activity maps to
    ``None``); ``months`` in the result lists those of the span, in order.
    """
    rows: list[dict[str, Any]] = []
    scored: list[Decimal] = []
    for month in span_months(span, start):
        if month not in scores:
            continue
        score = scores[month]
        rows.append({"month": f"{month:%Y-%m}", "score": float(score) if score is not None else None})
        if score is not None:
            scored.append(score)
    mean = (sum(scored, Decimal("0")) / len(scored)).quantize(CENT, rounding=ROUND_HALF_UP) if scored else None
    return Rollup(span, start, mean, len(scored), rows)


def rollups(months: Iterable[dt.date], scores: Mapping[dt.date, Decimal | None]) -> list[Rollup]:
    """The quarter and year roll-ups of every span that contains one of ``months``."""
    spans = sorted({(span, span_start(span, m)) for m in months for span in ("quarter", "year")})
    return [rollup(span, start, scores) for span, start in spans]
