"""One FilterSet per model, shared by the browser list and the API."""

import django_filters
from django.db.models import Q, QuerySet

from contracts.filtersets import contract_filter
from core.filtersets import SearchFilterSet
from documents.models import Document
from vendors.filtersets import provider_filter


class DocumentFilterSet(SearchFilterSet):
    search_fields = ("title", "original_name", "sha256", "contract__reference", "provider__name")
    contract = contract_filter(multiple=False)
    # The provider's own documents and those of its contracts.
    provider = provider_filter(multiple=False, method="filter_provider")
    kind = django_filters.MultipleChoiceFilter(choices=Document.Kind.choices, label="Kind")
    attached_to = django_filters.ChoiceFilter(
        choices=[("contract", "A contract"), ("provider", "A provider")],
        method="filter_attached_to",
        label="Attached to",
    )
    valid_on = django_filters.DateFilter(method="filter_valid_on", label="Valid on")

    class Meta:
        model = Document
        fields = ["q", "contract", "provider", "kind", "attached_to", "valid_on"]

    def filter_provider(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(Q(provider=value) | Q(contract__provider=value))

    def filter_attached_to(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in ("contract", "provider"):
            return queryset.filter(**{f"{value}__isnull": False})
        return queryset

    def filter_valid_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=value),
            Q(valid_until__isnull=True) | Q(valid_until__gte=value),
        )
