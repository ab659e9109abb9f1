"""Browser views for service levels and their compliance results."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from contracts.selectors import contract_list
from core.catalogue import CATALOGUE
from core.spreadsheets import safe_row
from core.views import ObjectDetailView, ObjectListView, ObjectViews
from reports.parsing.types import WORK_ITEM_FIELDS
from slas import filtersets, forms, selectors, services, tables
from slas.metrics import period_items
from slas.models import ComplianceResult, ComplianceStatus, RecomputeRun, ServiceLevel
from slas.services import month_period


class ServiceLevelDetailView(ObjectDetailView):
    template_name = "slas/servicelevel_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["results"] = self.object.results.order_by("-period")[:12]
        context["chart"] = sla_chart(self.object, list(reversed(context["results"])))
        context["recompute_runs"] = recompute_runs(self.object.contract_id, service_level_id=self.object.pk)
        return context


LABELS = dict(ComplianceStatus.choices)


def recompute_runs(contract_id: int, *, service_level_id: int | None = None, limit: int = 5) -> list[dict[str, Any]]:
    """The latest recompute runs of a contract and what each changed (for one SLA if given)."""
    runs = []
    for run in RecomputeRun.objects.filter(contract_id=contract_id).select_related("requested_by")[: limit * 4]:
        changes = run.changes if service_level_id is None else run.changes_for(service_level_id)
        changes = [
            {**c, "old_status_display": LABELS.get(c["old_status"]), "new_status_display": LABELS.get(c["new_status"])}
            for c in changes
        ]
        if service_level_id is not None and not changes and run.service_level_id != service_level_id:
            continue
        runs.append({"run": run, "changes": changes})
        if len(runs) == limit:
            break
    return runs


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
        context["metric"] = CATALOGUE[result.service_level.metric]
        context["formula"] = result.service_level.formula
        context["reports"] = result.reports.all()
        return context


@login_required
@permission_required("slas.view_complianceresult", raise_exception=True)
def evidence_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The work items a result was computed from, as CSV, streamed (a month can be millions)."""
    result = get_object_or_404(selectors.compliance_list(user=request.user), pk=pk)
    sla = result.service_level
    contract = sla.contract
    items = period_items(contract.pk, sla.process_id, month_period(contract, result.period))
    columns = ["item_id", "source_row", "report_id", *WORK_ITEM_FIELDS[1:]]
    pseudo_buffer = _Echo()
    writer = csv.writer(pseudo_buffer)

    def rows():
        yield writer.writerow(columns)
        for row in items.order_by("received_at").values_list(*columns).iterator(chunk_size=5000):
            yield writer.writerow(safe_row(row))

    name = f"work-items-{contract.reference}-{sla.process_id}-{result.period:%Y-%m}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


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
        "recompute_runs": recompute_runs(contract.pk),
        "can_recompute": request.user.has_perm("slas.add_recomputerun"),
    }


@login_required
@permission_required("slas.add_recomputerun", raise_exception=True)
@require_POST
def contract_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract page's "Recompute" button: every month of the term up to now."""
    contract = get_object_or_404(contract_list(user=request.user), pk=pk)
    run = services.request_recompute(
        contract=contract,
        trigger=RecomputeRun.Trigger.MANUAL,
        reason=f"Requested by {request.user.get_username()} on the contract page.",
        user=request.user,
    )
    run.refresh_from_db()  # finished already when tasks run eagerly (the embedded mode)
    if not run.month_count:
        messages.info(request, f"{contract.reference} has no month of its term up to now to recompute.")
    elif run.finished_at:
        changed = len(run.changes)
        messages.success(
            request,
            f"Recomputed {run.month_count} month(s) of {contract.reference}: "
            + (f"{changed} result(s) changed (see Recent recomputes)." if changed else "nothing changed."),
        )
    else:
        messages.success(
            request, f"Recompute of {run.month_count} month(s) of {contract.reference} queued; reload to see it."
        )
    return redirect(contract)
