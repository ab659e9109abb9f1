"""Sortable tables of the review workflow: reviews and standing consequences."""

import django_tables2 as tables
from django.urls import reverse

from core.tables import PortalTable
from scorecards.models import ScorecardReview, StandingConsequence
from scorecards.tables import ScoreColumn


class ScorecardReviewTable(PortalTable):
    review = tables.Column(accessor="pk", verbose_name="Review", linkify=lambda record: record.get_absolute_url())
    provider = tables.Column(linkify=True)
    period = tables.DateColumn(format="Y-m", verbose_name="Month")
    score = ScoreColumn(accessor="scorecard__score", verbose_name="Score", orderable=False)
    standing = tables.Column(accessor="scorecard__standing", verbose_name="Standing", orderable=False)
    status = tables.Column()
    decision = tables.Column()
    decision_owner = tables.Column(verbose_name="Owner")
    due_date = tables.DateColumn(format="Y-m-d", verbose_name="Due")
    approved_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Approved")

    class Meta:
        model = ScorecardReview
        fields = (
            "review",
            "provider",
            "period",
            "score",
            "standing",
            "status",
            "decision",
            "decision_owner",
            "due_date",
            "approved_at",
        )

    def render_review(self, record: ScorecardReview) -> str:
        return f"#{record.pk}"

    def value_review(self, record: ScorecardReview) -> int:
        return record.pk


class StandingConsequenceTable(PortalTable):
    kind = tables.Column(verbose_name="Consequence")
    provider = tables.Column(linkify=True)
    # The month opens the scorecard that proposed it (where there still is one).
    period = tables.DateColumn(
        format="Y-m",
        verbose_name="Month",
        linkify=lambda record: (
            reverse("scorecards:scorecard", args=[record.scorecard_id]) if record.scorecard_id else None
        ),
    )
    standing = tables.Column()
    score = ScoreColumn(verbose_name="Score")
    status = tables.Column()
    reason = tables.Column(verbose_name="Reason")
    decided_by = tables.Column(verbose_name="By")
    act = tables.TemplateColumn(
        template_name="scorecards/consequence_buttons.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = StandingConsequence
        fields = ("kind", "provider", "period", "standing", "score", "status", "reason", "decided_by", "act")
