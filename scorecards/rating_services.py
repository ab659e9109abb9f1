"""Manual ratings: a reviewer rates a provider-month on each manual criterion, and the month is rescored.

One rating per reviewer, provider, month and criterion: rating again edits it (the change is
in its history). Several reviewers combine by their median (``scoring.manual_criterion``),
so the scorecard of that provider-month is recomputed at once, under the default template's
current version.
"""

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from scorecards.models import ManualRating, ScorecardCriterion, ScorecardTemplateVersion
from scorecards.services import default_version, recompute_scorecards
from vendors.models import Provider


def manual_criteria(version: ScorecardTemplateVersion | None = None) -> list[ScorecardCriterion]:
    """The manual criteria of ``version`` (default: the default template's current version)."""
    version = version or default_version()
    if version is None:
        return []
    return list(version.criteria.filter(kind=ScorecardCriterion.Kind.MANUAL).order_by("-weight", "code"))


@transaction.atomic
def manual_rating_save(
    *,
    provider: Provider,
    period: dt.date,
    criterion: str,
    reviewer: User,
    rating: Decimal,
    comment: str = "",
) -> tuple[ManualRating, bool]:
    """Create or edit ``reviewer``'s rating, then rescore the provider-month; (rating, created).

    The criterion must be a manual criterion of the current version: a rating of anything
    else would never count.
    """
    codes = {c.code for c in manual_criteria()}
    if criterion not in codes:
        allowed = ", ".join(sorted(codes)) or "none"
        raise ValidationError(
            {"criterion": f"“{criterion}” is not a manual criterion of the current template (manual: {allowed})."}
        )
    if period.day != 1:
        raise ValidationError({"period": "A rating is for a month: give its first day."})
    existing = (
        ManualRating.objects.select_for_update()
        .filter(provider=provider, period=period, criterion=criterion, reviewer=reviewer)
        .first()
    )
    instance = existing or ManualRating(provider=provider, period=period, criterion=criterion, reviewer=reviewer)
    instance.rating = rating
    instance.comment = comment
    instance.full_clean()
    instance.save()  # through save(), so the history records the change
    recompute_scorecards(provider_ids=[provider.pk], months=[period])
    return instance, existing is None


@dataclass(frozen=True)
class CriterionRatings:
    """A manual criterion's ratings for a provider-month, and the median that scores it."""

    criterion: ScorecardCriterion
    ratings: list[ManualRating]
    median: float | None

    def by(self, reviewer_id: int | None) -> ManualRating | None:
        return next((r for r in self.ratings if r.reviewer_id == reviewer_id), None)


def provider_month_ratings(provider: Provider, period: dt.date) -> list[CriterionRatings]:
    """Every manual criterion of the current version with all reviewers' ratings and their median."""
    ratings = list(
        ManualRating.objects.filter(provider=provider, period=period)
        .select_related("reviewer")
        .order_by("criterion", "reviewer__username")
    )
    result = []
    for criterion in manual_criteria():
        own = [r for r in ratings if r.criterion == criterion.code]
        median = float(statistics.median([float(r.rating) for r in own])) if own else None
        result.append(CriterionRatings(criterion, own, median))
    return result
