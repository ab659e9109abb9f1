"""REST endpoints for service levels and the (read-only) metric catalogue."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from core.api.views import SelectorModelViewSet
from slas import filtersets, selectors
from slas.api import serializers
from slas.catalogue import METRICS
from slas.models import ComplianceResult, ServiceLevel


class ServiceLevelViewSet(SelectorModelViewSet):
    queryset = ServiceLevel.objects.none()
    selector = staticmethod(selectors.service_level_list)
    serializer_class = serializers.ServiceLevelSerializer
    filterset_class = filtersets.ServiceLevelFilterSet
    ordering_fields = ["metric", "expected_level", "weight", "credit_allocation_percent", "created_at"]


class MetricViewSet(viewsets.ViewSet):
    """The metric catalogue: codes, units, directions and parameters."""

    serializer_class = serializers.MetricSerializer

    @extend_schema(responses=serializers.MetricSerializer(many=True))
    def list(self, request):
        return Response(serializers.MetricSerializer(METRICS, many=True).data)


class ComplianceResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Compliance results: one per service level and month."""

    queryset = ComplianceResult.objects.none()
    serializer_class = serializers.ComplianceResultSerializer
    filterset_class = filtersets.ComplianceResultFilterSet
    ordering_fields = ["period", "status", "actual", "credit_amount"]

    def get_queryset(self):
        return selectors.compliance_list(user=self.request.user)


class SlaStatusViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The latest period of every service level: target, minimum, actual, status, trend, credit."""

    queryset = ServiceLevel.objects.none()
    serializer_class = serializers.SlaStatusSerializer
    filterset_class = filtersets.ServiceLevelFilterSet
    ordering_fields = ["metric", "contract__reference"]

    def get_queryset(self):
        return selectors.sla_status_list(user=self.request.user)
