"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters

from contracts.models import Contract, Process
from core.filtersets import SearchFilterSet
from reports.models import ReportKind, ReportLayout, VendorReport
from vendors.models import Provider


class ReportLayoutFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "provider__name")
    provider = django_filters.ModelChoiceFilter(queryset=Provider.objects.all())
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    shared = django_filters.BooleanFilter(
        field_name="provider", lookup_expr="isnull", label="Shared with every provider"
    )

    class Meta:
        model = ReportLayout
        fields = ["q", "provider", "kind", "shared"]


class VendorReportFilterSet(SearchFilterSet):
    search_fields = ("original_name", "contract__reference", "contract__provider__name", "sha256")
    provider = django_filters.ModelChoiceFilter(queryset=Provider.objects.all(), field_name="contract__provider")
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all())
    process = django_filters.ModelChoiceFilter(queryset=Process.objects.all())
    status = django_filters.MultipleChoiceFilter(choices=VendorReport.Status.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label="Period from")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label="Period to")

    class Meta:
        model = VendorReport
        fields = ["q", "provider", "contract", "process", "status", "kind", "source", "period_from", "period_to"]
