"""Browser views: report upload with preview, live progress, report pages and layouts."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from contracts.selectors import contract_list
from core.views import ObjectDetailView, ObjectEditView, ObjectListView, ObjectViews, stored_file_response
from reports import filtersets, selectors, services, tables
from reports.forms import ReportLayoutForm, ReportUploadForm
from reports.models import ReportLayout, VendorReport


class VendorReportListView(ObjectListView):
    model = VendorReport
    selector = staticmethod(selectors.report_list)
    filterset_class = filtersets.VendorReportFilterSet
    table_class = tables.VendorReportTable
    template_name = "reports/vendorreport_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.sweep_if_due()  # no beat in the embedded mode: recover dead imports here
        return super().get(request, *args, **kwargs)


class VendorReportDetailView(ObjectDetailView):
    model = VendorReport
    selector = staticmethod(selectors.report_list)
    template_name = "reports/vendorreport_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.sweep_if_due()  # no beat in the embedded mode: recover dead imports here
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.report_progress(self.object)
        context["supersedes"] = self.object.supersedes.all()
        return context


def refuse_oversized_upload(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark an upload view: ``UploadSizeLimitMiddleware`` answers 413 for a POST whose
    ``Content-Length`` is over the limit, before anything (the CSRF check included) reads
    the body."""
    view.upload_size_limited = True  # type: ignore[attr-defined]  # copied outwards by @wraps
    return view


def upload_too_large(request: HttpRequest, message: str) -> HttpResponse:
    """The 413 page (or, for the htmx preview, the preview panel) with the reason."""
    if not request.user.is_authenticated:
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    if request.htmx:  # the preview panel
        preview = services.Preview(columns=[], rows=[], file_error=message)
        return render(request, "reports/_preview.html", {"preview": preview}, status=413)
    messages.error(request, message)
    form = ReportUploadForm(
        contracts=contract_list(user=request.user), layouts=selectors.layout_list(user=request.user)
    )
    return render(request, "reports/upload.html", {"form": form}, status=413)


def _upload_form(request: HttpRequest) -> ReportUploadForm:
    return ReportUploadForm(
        request.POST or None,
        request.FILES or None,
        contracts=contract_list(user=request.user),
        layouts=selectors.layout_list(user=request.user),
        initial=request.GET.dict() or None,
    )


@login_required
@permission_required("reports.add_vendorreport", raise_exception=True)
@refuse_oversized_upload
def report_upload(request: HttpRequest) -> HttpResponse:
    """Choose contract, period and layout, drop a file, optionally preview, then upload."""
    form = _upload_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(form.submission(user=request.user, source=VendorReport.Source.BROWSER))
        except services.DuplicateReportError as exc:
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">Open the first upload</a>.', exc.messages[0], exc.existing.get_absolute_url()
                ),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            report.refresh_from_db()  # in the embedded mode the import has already run
            if report.dispatch_pending:
                messages.warning(
                    request,
                    f"Uploaded {report.original_name}; the task queue is unavailable, so the import is queued "
                    "and starts as soon as it is back.",
                )
            elif report.status == VendorReport.Status.QUEUED:
                messages.success(request, f"Uploaded {report.original_name}; the import has started.")
            elif report.status == VendorReport.Status.COMPLETED:
                messages.success(request, f"Uploaded and imported {report.original_name}.")
            else:
                messages.warning(request, f"Uploaded {report.original_name}; the import did not succeed (see below).")
            return redirect(report)
    return render(request, "reports/upload.html", {"form": form})


def _add_errors(form: ReportUploadForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@permission_required("reports.add_vendorreport", raise_exception=True)
@require_POST
@refuse_oversized_upload
def report_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the first rows of the chosen file as the import would read them."""
    form = _upload_form(request)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        layout = data.get("layout") or services.builtin_layout(data["kind"])
        try:
            preview = services.report_preview(
                data["file"],
                filename=data["file"].name,
                layout=layout,
                period_start=data["period_start"],
                period_end=data["period_end"],
                contract=data["contract"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(request, "reports/_preview.html", {"form": form, "preview": preview})


@login_required
@permission_required("reports.view_vendorreport", raise_exception=True)
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the progress panel, polled every second until the import ends."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    response = render(
        request, "reports/_progress.html", {"object": report, "progress": selectors.report_progress(report)}
    )
    if report.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # reload once, to show the final counts and errors
    return response


@login_required
@permission_required("reports.view_vendorreport", raise_exception=True)
def report_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The original file or the rejected-rows CSV, to whoever may see the report."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    if which == "original":
        return stored_file_response(report.file, report.original_name)
    return stored_file_response(report.rejected_rows_file, f"rejected-rows-report-{report.pk}.csv")


class ReportLayoutEditView(ObjectEditView):
    template_name = "reports/reportlayout_edit.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.user = self.request.user
        return form


class ReportLayoutDetailView(ObjectDetailView):
    template_name = "reports/reportlayout_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = self.object.versions.all()
        context["reports"] = selectors.report_list(user=self.request.user).filter(layout_version__layout=self.object)[
            :20
        ]
        return context


layout_views = ObjectViews(
    model=ReportLayout,
    selector=selectors.layout_list,
    filterset=filtersets.ReportLayoutFilterSet,
    table=tables.ReportLayoutTable,
    form=ReportLayoutForm,
    detail_view=ReportLayoutDetailView,
    edit_view=ReportLayoutEditView,
)
