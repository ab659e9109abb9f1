"""Sortable table for the service level list."""

import django_tables2 as tables

from slas.models import ServiceLevel


class ServiceLevelTable(tables.Table):
    display_name = tables.Column(verbose_name="Service level", linkify=True, order_by=("metric", "name"))
    contract = tables.Column(linkify=True, accessor="contract__reference")
    provider = tables.Column(accessor="contract__provider", linkify=True)
    process = tables.Column(linkify=True)
    expected_level = tables.Column(verbose_name="Target")
    minimum_level = tables.Column(verbose_name="Minimum")
    credit_allocation_percent = tables.Column(verbose_name="Credit %")

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
