"""One FilterSet per model of the review workflow, shared by the browser lists and the API."""

import django_filters

from core.filtersets import MonthFilter, PeriodRangeForm, SearchFilterSet
from scorecards.models import ImprovementPlan, ScorecardReview, StandingConsequence
from vendors.filtersets import provider_filter


class ScorecardReviewFilterSet(SearchFilterSet):
    search_fields = ("provider__name", "comments__text")

    provider = provider_filter()
    status = django_filters.MultipleChoiceFilter(choices=ScorecardReview.Status.choices, label="Status")
    decision = django_filters.MultipleChoiceFilter(choices=ScorecardReview.Decision.choices, label="Decision")
    period = MonthFilter(field_name="period", label="Month (YYYY-MM)")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")

    class Meta:
        model = ScorecardReview
        fields = ["q", "provider", "status", "decision", "period", "period_from", "period_to"]
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list


class ImprovementPlanFilterSet(SearchFilterSet):
    search_fields = ("provider__name", "title", "actions__description")

    provider = provider_filter()
    status = django_filters.MultipleChoiceFilter(choices=ImprovementPlan.Status.choices, label="Status")
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label="Due from")
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due to")

    class Meta:
        model = ImprovementPlan
        fields = ["q", "provider", "status", "due_from", "due_to"]


class StandingConsequenceFilterSet(django_filters.FilterSet):
    provider = provider_filter()
    kind = django_filters.MultipleChoiceFilter(choices=StandingConsequence.Kind.choices, label="Consequence")
    status = django_filters.MultipleChoiceFilter(choices=StandingConsequence.Status.choices, label="Status")
    month = MonthFilter(
        field_name="period", label="Month (YYYY-MM)", help_text="One month (YYYY-MM), as rows show it in `month`."
    )
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")

    class Meta:
        model = StandingConsequence
        fields = ["provider", "kind", "status", "month", "period_from", "period_to"]
        form = PeriodRangeForm
