"""Reconciliation: does what the vendor claims match what its own records show?

A claimed value differs from the computed one when the gap exceeds the tolerance of the
metric's unit: 0.5 points for percentages, 1 % of the computed value otherwise. Both
values are kept beside the result, so the difference can be shown and disputed.
"""

from core.catalogue import PERCENT

PERCENT_POINTS = 0.5
RELATIVE = 0.01


def is_discrepancy(claimed: float | None, computed: float | None, *, unit: str) -> bool:
    """True when both values exist and differ by more than the unit's tolerance."""
    if claimed is None or computed is None:
        return False
    gap = abs(claimed - computed)
    if unit == PERCENT:
        return gap > PERCENT_POINTS
    return gap > RELATIVE * abs(computed)
