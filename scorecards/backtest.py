"""Back-testing a template change: what a candidate version would do to stored scores.

Pure: it compares two mappings of (provider, month) → outcome — the stored scorecards of the
current version and the candidate's scores computed from the same inputs — and says, per
provider-month, the old and new score and whether the standing changes, with summary counts.
Nothing is read or stored here; ``scorecards.template_services`` gathers both sides.

A standing moves *up* when the new standing's band is higher in the candidate's bands than
the old standing's band was in the current ones (bands are compared by their rank from the
top, so renaming a standing is still read as the same rung of the ladder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scorecards.scoring import Band

Key = tuple[int, dt.date]  # (provider id, first day of the month)


@dataclass(frozen=True)
class Outcome:
    """A provider-month's score (``None``: no score, e.g. no activity) and standing."""

    score: float | None
    standing: str


@dataclass(frozen=True)
class BacktestRow:
    provider_id: int
    provider: str
    period: dt.date
    old: Outcome | None  # None: no stored scorecard under the current version
    new: Outcome | None  # None: the candidate would not score this month

    @property
    def old_score(self) -> float | None:
        return self.old.score if self.old else None

    @property
    def new_score(self) -> float | None:
        return self.new.score if self.new else None

    @property
    def old_standing(self) -> str:
        return self.old.standing if self.old else ""

    @property
    def new_standing(self) -> str:
        return self.new.standing if self.new else ""

    @property
    def change(self) -> float | None:
        """New score less old score, rounded to a hundredth; ``None`` unless both exist."""
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 2)

    @property
    def standing_changed(self) -> bool:
        return self.old_standing != self.new_standing


@dataclass(frozen=True)
class Backtest:
    rows: list[BacktestRow]
    providers: int
    months: int
    standing_changes: int
    upgrades: int
    downgrades: int
    scores_up: int
    scores_down: int
    scores_unchanged: int
    mean_change: float | None


def _rung(standing: str, bands: Sequence[Band]) -> int | None:
    """The band's position from the top (0 = best), or None for no standing."""
    ordered = sorted(bands, key=lambda b: b.lower, reverse=True)
    for position, band in enumerate(ordered):
        if band.standing == standing:
            return position
    return None


def direction(row: BacktestRow, old_bands: Sequence[Band], new_bands: Sequence[Band]) -> str:
    """``"up"``, ``"down"`` or ``""`` (no standing change, or one side without a standing)."""
    if not row.standing_changed:
        return ""
    before, after = _rung(row.old_standing, old_bands), _rung(row.new_standing, new_bands)
    if before is None or after is None or before == after:
        return ""
    return "up" if after < before else "down"


def backtest(
    old: Mapping[Key, Outcome],
    new: Mapping[Key, Outcome],
    *,
    provider_names: Mapping[int, str],
    old_bands: Sequence[Band],
    new_bands: Sequence[Band],
) -> Backtest:
    """Every provider-month either side scores, ordered by provider name then month, with the counts.

    A month neither side gives a score (no activity, both ways) says nothing about the change
    and is left out. ``mean_change`` is the mean of (new − old) over the months both sides score.
    """

    def scored(outcome: Outcome | None) -> bool:
        return outcome is not None and outcome.score is not None

    keys = sorted(
        (k for k in set(old) | set(new) if scored(old.get(k)) or scored(new.get(k))),
        key=lambda k: (provider_names.get(k[0], ""), k[0], k[1]),
    )
    rows = [BacktestRow(k[0], provider_names.get(k[0], str(k[0])), k[1], old.get(k), new.get(k)) for k in keys]
    changes = [row.change for row in rows if row.change is not None]
    directions = [direction(row, old_bands, new_bands) for row in rows]
    return Backtest(
        rows=rows,
        providers=len({row.provider_id for row in rows}),
        months=len({row.period for row in rows}),
        standing_changes=sum(1 for row in rows if row.standing_changed),
        upgrades=directions.count("up"),
        downgrades=directions.count("down"),
        scores_up=sum(1 for c in changes if c > 0),
        scores_down=sum(1 for c in changes if c < 0),
        scores_unchanged=sum(1 for c in changes if c == 0),
        mean_change=round(sum(changes) / len(changes), 2) if changes else None,
    )
