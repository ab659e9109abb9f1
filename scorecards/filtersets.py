"""One FilterSet per model, shared by the browser lists and the API.

Providers and categories are filtered by the references the responses show
(``?provider=Manila%20Care&category=customer-support``) as well as by id. The category is
the one each scorecard is ranked in (``scorecards.trends.ranking_category``), so a category's
list sorted by rank reads 1 … N.
"""

import django_filters

from contracts.models import ServiceCategory
from core.filtersets import KeyedModelMultipleChoiceFilter, MonthFilter
from scorecards.models import Scorecard
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
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month (YYYY-MM)")
    standing = django_filters.CharFilter(
        lookup_expr="iexact", label="Standing", help_text="The standing's name, e.g. strategic, preferred, watch, exit."
    )
    scored = django_filters.BooleanFilter(
        field_name="score", lookup_expr="isnull", exclude=True, label="Has a score (false: months without activity)"
    )

    class Meta:
        model = Scorecard
        fields = ["provider", "category", "period_from", "period_to", "standing", "scored"]
