"""REST endpoints for scorecard templates: list, create, versions, and the back-test of a change.

``POST /scorecard-templates/{id}/versions/`` saves a new version (weights summing to 100,
bands covering 0–100) and queues the recomputation of history under it; ``POST
/scorecard-templates/{id}/backtest/`` answers what the same body would do to the last 12
months of every provider, storing nothing. Writes need procurement's permissions.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import MeasureField
from savings.api.serializers import MonthSerializerField
from scorecards import scoring, selectors, template_services
from scorecards.models import ScorecardCriterion, ScorecardTemplate, ScorecardTemplateVersion

# --- Representations -------------------------------------------------------------------


class CriterionSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=50, help_text="What manual ratings name (e.g. relationship).")
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=ScorecardCriterion.Kind.choices,
        help_text="The scoring rule: sla, cost, risk, or manual (the median of the reviewers' ratings).",
    )
    weight = MeasureField(
        max_digits=6, decimal_places=2, min_value=0, max_value=100, help_text="Out of 100; the weights sum to 100."
    )


class BandSerializer(serializers.Serializer):
    standing = serializers.CharField(max_length=50)
    lower = MeasureField(
        max_digits=6, decimal_places=2, min_value=0, max_value=100, help_text="The band's lowest score (inclusive)."
    )
    consequence = serializers.ChoiceField(
        choices=list(scoring.CONSEQUENCES.items()),
        required=False,
        default="",
        allow_blank=True,
        help_text="What the standing entails once a reviewer confirms it: '', probation or no_new_contracts.",
    )


class VersionSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.name", read_only=True)
    template_id = serializers.IntegerField(read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    bands = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)
    scorecards = serializers.SerializerMethodField(help_text="How many scorecards are stored under this version.")

    class Meta:
        model = ScorecardTemplateVersion
        fields = [
            "id",
            "template",
            "template_id",
            "number",
            "note",
            "criteria",
            "bands",
            "created_by",
            "created_at",
            "history_recomputed_at",
            "scorecards",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_scorecards(self, version: ScorecardTemplateVersion) -> int:
        return version.scorecards.count()

    @extend_schema_field(BandSerializer(many=True))
    def get_bands(self, version: ScorecardTemplateVersion) -> list[dict[str, Any]]:
        """Highest first, each running from ``lower`` up to the next band's."""
        bands = sorted(version.band_list(), key=lambda b: b.lower, reverse=True)
        return list(BandSerializer(bands, many=True).data)


class TemplateSerializer(serializers.ModelSerializer):
    current_version = VersionSerializer(read_only=True, allow_null=True)
    versions = serializers.IntegerField(source="versions.count", read_only=True, help_text="How many versions.")

    class Meta:
        model = ScorecardTemplate
        fields = ["id", "name", "description", "is_default", "versions", "current_version", "created_at"]
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer):
    """A template version to back-test or save: criteria with weights summing to 100, bands covering 0–100."""

    criteria = CriterionSerializer(many=True, allow_empty=False)
    bands = BandSerializer(many=True, allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What changed, and why.")

    def candidate(self) -> template_services.Candidate:
        data = self.validated_data
        return template_services.Candidate(
            criteria=[
                template_services.CriterionSpec(c["code"], c["name"], c["kind"], c["weight"]) for c in data["criteria"]
            ],
            bands=[{**b, "lower": float(b["lower"])} for b in data["bands"]],
            note=data.get("note", ""),
        )


class TemplateCreateSerializer(CandidateSerializer):
    """A new template (not the default) with its version 1."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        if ScorecardTemplate.objects.filter(name__iexact=value).exists():
            raise serializers.ValidationError("A template of that name exists.")
        return value


class BacktestRowSerializer(serializers.Serializer):
    provider = serializers.CharField()
    provider_id = serializers.IntegerField()
    month = MonthSerializerField(source="period")
    old_score = serializers.FloatField(allow_null=True, help_text="Stored under the current version; null: none.")
    new_score = serializers.FloatField(allow_null=True, help_text="Under the candidate; null: no score.")
    change = serializers.FloatField(allow_null=True, help_text="new − old, when both exist.")
    old_standing = serializers.CharField(allow_blank=True)
    new_standing = serializers.CharField(allow_blank=True)
    standing_changed = serializers.BooleanField()


class BacktestSerializer(serializers.Serializer):
    months = serializers.ListField(child=MonthSerializerField(), help_text="The months back-tested, oldest first.")
    providers = serializers.IntegerField()
    standing_changes = serializers.IntegerField()
    upgrades = serializers.IntegerField()
    downgrades = serializers.IntegerField()
    scores_up = serializers.IntegerField()
    scores_down = serializers.IntegerField()
    scores_unchanged = serializers.IntegerField()
    mean_change = serializers.FloatField(allow_null=True)
    rows = BacktestRowSerializer(many=True)


# --- Views -----------------------------------------------------------------------------


class ScorecardTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Scorecard templates: criteria (weights summing to 100, a scoring rule each) and standing bands, versioned."""

    queryset = ScorecardTemplate.objects.none()
    serializer_class = TemplateSerializer
    filterset_class = None
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user).prefetch_related("versions__criteria")

    @extend_schema(request=TemplateCreateSerializer, responses={201: TemplateSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new template with its version 1; its history is scored under it in the background."""
        body = TemplateCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = template_services.template_create(
            name=body.validated_data["name"],
            description=body.validated_data.get("description", ""),
            candidate=body.candidate(),
            user=request.user,
        )
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses=VersionSerializer(many=True), filters=False, operation_id="template_versions_list"
    )
    @extend_schema(
        methods=["POST"],
        request=CandidateSerializer,
        responses={201: VersionSerializer},
        operation_id="template_versions_create",
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """GET: the template's versions, newest first. POST: save a new version (numbered next) and
        recompute history under it; the earlier versions' scorecards stay stored."""
        template = self.get_object()
        if request.method == "POST":
            body = CandidateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            version = template_services.template_version_create(template, body.candidate(), user=request.user)
            data = VersionSerializer(version).data
            location = request.build_absolute_uri(f"{request.path}{version.number}/")
            return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})
        page = self.paginate_queryset(selectors.template_version_list(user=request.user, template_id=template.pk))
        return self.get_paginated_response(VersionSerializer(page, many=True).data)

    @extend_schema(
        responses=VersionSerializer,
        filters=False,
        parameters=[OpenApiParameter("number", int, OpenApiParameter.PATH, description="The version's number.")],
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)")
    def version(self, request: Request, pk: str | None = None, number: str | None = None) -> Response:
        """One version of the template: criteria, weights, scoring rules, bands, note, who saved it and when."""
        template = self.get_object()
        version = get_object_or_404(
            selectors.template_version_list(user=request.user, template_id=template.pk), number=int(number or 0)
        )
        return Response(VersionSerializer(version).data)

    @extend_schema(request=CandidateSerializer, responses={200: BacktestSerializer}, filters=False)
    @action(detail=True, methods=["post"])
    def backtest(self, request: Request, pk: str | None = None) -> Response:
        """What saving this body as the next version would do to the last 12 months of every provider:
        old score (stored, current version), new score, standing changes and counts. Stores nothing."""
        template = self.get_object()
        body = CandidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        months = template_services.backtest_months()
        result = template_services.template_backtest(template, body.candidate(), months=months)
        payload = {**result.__dict__, "months": months}
        return Response(BacktestSerializer(payload).data)
