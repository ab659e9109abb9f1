"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters

from contracts.models import Contract, Process
from core.catalogue import METRIC_CHOICES
from core.filtersets import MonthFilter, SearchFilterSet
from slas.models import ComplianceResult, ComplianceStatus, ServiceLevel
from vendors.models import Provider


class ServiceLevelFilterSet(SearchFilterSet):
    search_fields = ("name", "contract__reference", "contract__title", "process__name", "contract__provider__name")
    provider = django_filters.ModelMultipleChoiceFilter(
        queryset=Provider.objects.all(), field_name="contract__provider"
    )
    contract = django_filters.ModelMultipleChoiceFilter(queryset=Contract.objects.all())
    process = django_filters.ModelMultipleChoiceFilter(queryset=Process.objects.all())
    metric = django_filters.MultipleChoiceFilter(choices=METRIC_CHOICES)
    kind = django_filters.ChoiceFilter(choices=ServiceLevel.Kind.choices)

    class Meta:
        model = ServiceLevel
        fields = ["q", "provider", "contract", "process", "metric", "kind", "measurement_period"]


class ComplianceResultFilterSet(django_filters.FilterSet):
    provider = django_filters.ModelMultipleChoiceFilter(
        queryset=Provider.objects.all(), field_name="service_level__contract__provider"
    )
    contract = django_filters.ModelMultipleChoiceFilter(
        queryset=Contract.objects.all(), field_name="service_level__contract"
    )
    service_level = django_filters.ModelMultipleChoiceFilter(queryset=ServiceLevel.objects.all())
    metric = django_filters.MultipleChoiceFilter(choices=METRIC_CHOICES, field_name="service_level__metric")
    status = django_filters.MultipleChoiceFilter(choices=ComplianceStatus.choices)
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    chronic = django_filters.BooleanFilter()
    discrepancy = django_filters.BooleanFilter()

    class Meta:
        model = ComplianceResult
        fields = [
            "provider",
            "contract",
            "service_level",
            "metric",
            "status",
            "period_from",
            "period_to",
            "chronic",
            "discrepancy",
        ]
