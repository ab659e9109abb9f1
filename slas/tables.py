"""Sortable table for the service level list."""

import django_tables2 as tables

from core.tables import CountColumn, MeasureColumn, MoneyColumn, NumberColumn, PercentColumn, PortalTable
from slas.models import ComplianceResult, ServiceLevel


class ServiceLevelTable(PortalTable):
    display_name = tables.Column(verbose_name="Service level", linkify=True, order_by=("metric", "name"))
    contract = tables.Column(linkify=True, accessor="contract__reference")
    provider = tables.Column(accessor="contract__provider", linkify=True)
    process = tables.Column(linkify=True)
    expected_level = MeasureColumn(verbose_name="Target")
    minimum_level = MeasureColumn(verbose_name="Minimum")
    credit_allocation_percent = PercentColumn(verbose_name="Credit allocation")
    weight = NumberColumn(verbose_name="Weight")

    class Meta:
        model = ServiceLevel
        fields = (
            "display_name",
            "contract",
            "provider",
            "process",
            "expected_level",
            "minimum_level",
            "kind",
            "credit_allocation_percent",
            "weight",
        )


class ComplianceResultTable(PortalTable):
    period = tables.DateColumn(format="Y-m", linkify=True)
    service_level = tables.Column(
        accessor="service_level__display_name", verbose_name="Service level", order_by=("service_level__metric",)
    )
    process = tables.Column(accessor="service_level__process__name", verbose_name="Process")
    contract = tables.Column(accessor="service_level__contract__reference", verbose_name="Contract")
    provider = tables.Column(accessor="service_level__contract__provider__name", verbose_name="Provider")
    actual = MeasureColumn(metric="service_level__metric")
    expected_level = MeasureColumn(verbose_name="Target", metric="service_level__metric")
    minimum_level = MeasureColumn(verbose_name="Minimum", metric="service_level__metric")
    sample_size = CountColumn(verbose_name="Sample")
    status = tables.TemplateColumn(
        '<span class="badge status-badge status-{{ record.status }}">{{ record.get_status_display }}</span>'
        '{% if record.chronic %} <span class="badge text-bg-dark">chronic</span>{% endif %}'
        '{% if record.discrepancy %} <span class="badge text-bg-info">discrepancy</span>{% endif %}'
    )
    credit_amount = MoneyColumn(verbose_name="Credit", currency="service_level__contract__currency")

    class Meta:
        model = ComplianceResult
        fields = (
            "period",
            "service_level",
            "process",
            "contract",
            "provider",
            "actual",
            "expected_level",
            "minimum_level",
            "sample_size",
            "status",
            "credit_amount",
        )
