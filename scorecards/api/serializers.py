"""API representation of scorecards: the score and standing, and every point traced to its inputs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import MeasureField
from savings.api.serializers import MonthSerializerField
from scorecards.models import Scorecard

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
                    "inputs": {"type": "object", "additionalProperties": True},
                },
            },
        },
        "left_out": {"type": "array", "items": {"type": "string"}},
    },
}


@extend_schema_field(BREAKDOWN_SCHEMA)
class BreakdownField(serializers.JSONField):
    pass


class ScorecardSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    month = MonthSerializerField(source="period", read_only=True)
    template = serializers.CharField(source="template_version.template.name", read_only=True)
    template_version = serializers.IntegerField(source="template_version.number", read_only=True)
    score = MeasureField(
        decimal_places=2, read_only=True, allow_null=True, help_text="0–100; null: no activity in the month."
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
            "note",
            "breakdown",
            "computed_at",
        ]
        read_only_fields = fields
