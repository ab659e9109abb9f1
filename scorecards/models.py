"""Scorecard templates (versioned criteria, weights and standing bands), stored scorecards and manual ratings."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from scorecards import scoring
from vendors.models import Provider

POINTS: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}
ZERO_TO_100 = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ScorecardTemplate(TimeStampedModel):
    """A named way to score providers; what it scores with lives in its numbered versions.

    A template is never edited in place: a change is a new version, so every stored scorecard
    still names the version (criteria, weights, bands) that scored it.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="The template the recomputation scores providers with.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_template")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecards:scorecardtemplate", args=[self.pk])

    @property
    def current_version(self) -> "ScorecardTemplateVersion | None":
        return self.versions.order_by("-number").first()


def default_bands() -> list[dict]:
    return [{"standing": b.standing, "lower": b.lower, "consequence": b.consequence} for b in scoring.DEFAULT_BANDS]


class ScorecardTemplateVersion(TimeStampedModel):
    """One version of a template: its criteria (weights summing to 100) and standing bands.

    ``bands`` is a list of ``{"standing": …, "lower": …, "consequence": …}``, each band
    running from its ``lower`` score up to the next band's; they must cover 0–100 with no gap
    or overlap (``scoring.validate_bands``). ``consequence`` ("", "probation",
    "no_new_contracts"; "" when absent) is what the standing entails once a reviewer confirms it.
    """

    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.TextField(blank=True, help_text="What changed against the previous version, and why.")
    bands = models.JSONField(default=default_bands)
    # --- template editing (issue #11): who saved the version, and when its history was
    # recomputed under it (null while the recomputation is queued or running).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history_recomputed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every stored month was last recomputed under this version."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["template__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="one_template_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("scorecards:scorecardtemplateversion", args=[self.template_id, self.number])

    def band_list(self) -> list[scoring.Band]:
        return [
            scoring.Band(str(b["standing"]), float(b["lower"]), str(b.get("consequence") or "")) for b in self.bands
        ]

    def scoring_criteria(self) -> list[scoring.Criterion]:
        return [scoring.Criterion(c.code, c.name, float(c.weight)) for c in self.criteria.all()]

    def clean(self) -> None:
        try:
            scoring.validate_bands(self.band_list())
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValidationError({"bands": str(error)})

    def validate_criteria(self) -> None:
        """The saved criteria's weights sum to 100 (a version is complete only then)."""
        try:
            scoring.validate_weights([float(c.weight) for c in self.criteria.all()])
        except ValueError as error:
            raise ValidationError({"criteria": str(error)})


class ScorecardCriterion(models.Model):
    """A criterion of a template version: what it scores (``kind``) and its weight out of 100.

    Manual criteria (relationship, innovation) are rated by reviewers; ``code`` is what a
    ``ManualRating`` names.
    """

    class Kind(models.TextChoices):
        SLA = "sla", "SLA performance"
        COST = "cost", "Cost"
        RISK = "risk", "Risk and compliance"
        MANUAL = "manual", "Manual (rated by reviewers)"

    version = models.ForeignKey(ScorecardTemplateVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    weight = models.DecimalField(validators=ZERO_TO_100, **POINTS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "-weight", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_criterion_code_per_version"),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="criterion_weight_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class Scorecard(models.Model):
    """A provider's month scored under one template version (``scorecards.services``).

    ``score`` is null when the provider had no activity in the month (no score, never a
    default); ``breakdown`` lists every criterion with its inputs, weight, effective weight
    and points, and which criteria were left out for lack of data.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="scorecards")
    period = models.DateField(help_text="First day of the month.")
    template_version = models.ForeignKey(ScorecardTemplateVersion, on_delete=models.PROTECT, related_name="scorecards")
    score = models.DecimalField(null=True, blank=True, validators=ZERO_TO_100, **POINTS)
    standing = models.CharField(max_length=50, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, help_text="Why there is no score, or which criteria were left out.")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-period", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "period", "template_version"], name="one_scorecard_per_provider_month_version"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="scorecard_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["period"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.period:%Y-%m}: {self.score if self.score is not None else 'no score'}"


class ManualRating(TimeStampedModel):
    """A reviewer's 0–100 rating of a provider on a manual criterion for a month, with a comment.

    Several reviewers' ratings combine by their median (``scoring.manual_criterion``); one
    reviewer has one rating per provider, month and criterion (a change edits it, audited).
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="manual_ratings")
    period = models.DateField(help_text="First day of the month.")
    criterion = models.SlugField(max_length=50, help_text="The manual criterion's code (e.g. relationship).")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="manual_ratings")
    rating = models.DecimalField(validators=ZERO_TO_100, **POINTS)
    comment = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "provider__name", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "period", "criterion", "reviewer"], name="one_rating_per_reviewer"
            ),
            models.CheckConstraint(condition=Q(rating__gte=0, rating__lte=100), name="manual_rating_0_100"),
            models.CheckConstraint(condition=Q(period__day=1), name="manual_rating_period_is_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.period:%Y-%m} {self.criterion}: {self.rating}"


# --- Procurement review of scorecards: reviews, comments, improvement plans, standing consequences ---
# (scorecards.review_flow holds the allowed status changes; scorecards.review_services makes them.)


class ScorecardReview(TimeStampedModel):
    """Procurement's review of a provider's month: draft → in review → approved, ending in a decision.

    One review per provider and month; it reads the provider's scorecard of that month
    (``scorecard``, the default template's when the review was started). The status changes
    only through ``scorecards.review_services.review_transition`` along the arrows of
    ``scorecards.review_flow``; approving needs a decision with its owner and due date.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep"
        GROW = "grow", "Grow"
        WATCH = "watch", "Watch"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        EXIT = "exit", "Exit"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="scorecard_reviews")
    period = models.DateField(help_text="First day of the month reviewed.")
    scorecard = models.ForeignKey(Scorecard, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecard_decisions",
        help_text="Who carries the decision out.",
    )
    due_date = models.DateField(null=True, blank=True, help_text="When the decision is to be carried out.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "period"], name="one_review_per_provider_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="review_period_is_month_start"),
            models.CheckConstraint(
                condition=~Q(status="approved") | ~Q(decision=""), name="approved_review_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.provider} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("scorecards:scorecardreview", args=[self.pk])


class ReviewComment(TimeStampedModel):
    """A reviewer's comment on a review (comments are added, never edited)."""

    review = models.ForeignKey(ScorecardReview, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.review}"


class ImprovementPlan(TimeStampedModel):
    """What a provider must improve, by when, agreed in a review; on the provider page until closed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    review = models.OneToOneField(ScorecardReview, on_delete=models.CASCADE, related_name="improvement_plan")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="improvement_plans")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.title}"


class ImprovementAction(TimeStampedModel):
    """One action of an improvement plan: what, who, by when, and whether it is done."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class StandingConsequence(TimeStampedModel):
    """A consequence a scorecard's standing band carries (probation, no new contracts), as proposed.

    Proposed (``pending``) by the recomputation when a stored scorecard's band names a
    consequence; it takes effect on the provider only when a procurement reviewer confirms it,
    and ends when a reviewer lifts it. A dismissed one records why it never took effect.
    One per provider, month and kind, so recomputing proposes nothing twice.
    """

    class Kind(models.TextChoices):
        PROBATION = "probation", "Provider on probation"
        NO_NEW_CONTRACTS = "no_new_contracts", "No new contracts"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed (in effect)"
        DISMISSED = "dismissed", "Dismissed"
        LIFTED = "lifted", "Lifted"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="standing_consequences")
    period = models.DateField(help_text="First day of the month whose scorecard proposed it.")
    scorecard = models.ForeignKey(
        Scorecard, null=True, blank=True, on_delete=models.SET_NULL, related_name="consequences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    standing = models.CharField(max_length=50, help_text="The standing whose band carries the consequence.")
    score = models.DecimalField(null=True, blank=True, **POINTS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was confirmed or dismissed.")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "provider__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "period", "kind"], name="one_consequence_per_provider_month"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provider} ({self.period:%Y-%m}, {self.standing})"
