"""REST endpoints for categories (read-only), processes and contracts."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts import filtersets, selectors
from contracts.api import serializers
from contracts.models import Contract, Process, ServiceCategory
from core.api.views import SelectorModelViewSet
from core.filtersets import MonthField

CreditsResponseSerializer = inline_serializer(
    "CreditsResponse", {"statement": drf_serializers.JSONField(), "lines": drf_serializers.JSONField()}
)


class ServiceCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ServiceCategory.objects.none()
    serializer_class = serializers.ServiceCategorySerializer
    filterset_class = filtersets.ServiceCategoryFilterSet
    ordering_fields = ["name", "code"]

    def get_queryset(self):
        return selectors.category_list(user=self.request.user)


class ProcessViewSet(SelectorModelViewSet):
    queryset = Process.objects.none()
    selector = staticmethod(selectors.process_list)
    serializer_class = serializers.ProcessSerializer
    filterset_class = filtersets.ProcessFilterSet
    ordering_fields = ["name", "baseline_cost_per_unit", "expected_monthly_volume", "created_at"]


class ContractViewSet(SelectorModelViewSet):
    queryset = Contract.objects.none()
    selector = staticmethod(selectors.contract_list)
    serializer_class = serializers.ContractSerializer
    filterset_class = filtersets.ContractFilterSet
    ordering_fields = ["reference", "start_date", "end_date", "status", "created_at"]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses=CreditsResponseSerializer,
    )
    @action(detail=True, methods=["get"])
    def credits(self, request, pk=None):
        """The month's service-credit statement and its per-SLA lines, with their breakdowns."""
        from slas.api.serializers import CreditLineSerializer, CreditStatementSerializer
        from slas.selectors import credit_statement

        contract = self.get_object()
        month = MonthField(required=True).clean(request.query_params.get("month"))
        statement, lines = credit_statement(user=request.user, contract_id=contract.pk, month=month)
        return Response(
            {
                "statement": CreditStatementSerializer(statement).data if statement else None,
                "lines": CreditLineSerializer(lines, many=True).data,
            }
        )
