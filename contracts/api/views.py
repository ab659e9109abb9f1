"""REST endpoints for categories (read-only), processes and contracts."""

from rest_framework import viewsets

from contracts import filtersets, selectors
from contracts.api import serializers
from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.api.views import SelectorModelViewSet


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
    lookup_keys = filtersets.CONTRACT_KEYS
    lookup_value_regex = "[^/]+"
    ordering_fields = ["reference", "start_date", "end_date", "status", "created_at"]


class ProcessBaselineViewSet(SelectorModelViewSet):
    """Revised in-house costs per unit of a process, each valid from its date on."""

    queryset = ProcessBaseline.objects.none()
    selector = staticmethod(selectors.process_baseline_list)
    serializer_class = serializers.ProcessBaselineSerializer
    filterset_class = filtersets.ProcessBaselineFilterSet
    ordering_fields = ["valid_from", "created_at"]


class InvoiceViewSet(SelectorModelViewSet):
    """What providers invoiced per contract-month: the invoice wins over the computed charges."""

    queryset = Invoice.objects.none()
    selector = staticmethod(selectors.invoice_list)
    serializer_class = serializers.InvoiceSerializer
    filterset_class = filtersets.InvoiceFilterSet
    ordering_fields = ["period", "amount", "created_at"]
