"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters

from contracts.models import Contract, Process
from core.filtersets import SearchFilterSet
from slas.catalogue import METRIC_CHOICES
from slas.models import ServiceLevel
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
