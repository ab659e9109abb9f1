"""Sortable tables of savings and exchange rates."""

import django_tables2 as tables

from core import formatting
from core.tables import PortalTable
from savings.models import ExchangeRate, SavingsResult


class SavingsResultTable(PortalTable):
    period = tables.DateColumn(format="Y-m", verbose_name="Month")
    contract = tables.Column(linkify=True, accessor="contract__reference", verbose_name="Contract")
    provider = tables.Column(accessor="contract__provider", linkify=True)
    volume = tables.Column(verbose_name="Billable volume")
    rates_used = tables.Column(verbose_name="Rate used", orderable=False, empty_values=())
    baseline_cost = tables.Column(verbose_name="In-house baseline")
    net_cost = tables.Column(verbose_name="Net outsourced cost")
    savings = tables.Column(verbose_name="Savings")
    savings_percent = tables.Column(verbose_name="Savings %")
    projected_savings = tables.Column(verbose_name="Projected")
    status = tables.Column()
    inputs = tables.Column(verbose_name="Inputs and rates", orderable=False)

    class Meta:
        model = SavingsResult
        fields = (
            "period",
            "contract",
            "provider",
            "volume",
            "baseline_cost",
            "net_cost",
            "savings",
            "savings_percent",
            "projected_savings",
            "reporting_currency",
            "rates_used",
            "status",
            "inputs",
        )

    def render_inputs(self, record: SavingsResult, value: dict) -> str:
        """What the figures were made of: each process's volume × in-house cost, the outsourced
        cost and where it came from, and the exchange rates used (baseline − net cost = savings)."""
        parts = [f"{name}: {text}" for name, text in sorted((value or {}).items())]
        parts += [
            f"1 {currency} = {rate} {record.reporting_currency}" for currency, rate in sorted(record.rates.items())
        ]
        return "; ".join(parts) or "—"

    def render_volume(self, record: SavingsResult, value: int) -> str:
        """The volume with the items it counts (the contract's billing basis): "27,162 (handled items)"."""
        return f"{formatting.count(value)} ({record.contract.get_billing_basis_display().lower()})"

    def render_rates_used(self, record: SavingsResult) -> str:
        if record.missing_rate:
            return f"missing: {record.note}"
        return record.rates_used or f"none needed ({record.reporting_currency})"

    def value_rates_used(self, record: SavingsResult) -> str:
        return self.render_rates_used(record)

    def render_status(self, record: SavingsResult, value: str) -> str:
        return record.get_status_display() + (f": {record.note}" if record.note and record.status != "ok" else "")


class ExchangeRateTable(PortalTable):
    date = tables.DateColumn(format="Y-m-d", linkify=True)

    class Meta:
        model = ExchangeRate
        fields = ("date", "currency", "rate", "source")
