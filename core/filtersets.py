"""Base FilterSet: adds the free-text ``q`` search every list has."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q, QuerySet


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with ``q``: case-insensitive containment over ``search_fields``.

    One subclass per model serves both the browser list and the API, so a filter works
    the same way in both.
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(condition).distinct()
