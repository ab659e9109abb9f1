"""REST endpoints for service levels and the (read-only) metric catalogue."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.filtersets import CONTRACT_KEYS
from contracts.selectors import contract_list
from core.api.lookups import get_by_key_or_404
from core.api.views import SelectorModelViewSet, StrictQueryParamsMixin
from core.catalogue import METRICS
from core.filtersets import MonthField
from slas import filtersets, selectors
from slas.api import serializers
from slas.models import ComplianceResult, ServiceLevel


class ServiceLevelViewSet(SelectorModelViewSet):
    queryset = ServiceLevel.objects.none()
    selector = staticmethod(selectors.service_level_list)
    serializer_class = serializers.ServiceLevelSerializer
    filterset_class = filtersets.ServiceLevelFilterSet
    ordering_fields = ["metric", "expected_level", "weight", "credit_allocation_percent", "created_at"]


class MetricViewSet(StrictQueryParamsMixin, viewsets.ViewSet):
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


CreditsResponseSerializer = inline_serializer(
    "CreditsResponse", {"statement": drf_serializers.JSONField(), "lines": drf_serializers.JSONField()}
)


class ContractCreditsView(StrictQueryParamsMixin, APIView):
    """``/contracts/{id}/credits/?month=``: a month's credit statement and its per-SLA lines.

    Served by ``slas`` (which computes credits) under the contract's URL, so ``contracts``
    knows nothing of credits.
    """

    extra_query_params = ("month",)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "contract",
                str,
                OpenApiParameter.PATH,
                pattern="^[^/]+$",
                description="The contract's id or its reference.",
            ),
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
        ],
        responses=CreditsResponseSerializer,
    )
    def get(self, request, contract: str):
        found = get_by_key_or_404(contract_list(user=request.user), contract, CONTRACT_KEYS)
        month = MonthField(required=True).clean(request.query_params.get("month"))
        statement, lines = selectors.credit_statement(user=request.user, contract_id=found.pk, month=month)
        return Response(
            {
                "statement": serializers.CreditStatementSerializer(statement).data if statement else None,
                "lines": serializers.CreditLineSerializer(lines, many=True).data,
            }
        )
