"""One FilterSet per model, shared by the browser lists and the API."""

import datetime as dt

import django_filters
from django.db.models import Q, QuerySet

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.filtersets import (
    KeyedModelChoiceFilter,
    KeyedModelMultipleChoiceFilter,
    MonthFilter,
    PeriodRangeForm,
    SearchFilterSet,
    YesNoFilter,
)
from vendors.filtersets import provider_filter

CONTRACT_KEYS = ("reference",)


def contract_filter(field_name: str = "contract", *, multiple: bool = True, label: str = "Contract", **kwargs):
    """The contract filter every list shares: the contract's id or its reference."""
    cls = KeyedModelMultipleChoiceFilter if multiple else KeyedModelChoiceFilter
    return cls(
        queryset=Contract.objects.all(),
        keys=CONTRACT_KEYS,
        field_name=field_name,
        label=label,
        help_text="The contract's id or its reference.",
        **kwargs,
    )


def process_filter(field_name: str = "process", *, multiple: bool = True, label: str = "Process", **kwargs):
    """The process filter every list shares: the process's id or its name."""
    cls = KeyedModelMultipleChoiceFilter if multiple else KeyedModelChoiceFilter
    return cls(
        queryset=Process.objects.all(),
        keys=("name",),
        field_name=field_name,
        label=label,
        help_text="The process's id or its name.",
        **kwargs,
    )


class ServiceCategoryFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "description")

    class Meta:
        model = ServiceCategory
        fields = ["q"]


class ProcessFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "internal_owner")
    category = KeyedModelMultipleChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        keys=("code", "name"),
        label="Category",
        help_text="The category's id, code or name.",
    )
    unit_of_work = django_filters.MultipleChoiceFilter(choices=Process.UnitOfWork.choices, label="Unit of work")
    provider = provider_filter("contracts__provider", multiple=False, distinct=True, label="Delivered by")

    class Meta:
        model = Process
        fields = ["q", "category", "unit_of_work", "currency", "provider"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "provider__name")
    provider = provider_filter()
    status = django_filters.MultipleChoiceFilter(
        choices=Contract.Status.choices, method="filter_status", label="Status"
    )
    pricing_model = django_filters.MultipleChoiceFilter(choices=Contract.PricingModel.choices, label="Pricing model")
    process = process_filter("processes", multiple=False)
    auto_renew = YesNoFilter(label="Renews automatically")
    ends_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte", label="Ends on or before")
    ends_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte", label="Ends on or after")

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
    process = process_filter()
    valid_on_or_before = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="lte", label="Valid on or before"
    )

    class Meta:
        model = ProcessBaseline
        fields = ["process", "valid_on_or_before"]


class InvoiceFilterSet(django_filters.FilterSet):
    contract = contract_filter()
    provider = provider_filter("contract__provider")
    month = MonthFilter(field_name="period", label="Month (YYYY-MM)")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    source = django_filters.ChoiceFilter(choices=Invoice.Source.choices, label="Source")

    class Meta:
        model = Invoice
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
        fields = ["contract", "provider", "month", "period_from", "period_to", "source"]
