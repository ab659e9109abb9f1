"""Sortable tables for the process and contract lists."""

import django_tables2 as tables
from django.urls import reverse

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.tables import CountColumn, MoneyColumn, PortalTable, PriceColumn
from vendors.tables import CertificationFlagColumn


class ServiceCategoryTable(PortalTable):
    process_count = CountColumn(verbose_name="Processes")

    class Meta:
        model = ServiceCategory
        fields = ("name", "code", "process_count")


class ProcessTable(PortalTable):
    name = tables.Column(linkify=True)
    baseline_cost_per_unit = PriceColumn(verbose_name="Baseline cost/unit")
    expected_monthly_volume = CountColumn(verbose_name="Expected monthly volume")
    contract_count = CountColumn(verbose_name="Contracts")

    class Meta:
        model = Process
        fields = (
            "name",
            "category",
            "unit_of_work",
            "baseline_cost_per_unit",
            "expected_monthly_volume",
            "contract_count",
        )


class ContractTable(PortalTable):
    reference = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)
    service_level_count = CountColumn(verbose_name="SLAs")
    # What the dates say, not a stale stored "Active" (sorted by the stored status).
    status = tables.Column(accessor="get_effective_status_display", order_by=("status", "end_date"))
    certification_flags = CertificationFlagColumn(provider_path="provider", verbose_name="Provider certifications")

    class Meta:
        model = Contract
        fields = (
            "reference",
            "title",
            "provider",
            "certification_flags",
            "status",
            "pricing_model",
            "start_date",
            "end_date",
            "service_level_count",
        )


class InvoiceTable(PortalTable):
    period = tables.DateColumn(format="Y-m", verbose_name="Month")
    contract = tables.Column(accessor="contract__reference", linkify=lambda record: record.contract.get_absolute_url())
    provider = tables.Column(accessor="contract__provider", linkify=True)
    amount = MoneyColumn(currency="contract__currency")
    currency = tables.Column(accessor="contract__currency", verbose_name="Currency")
    reference = tables.Column(
        linkify=lambda record: reverse("contracts:invoice", args=[record.pk]), verbose_name="Invoice number"
    )

    class Meta:
        model = Invoice
        fields = ("period", "contract", "provider", "reference", "amount", "currency", "source")


class ProcessBaselineTable(PortalTable):
    process = tables.Column(linkify=True)
    valid_from = tables.DateColumn(format="Y-m-d", linkify=True)
    cost_per_unit = PriceColumn(verbose_name="Cost per unit")
    cost_per_fte_month = MoneyColumn(verbose_name="Cost per FTE-month")
    units_per_fte_month = CountColumn(verbose_name="Units per FTE-month")
    derived = tables.BooleanColumn(accessor="is_derived", verbose_name="Derived from FTE figures", orderable=False)

    class Meta:
        model = ProcessBaseline
        fields = (
            "process",
            "valid_from",
            "cost_per_unit",
            "currency",
            "derived",
            "cost_per_fte_month",
            "units_per_fte_month",
            "note",
        )
