"""REST endpoints: savings per contract-month with totals, and exchange rates."""

from typing import Any

from django.conf import settings
from rest_framework import mixins, viewsets

from core.api.pagination import StandardPagination
from core.api.views import SelectorModelViewSet
from savings import filtersets, selectors
from savings.api.serializers import ExchangeRateSerializer, SavingsResultSerializer, SavingsTotalsSerializer
from savings.models import ExchangeRate, SavingsResult


class SavingsPagination(StandardPagination):
    """The API's pagination, with ``totals`` over every month the filters select beside the page."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        money = {"type": "string", "format": "decimal", "nullable": True, "description": "In `currency`."}
        paginated["properties"]["totals"] = {
            "type": "object",
            "description": "Σ over the months with figures that the filters select; % = Σ savings ÷ Σ baseline.",
            "required": ["currency", "savings", "months_with_data", "months_without_data"],
            "properties": {
                "currency": {"type": "string", "description": "The reporting currency."},
                **{
                    name: money
                    for name in (
                        "baseline_cost",
                        "outsourced_cost",
                        "service_credits",
                        "net_cost",
                        "savings",
                        "projected_savings",
                    )
                },
                "savings_percent": {"type": "number", "format": "double", "nullable": True},
                "months_with_data": {"type": "integer"},
                "months_without_data": {"type": "integer"},
            },
        }
        paginated["required"] = [*paginated.get("required", []), "totals"]
        return paginated


class SavingsResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Savings per contract and month against the in-house baseline, in the reporting currency.

    The list carries ``totals`` over every month the filters select (not only this page).
    """

    queryset = SavingsResult.objects.none()
    serializer_class = SavingsResultSerializer
    filterset_class = filtersets.SavingsResultFilterSet
    ordering_fields = ["period", "savings", "savings_percent", "baseline_cost", "net_cost"]

    def get_queryset(self):
        return selectors.savings_list(user=self.request.user)

    pagination_class = SavingsPagination

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        totals = {"currency": settings.REPORTING_CURRENCY, **selectors.savings_totals(queryset)}
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["totals"] = SavingsTotalsSerializer(totals).data
        return response


class ExchangeRateViewSet(SelectorModelViewSet):
    """Rates to the reporting currency; a change recomputes the savings of the contracts using it."""

    queryset = ExchangeRate.objects.none()
    selector = staticmethod(selectors.exchange_rate_list)
    serializer_class = ExchangeRateSerializer
    filterset_class = filtersets.ExchangeRateFilterSet
    ordering_fields = ["date", "currency"]
