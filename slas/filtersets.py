"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters
from django.db.models import Q, QuerySet

from contracts.filtersets import contract_filter, process_filter
from core.catalogue import METRIC_CHOICES
from core.filtersets import MonthFilter, PeriodRangeForm, SearchFilterSet, YesNoFilter
from slas import selectors
from slas.forms import PeriodForm
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

    # The choices are labelled with their contract and process: loaded with them, not one query per label.
    service_level = django_filters.ModelMultipleChoiceFilter(
        queryset=ServiceLevel.objects.select_related("contract", "process"), label="Service level"
    )
    metric = django_filters.MultipleChoiceFilter(
        choices=METRIC_CHOICES, field_name="service_level__metric", label="Metric"
    )
    status = django_filters.MultipleChoiceFilter(choices=ComplianceStatus.choices)
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    # "Any" rather than django's "Unknown" for the empty choice: the filter is simply not applied.
    chronic = YesNoFilter(label="Chronic breach")
    discrepancy = YesNoFilter(label="Vendor's claim differs")

    class Meta:
        model = ComplianceResult
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
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


class SlaStatusFilterSet(ServiceLevelFilterSet):
    """``/sla-status/``: the service level filters, the period shown, and the status in it.

    ``period_from``/``period_to`` choose the months (default: each contract's last 12 months
    of its term with data); ``status`` filters on the status of the latest result inside
    them, so both are applied together in :meth:`filter_queryset`.
    """

    period_from = MonthFilter(
        method="in_period", label="From month (YYYY-MM); default: the contract's last 12 months with data"
    )
    period_to = MonthFilter(method="in_period", label="To month (YYYY-MM); the latest month shown is the last inside")
    status = django_filters.MultipleChoiceFilter(
        choices=ComplianceStatus.choices,
        field_name="latest_status",
        label="Status of the latest result in the period (no_data when there is none)",
    )

    class Meta(ServiceLevelFilterSet.Meta):
        form = PeriodForm
        fields = [*ServiceLevelFilterSet.Meta.fields, "period_from", "period_to", "status"]

    def in_period(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        """The period is applied with the results in :meth:`filter_queryset`, not as a row filter."""
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        cleaned = self.form.cleaned_data
        queryset = selectors.with_period_results(
            queryset, period_from=cleaned.get("period_from"), period_to=cleaned.get("period_to")
        )
        return super().filter_queryset(queryset)
