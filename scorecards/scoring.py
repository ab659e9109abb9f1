"""Scorecard arithmetic: pure functions over plain data, no database.

A provider's month is scored on *criteria* (SLA performance, cost, risk and compliance, and
manual criteria reviewers rate), each worth 0–100 *points*; the template gives each criterion
a *weight* (the weights sum to 100) and the score is the weighted mean of the points.

Fairness rules, which every function here keeps:

- **Missing data is not a score.** A criterion without data for the period gives ``None``
  (never 0 or 100); ``combine`` leaves it out and spreads its weight over the criteria that
  have data, in proportion to their weights, and names what was left out.
- **No activity, no score.** A provider with no activity in the period gets no score at all
  (``combine`` returns ``None``), whatever the manual ratings say.
- **One extreme reviewer cannot swing a score**: several reviewers' ratings of a manual
  criterion combine by their *median*.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

K = TypeVar("K")

MAX_POINTS = 100.0
# Cost criterion: points taken off per month with an invoice discrepancy.
DISCREPANCY_PENALTY = 10.0
# Risk criterion: points taken off per required certification not valid, per chronic
# breach, per open discrepancy between the vendor's claims and its records.
CERTIFICATION_PENALTY = 40.0
CHRONIC_BREACH_PENALTY = 20.0
OPEN_DISCREPANCY_PENALTY = 10.0
# Overall score: a period's weight falls linearly to nothing over this many periods.
RECENCY_PERIODS = 12


def _clamp(points: float) -> float:
    return max(0.0, min(MAX_POINTS, points))


@dataclass(frozen=True)
class CriterionScore:
    """A criterion's points (0–100) for one period, with the inputs that gave them."""

    points: float
    inputs: dict[str, Any] = field(default_factory=dict)


# --- SLA performance -------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceLevelInput:
    """One service level's measured month: the actual value against its minimum and expected level."""

    name: str
    actual: float
    expected_level: float
    minimum_level: float
    higher_is_better: bool
    weight: float
    # Which process and contract the level belongs to: two processes may both have an "Accuracy".
    process: str = ""
    contract: str = ""


def attainment_points(actual: float, expected_level: float, minimum_level: float, *, higher_is_better: bool) -> float:
    """Where ``actual`` lies between the minimum (0 points) and the expected level (100 points).

    Linear in between, clamped to 0–100 outside: reaching the target earns everything,
    missing the breach line earns nothing. For a lower-is-better metric (handle time) the
    minimum lies above the expected level and the same formula reads the other way:

        points = 100 × (actual − minimum) ÷ (expected − minimum)

    works for both directions, because numerator and denominator change sign together.
    When minimum equals expected there is no band: met (on the right side) is 100, else 0.
    """
    span = expected_level - minimum_level
    if span == 0:
        met = actual >= expected_level if higher_is_better else actual <= expected_level
        return MAX_POINTS if met else 0.0
    return _clamp(MAX_POINTS * (actual - minimum_level) / span)


def sla_criterion(levels: Sequence[ServiceLevelInput]) -> CriterionScore | None:
    """The weighted mean of the measured service levels' attainment points.

        points = Σ (attainment_i × weight_i) ÷ Σ weight_i

    Only levels with a measured value may be passed; none (or only zero weights) → ``None``.
    """
    total_weight = sum(level.weight for level in levels)
    if not levels or total_weight <= 0:
        return None
    rows = []
    weighted = 0.0
    for level in levels:
        points = attainment_points(
            level.actual, level.expected_level, level.minimum_level, higher_is_better=level.higher_is_better
        )
        weighted += points * level.weight
        rows.append(
            {
                "name": level.name,
                "process": level.process,
                "contract": level.contract,
                "actual": round(level.actual, 4),  # a measure, as the API gives measures: 4 decimals
                "expected_level": level.expected_level,
                "minimum_level": level.minimum_level,
                "direction": "higher" if level.higher_is_better else "lower",
                "weight": level.weight,
                "points": round(points, 4),
            }
        )
    return CriterionScore(weighted / total_weight, {"service_levels": rows})


# --- Cost ------------------------------------------------------------------------------


def cost_criterion(
    realised: float | None, projected: float | None, *, invoice_discrepancies: int = 0, currency: str = ""
) -> CriterionScore | None:
    """Realised against projected savings, less the months with an invoice discrepancy.

        base   = 100                              if realised ≥ projected
               = 100 × max(realised, 0) ÷ projected   otherwise (projected > 0)
        points = max(0, base − 10 × invoice_discrepancies)

    Without a business case (no projection, or a projection of zero or less) the base is 100
    when the contract saves anything (realised ≥ 0) and 0 when it loses money. Without
    realised savings there is no data: ``None``.

    The inputs keep the amounts as the API writes money: decimal strings (2 places) with the
    ``currency`` they are in (the reporting currency of the savings results) beside them.
    """
    if realised is None:
        return None
    if projected is None or projected <= 0:
        base = MAX_POINTS if realised >= 0 else 0.0
    elif realised >= projected:
        base = MAX_POINTS
    else:
        base = MAX_POINTS * max(realised, 0.0) / projected
    points = _clamp(base - DISCREPANCY_PENALTY * invoice_discrepancies)
    return CriterionScore(
        points,
        {
            "realised_savings": f"{realised:.2f}",
            "projected_savings": f"{projected:.2f}" if projected is not None else None,
            "currency": currency,
            "invoice_discrepancies": invoice_discrepancies,
            "base_points": round(base, 4),
        },
    )


# --- Risk and compliance ---------------------------------------------------------------


@dataclass(frozen=True)
class RiskInput:
    """What the risk criterion reads for a provider's month.

    ``measured_service_levels`` says whether there is anything to judge breaches and
    discrepancies on; ``certification_problems`` names each required certification not valid.
    """

    required_certifications: int
    certification_problems: tuple[str, ...]
    chronic_breaches: int
    open_discrepancies: int
    measured_service_levels: int


def risk_criterion(risk: RiskInput) -> CriterionScore | None:
    """100, less 40 per required certification not valid, 20 per chronic breach, 10 per open discrepancy.

        points = max(0, 100 − 40 × problems − 20 × chronic − 10 × discrepancies)

    No required certification and no measured service level → nothing to judge: ``None``.
    """
    if risk.required_certifications == 0 and risk.measured_service_levels == 0:
        return None
    points = _clamp(
        MAX_POINTS
        - CERTIFICATION_PENALTY * len(risk.certification_problems)
        - CHRONIC_BREACH_PENALTY * risk.chronic_breaches
        - OPEN_DISCREPANCY_PENALTY * risk.open_discrepancies
    )
    return CriterionScore(
        points,
        {
            "required_certifications": risk.required_certifications,
            "certification_problems": list(risk.certification_problems),
            "chronic_breaches": risk.chronic_breaches,
            "open_discrepancies": risk.open_discrepancies,
        },
    )


# --- Manual criteria -------------------------------------------------------------------


def manual_criterion(ratings: Sequence[float]) -> CriterionScore | None:
    """The median of the reviewers' ratings (0–100); no rating → ``None``.

    The median, not the mean: one reviewer rating 0 among others rating 80 leaves 80.
    """
    if not ratings:
        return None
    return CriterionScore(_clamp(float(statistics.median(ratings))), {"ratings": list(ratings)})


# --- Combining -------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """A template's criterion: its code, name and weight (the template's weights sum to 100)."""

    code: str
    name: str
    weight: float


@dataclass(frozen=True)
class ScoreBreakdown:
    """A period's score and, per criterion, its inputs, weights and points (``rows``)."""

    score: float
    rows: list[dict[str, Any]]
    left_out: list[str]


def validate_weights(weights: Sequence[float]) -> None:
    """Weights are each ≥ 0 and sum to 100 (to a hundredth); otherwise ``ValueError``."""
    if any(w < 0 for w in weights):
        raise ValueError("A criterion's weight cannot be negative.")
    total = sum(weights)
    if abs(total - 100) > 0.005:
        raise ValueError(f"The criteria's weights must sum to 100 (they sum to {total:g}).")


def combine(
    criteria: Sequence[Criterion], scores: Mapping[str, CriterionScore | None], *, active: bool
) -> ScoreBreakdown | None:
    """The weighted score of the criteria with data, their weights spread over the left-out ones.

        effective_weight_i = weight_i × 100 ÷ Σ weight of criteria with data
        score              = Σ points_i × effective_weight_i ÷ 100

    A criterion with no entry in ``scores`` (or ``None``) is left out and listed in
    ``left_out``. Not ``active`` (no activity in the period), or no criterion with data and a
    weight, → ``None``: no score at all.
    """
    if not active:
        return None
    present = [c for c in criteria if scores.get(c.code) is not None]
    present_weight = sum(c.weight for c in present)
    if present_weight <= 0:
        return None
    rows: list[dict[str, Any]] = []
    total = 0.0
    for criterion in criteria:
        result = scores.get(criterion.code)
        row: dict[str, Any] = {"code": criterion.code, "name": criterion.name, "weight": criterion.weight}
        if result is None:
            row.update(effective_weight=0.0, points=None, contribution=None, inputs={}, left_out=True)
        else:
            effective = criterion.weight * MAX_POINTS / present_weight
            contribution = result.points * effective / MAX_POINTS
            total += contribution
            row.update(
                effective_weight=round(effective, 4),
                points=round(result.points, 4),
                contribution=round(contribution, 4),
                inputs=result.inputs,
                left_out=False,
            )
        rows.append(row)
    left_out = [c.code for c in criteria if scores.get(c.code) is None]
    return ScoreBreakdown(_clamp(total), rows, left_out)


# --- Standings -------------------------------------------------------------------------


# What a standing may entail once a reviewer confirms it ("" = nothing): the provider is put
# on probation, or gets no new contracts. The confirmation itself is the review workflow's.
NO_CONSEQUENCE = ""
PROBATION = "probation"
NO_NEW_CONTRACTS = "no_new_contracts"
CONSEQUENCES: dict[str, str] = {
    NO_CONSEQUENCE: "None",
    PROBATION: "Provider on probation",
    NO_NEW_CONTRACTS: "No new contracts",
}


@dataclass(frozen=True)
class Band:
    """A standing, the lowest score (inclusive) that earns it, and its optional consequence.

    The band runs to the next one up; ``consequence`` (one of ``CONSEQUENCES``) takes effect
    only once a reviewer confirms it.
    """

    standing: str
    lower: float
    consequence: str = NO_CONSEQUENCE


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("strategic", 85.0),
    Band("preferred", 70.0),
    Band("watch", 55.0, PROBATION),
    Band("exit", 0.0, NO_NEW_CONTRACTS),
)


def validate_bands(bands: Sequence[Band]) -> list[Band]:
    """The bands sorted highest first, if they cover 0–100 with no gap and no overlap.

    Each band runs from its ``lower`` (inclusive) up to the next band's ``lower`` (the top
    one to 100 inclusive), so bands cover 0–100 exactly when the lowest starts at 0, every
    ``lower`` lies in 0–100, and no two share a ``lower`` (which would overlap, one empty) or
    a standing; each consequence must be one of ``CONSEQUENCES``. Otherwise ``ValueError``
    saying which.
    """
    if not bands:
        raise ValueError("At least one band is needed.")
    ordered = sorted(bands, key=lambda b: b.lower, reverse=True)
    for band in ordered:
        if not 0 <= band.lower <= MAX_POINTS:
            raise ValueError(f"The band “{band.standing}” starts at {band.lower:g}, outside 0–100.")
    lowers = [b.lower for b in ordered]
    if len(set(lowers)) != len(lowers):
        raise ValueError("Two bands start at the same score: they overlap.")
    standings = [b.standing for b in ordered]
    if any(not standing.strip() for standing in standings):
        raise ValueError("Every band needs a standing's name.")
    if len(set(standings)) != len(standings):
        raise ValueError("A standing is named by two bands.")
    for band in ordered:
        if band.consequence not in CONSEQUENCES:
            raise ValueError(
                f"The band “{band.standing}” has an unknown consequence “{band.consequence}” "
                f"(one of: {', '.join(repr(c) for c in CONSEQUENCES)})."
            )
    if ordered[-1].lower != 0:
        raise ValueError(f"No band covers scores below {ordered[-1].lower:g}: the lowest band must start at 0.")
    return ordered


def standing_for(score: float, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """The standing of the highest band whose lower bound the score reaches."""
    for band in validate_bands(bands):
        if score >= band.lower:
            return band.standing
    raise AssertionError("unreachable: the lowest band starts at 0")  # pragma: no cover


# --- Rank and overall score ------------------------------------------------------------


def rank(scores: Mapping[K, float]) -> dict[K, int]:
    """Rank by score, highest first; ties share a rank and the next rank skips (1, 1, 3).

    Compare scores as stored (rounded); the caller passes the providers of one category.
    """
    ordered = sorted(scores.values(), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in scores.items()}


def recency_weights(periods: int = RECENCY_PERIODS) -> list[float]:
    """Weights of the latest ``periods`` periods, latest first, falling linearly: n/n, (n−1)/n, … 1/n."""
    return [(periods - age) / periods for age in range(periods)]


@dataclass(frozen=True)
class OverallScore:
    """The recency-weighted score and the weight each period got (latest first)."""

    score: float
    weights: list[float]


def overall_score(latest_first: Sequence[float | None], *, periods: int = RECENCY_PERIODS) -> OverallScore | None:
    """The recency-weighted mean of a provider's period scores, latest period first.

        weight(age) = (periods − age) ÷ periods     for age 0 … periods−1, 0 beyond
        overall     = Σ score_age × weight(age) ÷ Σ weight(age) over the periods with a score

    A period without a score (``None``) is left out, not counted as 0; none at all → ``None``.
    The weights returned are those applied (0 for a period without a score or too old).
    """
    weights = recency_weights(periods)
    applied: list[float] = []
    total = 0.0
    weight_sum = 0.0
    for age, score in enumerate(latest_first):
        weight = weights[age] if age < periods and score is not None else 0.0
        applied.append(weight)
        if score is not None and weight > 0:
            total += score * weight
            weight_sum += weight
    if weight_sum == 0:
        return None
    return OverallScore(total / weight_sum, applied)
