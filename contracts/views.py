"""Browser views for processes and contracts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from contracts import filtersets, forms, invoices, selectors, tables
from contracts.models import Contract, Invoice, Process, ProcessBaseline
from core.audit import audit_entries
from core.views import ObjectDetailView, ObjectEditView, ObjectViews


class ProcessDetailView(ObjectDetailView):
    template_name = "contracts/process_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["contracts"] = self.object.contracts.select_related("provider")
        # The original baseline (the process's own figure) and every revision, newest first,
        # each revision with its audit trail (who changed what, when).
        revisions = list(self.object.baselines.order_by("-valid_from"))
        context["baseline_revisions"] = [(b, audit_entries(b, limit=10)) for b in revisions]
        return context


class ContractDetailView(ObjectDetailView):
    template_name = "contracts/contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Compliance, credits (and later savings) are panels the apps above register
        # (``core.panels``): this page does not import them.
        context = super().get_context_data(**kwargs)
        context["reports"] = self.object.reports.select_related("process").order_by("-created_at")[:10]
        return context


class InvoiceEditView(ObjectEditView):
    """An invoice entered by hand (its source says so); "Add invoice" on a contract page prefills it."""

    def form_valid(self, form) -> HttpResponse:
        if "pk" not in self.kwargs:
            form.instance.source = Invoice.Source.MANUAL
        return super().form_valid(form)


class InvoiceDetailView(ObjectDetailView):
    template_name = "contracts/invoice_detail.html"


class ProcessBaselineDetailView(ObjectDetailView):
    template_name = "contracts/processbaseline_detail.html"


@login_required
@permission_required("contracts.add_invoice", raise_exception=True)
def invoice_import(request: HttpRequest) -> HttpResponse:
    """Upload invoices as CSV; every row is checked and nothing is stored if any is wrong."""
    form = forms.InvoiceImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > invoices.MAX_INVOICE_FILE_BYTES:
            problems.append(
                f"The file is {upload.size:,} bytes; at most {invoices.MAX_INVOICE_FILE_BYTES:,} are accepted."
            )
        else:
            rows, problems = invoices.parse_invoices_csv(upload.read(), selectors.contract_list(user=request.user))
            if not problems:
                stored = invoices.invoices_save(rows)
                messages.success(request, f"{stored} invoices saved; the months' charges and savings are recomputed.")
                return HttpResponseRedirect(reverse("contracts:invoice_list"))
    return render(
        request, "contracts/invoice_import.html", {"form": form, "problems": problems}, status=400 if problems else 200
    )


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
baseline_views = ObjectViews(
    model=ProcessBaseline,
    selector=selectors.process_baseline_list,
    filterset=filtersets.ProcessBaselineFilterSet,
    table=tables.ProcessBaselineTable,
    form=forms.ProcessBaselineForm,
    detail_view=ProcessBaselineDetailView,
)
invoice_views = ObjectViews(
    model=Invoice,
    selector=selectors.invoice_list,
    filterset=filtersets.InvoiceFilterSet,
    table=tables.InvoiceTable,
    form=forms.InvoiceForm,
    detail_view=InvoiceDetailView,
    edit_view=InvoiceEditView,
)
