"""One FilterSet per model, shared by the browser lists and the API.

Providers and categories are filtered by the references the responses show
(``?provider=Manila%20Care&category=customer-support``) as well as by id. The category is
the one each scorecard is ranked in (``scorecards.trends.ranking_category``), so a category's
list sorted by rank reads 1 … N.
"""

import django_filters
from django.contrib.auth.models import User

from contracts.models import ServiceCategory
from core.filtersets import KeyedModelMultipleChoiceFilter, MonthFilter, PeriodRangeForm, YesNoFilter
from scorecards.models import ManualRating, Scorecard
from vendors.filtersets import provider_filter


class ScorecardFilterSet(django_filters.FilterSet):
    provider = provider_filter()
    category = KeyedModelMultipleChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        keys=("code", "name"),
        field_name="category",
        label="Service category",
        help_text="The category's id, code or name: the category the provider is ranked in for the month "
        "(where most of its contracts' processes are).",
    )
    month = MonthFilter(
        field_name="period", label="Month (YYYY-MM)", help_text="One month (YYYY-MM), as rows show it in `month`."
    )
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    standing = django_filters.CharFilter(
        lookup_expr="iexact", label="Standing", help_text="The standing's name, e.g. strategic, preferred, watch, exit."
    )
    scored = YesNoFilter(
        field_name="score", lookup_expr="isnull", exclude=True, label="Has a score (false: months without activity)"
    )

    class Meta:
        model = Scorecard
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
        fields = ["provider", "category", "month", "period_from", "period_to", "standing", "scored"]


# --- Manual ratings (issue #11) --------------------------------------------------------


class ManualRatingFilterSet(django_filters.FilterSet):
    provider = provider_filter()
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    criterion = django_filters.CharFilter(
        lookup_expr="iexact", label="Criterion", help_text="The manual criterion's code, e.g. relationship."
    )
    reviewer = KeyedModelMultipleChoiceFilter(
        queryset=User.objects.all(),
        keys=("username",),
        field_name="reviewer",
        label="Reviewer",
        help_text="The reviewer's id or user name.",
    )

    class Meta:
        model = ManualRating
        form = PeriodRangeForm  # period_to before period_from: 400, not an empty list
        fields = ["provider", "period_from", "period_to", "criterion", "reviewer"]
