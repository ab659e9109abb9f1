"""Browser views for processes and contracts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from contracts import filtersets, forms, invoices, lifecycle, selectors, tables
from contracts.amendments import contract_amendments
from contracts.models import Contract, Invoice, Process, ProcessBaseline
from core.audit import audit_entries
from core.views import ObjectDetailView, ObjectEditView, ObjectViews
from vendors.certifications import certification_problems


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
        contract = self.object
        today = timezone.localdate()
        context["reports"] = contract.reports.select_related("process").order_by("-created_at")[:10]
        context["certification_problems"] = certification_problems(contract.provider, on=today)
        context["next_term"] = Contract.objects.filter(previous_term=contract).first()
        if self.request.user.has_perm("contracts.change_contract"):
            context["transitions"] = lifecycle.allowed_transitions(contract, today=today)
            context["transition_form"] = forms.TransitionForm()
        # The audit trail as the contract's amendment history (instead of the generic History).
        context["amendments"] = contract_amendments(contract)
        context["audit_entries"] = None
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


class ContractTransitionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST from a lifecycle button of the contract page: move it (``contracts.lifecycle``), back to a page."""

    permission_required = "contracts.change_contract"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
        form = forms.TransitionForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
            messages.error(request, f"Nothing changed: {problems}")
            return HttpResponseRedirect(contract.get_absolute_url())
        data = form.cleaned_data
        try:
            result = lifecycle.transition(
                contract,
                data["to"],
                today=timezone.localdate(),
                user=request.user,
                reason=data["reason"],
                on=data["date"],
                override_reason=data["override_reason"],
            )
        except lifecycle.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(contract.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, "Nothing changed: " + " ".join(exc.messages))
            return HttpResponseRedirect(contract.get_absolute_url())
        if result.pk != contract.pk:
            messages.success(request, f"Renewed {contract.reference}: the next term is {result.reference}.")
        else:
            messages.success(request, f"Contract {result.reference} is now {result.get_status_display().lower()}.")
        return HttpResponseRedirect(result.get_absolute_url())


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
