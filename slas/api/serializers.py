"""API representations of service levels and the metric catalogue."""

from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer
from slas.models import ServiceLevel


class ServiceLevelSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:servicelevel-detail")
    display_name = serializers.CharField(read_only=True)
    unit = serializers.CharField(source="metric_info.unit", read_only=True)
    direction = serializers.CharField(source="metric_info.direction", read_only=True)

    class Meta:
        model = ServiceLevel
        fields = [
            "id",
            "url",
            "contract",
            "process",
            "metric",
            "name",
            "display_name",
            "unit",
            "direction",
            "parameters",
            "expected_level",
            "minimum_level",
            "measurement_period",
            "kind",
            "weight",
            "credit_allocation_percent",
            "minimum_sample_size",
            "created_at",
            "updated_at",
        ]


class MetricParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    default = serializers.JSONField()
    choices = serializers.ListField(child=serializers.JSONField())


class MetricSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    description = serializers.CharField()
    vendor_reported = serializers.BooleanField()
    parameters = MetricParameterSerializer(many=True)
