"""Browser views for processes and contracts."""

from typing import Any

from contracts import filtersets, forms, selectors, tables
from contracts.models import Contract, Process
from core.views import ObjectDetailView, ObjectViews


class ProcessDetailView(ObjectDetailView):
    template_name = "contracts/process_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["contracts"] = self.object.contracts.select_related("provider")
        return context


class ContractDetailView(ObjectDetailView):
    template_name = "contracts/contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Compliance, credits (and later savings) are panels the apps above register
        # (``core.panels``): this page does not import them.
        context = super().get_context_data(**kwargs)
        context["reports"] = self.object.reports.select_related("process").order_by("-created_at")[:10]
        return context


process_views = ObjectViews(
    model=Process,
    selector=selectors.process_list,
    filterset=filtersets.ProcessFilterSet,
    table=tables.ProcessTable,
    form=forms.ProcessForm,
    detail_view=ProcessDetailView,
)
contract_views = ObjectViews(
    model=Contract,
    selector=selectors.contract_list,
    filterset=filtersets.ContractFilterSet,
    table=tables.ContractTable,
    form=forms.ContractForm,
    detail_view=ContractDetailView,
)
