"""REST endpoints: scorecards per provider and month with their breakdown, and a provider's trend."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lookups import get_by_key_or_404
from core.api.views import StrictQueryParamsMixin
from scorecards import filtersets, selectors
from scorecards.api.serializers import ProviderTrendSerializer, ScorecardDetailSerializer, ScorecardSerializer
from scorecards.models import Scorecard
from vendors.filtersets import PROVIDER_KEYS
from vendors.selectors import provider_list


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Provider scorecards per month: score (null without activity), standing, rank in the provider's
    category, change against the previous month, the overall recency-weighted score, and the
    breakdown of every criterion's inputs, weight and points; filters take provider names and
    category codes or names."""

    queryset = Scorecard.objects.none()
    serializer_class = ScorecardSerializer
    filterset_class = filtersets.ScorecardFilterSet
    ordering_fields = ["score", "rank", "period", "standing", "change", "overall_score"]

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user)

    def get_serializer_class(self):
        return ScorecardDetailSerializer if self.action == "retrieve" else ScorecardSerializer


class ProviderScorecardTrendView(StrictQueryParamsMixin, APIView):
    """``/providers/{provider}/scorecard-trend/``: the provider's last 12 months (month, score,
    standing, rank, change), its overall recency-weighted score with the weight each month got,
    and the quarter and year roll-ups. Served by ``scorecards`` under the provider's URL, so
    ``vendors`` knows nothing of scorecards."""

    queryset = Scorecard.objects.none()  # for the permission check: view_scorecard

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "provider",
                str,
                OpenApiParameter.PATH,
                pattern="^[^/]+$",
                description="The provider's id or its name.",
            ),
        ],
        responses=ProviderTrendSerializer,
    )
    def get(self, request: Request, provider: str) -> Response:
        from scorecards.services import default_version

        found = get_by_key_or_404(provider_list(user=request.user), provider, PROVIDER_KEYS)
        version = default_version()
        trend = selectors.provider_trend(user=request.user, provider_id=found.pk, version=version)
        rollups = (
            selectors.provider_rollups(provider_id=found.pk, version=version, until=trend.until)
            if version is not None and trend.until is not None
            else []
        )
        body = {
            "provider": str(found),
            "provider_id": found.pk,
            "template": version.template.name if version else None,
            "template_version": version.number if version else None,
            "months": trend.months,
            "overall_score": trend.overall_score,
            "overall_weights": trend.overall_weights,
            "rollups": rollups,
        }
        return Response(ProviderTrendSerializer(body).data)
