"""Browser views: report upload with preview, live progress, report pages and layouts."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from contracts.selectors import contract_list, process_list
from core.auth import token_auth
from core.views import (
    HtmxHttpRequest,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViews,
    stored_file_response,
)
from reports import filtersets, selectors, services, tables
from reports.forms import ReportLayoutCopyForm, ReportLayoutForm, ReportUploadForm
from reports.models import ReportLayout, VendorReport
from vendors.selectors import provider_list


@functools.cache
def _layout_reference() -> str:
    """docs/report-layouts.md, shown in full beside the layout editor."""
    path = Path(settings.BASE_DIR, "docs", "report-layouts.md")
    return path.read_text(encoding="utf-8") if path.exists() else ""


class VendorReportListView(ObjectListView):
    model = VendorReport
    selector = staticmethod(selectors.report_list)
    filterset_class = filtersets.VendorReportFilterSet
    table_class = tables.VendorReportTable
    template_name = "reports/vendorreport_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
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
    if cast(HtmxHttpRequest, request).htmx:  # the preview panel
        preview = services.Preview(columns=[], rows=[], file_error=message)
        return render(request, "reports/_preview.html", {"preview": preview}, status=413)
    messages.error(request, message)
    form = _upload_form(request, bound=False)
    return render(request, "reports/upload.html", {"form": form}, status=413)


def _upload_form(request: HttpRequest, *, bound: bool = True) -> ReportUploadForm:
    return ReportUploadForm(
        (request.POST or None) if bound else None,
        (request.FILES or None) if bound else None,
        contracts=contract_list(user=request.user),
        processes=process_list(user=request.user),
        layouts=selectors.layout_list(user=request.user),
        initial=request.GET.dict() or None,
    )


@login_required
@permission_required("reports.add_vendorreport", raise_exception=True)
@refuse_oversized_upload
def report_upload(request: HttpRequest) -> HttpResponse:
    """Choose contract, period and layout, drop a file, optionally preview, then upload."""
    form = _upload_form(request)
    if request.method == "POST" and form.is_valid() and _readable(form):
        try:
            report = services.report_submit(form.submission(user=request.user, source=VendorReport.Source.BROWSER))
        except services.DuplicateReportError as exc:
            link = "Open it to reinstate it" if exc.can_reinstate else "Open the first upload"
            messages.error(
                request,
                format_html('{} <a href="{}">{}</a>.', exc.messages[0], exc.existing.get_absolute_url(), link),
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
            elif report.status in (VendorReport.Status.QUEUED, VendorReport.Status.PROCESSING):
                messages.success(request, f"Uploaded {report.original_name}; the import has started.")
            elif report.status == VendorReport.Status.COMPLETED:
                messages.success(request, f"Uploaded and imported {report.original_name}.")
            else:
                messages.warning(request, f"Uploaded {report.original_name}; the import did not succeed (see below).")
            return redirect(report)
    return render(request, "reports/upload.html", {"form": form})


@login_required
@permission_required("reports.add_vendorreport", raise_exception=True)
def report_upload_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the upload form's fields that depend on the contract (processes, layouts, months).

    Called with the form's current values as the query string whenever the contract or the
    kind changes, so the choices narrow without a page load.
    """
    form = _upload_form(request, bound=False)
    return render(request, "reports/_upload_fields.html", {"form": form})


def _readable(form: ReportUploadForm) -> bool:
    """Refuse at once a file the preview finds unreadable, instead of storing a failed report.

    The preview reads the header and the first rows with the chosen layout: a wrong
    delimiter, missing columns, an encoding that does not fit or a file that is not what
    its name says are all found there, with the same message the import would give.
    """
    preview = form.preview()
    if preview is None:
        return False
    if preview.file_error:
        form.add_error("file", f"The file cannot be read: {preview.file_error}.")
        return False
    return True


def _add_errors(form: Form, exc: ValidationError) -> None:
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
    preview = form.preview() if form.is_valid() else None
    return render(request, "reports/_preview.html", {"form": form, "preview": preview})


@login_required
@permission_required("reports.add_vendorreport", raise_exception=True)
@require_POST
def report_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a superseded report current again: its file is imported anew and replaces the current one."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    try:
        report = services.report_reinstate(report, user=request.user)  # type: ignore[arg-type]  # signed in
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        report.refresh_from_db()  # in the embedded mode the import has already run
        if report.status == VendorReport.Status.COMPLETED:
            messages.success(request, f"Report #{report.pk} is current again.")
        else:
            messages.success(request, f"Report #{report.pk} is being imported again; it replaces the current one.")
    return redirect(report)


@login_required
@permission_required("reports.view_vendorreport", raise_exception=True)
def report_progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """htmx: the progress panel, polled every second until the import ends."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    response = render(
        request, "reports/_progress.html", {"object": report, "progress": selectors.report_progress(report)}
    )
    if report.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # reload once, to show the final counts and errors
    return response


@token_auth
@login_required
@permission_required("reports.view_vendorreport", raise_exception=True)
def report_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The original file or the rejected-rows CSV, to whoever may see the report."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    if which == "original":
        return stored_file_response(report.file, report.original_name)
    return stored_file_response(report.rejected_rows_file, f"rejected-rows-report-{report.pk}.csv")


class ReportLayoutEditView(ObjectEditView):
    """The layout editor; besides saving, its buttons switch between the form and the JSON
    view or read a sample file's header, re-rendering the unsaved layout."""

    template_name = "reports/reportlayout_edit.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "providers": provider_list(user=self.request.user)}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.user = self.request.user
        return form

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "save")
        if action not in ("form", "json", "sample"):
            return super().post(request, *args, **kwargs)
        self.object = self.get_object()
        form = self.get_form().switched(action)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["reference"] = _layout_reference()
        return context


class ReportLayoutDetailView(ObjectDetailView):
    template_name = "reports/reportlayout_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = self.object.versions.all()
        context["reports"] = selectors.report_list(user=self.request.user).filter(layout_version__layout=self.object)[
            :20
        ]
        return context


@login_required
@permission_required("reports.add_reportlayout", raise_exception=True)
def layout_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a layout (a shared template) for a provider, then go on to edit the copy."""
    source = get_object_or_404(selectors.layout_list(user=request.user), pk=pk)
    form = ReportLayoutCopyForm(
        request.POST or None,
        providers=provider_list(user=request.user),
        source=source,
        initial=request.GET.dict() or None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = form.save(user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Copied “{source}” for {copy.provider}; adjust it to the provider's files.")
            return redirect("reports:reportlayout_edit", pk=copy.pk)
    return render(request, "reports/reportlayout_copy.html", {"form": form, "object": source})


layout_views = ObjectViews(
    model=ReportLayout,
    selector=selectors.layout_list,
    filterset=filtersets.ReportLayoutFilterSet,
    table=tables.ReportLayoutTable,
    form=ReportLayoutForm,
    detail_view=ReportLayoutDetailView,
    edit_view=ReportLayoutEditView,
)
