"""Sortable tables for the report and layout lists."""

import django_tables2 as tables

from core.tables import CountColumn, PortalTable
from core.templatetags.core_tags import in_zone
from reports.models import ReportLayout, VendorReport


class VendorReportTable(PortalTable):
    id = tables.Column(verbose_name="#", linkify=True)
    original_name = tables.Column(verbose_name="File", linkify=True)
    contract = tables.Column(accessor="contract__reference", linkify=lambda record: record.contract.get_absolute_url())
    provider = tables.Column(accessor="contract__provider__name", verbose_name="Provider")
    period = tables.Column(accessor="period_label", order_by=("period_start",), verbose_name="Period")
    status = tables.TemplateColumn(
        '<span class="badge report-status-{{ record.status }}">{{ record.get_status_display }}</span>'
    )
    rows_accepted = CountColumn(verbose_name="Accepted")
    rows_rejected = CountColumn(verbose_name="Rejected")
    created_at = tables.Column(verbose_name="Uploaded")

    class Meta:
        model = VendorReport
        fields = (
            "id",
            "original_name",
            "contract",
            "provider",
            "kind",
            "period",
            "status",
            "rows_accepted",
            "rows_rejected",
            "created_at",
        )

    def render_created_at(self, value, record: VendorReport) -> str:
        """In the contract's time zone, labelled (its months are measured there)."""
        return in_zone(value, record.contract.time_zone)


class ReportLayoutTable(PortalTable):
    name = tables.Column(linkify=True)
    provider = tables.Column(default="(shared)")
    version = tables.Column(accessor="current_version__number", verbose_name="Version", orderable=False)

    class Meta:
        model = ReportLayout
        fields = ("name", "provider", "kind", "version", "updated_at")
