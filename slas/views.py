"""Browser views for service levels and their compliance results."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from contracts.selectors import contract_list
from core.auth import token_auth
from core.catalogue import CATALOGUE
from core.spreadsheets import streamed_csv
from core.views import ObjectDetailView, ObjectListView, ObjectViews
from reports.parsing.types import WORK_ITEM_FIELDS
from slas import breakdowns, filtersets, forms, selectors, services, tables
from slas.metrics import metric_formula, period_items
from slas.models import ComplianceResult, ComplianceStatus, RecomputeRun, ServiceLevel
from slas.periods import MonthWindow, term_window
from slas.services import month_period


class ServiceLevelDetailView(ObjectDetailView):
    template_name = "slas/servicelevel_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        window = selectors.contract_window(contract=self.object.contract)
        results = list(self.object.results.filter(period__range=(window.first, window.last)).order_by("period"))
        context["window"] = window
        context["results"] = results[::-1]
        context["chart"] = sla_chart(self.object, results, window)
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


def sla_chart(sla: ServiceLevel, results: list[ComplianceResult], window: MonthWindow) -> dict[str, Any]:
    """Chart.js series over every month of ``window``: actual against expected and minimum.

    A month without a result is a gap (``None``), so the x axis is the period asked for and
    missing months show as missing rather than being squeezed out.
    """
    by_month = {r.period: r for r in results}
    months = window.months()
    points = [by_month.get(month) for month in months]
    return {
        "id": sla.pk,
        "script_id": f"sla-chart-{sla.pk}",
        "title": sla.display_name,
        "unit": sla.metric_info.unit,
        "period": str(window),
        "labels": [f"{month:%Y-%m}" for month in months],
        "actual": [r.actual if r else None for r in points],
        "expected": [float(r.expected_level if r else sla.expected_level) for r in points],
        "minimum": [float(r.minimum_level if r else sla.minimum_level) for r in points],
        "status": [r.status if r else "no_data" for r in points],
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


def contract_page_window(request: HttpRequest, contract: Any) -> tuple[MonthWindow, forms.ContractPeriodForm]:
    """The months a contract's page shows, and its period picker: the page's panels share it.

    Asked for with ``?period_from=&period_to=`` (bounded to the term), else the contract's
    last 12 months with data, wherever they lie in time.
    """
    term = term_window(contract.start_date, contract.end_date)
    asked = forms.ContractPeriodForm(request.GET, term=term) if _asks_period(request) else None
    period = asked.cleaned_data if asked is not None and asked.is_valid() else {}
    window = selectors.contract_window(contract=contract, **period)
    # An invalid request keeps what the user typed, with the errors; otherwise the picker shows the window.
    picker = asked if asked is not None and asked.errors else forms.ContractPeriodForm(term=term, window=window)
    return window, picker


def contract_compliance_panel(request: HttpRequest, contract: Any) -> dict[str, Any] | None:
    """The contract page's service levels, their charts and the credit statements, for one period.

    The period comes from the page's picker (``?period_from=&period_to=``, bounded to the
    term); by default the contract's last 12 months with data, wherever they lie in time.
    """
    if not request.user.has_perm("slas.view_complianceresult"):
        return None
    term = term_window(contract.start_date, contract.end_date)
    window, picker = contract_page_window(request, contract)
    slas = []
    for sla, results in selectors.contract_compliance(contract_id=contract.pk, window=window):
        latest = results[-1] if results else None
        slas.append({"sla": sla, "latest": latest, "chart": sla_chart(sla, results, window)})
    return {
        "contract": contract,
        "term": term,
        "window": window,
        "period_form": picker,
        "slas": slas,
        "has_results": any(p["latest"] for p in slas),
        "statements": selectors.contract_credit_statements(contract_id=contract.pk, window=window),
        "recompute_runs": recompute_runs(contract.pk),
        "can_recompute": request.user.has_perm("slas.add_recomputerun"),
    }


def _asks_period(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in ("period_from", "period_to"))


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
