"""Reads of the review workflow (reviews, improvement plans, standing consequences), scoped to the user."""

from typing import Any

from django.db.models import QuerySet

from core.scoping import visible_to
from scorecards.models import ImprovementPlan, ScorecardReview, StandingConsequence


def review_list(*, user: Any) -> QuerySet[ScorecardReview]:
    queryset = ScorecardReview.objects.select_related("provider", "scorecard", "decision_owner").order_by(
        "-period", "provider__name"
    )
    return visible_to(queryset, user, provider_path="provider")


def consequence_list(*, user: Any) -> QuerySet[StandingConsequence]:
    queryset = StandingConsequence.objects.select_related("provider", "decided_by").order_by(
        "-period", "provider__name", "kind"
    )
    return visible_to(queryset, user, provider_path="provider")


def plan_list(*, user: Any) -> QuerySet[ImprovementPlan]:
    queryset = ImprovementPlan.objects.select_related("provider", "owner", "review").prefetch_related("actions__owner")
    return visible_to(queryset, user, provider_path="provider")
