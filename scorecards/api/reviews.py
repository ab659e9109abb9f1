"""REST endpoints of the procurement review: reviews, improvement plans and their actions,
standing consequences, and the scorecard downloads (PDF, CSV, XLSX).

Reads need the view permission (every role). Writes need the scorecards permission they
change, which only procurement (and superusers) hold: operations, viewers and API clients get
403. A status change the review's status has no arrow for answers 409 naming the status
(``scorecards.review_flow``); missing input (a decision to approve) answers 400 naming it.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.exceptions import Conflict, ErrorResponseSerializer
from core.api.fields import LookupRelatedField, MeasureField
from core.api.permissions import ModelPermissions
from core.api.views import StrictQueryParamsMixin
from core.months import parse_month
from savings.api.serializers import MonthSerializerField
from scorecards import exports, filtersets, review_filtersets, review_flow, review_services, selectors
from scorecards.models import (
    ImprovementAction,
    ImprovementPlan,
    ReviewComment,
    Scorecard,
    ScorecardReview,
    StandingConsequence,
)
from scorecards.review_selectors import consequence_list, plan_list, review_list
from vendors.models import Provider

CONFLICT = OpenApiResponse(
    ErrorResponseSerializer, description="The status has no such arrow; `detail` names the current status."
)


def _user_field(**kwargs: Any) -> LookupRelatedField:
    return LookupRelatedField(queryset=User.objects.filter(is_active=True), slug_field="username", **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}", "example": "2026-10"})
class MonthInputField(serializers.Field):
    """A month given as ``YYYY-MM`` (or a date in it)."""

    def to_internal_value(self, data: Any) -> dt.date:
        try:
            return parse_month(str(data))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}"


def _conflict(error: review_flow.TransitionNotAllowed) -> Conflict:
    return Conflict(error.message)


def can(perm: str) -> type[BasePermission]:
    """A permission class for one write: reading the model plus ``perm`` (procurement, superusers)."""

    class Can(BasePermission):
        message = "Only procurement reviewers can do this; your role reads scorecard reviews."

        def has_permission(self, request: Any, view: Any) -> bool:
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(perm))

    Can.__name__ = f"Can_{perm.split('.')[-1]}"
    return Can


WRITE = [IsAuthenticated, ModelPermissions]


# --- Serializers ---------------------------------------------------------------------------


class ReviewCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = ReviewComment
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ImprovementActionSerializer(serializers.ModelSerializer):
    owner = _user_field(help_text="Who does it (id or user name).")
    plan = serializers.IntegerField(source="plan_id", read_only=True)

    class Meta:
        model = ImprovementAction
        fields = ["id", "plan", "description", "owner", "due_date", "done", "done_at"]
        read_only_fields = ["id", "plan", "done_at"]


class ImprovementPlanSerializer(serializers.ModelSerializer):
    review = serializers.PrimaryKeyRelatedField(queryset=ScorecardReview.objects.all())
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    owner = _user_field(help_text="Who owns the plan (id or user name).")
    actions = ImprovementActionSerializer(many=True, required=False, help_text="Its actions (at least one to approve).")
    closed_by = serializers.CharField(source="closed_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "review",
            "provider",
            "provider_id",
            "title",
            "status",
            "owner",
            "due_date",
            "actions",
            "closed_by",
            "closed_at",
            "closing_note",
            "created_at",
        ]
        read_only_fields = ["id", "status", "closed_at", "closing_note", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> ImprovementPlan:
        actions = validated_data.pop("actions", [])
        review = validated_data.pop("review")
        return review_services.plan_create(
            review, user=self.context["request"].user, actions=[dict(a) for a in actions], **validated_data
        )


class PlanSummarySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    actions = ImprovementActionSerializer(many=True, read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "title", "status", "owner", "due_date", "actions"]
        read_only_fields = fields


class ScorecardReviewSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:scorecard-review-detail")
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    month = MonthSerializerField(source="period", read_only=True)
    scorecard = serializers.IntegerField(source="scorecard_id", read_only=True, allow_null=True)
    score = MeasureField(
        source="scorecard.score", decimal_places=2, read_only=True, allow_null=True, help_text="0–100, or null."
    )
    standing = serializers.CharField(source="scorecard.standing", read_only=True, allow_null=True, default=None)
    decision_owner = serializers.CharField(
        source="decision_owner.username", read_only=True, allow_null=True, default=None
    )
    started_by = serializers.CharField(source="started_by.username", read_only=True, allow_null=True, default=None)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)
    decision = serializers.ChoiceField(
        choices=ScorecardReview.Decision.choices,
        allow_blank=True,
        read_only=True,
        help_text='The decision; "" while none is recorded.',
    )
    allowed_actions = serializers.SerializerMethodField(help_text="The status changes open now (POST them).")
    comments = ReviewCommentSerializer(many=True, read_only=True)
    improvement_plan = serializers.SerializerMethodField()

    class Meta:
        model = ScorecardReview
        fields = [
            "id",
            "url",
            "provider",
            "provider_id",
            "month",
            "scorecard",
            "score",
            "standing",
            "status",
            "decision",
            "decision_owner",
            "due_date",
            "started_by",
            "approved_by",
            "approved_at",
            "allowed_actions",
            "comments",
            "improvement_plan",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, review: ScorecardReview) -> list[str]:
        return review_flow.allowed_actions(review.status)

    @extend_schema_field(PlanSummarySerializer(allow_null=True))
    def get_improvement_plan(self, review: ScorecardReview) -> dict[str, Any] | None:
        plan = ImprovementPlan.objects.filter(review=review).first()
        return PlanSummarySerializer(plan).data if plan else None


class ReviewStartSerializer(serializers.Serializer):
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name")
    month = MonthInputField(help_text="The month reviewed, YYYY-MM (the provider needs a scorecard for it).")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ScorecardReview.Decision.choices, required=False, allow_blank=True)
    decision_owner = _user_field(required=False, allow_null=True, help_text="Who carries it out (id or user name).")
    due_date = serializers.DateField(required=False, allow_null=True)


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class ScorecardReviewActSerializer(serializers.Serializer):
    """What ``POST /scorecards/{id}/reviews/`` does: start (default), comment, or a status change."""

    action = serializers.ChoiceField(
        choices=["start", "comment", *review_flow.TRANSITIONS], default="start", required=False
    )
    text = serializers.CharField(required=False, help_text="The comment (action `comment`).")
    decision = serializers.ChoiceField(choices=ScorecardReview.Decision.choices, required=False)
    decision_owner = _user_field(required=False, help_text="Who carries the decision out (id or user name).")
    due_date = serializers.DateField(required=False)


class ActionDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why (kept with the consequence).")


class StandingConsequenceSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    month = MonthSerializerField(source="period", read_only=True)
    scorecard = serializers.IntegerField(source="scorecard_id", read_only=True, allow_null=True)
    score = MeasureField(decimal_places=2, read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)
    lifted_by = serializers.CharField(source="lifted_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = StandingConsequence
        fields = [
            "id",
            "provider",
            "provider_id",
            "month",
            "scorecard",
            "kind",
            "standing",
            "score",
            "status",
            "decided_by",
            "decided_at",
            "reason",
            "lifted_by",
            "lifted_at",
            "lift_reason",
            "created_at",
        ]
        read_only_fields = fields


# --- Views ---------------------------------------------------------------------------------


def _act_on_review(review: ScorecardReview, action: str, data: dict[str, Any], user: Any) -> ScorecardReview:
    """One status change (with the decision an approval brings); 409 for a missing arrow."""
    try:
        return review_services.review_transition(
            review,
            action,
            user=user,
            decision=data.get("decision"),
            decision_owner=data.get("decision_owner"),
            due_date=data.get("due_date"),
        )
    except review_flow.TransitionNotAllowed as error:
        raise _conflict(error) from error


class ScorecardReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Procurement reviews of a provider's month: draft → in review → approved, with comments and a
    decision (keep, grow, watch, improvement plan, exit) with its owner and due date.

    Filters: ``provider`` (id or name), ``status``, ``decision``, ``period`` (YYYY-MM),
    ``period_from``/``period_to``, ``q``. Writes: procurement only.
    """

    queryset = ScorecardReview.objects.none()
    serializer_class = ScorecardReviewSerializer
    filterset_class = review_filtersets.ScorecardReviewFilterSet
    ordering_fields = ["period", "status", "decision", "due_date", "approved_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return review_list(user=self.request.user).prefetch_related("comments__author")

    @extend_schema(
        request=ReviewStartSerializer,
        responses={201: ScorecardReviewSerializer, 200: ScorecardReviewSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start the review of a provider's month (``provider``, ``month``): ``201`` with the new draft,
        or ``200`` with the review the month already has."""
        start = ReviewStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        review, created = review_services.review_start(
            provider=start.validated_data["provider"], period=start.validated_data["month"], user=request.user
        )
        body = ScorecardReviewSerializer(review, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=DecisionSerializer, responses={200: ScorecardReviewSerializer, 409: CONFLICT})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the decision, its owner and due date before approval (409 once approved)."""
        review = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "decision": data.validated_data.get("decision", review.decision),
            "decision_owner": data.validated_data.get("decision_owner", review.decision_owner),
            "due_date": data.validated_data.get("due_date", review.due_date),
        }
        try:
            review = review_services.review_set_decision(review, user=request.user, **values)
        except review_flow.TransitionNotAllowed as error:
            raise _conflict(error) from error
        return Response(self.get_serializer(review).data)

    @extend_schema(request=CommentInputSerializer, responses={201: ReviewCommentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.add_reviewcomment")])
    def comments(self, request: Request, pk: Any = None) -> Response:
        """Add a comment to the review (procurement)."""
        review = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = review_services.review_comment(review, author=request.user, text=data.validated_data["text"])
        return Response(ReviewCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    def _transition(self, request: Request, action_name: str) -> Response:
        review = self.get_object()
        data = DecisionSerializer(data=request.data) if action_name == "approve" else None
        if data is not None:
            data.is_valid(raise_exception=True)
        review = _act_on_review(review, action_name, dict(data.validated_data) if data else {}, request.user)
        return Response(self.get_serializer(review).data)

    @extend_schema(request=None, responses={200: ScorecardReviewSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_scorecardreview")])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submit a draft for review (409 from any other status)."""
        return self._transition(request, "submit")

    @extend_schema(request=None, responses={200: ScorecardReviewSerializer, 409: CONFLICT})
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        permission_classes=[*WRITE, can("scorecards.change_scorecardreview")],
    )
    def return_to_draft(self, request: Request, pk: Any = None) -> Response:
        """Return a review in review to draft, for changes (409 from any other status)."""
        return self._transition(request, "return")

    @extend_schema(request=DecisionSerializer, responses={200: ScorecardReviewSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_scorecardreview")])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve a review in review, with its decision, owner and due date (sent here or recorded before).

        400 naming what is missing (a decision, its owner or due date; for "improvement plan", a plan
        with at least one action); 409 if the review is not in review.
        """
        return self._transition(request, "approve")


class ScorecardReviewsView(StrictQueryParamsMixin, generics.GenericAPIView):
    """The review of one scorecard's provider and month."""

    queryset = Scorecard.objects.none()
    serializer_class = ScorecardReviewActSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "POST":
            return [IsAuthenticated(), ModelPermissions(), can("scorecards.change_scorecardreview")()]
        return [IsAuthenticated(), ModelPermissions()]

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user)

    def _card(self, pk: int) -> Scorecard:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(responses={200: ScorecardReviewSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The review of the scorecard's provider and month (404 while there is none)."""
        card = self._card(pk)
        review = review_list(user=request.user).filter(provider=card.provider_id, period=card.period).first()
        if review is None:
            # Say what is missing and how to start it, not Django's "No ScorecardReview matches …".
            raise NotFound(
                f"{card.provider} has no review of {card.period:%Y-%m} yet; a procurement reviewer starts it "
                "with POST {} to this address."
            )
        return Response(ScorecardReviewSerializer(review, context={"request": request}).data)

    @extend_schema(
        request=ScorecardReviewActSerializer,
        responses={200: ScorecardReviewSerializer, 201: ScorecardReviewSerializer, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Start the review of this scorecard's provider and month (``{}`` or ``{"action": "start"}``:
        201, or 200 with the one there is), or act on it: ``{"action": "comment", "text": …}``,
        ``{"action": "submit"}``, ``{"action": "return"}``, ``{"action": "approve", "decision": …,
        "decision_owner": …, "due_date": …}``. Procurement only; 409 names the current status when the
        action is not open from it."""
        card = self._card(pk)
        data = ScorecardReviewActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        act = values.pop("action", "start")
        if act == "comment" and not values.get("text", "").strip():
            raise serializers.ValidationError({"text": ["Write the comment."]})
        review, created = review_services.review_start(provider=card.provider, period=card.period, user=request.user)
        if act == "comment":
            review_services.review_comment(review, author=request.user, text=values["text"])
        elif act != "start":
            review = _act_on_review(review, act, values, request.user)
        review.refresh_from_db()
        body = ScorecardReviewSerializer(review, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created and act == "start" else status.HTTP_200_OK)


class ImprovementPlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Improvement plans agreed in reviews: actions with owners and due dates; open until closed.

    Filters: ``provider``, ``status`` (open, closed), ``due_from``/``due_to``, ``q``. Writes: procurement.
    """

    queryset = ImprovementPlan.objects.none()
    serializer_class = ImprovementPlanSerializer
    filterset_class = review_filtersets.ImprovementPlanFilterSet
    ordering_fields = ["due_date", "status", "created_at"]

    def get_queryset(self):
        return plan_list(user=self.request.user).order_by("due_date", "pk")

    @extend_schema(request=ImprovementActionSerializer, responses={201: ImprovementActionSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="actions",
        permission_classes=[*WRITE, can("scorecards.add_improvementaction")],
    )
    def add_action(self, request: Request, pk: Any = None) -> Response:
        """Add an action (description, owner, due date) to an open plan."""
        plan = self.get_object()
        data = ImprovementActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k in ("description", "owner", "due_date")}
        created = review_services.plan_add_action(plan, user=request.user, **values)
        return Response(ImprovementActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseSerializer, responses={200: ImprovementPlanSerializer})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_improvementplan")])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close the plan (it leaves the provider page), with an optional note; 400 if already closed."""
        plan = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = review_services.plan_close(plan, user=request.user, note=data.validated_data["note"])
        return Response(self.get_serializer(plan).data)


class ImprovementActionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One action of an improvement plan; ``PATCH {"done": true}`` marks it done (procurement)."""

    queryset = ImprovementAction.objects.none()
    serializer_class = ImprovementActionSerializer
    http_method_names = ["get", "patch", "head", "options"]
    filter_backends: list[Any] = []

    def get_queryset(self):
        return ImprovementAction.objects.filter(plan__in=plan_list(user=self.request.user)).select_related("owner")

    @extend_schema(request=ActionDoneSerializer, responses={200: ImprovementActionSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark the action done or not done (400 once its plan is closed)."""
        item = self.get_object()
        data = ActionDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = review_services.action_set_done(item, user=request.user, done=data.validated_data["done"])
        return Response(self.get_serializer(item).data)


class StandingConsequenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Consequences a scorecard's standing band carries (probation, no new contracts).

    Proposed by the recomputation (``pending``); they take effect on the provider only when a
    procurement reviewer confirms them, and end when one lifts them. Filters: ``provider``,
    ``kind``, ``status``, ``period_from``/``period_to``.
    """

    queryset = StandingConsequence.objects.none()
    serializer_class = StandingConsequenceSerializer
    filterset_class = review_filtersets.StandingConsequenceFilterSet
    ordering_fields = ["period", "status", "kind"]

    def get_queryset(self):
        return consequence_list(user=self.request.user).select_related("lifted_by")

    def _act(self, request: Request, service: Any) -> Response:
        consequence = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            consequence = service(consequence, user=request.user, reason=data.validated_data["reason"])
        except review_flow.TransitionNotAllowed as error:
            raise _conflict(error) from error
        return Response(self.get_serializer(consequence).data)

    @extend_schema(request=ReasonSerializer, responses={200: StandingConsequenceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_standingconsequence")])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Confirm a pending consequence, with a reason: it takes effect on the provider now."""
        return self._act(request, review_services.consequence_confirm)

    @extend_schema(request=ReasonSerializer, responses={200: StandingConsequenceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_standingconsequence")])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        """Dismiss a pending consequence, with a reason: it never takes effect."""
        return self._act(request, review_services.consequence_dismiss)

    @extend_schema(request=ReasonSerializer, responses={200: StandingConsequenceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[*WRITE, can("scorecards.change_standingconsequence")])
    def lift(self, request: Request, pk: Any = None) -> Response:
        """Lift a confirmed consequence, with a reason: the provider's flag clears."""
        return self._act(request, review_services.consequence_lift)


# --- Downloads -----------------------------------------------------------------------------


class ScorecardPdfView(StrictQueryParamsMixin, generics.GenericAPIView):
    """A scorecard as a one-page PDF: provider, month, score, standing, rank, every criterion with its
    weight and points, the criteria left out, the template version, and the review's status and decision."""

    queryset = Scorecard.objects.none()
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        return exports.pdf_response(get_object_or_404(self.get_queryset(), pk=pk))


class _ScorecardTableView(generics.GenericAPIView):
    queryset = Scorecard.objects.none()
    filterset_class = filtersets.ScorecardFilterSet
    ordering_fields = ["score", "period", "standing"]
    pagination_class = None

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user)

    def _cards(self) -> Any:
        return self.filter_queryset(self.get_queryset())


class ScorecardCsvView(_ScorecardTableView):
    """The scorecard table as CSV, filtered and ordered as ``GET /scorecards/`` is: one row per
    scorecard with each criterion's points and the review's status and decision; formula-safe."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: Request) -> Any:
        return exports.csv_response(self._cards(), today=timezone.localdate())


class ScorecardXlsxView(_ScorecardTableView):
    """The scorecard table as an Excel workbook, filtered as ``GET /scorecards/`` is; formula-safe."""

    @extend_schema(responses={(200, exports.XLSX_TYPE): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponse:
        return exports.xlsx_response(self._cards(), today=timezone.localdate())
