"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters
from django.db.models import Q

from contracts.filtersets import contract_filter, process_filter
from core.catalogue import METRIC_CHOICES
from core.filtersets import MonthFilter, SearchFilterSet
from slas.models import ComplianceResult, ComplianceStatus, ServiceLevel
from vendors.filtersets import provider_filter


class ServiceLevelFilterSet(SearchFilterSet):
    search_fields = ("name", "contract__reference", "contract__title", "process__name", "contract__provider__name")
    provider = provider_filter("contract__provider")
    contract = contract_filter()
    process = process_filter()
    metric = django_filters.MultipleChoiceFilter(choices=METRIC_CHOICES)
    kind = django_filters.ChoiceFilter(choices=ServiceLevel.Kind.choices)
    measurement_period = django_filters.ChoiceFilter(
        choices=ServiceLevel._meta.get_field("measurement_period").choices, label="Measured per"
    )

    class Meta:
        model = ServiceLevel
        fields = ["q", "provider", "contract", "process", "metric", "kind", "measurement_period"]


class ComplianceResultFilterSet(SearchFilterSet):
    search_fields = (
        "service_level__contract__provider__name",
        "service_level__contract__reference",
        "service_level__name",
        "service_level__metric",
        "service_level__process__name",
    )
    provider = provider_filter("service_level__contract__provider")
    contract = contract_filter("service_level__contract")

    def search_condition(self, value: str) -> Q:
        """Also the metric's name as pages show it (``q=handle time``), not only its code."""
        metrics = [code for code, label in METRIC_CHOICES if value.casefold() in str(label).casefold()]
        return super().search_condition(value) | Q(service_level__metric__in=metrics)

    service_level = django_filters.ModelMultipleChoiceFilter(queryset=ServiceLevel.objects.all(), label="Service level")
    metric = django_filters.MultipleChoiceFilter(
        choices=METRIC_CHOICES, field_name="service_level__metric", label="Metric"
    )
    status = django_filters.MultipleChoiceFilter(choices=ComplianceStatus.choices)
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    chronic = django_filters.BooleanFilter(label="Chronic breach")
    discrepancy = django_filters.BooleanFilter(label="Vendor's claim differs")

    class Meta:
        model = ComplianceResult
        fields = [
            "q",
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
