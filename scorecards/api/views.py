"""REST endpoints: scorecards per provider and month, with their breakdown."""

from rest_framework import mixins, viewsets

from scorecards import filtersets, selectors
from scorecards.api.serializers import ScorecardSerializer
from scorecards.models import Scorecard


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Provider scorecards per month: score (null without activity), standing and the breakdown of
    every criterion's inputs, weight and points; filters take provider names and category codes."""

    queryset = Scorecard.objects.none()
    serializer_class = ScorecardSerializer
    filterset_class = filtersets.ScorecardFilterSet
    ordering_fields = ["score", "period", "standing"]

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user)
