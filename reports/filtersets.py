"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters

from contracts.filtersets import contract_filter, process_filter
from core.filtersets import SearchFilterSet, YesNoFilter
from reports.models import ReportKind, ReportLayout, VendorReport
from vendors.filtersets import provider_filter


class ReportLayoutFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "provider__name")
    provider = provider_filter(multiple=False)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    shared = YesNoFilter(field_name="provider", lookup_expr="isnull", label="Shared with every provider")

    class Meta:
        model = ReportLayout
        fields = ["q", "provider", "kind", "shared"]


class VendorReportFilterSet(SearchFilterSet):
    search_fields = ("original_name", "contract__reference", "contract__provider__name", "sha256")
    provider = provider_filter("contract__provider", multiple=False)
    contract = contract_filter(multiple=False)
    process = process_filter(multiple=False)
    status = django_filters.MultipleChoiceFilter(choices=VendorReport.Status.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label="Period from")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label="Period to")

    class Meta:
        model = VendorReport
        fields = ["q", "provider", "contract", "process", "status", "kind", "source", "period_from", "period_to"]
