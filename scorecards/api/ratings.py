"""REST endpoints for manual ratings: reviewers rate manual criteria; the provider-month is rescored.

``POST /manual-ratings/`` rates as the requesting user (201 for a first rating, 200 when it
edits the user's earlier one); reading lists every reviewer's ratings so the median can be
checked. Writes need procurement's permissions; a reviewer edits only their own rating.
"""

from typing import Any, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.audit import AuditTrailMixin
from core.api.fields import LookupRelatedField, MeasureField
from core.months import parse_month
from scorecards import filtersets, rating_services, selectors
from scorecards.models import ManualRating
from vendors.models import Provider


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class MonthInputField(serializers.Field):
    """A calendar month, ``YYYY-MM`` (a full ISO date names its month)."""

    def to_internal_value(self, data: Any):
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the month as YYYY-MM, e.g. 2026-10.")
        try:
            return parse_month(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value: Any) -> str:
        return value.strftime("%Y-%m")


class ManualRatingSerializer(serializers.ModelSerializer):
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name")
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    month = MonthInputField(source="period")
    criterion = serializers.SlugField(max_length=50, help_text="A manual criterion's code, e.g. relationship.")
    reviewer = serializers.CharField(source="reviewer.username", read_only=True, help_text="Who rated (the requester).")
    rating = MeasureField(max_digits=6, decimal_places=2, min_value=0, max_value=100, help_text="0–100.")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    class Meta:
        model = ManualRating
        fields = [
            "id",
            "provider",
            "provider_name",
            "month",
            "criterion",
            "reviewer",
            "rating",
            "comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "provider_name", "reviewer", "created_at", "updated_at"]
        validators: list = []  # one rating per reviewer is an upsert here, not a refusal


class ManualRatingUpdateSerializer(serializers.Serializer):
    rating = MeasureField(max_digits=6, decimal_places=2, min_value=0, max_value=100, help_text="0–100.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ManualRatingViewSet(
    AuditTrailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reviewers' 0–100 ratings of manual criteria (relationship, innovation) per provider and month.

    Several reviewers' ratings combine by their median into the scorecard; each save rescores
    that provider-month."""

    queryset = ManualRating.objects.none()
    serializer_class = ManualRatingSerializer
    filterset_class = filtersets.ManualRatingFilterSet
    ordering_fields = ["period", "rating", "criterion", "updated_at"]

    def get_queryset(self):
        return selectors.manual_rating_list(user=self.request.user)

    @extend_schema(responses={200: ManualRatingSerializer, 201: ManualRatingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Rate a provider-month on a manual criterion as the requesting user: 201 for a first rating,
        200 when it replaces the user's earlier one (the change is kept in its history)."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rating, created = rating_services.manual_rating_save(
            provider=data["provider"],
            period=data["period"],
            criterion=data["criterion"],
            reviewer=cast(User, request.user),
            rating=data["rating"],
            comment=data.get("comment", ""),
        )
        return Response(
            self.get_serializer(rating).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=ManualRatingUpdateSerializer, responses=ManualRatingSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the rating or comment of one's own rating (another reviewer's: 403)."""
        rating = self.get_object()
        if rating.reviewer_id != request.user.pk:
            raise PermissionDenied("Only the reviewer who gave a rating may change it; rate it yourself instead.")
        body = ManualRatingUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        saved, _ = rating_services.manual_rating_save(
            provider=rating.provider,
            period=rating.period,
            criterion=rating.criterion,
            reviewer=cast(User, request.user),
            rating=body.validated_data.get("rating", rating.rating),
            comment=body.validated_data.get("comment", rating.comment),
        )
        return Response(self.get_serializer(saved).data)

    @extend_schema(request=ManualRatingUpdateSerializer, responses=ManualRatingSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the rating or the comment of one's own rating."""
        return self.update(request, *args, partial=True, **kwargs)
