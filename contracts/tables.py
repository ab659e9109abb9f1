"""Sortable tables for the process and contract lists."""

import django_tables2 as tables

from contracts.models import Contract, Process, ServiceCategory
from core.tables import CountColumn, PriceColumn
from vendors.tables import CertificationFlagColumn


class ServiceCategoryTable(tables.Table):
    process_count = CountColumn(verbose_name="Processes")

    class Meta:
        model = ServiceCategory
        fields = ("name", "code", "process_count")


class ProcessTable(tables.Table):
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


class ContractTable(tables.Table):
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
