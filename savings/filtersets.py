"""One FilterSet per model, shared by the browser lists and the API.

Contracts, providers and processes are filtered by the references the responses show
(``?contract=MSA-1999-001&provider=Acme``) as well as by id: the shared reference filters.
"""

import django_filters

from contracts.filtersets import contract_filter, process_filter
from contracts.models import ServiceCategory
from core.filtersets import KeyedModelMultipleChoiceFilter, MonthFilter, PeriodRangeForm, YesNoFilter
from savings.models import ExchangeRate, SavingsResult
from vendors.filtersets import provider_filter


class SavingsResultFilterSet(django_filters.FilterSet):
    provider = provider_filter("contract__provider")
    contract = contract_filter()
    process = process_filter("contract__processes", distinct=True)
    category = KeyedModelMultipleChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        keys=("code", "name"),
        field_name="contract__processes__category",
        distinct=True,
        label="Service category",
        help_text="The category's id, code or name.",
    )
    status = django_filters.MultipleChoiceFilter(choices=SavingsResult.Status.choices, label="Status")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    invoice_discrepancy = YesNoFilter(label="Invoice discrepancy")

    class Meta:
        model = SavingsResult
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
        fields = [
            "provider",
            "contract",
            "process",
            "category",
            "status",
            "period_from",
            "period_to",
            "invoice_discrepancy",
        ]


class InvoiceDiscrepancyFilterSet(django_filters.FilterSet):
    """Invoice discrepancies (contract-months whose invoice is beyond the contract's tolerance)."""

    provider = provider_filter("contract__provider")
    contract = contract_filter()
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")

    class Meta:
        model = SavingsResult
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
        fields = ["provider", "contract", "period_from", "period_to"]


class ExchangeRateFilterSet(django_filters.FilterSet):
    currency = django_filters.CharFilter(label="Currency")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From date")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To date")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date_from", "date_to"]
