"""API representations of service levels and the metric catalogue."""

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Contract, Process
from core.api.fields import LookupRelatedField, MeasureField, MoneyField, as_measure, as_money
from core.api.serializers import ApiModelSerializer, ValidatedModelSerializer
from slas.models import ComplianceResult, CreditStatement, ServiceLevel


class ServiceLevelSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:servicelevel-detail")
    contract = LookupRelatedField(queryset=Contract.objects.all(), slug_field="reference")
    process = LookupRelatedField(queryset=Process.objects.all(), slug_field="name")
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
        percent_fields = ["credit_allocation_percent"]


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


_DATETIME = serializers.DateTimeField()  # its to_representation needs no binding: the API's datetime format


def _datetime(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _detail_url_template(serializer: serializers.Serializer, view_name: str) -> str:
    """The absolute detail URL with ``{pk}`` in place of the id, built once per page (not once per row)."""
    cached = serializer.context.get(f"_url_template:{view_name}")
    if cached is None:
        path = reverse(view_name, kwargs={"pk": 0}).removesuffix("0/")
        request = serializer.context.get("request")
        cached = (request.build_absolute_uri(path) if request is not None else path) + "{pk}/"
        if request is not None:
            cast(dict, serializer.context)[f"_url_template:{view_name}"] = cached
    return cached


def _breakdown() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Named amounts and inputs, as strings."
    )


class ComplianceResultSerializer(ApiModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:complianceresult-detail")
    contract = serializers.CharField(source="service_level.contract.reference", read_only=True)
    provider = serializers.CharField(source="service_level.contract.provider.name", read_only=True)
    metric = serializers.CharField(source="service_level.metric", read_only=True)
    service_level_name = serializers.CharField(source="service_level.display_name", read_only=True)
    unit = serializers.CharField(source="service_level.metric_info.unit", read_only=True)
    currency = serializers.CharField(source="service_level.contract.currency", read_only=True)
    credit_owed = MoneyField(read_only=True, help_text="The credit, or 0 once earned back; in `currency`.")
    credit_breakdown = _breakdown()

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
            "currency",
            "credit_trigger",
            "credit_breakdown",
            "earned_back",
            "credit_owed",
            "chronic",
            "computed_at",
        ]
        read_only_fields = fields
        money_fields = ["credit_amount"]

    def to_representation(self, result: ComplianceResult) -> dict[str, Any]:
        """The fields above, written out: the same JSON as the declared fields give, at a fraction of the cost.

        A page of 50 results went through ~30 field objects each (47 % of a request's time);
        ``tests/compliance/test_fast_representation.py`` holds this equal to the generic
        ``ModelSerializer.to_representation`` for every field.
        """
        sla = result.service_level
        contract = sla.contract
        breakdown = result.credit_breakdown
        return {
            "id": result.pk,
            "url": _detail_url_template(self, "api:complianceresult-detail").format(pk=result.pk),
            "service_level": result.service_level_id,
            "service_level_name": str(sla.display_name),
            "contract": str(contract.reference),
            "provider": str(contract.provider.name),
            "metric": str(sla.metric),
            "unit": str(sla.metric_info.unit),
            "period": result.period.isoformat(),
            "period_closed": _bool(result.period_closed),
            "actual": as_measure(result.actual),
            "sample_size": result.sample_size,
            "numerator": as_measure(result.numerator),
            "denominator": as_measure(result.denominator),
            "source": result.source,
            "expected_level": as_measure(result.expected_level),
            "minimum_level": as_measure(result.minimum_level),
            "parameters": result.parameters,
            "status": result.status,
            "claimed_value": as_measure(result.claimed_value),
            "discrepancy": _bool(result.discrepancy),
            "credit_amount": as_money(result.credit_amount),
            "currency": str(contract.currency),
            "credit_trigger": result.credit_trigger,
            "credit_breakdown": None
            if breakdown is None
            else {str(key): None if value is None else str(value) for key, value in breakdown.items()},
            "earned_back": _bool(result.earned_back),
            "credit_owed": as_money(result.credit_owed),
            "chronic": _bool(result.chronic),
            "computed_at": _datetime(result.computed_at),
        }


class TrendPointSerializer(serializers.Serializer):
    period = serializers.DateField()
    actual = MeasureField(allow_null=True)
    status = serializers.CharField()


class DiscrepancySerializer(serializers.Serializer):
    claimed = MeasureField(allow_null=True, help_text="What the vendor's KPI summary claims.")
    computed = MeasureField(allow_null=True, help_text="What the records show.")


@functools.lru_cache(maxsize=4096)
def _spelled(period: dt.date) -> str:
    """A month as the API spells it (ISO), remembered: a page of 50 trends shows the same dozen
    months 50 times over, and ``isoformat`` costs more than the lookup."""
    return period.isoformat()


def trend(results: Sequence[Any]) -> list[dict[str, Any]]:
    """The trend of a service level's period: its results (newest first, as ``recent_results``
    holds them), oldest first, each as ``TrendPointSerializer`` gives it.

    Written out rather than through ``TrendPointSerializer``'s fields: ~600 points a page, each
    through three field objects, was a fifth of a cold page's time. A status is the column's
    text (``str`` already); the period and the measure go through the same helpers as the
    fields (``_spelled``, which is ``DateField``'s ISO text, and ``as_measure``).
    """
    return [
        {"period": _spelled(point.period), "actual": as_measure(point.actual), "status": point.status}
        for point in reversed(results)
    ]


class SlaStatusSerializer(serializers.ModelSerializer):
    """A service level's latest month in the period, with the trend over the period."""

    contract = serializers.CharField(source="contract.reference", read_only=True)
    provider = serializers.CharField(source="contract.provider.name", read_only=True)
    process = serializers.CharField(source="process.name", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    unit = serializers.CharField(source="metric_info.unit", read_only=True)
    target = MeasureField(source="expected_level", read_only=True)
    minimum = MeasureField(source="minimum_level", read_only=True)
    currency = serializers.CharField(source="contract.currency", read_only=True)
    period = serializers.SerializerMethodField()
    period_closed = serializers.SerializerMethodField()
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
            "period_closed",
            "actual",
            "status",
            "credit",
            "currency",
            "chronic",
            "discrepancy",
            "trend",
        ]

    def to_representation(self, sla: ServiceLevel) -> dict[str, Any]:
        """The fields above, written out (the ``get_*`` methods stay for the schema and as the reference).

        Both paths of the list render with this (DRF's, and the cold path of
        ``core.api.coldpath``), from ``selectors.PeriodPoint``s or from model instances alike.
        ``tests/compliance/test_conditional_requests.py`` holds it equal to the generic
        ``ModelSerializer.to_representation``.
        """
        results = getattr(sla, "recent_results", [])
        latest = results[0] if results else None
        contract = sla.contract
        return {
            "id": sla.pk,
            "name": str(sla.display_name),
            "contract": str(contract.reference),
            "provider": str(contract.provider.name),
            "process": str(sla.process.name),
            "metric": str(sla.metric),
            "unit": str(sla.metric_info.unit),
            "target": as_measure(sla.expected_level),
            "minimum": as_measure(sla.minimum_level),
            "period": _spelled(latest.period) if latest else None,
            "period_closed": latest.period_closed if latest else None,
            "actual": as_measure(latest.actual) if latest else None,
            "status": latest.status if latest else "no_data",
            "credit": as_money(latest.credit_owed if latest else 0),
            "currency": str(contract.currency),
            "chronic": bool(latest and latest.chronic),
            "discrepancy": {"claimed": as_measure(latest.claimed_value), "computed": as_measure(latest.actual)}
            if latest and latest.discrepancy
            else None,
            "trend": trend(results),
        }

    def _latest(self, sla: ServiceLevel):
        results = getattr(sla, "recent_results", [])
        return results[0] if results else None

    def get_period(self, sla: ServiceLevel) -> str | None:
        latest = self._latest(sla)
        return latest.period.isoformat() if latest else None

    def get_period_closed(self, sla: ServiceLevel) -> bool | None:
        """Whether the latest period has ended (``False`` while the month runs; ``None`` without one)."""
        latest = self._latest(sla)
        return latest.period_closed if latest else None

    @extend_schema_field(MeasureField(allow_null=True))
    def get_actual(self, sla: ServiceLevel) -> float | None:
        latest = self._latest(sla)
        return as_measure(latest.actual) if latest else None

    def get_status(self, sla: ServiceLevel) -> str:
        latest = self._latest(sla)
        return latest.status if latest else "no_data"

    @extend_schema_field(MoneyField(help_text="The latest period's credit owed, in `currency`."))
    def get_credit(self, sla: ServiceLevel) -> str | None:
        latest = self._latest(sla)
        return as_money(latest.credit_owed if latest else 0)

    def get_chronic(self, sla: ServiceLevel) -> bool:
        latest = self._latest(sla)
        return bool(latest and latest.chronic)

    @extend_schema_field(DiscrepancySerializer(allow_null=True))
    def get_discrepancy(self, sla: ServiceLevel) -> dict | None:
        latest = self._latest(sla)
        if not latest or not latest.discrepancy:
            return None
        return DiscrepancySerializer({"claimed": latest.claimed_value, "computed": latest.actual}).data

    @extend_schema_field(TrendPointSerializer(many=True))
    def get_trend(self, sla: ServiceLevel) -> Any:
        points = list(reversed(getattr(sla, "recent_results", [])))  # the whole period, oldest first
        return TrendPointSerializer(points, many=True).data


class CreditLineSerializer(ApiModelSerializer):
    """One service level's line of a month's credit statement."""

    service_level_name = serializers.CharField(source="service_level.display_name", read_only=True)
    currency = serializers.CharField(source="service_level.contract.currency", read_only=True)
    credit_breakdown = _breakdown()

    class Meta:
        model = ComplianceResult
        fields = [
            "service_level",
            "service_level_name",
            "status",
            "actual",
            "credit_amount",
            "currency",
            "credit_trigger",
            "earned_back",
            "chronic",
            "credit_breakdown",
        ]
        read_only_fields = fields
        money_fields = ["credit_amount"]


class CreditStatementSerializer(ApiModelSerializer):
    """A contract's service-credit account for one month; every amount in ``currency``."""

    contract = serializers.CharField(source="contract.reference")
    currency = serializers.CharField(source="contract.currency")
    charges_breakdown = _breakdown()

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
        read_only_fields = fields
        money_fields = ["charges", "at_risk_amount", "cap", "uncapped_total", "total_credit"]


class CreditsSerializer(serializers.Serializer):
    """``/contracts/{id}/credits/?month=``: the month's statement (``null`` before any) and its lines."""

    statement = CreditStatementSerializer(allow_null=True)
    lines = CreditLineSerializer(many=True)
