"""Browser views for service levels and their compliance results."""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404

from core.auth import token_auth
from core.catalogue import CATALOGUE
from core.spreadsheets import streamed_csv
from core.views import ObjectDetailView, ObjectListView, ObjectViews
from reports.parsing.types import WORK_ITEM_FIELDS
from slas import breakdowns, filtersets, forms, selectors, tables
from slas.metrics import metric_formula, period_items
from slas.models import ComplianceResult, ServiceLevel
from slas.services import month_period


class ServiceLevelDetailView(ObjectDetailView):
    template_name = "slas/servicelevel_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["results"] = self.object.results.order_by("-period")[:12]
        context["chart"] = sla_chart(self.object, list(reversed(context["results"])))
        return context


def sla_chart(sla: ServiceLevel, results: list[ComplianceResult]) -> dict[str, Any]:
    """Chart.js series: actual against expected and minimum, oldest month first."""
    return {
        "id": sla.pk,
        "script_id": f"sla-chart-{sla.pk}",
        "title": sla.display_name,
        "unit": sla.metric_info.unit,
        "labels": [f"{r.period:%Y-%m}" for r in results],
        "actual": [r.actual for r in results],
        "expected": [float(r.expected_level) for r in results],
        "minimum": [float(r.minimum_level) for r in results],
        "status": [r.status for r in results],
    }


service_level_views = ObjectViews(
    model=ServiceLevel,
    selector=selectors.service_level_list,
    filterset=filtersets.ServiceLevelFilterSet,
    table=tables.ServiceLevelTable,
    form=forms.ServiceLevelForm,
    detail_view=ServiceLevelDetailView,
)


class ComplianceResultListView(ObjectListView):
    model = ComplianceResult
    selector = staticmethod(selectors.compliance_list)
    filterset_class = filtersets.ComplianceResultFilterSet
    table_class = tables.ComplianceResultTable


class ComplianceResultDetailView(ObjectDetailView):
    """Explains a result: the formula, the sample, the reports, the credit arithmetic."""

    model = ComplianceResult
    selector = staticmethod(selectors.compliance_list)
    template_name = "slas/complianceresult_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        result = self.object
        contract = result.service_level.contract
        context["metric"] = CATALOGUE[result.service_level.metric]
        context["formula"] = metric_formula(
            result.service_level.metric, result.parameters, result.service_level.unit_noun
        )
        context["reports"] = result.reports.all()
        context["credit_rows"] = breakdowns.credit_rows(result.credit_breakdown, contract.currency)
        statement = contract.credit_statements.filter(period=result.period).first()
        context["statement"] = statement
        charges = statement.charges_breakdown if statement else None
        context["charges_rows"] = breakdowns.charges_rows(charges, contract.currency)
        return context


@token_auth
@login_required
@permission_required("slas.view_complianceresult", raise_exception=True)
def evidence_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The work items a result was computed from, as CSV, streamed (a month can be millions)."""
    result = get_object_or_404(selectors.compliance_list(user=request.user), pk=pk)
    sla = result.service_level
    contract = sla.contract
    items = period_items(contract.pk, sla.process_id, month_period(contract, result.period))
    columns = ["item_id", "source_row", "report_id", *WORK_ITEM_FIELDS[1:]]

    def rows() -> Iterator[tuple | list]:
        yield columns
        yield from items.order_by("received_at").values_list(*columns).iterator(chunk_size=5000)

    return streamed_csv(rows(), f"work-items-{contract.reference}-{sla.process_id}-{result.period:%Y-%m}.csv")


def contract_compliance_panel(request: HttpRequest, contract: Any) -> dict[str, Any] | None:
    """The contract page's service levels, their charts and the credit statements."""
    if not request.user.has_perm("slas.view_complianceresult"):
        return None
    slas = []
    for sla, results in selectors.contract_compliance(contract_id=contract.pk):
        slas.append({"sla": sla, "latest": results[-1] if results else None, "chart": sla_chart(sla, results)})
    return {
        "contract": contract,
        "slas": slas,
        "statements": contract.credit_statements.order_by("-period")[:12],
    }
