"""Sortable table of scorecards."""

from typing import Any

import django_tables2 as tables

from core import formatting
from core.tables import NumberColumn, PortalTable
from scorecards.models import Scorecard
from scorecards.selectors import open_months

MONTH_IN_PROGRESS = "month in progress"


class ScoreColumn(NumberColumn):
    """A 0–100 score with two decimals (``76.67``); "—" for a month without a score."""

    def render(self, value: Any) -> str:
        return formatting.number(value, 2)


class ChangeColumn(NumberColumn):
    """The change against the previous month, signed (``+3.50``, ``−2.00``)."""

    def render(self, value: Any) -> str:
        return signed(value)


def signed(value: Any) -> str:
    text = formatting.number(value, 2)
    if text == formatting.MISSING or value is None:
        return text
    return f"+{text}" if value > 0 else text.replace("-", "−")


class ScorecardTable(PortalTable):
    period = tables.DateColumn(format="Y-m", linkify=True, verbose_name="Month")
    provider = tables.Column(accessor="provider__name", verbose_name="Provider", order_by=("provider__name",))
    score = ScoreColumn(verbose_name="Score")
    standing = tables.Column(verbose_name="Standing")
    category = tables.Column(accessor="category__name", verbose_name="Category", default=formatting.MISSING)
    rank = tables.Column(verbose_name="Rank", default=formatting.MISSING, attrs={"td": {"class": "text-nowrap"}})
    change = ChangeColumn(verbose_name="Change")
    overall_score = ScoreColumn(verbose_name="Overall (12 months)")
    template_version = tables.Column(
        accessor="template_version", verbose_name="Template", order_by=("template_version__template__name",)
    )

    class Meta:
        model = Scorecard
        fields = (
            "period",
            "provider",
            "score",
            "standing",
            "category",
            "rank",
            "change",
            "overall_score",
            "template_version",
        )

    def render_rank(self, record: Scorecard, value: int) -> str:
        return f"{value} of {record.rank_of}"

    def value_rank(self, record: Scorecard, value: int | None) -> str:
        return f"{value} of {record.rank_of}" if value is not None else ""

    def render_standing(self, record: Scorecard, value: str) -> str:
        text = value or "no score"
        return f"{text} ({MONTH_IN_PROGRESS})" if self._in_progress(record) else text

    def _in_progress(self, record: Scorecard) -> bool:
        """Whether the record's month is still running: its score is provisional (no consequence
        is proposed from it). The page's providers are looked up at once, not row by row."""
        open_from: dict[int, Any] | None = getattr(self, "_open_from", None)
        if open_from is None:
            page = getattr(self, "page", None)
            rows = page.object_list if page is not None else [record]
            open_from = self._open_from = open_months({getattr(row, "record", row).provider_id for row in rows})
        if record.provider_id not in open_from:
            open_from.update(open_months([record.provider_id]))
        return record.period >= open_from[record.provider_id]
