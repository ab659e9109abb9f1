"""One FilterSet per model, shared by the browser list and the API."""

import django_filters
from django.db.models import QuerySet

from contracts.filtersets import contract_filter
from core.filtersets import YesNoFilter
from reminders.models import Reminder
from vendors.filtersets import provider_filter


class ReminderFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Reminder.Kind.choices, label="Kind")
    acknowledged = YesNoFilter(
        method="filter_acknowledged", label="Acknowledged", help_text="true: acknowledged; false: still open."
    )
    provider = provider_filter()
    contract = contract_filter()
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due from")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due to")

    class Meta:
        model = Reminder
        fields = ["kind", "acknowledged", "provider", "contract", "due_from", "due_to"]

    def filter_acknowledged(self, queryset: QuerySet[Reminder], name: str, value: bool | None) -> QuerySet[Reminder]:
        if value is None:
            return queryset
        return queryset.filter(acknowledged_at__isnull=not value)
