"""API representations of service levels and the metric catalogue."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer
from slas.models import ComplianceResult, CreditStatement, ServiceLevel


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


class ComplianceResultSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:complianceresult-detail")
    contract = serializers.CharField(source="service_level.contract.reference", read_only=True)
    provider = serializers.CharField(source="service_level.contract.provider.name", read_only=True)
    metric = serializers.CharField(source="service_level.metric", read_only=True)
    service_level_name = serializers.CharField(source="service_level.display_name", read_only=True)
    unit = serializers.CharField(source="service_level.metric_info.unit", read_only=True)
    credit_owed = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = ComplianceResult
        fields = [
            "id",
            "url",
            "service_level",
            "service_level_name",
            "contract",
            "provider",
            "metric",
            "unit",
            "period",
            "period_closed",
            "actual",
            "sample_size",
            "numerator",
            "denominator",
            "source",
            "expected_level",
            "minimum_level",
            "parameters",
            "status",
            "claimed_value",
            "discrepancy",
            "credit_amount",
            "credit_trigger",
            "credit_breakdown",
            "earned_back",
            "credit_owed",
            "chronic",
            "computed_at",
        ]
        read_only_fields = fields


class TrendPointSerializer(serializers.Serializer):
    period = serializers.DateField()
    actual = serializers.FloatField(allow_null=True)
    status = serializers.CharField()


class SlaStatusSerializer(serializers.ModelSerializer):
    """A service level's latest month in the period, with the trend over the period."""

    contract = serializers.CharField(source="contract.reference", read_only=True)
    provider = serializers.CharField(source="contract.provider.name", read_only=True)
    process = serializers.CharField(source="process.name", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    unit = serializers.CharField(source="metric_info.unit", read_only=True)
    target = serializers.DecimalField(source="expected_level", max_digits=14, decimal_places=4, read_only=True)
    minimum = serializers.DecimalField(source="minimum_level", max_digits=14, decimal_places=4, read_only=True)
    period = serializers.SerializerMethodField()
    actual = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    credit = serializers.SerializerMethodField()
    chronic = serializers.SerializerMethodField()
    discrepancy = serializers.SerializerMethodField()
    trend = serializers.SerializerMethodField()

    class Meta:
        model = ServiceLevel
        fields = [
            "id",
            "name",
            "contract",
            "provider",
            "process",
            "metric",
            "unit",
            "target",
            "minimum",
            "period",
            "actual",
            "status",
            "credit",
            "chronic",
            "discrepancy",
            "trend",
        ]

    def _latest(self, sla: ServiceLevel):
        results = getattr(sla, "recent_results", [])
        return results[0] if results else None

    def get_period(self, sla: ServiceLevel) -> str | None:
        latest = self._latest(sla)
        return latest.period.isoformat() if latest else None

    def get_actual(self, sla: ServiceLevel) -> float | None:
        latest = self._latest(sla)
        return latest.actual if latest else None

    def get_status(self, sla: ServiceLevel) -> str:
        latest = self._latest(sla)
        return latest.status if latest else "no_data"

    def get_credit(self, sla: ServiceLevel) -> str:
        latest = self._latest(sla)
        return str(latest.credit_owed) if latest else "0.00"

    def get_chronic(self, sla: ServiceLevel) -> bool:
        latest = self._latest(sla)
        return bool(latest and latest.chronic)

    def get_discrepancy(self, sla: ServiceLevel) -> dict | None:
        latest = self._latest(sla)
        if not latest or not latest.discrepancy:
            return None
        return {"claimed": latest.claimed_value, "computed": latest.actual}

    @extend_schema_field(TrendPointSerializer(many=True))
    def get_trend(self, sla: ServiceLevel) -> list[dict]:
        points = list(reversed(getattr(sla, "recent_results", [])))
        return [{"period": p.period.isoformat(), "actual": p.actual, "status": p.status} for p in points]


class CreditLineSerializer(serializers.ModelSerializer):
    service_level_name = serializers.CharField(source="service_level.display_name", read_only=True)

    class Meta:
        model = ComplianceResult
        fields = [
            "service_level",
            "service_level_name",
            "status",
            "actual",
            "credit_amount",
            "credit_trigger",
            "earned_back",
            "chronic",
            "credit_breakdown",
        ]


class CreditStatementSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.reference")
    currency = serializers.CharField(source="contract.currency")

    class Meta:
        model = CreditStatement
        fields = [
            "contract",
            "period",
            "currency",
            "volume",
            "charges",
            "charges_source",
            "charges_breakdown",
            "at_risk_amount",
            "cap",
            "uncapped_total",
            "total_credit",
            "cap_applied",
            "note",
            "computed_at",
        ]
