"""API representation of scorecards: the score and standing, and every point traced to its inputs."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import MeasureField, as_measure
from savings.api.serializers import MonthSerializerField
from scorecards import selectors
from scorecards.models import ProcessScorecard, Scorecard, ScorecardRollup
from scorecards.selectors import TrendMonth

NUMBER = {"type": "number", "format": "double"}
NULLABLE_NUMBER = {**NUMBER, "nullable": True}

BREAKDOWN_SCHEMA = {
    "type": "object",
    "description": "Each criterion of the template version with its inputs, weight, effective weight "
    "(its weight spread over the criteria with data) and points; ``left_out`` names the criteria without data.",
    "properties": {
        "criteria": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "weight", "effective_weight", "points", "contribution", "left_out"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "weight": {**NUMBER, "description": "Out of 100, as the template gives it."},
                    "effective_weight": {**NUMBER, "description": "Out of 100 after criteria without data."},
                    "points": {**NULLABLE_NUMBER, "description": "0–100; null when the criterion has no data."},
                    "contribution": {**NULLABLE_NUMBER, "description": "points × effective_weight ÷ 100."},
                    "left_out": {"type": "boolean"},
                    "inputs": {
                        "type": "object",
                        "additionalProperties": True,
                        "description": "What the points were computed from, by criterion kind. Service levels "
                        "(``service_levels``): each with its ``process`` and ``contract`` reference (two processes may "
                        "have same-named levels), measured value, target, minimum and points. "
                        "Cost: ``realised_savings`` and ``projected_savings`` are money, "
                        "decimal strings (null projection: no business case) in ``currency``, the reporting "
                        "currency of the savings results; ``invoice_discrepancies`` and ``base_points``.",
                    },
                },
            },
        },
        "left_out": {"type": "array", "items": {"type": "string"}},
    },
}


@extend_schema_field(BREAKDOWN_SCHEMA)
class BreakdownField(serializers.JSONField):
    pass


class OverallWeightSerializer(serializers.Serializer):
    """One month's part in the overall score: its score (null: none) and the weight it got."""

    month = serializers.CharField(help_text="YYYY-MM")
    score = MeasureField(decimal_places=2, allow_null=True)
    weight = MeasureField(help_text="The recency weight applied: 1 for the latest month, falling by 1/12 a month.")


class ScorecardSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    month = MonthSerializerField(source="period", read_only=True)
    template = serializers.CharField(source="template_version.template.name", read_only=True)
    template_version = serializers.IntegerField(source="template_version.number", read_only=True)
    score = MeasureField(
        decimal_places=2, read_only=True, allow_null=True, help_text="0–100; null: no activity in the month."
    )
    category = serializers.CharField(
        source="category.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The service category the provider is ranked in for the month (most of its contracts' processes).",
    )
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True, default=None)
    rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="1 = best in the category this month; ties share a rank."
    )
    rank_of = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="How many providers of the category have a score this month."
    )
    change = MeasureField(
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Score − the previous month's score; null when either month has no score.",
    )
    overall_score = MeasureField(
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Recency-weighted over the 12 months to this one (linear decay); null: no score in them.",
    )
    breakdown = BreakdownField(read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "provider",
            "provider_id",
            "month",
            "template",
            "template_version",
            "score",
            "standing",
            "category",
            "category_code",
            "rank",
            "rank_of",
            "change",
            "overall_score",
            "note",
            "breakdown",
            "computed_at",
        ]
        read_only_fields = fields


class RollupSerializer(serializers.ModelSerializer):
    """A quarter's or year's score: the mean of its months with a score (null: none)."""

    label = serializers.CharField(read_only=True, help_text="2026-Q3 or 2026.")
    start = MonthSerializerField(source="period", read_only=True)
    score = MeasureField(decimal_places=2, read_only=True, allow_null=True)
    months = serializers.ListField(
        child=serializers.DictField(), read_only=True, help_text="[{month, score}] of the span's scorecards."
    )

    class Meta:
        model = ScorecardRollup
        fields = ["span", "label", "start", "score", "standing", "months_scored", "months"]
        read_only_fields = fields


class ProcessScoreSerializer(serializers.ModelSerializer):
    """The month scored on the provider's contracts for one process only."""

    process = serializers.CharField(source="process.name", read_only=True)
    process_id = serializers.IntegerField(read_only=True)
    score = MeasureField(decimal_places=2, read_only=True, allow_null=True)
    breakdown = BreakdownField(read_only=True)

    class Meta:
        model = ProcessScorecard
        fields = ["process", "process_id", "score", "standing", "note", "breakdown"]
        read_only_fields = fields


class ScorecardDetailSerializer(ScorecardSerializer):
    """A scorecard with everything behind it: the overall score's weights, per-process scores, roll-ups."""

    overall_weights = OverallWeightSerializer(many=True, read_only=True)
    processes = serializers.SerializerMethodField()
    rollups = serializers.SerializerMethodField()

    class Meta(ScorecardSerializer.Meta):
        fields = [*ScorecardSerializer.Meta.fields, "overall_weights", "processes", "rollups"]
        read_only_fields = fields

    @extend_schema_field(ProcessScoreSerializer(many=True))
    def get_processes(self, card: Scorecard) -> Any:
        return ProcessScoreSerializer(selectors.process_scorecards(card), many=True).data

    @extend_schema_field(RollupSerializer(many=True))
    def get_rollups(self, card: Scorecard) -> Any:
        return RollupSerializer(selectors.scorecard_rollups(card), many=True).data


class TrendMonthSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    scorecard_id = serializers.SerializerMethodField(help_text="null: no scorecard for the month.")
    score = serializers.SerializerMethodField()
    standing = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    rank_of = serializers.SerializerMethodField()
    change = serializers.SerializerMethodField()

    def get_month(self, row: TrendMonth) -> str:
        return f"{row.month:%Y-%m}"

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_scorecard_id(self, row: TrendMonth) -> int | None:
        return row.card.pk if row.card else None

    @extend_schema_field(NULLABLE_NUMBER)
    def get_score(self, row: TrendMonth) -> float | None:
        return as_measure(row.score, 2)

    def get_standing(self, row: TrendMonth) -> str:
        return row.card.standing if row.card else ""

    @extend_schema_field({"type": "string", "nullable": True})
    def get_category(self, row: TrendMonth) -> str | None:
        return row.card.category.name if row.card and row.card.category else None

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_rank(self, row: TrendMonth) -> int | None:
        return row.card.rank if row.card else None

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_rank_of(self, row: TrendMonth) -> int | None:
        return row.card.rank_of if row.card else None

    @extend_schema_field(NULLABLE_NUMBER)
    def get_change(self, row: TrendMonth) -> float | None:
        return as_measure(row.card.change, 2) if row.card else None


class ProviderTrendSerializer(serializers.Serializer):
    """A provider's last 12 months (oldest first) and its overall recency-weighted score."""

    provider = serializers.CharField()
    provider_id = serializers.IntegerField()
    template = serializers.CharField(allow_null=True)
    template_version = serializers.IntegerField(allow_null=True)
    months = TrendMonthSerializer(many=True)
    overall_score = MeasureField(
        decimal_places=2, allow_null=True, help_text="Recency-weighted mean of the months' scores (linear decay)."
    )
    overall_weights = OverallWeightSerializer(many=True, help_text="Latest month first.")
    rollups = RollupSerializer(many=True, help_text="Quarters and years of the period, latest first.")
