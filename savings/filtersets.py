"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters

from contracts.models import Contract, Process, ServiceCategory
from core.filtersets import MonthFilter
from savings.models import ExchangeRate, SavingsResult
from vendors.models import Provider


class SavingsResultFilterSet(django_filters.FilterSet):
    provider = django_filters.ModelMultipleChoiceFilter(
        queryset=Provider.objects.all(), field_name="contract__provider", label="Provider"
    )
    contract = django_filters.ModelMultipleChoiceFilter(queryset=Contract.objects.all(), label="Contract")
    process = django_filters.ModelMultipleChoiceFilter(
        queryset=Process.objects.all(), field_name="contract__processes", distinct=True, label="Process"
    )
    category = django_filters.ModelMultipleChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        field_name="contract__processes__category",
        distinct=True,
        label="Service category",
    )
    status = django_filters.MultipleChoiceFilter(choices=SavingsResult.Status.choices, label="Status")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")

    class Meta:
        model = SavingsResult
        fields = ["provider", "contract", "process", "category", "status", "period_from", "period_to"]


class ExchangeRateFilterSet(django_filters.FilterSet):
    currency = django_filters.CharFilter(label="Currency")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From date")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To date")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date_from", "date_to"]
