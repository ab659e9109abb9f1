"""One FilterSet per model, shared by the browser lists and the API."""

import datetime as dt

import django_filters
from django.db.models import Q, QuerySet

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.filtersets import MonthFilter, SearchFilterSet
from vendors.models import Provider


class ServiceCategoryFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "description")

    class Meta:
        model = ServiceCategory
        fields = ["q"]


class ProcessFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "internal_owner")
    category = django_filters.ModelMultipleChoiceFilter(queryset=ServiceCategory.objects.all())
    unit_of_work = django_filters.MultipleChoiceFilter(choices=Process.UnitOfWork.choices)
    provider = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.all(), field_name="contracts__provider", distinct=True, label="Delivered by"
    )

    class Meta:
        model = Process
        fields = ["q", "category", "unit_of_work", "currency", "provider"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "provider__name")
    provider = django_filters.ModelMultipleChoiceFilter(queryset=Provider.objects.all())
    status = django_filters.MultipleChoiceFilter(choices=Contract.Status.choices, method="filter_status")
    pricing_model = django_filters.MultipleChoiceFilter(choices=Contract.PricingModel.choices)
    process = django_filters.ModelChoiceFilter(queryset=Process.objects.all(), field_name="processes")
    ends_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")
    ends_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")

    class Meta:
        model = Contract
        fields = ["q", "provider", "status", "pricing_model", "process", "auto_renew", "ends_before", "ends_after"]

    def filter_status(self, queryset: QuerySet[Contract], name: str, values: list[str]) -> QuerySet[Contract]:
        """By the status the list shows (``Contract.effective_status``): an ended contract is expired."""
        if not values:
            return queryset
        today = dt.date.today()
        ended = Q(status=Contract.Status.ACTIVE, end_date__lt=today)
        wanted = Q()
        for value in values:
            if value == Contract.Status.ACTIVE:
                wanted |= Q(status=value) & ~ended
            elif value == Contract.Status.EXPIRED:
                wanted |= Q(status=value) | ended
            else:
                wanted |= Q(status=value)
        return queryset.filter(wanted)


class ProcessBaselineFilterSet(django_filters.FilterSet):
    process = django_filters.ModelMultipleChoiceFilter(queryset=Process.objects.all(), label="Process")
    valid_on_or_before = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="lte", label="Valid on or before"
    )

    class Meta:
        model = ProcessBaseline
        fields = ["process", "valid_on_or_before"]


class InvoiceFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelMultipleChoiceFilter(queryset=Contract.objects.all(), label="Contract")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    source = django_filters.ChoiceFilter(choices=Invoice.Source.choices, label="Source")

    class Meta:
        model = Invoice
        fields = ["contract", "period_from", "period_to", "source"]
