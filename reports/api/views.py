"""REST endpoints: report layouts, and vendor reports (upload, status, files)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.audit import AuditTrailMixin
from core.api.exceptions import DuplicateErrorResponseSerializer, ErrorResponseSerializer
from core.api.views import SelectorModelViewSet
from core.views import stored_file_response
from reports import filtersets, selectors, services
from reports.api import serializers as report_serializers
from reports.models import ReportLayout, VendorReport


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class DuplicateReport(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate"


class ReportConflict(APIException):
    """The report's state does not allow the action (e.g. reinstating a report that is current)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ReportLayoutViewSet(SelectorModelViewSet):
    queryset = ReportLayout.objects.none()
    selector = staticmethod(selectors.layout_list)
    serializer_class = report_serializers.ReportLayoutSerializer
    filterset_class = filtersets.ReportLayoutFilterSet
    ordering_fields = ["name", "updated_at"]

    @extend_schema(
        request=report_serializers.ReportLayoutCopySerializer,
        responses={201: report_serializers.ReportLayoutSerializer},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """Copy this layout (typically a shared template) for a provider; edit the copy afterwards."""
        source = self.get_object()
        body = report_serializers.ReportLayoutCopySerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        try:
            copy = services.layout_copy(
                source,
                provider=body.validated_data["provider"],
                name=body.validated_data.get("name", ""),
                user=request.user,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        created = self.get_serializer(copy).data
        return Response(created, status=status.HTTP_201_CREATED, headers={"Location": str(created["url"])})

    @extend_schema(responses=report_serializers.ReportLayoutVersionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """The layout's versions, newest first, paginated like every list."""
        layout = self.get_object()
        page = self.paginate_queryset(layout.versions.order_by("-number"))
        return self.get_paginated_response(
            report_serializers.ReportLayoutVersionSerializer(page, many=True, context={"request": request}).data
        )


class VendorReportViewSet(AuditTrailMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Vendor reports. ``POST`` a multipart upload; the import runs in the background."""

    queryset = VendorReport.objects.none()
    serializer_class = report_serializers.VendorReportSerializer
    filterset_class = filtersets.VendorReportFilterSet
    ordering_fields = ["created_at", "period_start", "status", "rows_read"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": report_serializers.VendorReportUploadSerializer},
        responses={
            202: report_serializers.VendorReportSerializer,
            409: OpenApiResponse(
                DuplicateErrorResponseSerializer,
                description="The same file was already uploaded for this contract and period.",
            ),
            413: OpenApiResponse(ErrorResponseSerializer, description="The upload is larger than the limit."),
        },
    )
    def create(self, request, *args, **kwargs):
        try:
            services.check_declared_upload_size(request.META.get("CONTENT_LENGTH"))
        except services.FileTooLargeError as exc:
            raise PayloadTooLarge(exc.messages[0]) from exc
        upload = report_serializers.VendorReportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        self._refuse_unreadable(data)
        try:
            report = services.report_submit(
                services.ReportSubmission(
                    contract=data["contract"],
                    process=data.get("process"),
                    kind=data["kind"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    layout=data.get("layout"),
                    upload=data["file"],
                    user=request.user,
                    source=VendorReport.Source.API,
                )
            )
        except services.FileTooLargeError as exc:
            raise PayloadTooLarge(exc.messages[0]) from exc
        except services.DuplicateReportError as exc:
            body = {
                "detail": exc.messages[0],
                "existing": request.build_absolute_uri(f"/api/v1/reports/{exc.existing.pk}/"),
            }
            if exc.can_reinstate:
                body["reinstate"] = request.build_absolute_uri(f"/api/v1/reports/{exc.existing.pk}/reinstate/")
            raise DuplicateReport(body) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        report.refresh_from_db()
        body = self.get_serializer(report).data
        if report.dispatch_pending:
            body["detail"] = (
                "The report is stored and queued, but the task queue is unavailable: the import starts as soon "
                "as it is back (the sweep retries every 30 seconds). Do not upload it again."
            )
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["url"])})

    @staticmethod
    def _refuse_unreadable(data: dict) -> None:
        """400 for a file the preview cannot read, as the upload form does, instead of a stored failed report."""
        try:
            preview = services.report_preview(
                data["file"],
                filename=data["file"].name,
                layout=data.get("layout") or services.builtin_layout(data["kind"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                contract=data["contract"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        finally:
            data["file"].seek(0)
        if preview.file_error:
            raise serializers.ValidationError({"file": [f"The file cannot be read: {preview.file_error}."]})

    @extend_schema(
        request=None,
        responses={
            202: report_serializers.VendorReportSerializer,
            409: OpenApiResponse(description="The report is not superseded, or another report overlaps its period."),
        },
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        """Make a superseded report current again (operations).

        Its stored file is imported again; once loaded, the report that replaced it is
        superseded in the same transaction and compliance is recomputed. ``202`` with the
        report (``queued``); ``409`` if it is not superseded or another report overlaps its period.
        """
        report = self.get_object()
        try:
            report = services.report_reinstate(report, user=request.user)
        except DjangoValidationError as exc:
            raise ReportConflict(exc.messages[0]) from exc
        body = self.get_serializer(report).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["url"])})

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The original file as uploaded, with the content type of its name (CSV, TSV, XLSX, JSON, …)."""
        report = self.get_object()
        return stored_file_response(report.file, report.original_name)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="rejected-rows")
    def rejected_rows(self, request, pk=None):
        """Every rejected row: row number, column, raw value, reason and the raw row."""
        report = self.get_object()
        return stored_file_response(report.rejected_rows_file, f"rejected-rows-report-{report.pk}.csv")
