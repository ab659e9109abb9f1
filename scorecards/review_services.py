"""Procurement's review of scorecards: reviews, comments, improvement plans, standing consequences.

Every write of the review workflow ends here, whether it comes from a browser form or the
API, so the rules hold either way:

* a review's status follows the arrows of ``scorecards.review_flow`` only;
* approving needs a decision with its owner and due date, and the decision "improvement plan"
  needs a plan with at least one action;
* a standing consequence (probation, no new contracts) is only *proposed* by the
  recomputation; it changes the provider only when a reviewer confirms it, and a reviewer
  lifts it again. The provider's flags live in ``vendors`` (a lower app, which never reads
  scorecards), so contracts can refuse a new contract without knowing why.

Who may call what is the callers' business (the views and the API check the permissions);
every change is saved with the user for the audit trail.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core import roles
from core.months import month_start
from scorecards import review_flow
from scorecards.models import (
    ImprovementAction,
    ImprovementPlan,
    ReviewComment,
    Scorecard,
    ScorecardReview,
    StandingConsequence,
)
from vendors.models import Provider

Decision = ScorecardReview.Decision
Kind = StandingConsequence.Kind
ConsequenceStatus = StandingConsequence.Status

# django-simple-history keeps a change reason in 100 characters.
REASON_LENGTH = 100


def _audited_save(obj: models.Model, *, user: Any, reason: str = "", fields: Sequence[str] | None = None) -> None:
    """Save ``obj`` with who did it and why for its history (the API has no history middleware)."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    if reason:
        short = reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"
        obj._change_reason = short  # type: ignore[attr-defined]
    if fields is not None:
        obj.save(update_fields=[*fields, "updated_at"])
    else:
        obj.save()


# --- Reviews ---------------------------------------------------------------------------------


def review_scorecard(provider: Provider, period: dt.date) -> Scorecard | None:
    """The scorecard a review of ``provider``'s month reads: the default template's, else the latest version's."""
    cards = Scorecard.objects.filter(provider=provider, period=period).select_related("template_version__template")
    return cards.order_by("-template_version__template__is_default", "-template_version__number", "-pk").first()


@transaction.atomic
def review_start(
    *, provider: Provider, period: dt.date, user: Any, require_scorecard: bool = True
) -> tuple[ScorecardReview, bool]:
    """The review of ``provider``'s month, started now (a draft) unless there is one: (review, created)."""
    period = month_start(period)
    existing = ScorecardReview.objects.filter(provider=provider, period=period).first()
    if existing is not None:
        return existing, False
    scorecard = review_scorecard(provider, period)
    if scorecard is None and require_scorecard:
        raise ValidationError(
            {
                "month": f"{provider} has no scorecard for {period:%Y-%m}; scorecards are computed after the "
                "month's compliance (or by manage.py recompute_scorecards)."
            }
        )
    review = ScorecardReview(
        provider=provider, period=period, scorecard=scorecard, started_by=user if _is_user(user) else None
    )
    review.full_clean(validate_constraints=False)
    _audited_save(review, user=user, reason="Review started")
    return review, True


def _is_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _check_not_approved(review: ScorecardReview, what: str) -> None:
    if review.status == ScorecardReview.Status.APPROVED:
        raise review_flow.TransitionNotAllowed(
            f"The review is approved; its {what} can no longer change.", current=review.status
        )


@transaction.atomic
def review_set_decision(
    review: ScorecardReview,
    *,
    user: Any,
    decision: str,
    decision_owner: Any = None,
    due_date: dt.date | None = None,
) -> ScorecardReview:
    """Record the decision (with who carries it out and by when) before approval."""
    review = ScorecardReview.objects.select_for_update().get(pk=review.pk)
    _check_not_approved(review, "decision")
    if decision and decision not in Decision.values:
        raise ValidationError(
            {"decision": f"“{decision}” is not a decision; choose one of {', '.join(Decision.values)}."}
        )
    review.decision = decision
    review.decision_owner = decision_owner
    review.due_date = due_date
    _audited_save(
        review,
        user=user,
        reason=f"Decision: {review.get_decision_display() or 'none'}",
        fields=["decision", "decision_owner", "due_date"],
    )
    return review


@transaction.atomic
def review_comment(review: ScorecardReview, *, author: Any, text: str) -> ReviewComment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the comment."})
    return ReviewComment.objects.create(review=review, author=author, text=text)


def approval_problems(review: ScorecardReview) -> dict[str, str]:
    """What stands against approving the review (field → message); empty when it may be approved."""
    problems: dict[str, str] = {}
    if not review.decision:
        problems["decision"] = "Approving needs a decision: keep, grow, watch, improvement plan or exit."
    if review.decision_owner_id is None:
        problems["decision_owner"] = "Name who owns the decision (carries it out)."
    if review.due_date is None:
        problems["due_date"] = "Give the date the decision is due."
    if review.decision == Decision.IMPROVEMENT_PLAN:
        plan = ImprovementPlan.objects.filter(review=review).first()
        if plan is None or not plan.actions.exists():
            problems["improvement_plan"] = (
                "The decision “improvement plan” needs an improvement plan with at least one action; "
                "add the plan and its actions first."
            )
    return problems


@transaction.atomic
def review_transition(
    review: ScorecardReview,
    action: str,
    *,
    user: Any,
    decision: str | None = None,
    decision_owner: Any = None,
    due_date: dt.date | None = None,
) -> ScorecardReview:
    """Move the review along an arrow of ``review_flow`` (submit, return, approve).

    ``approve`` may bring the decision, its owner and due date with it (they are stored first);
    it needs all three, and an improvement plan with actions for that decision. Raises
    ``review_flow.TransitionNotAllowed`` for an arrow the current status lacks,
    ``ValidationError`` naming the missing input.
    """
    review = ScorecardReview.objects.select_for_update().select_related("provider").get(pk=review.pk)
    target = review_flow.target_of(action, review.status)
    fields = ["status"]
    if action == "approve":
        if decision is not None:
            if decision and decision not in Decision.values:
                raise ValidationError(
                    {"decision": f"“{decision}” is not a decision; choose one of {', '.join(Decision.values)}."}
                )
            review.decision = decision
            fields.append("decision")
        if decision_owner is not None:
            review.decision_owner = decision_owner
            fields.append("decision_owner")
        if due_date is not None:
            review.due_date = due_date
            fields.append("due_date")
        problems = approval_problems(review)
        if problems:
            raise ValidationError(problems)
        review.approved_by = user if _is_user(user) else None
        review.approved_at = timezone.now()
        fields += ["approved_by", "approved_at"]
    review.status = target
    reason = {
        "submit": "Submitted for review",
        "return": "Returned to draft",
        "approve": f"Approved: {review.get_decision_display()}",
    }[action]
    _audited_save(review, user=user, reason=reason, fields=fields)
    return review


# --- Improvement plans -----------------------------------------------------------------------


@transaction.atomic
def plan_create(
    review: ScorecardReview,
    *,
    user: Any,
    title: str,
    owner: Any,
    due_date: dt.date,
    actions: Iterable[dict[str, Any]] = (),
) -> ImprovementPlan:
    """The review's improvement plan (one per review), with its first actions."""
    if ImprovementPlan.objects.filter(review=review).exists():
        raise ValidationError({"review": f"{review} already has an improvement plan; add actions to it."})
    plan = ImprovementPlan(review=review, provider=review.provider, title=title.strip(), owner=owner, due_date=due_date)
    plan.full_clean()
    _audited_save(plan, user=user, reason="Improvement plan opened")
    for index, item in enumerate(actions):
        try:
            plan_add_action(plan, user=user, **item)
        except ValidationError as error:
            raise ValidationError({f"actions.{index}.{k}": v for k, v in error.message_dict.items()}) from error
    return plan


def _check_open(plan: ImprovementPlan) -> None:
    if plan.status == ImprovementPlan.Status.CLOSED:
        raise ValidationError(f"The improvement plan “{plan.title}” is closed; it no longer changes.")


@transaction.atomic
def plan_add_action(
    plan: ImprovementPlan, *, user: Any, description: str, owner: Any, due_date: dt.date
) -> ImprovementAction:
    _check_open(plan)
    action = ImprovementAction(plan=plan, description=(description or "").strip(), owner=owner, due_date=due_date)
    action.full_clean()
    _audited_save(action, user=user, reason="Action added")
    return action


@transaction.atomic
def action_set_done(action: ImprovementAction, *, user: Any, done: bool) -> ImprovementAction:
    _check_open(action.plan)
    action.done = done
    action.done_at = timezone.now() if done else None
    _audited_save(action, user=user, reason="Done" if done else "Not done", fields=["done", "done_at"])
    return action


@transaction.atomic
def plan_close(plan: ImprovementPlan, *, user: Any, note: str = "") -> ImprovementPlan:
    """Close the plan (it leaves the provider page); its actions stay as they are, for the record."""
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    _check_open(plan)
    plan.status = ImprovementPlan.Status.CLOSED
    plan.closed_by = user if _is_user(user) else None
    plan.closed_at = timezone.now()
    plan.closing_note = note.strip()
    _audited_save(plan, user=user, reason="Closed", fields=["status", "closed_by", "closed_at", "closing_note"])
    return plan


# --- Standing consequences -------------------------------------------------------------------


def band_consequence(bands: Any, standing: str) -> str:
    """The consequence the band named ``standing`` carries ("" for none; a band without the key has none)."""
    if not standing or not isinstance(bands, list):
        return ""
    for band in bands:
        if isinstance(band, dict) and str(band.get("standing", "")).lower() == standing.lower():
            consequence = band.get("consequence") or ""
            return consequence if consequence in Kind.values else ""
    return ""


def propose_consequences(cards: Iterable[Scorecard]) -> list[StandingConsequence]:
    """After scorecards are stored: propose the consequence each one's standing band carries.

    Only scorecards of the default template count (a back-test under another version proposes
    nothing). Idempotent: one consequence per provider, month and kind; a pending one follows
    the latest scorecard, and one whose month no longer carries it (the score moved up) is
    withdrawn. A confirmed, dismissed or lifted one is a reviewer's decision and stays.
    """
    cards = [c for c in cards if c.template_version.template.is_default]
    if not cards:
        return []
    keys = {(c.provider_id, c.period) for c in cards}
    pending = {
        (c.provider_id, c.period, c.kind): c
        for c in StandingConsequence.objects.filter(
            provider_id__in={p for p, _ in keys}, period__in={m for _, m in keys}
        )
    }
    proposed: list[StandingConsequence] = []
    for card in cards:
        wanted = band_consequence(card.template_version.bands, card.standing) if card.score is not None else ""
        for kind in Kind.values:
            existing = pending.get((card.provider_id, card.period, kind))
            if kind != wanted:
                if existing is not None and existing.status == ConsequenceStatus.PENDING:
                    existing.delete()  # withdrawn: the month's standing no longer carries it
                continue
            if existing is None:
                existing = StandingConsequence.objects.create(
                    provider_id=card.provider_id,
                    period=card.period,
                    scorecard=card,
                    kind=kind,
                    standing=card.standing,
                    score=card.score,
                )
                proposed.append(existing)
            elif existing.status == ConsequenceStatus.PENDING and (
                existing.standing != card.standing or existing.score != card.score or existing.scorecard_id != card.pk
            ):
                existing.standing, existing.score, existing.scorecard = card.standing, card.score, card
                existing.save(update_fields=["standing", "score", "scorecard", "updated_at"])
    return proposed


def _check_status(consequence: StandingConsequence, wanted: str, verb: str) -> None:
    if consequence.status != wanted:
        raise review_flow.TransitionNotAllowed(
            f"The consequence is {consequence.get_status_display().lower()}; only a "
            f"{ConsequenceStatus(wanted).label.lower()} one can be {verb}.",
            current=consequence.status,
        )


def _need_reason(reason: str, verb: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the consequence is {verb}."})
    return reason


@transaction.atomic
def consequence_confirm(consequence: StandingConsequence, *, user: Any, reason: str) -> StandingConsequence:
    """Confirm a proposed consequence: it takes effect on the provider now."""
    consequence = StandingConsequence.objects.select_for_update().select_related("provider").get(pk=consequence.pk)
    _check_status(consequence, ConsequenceStatus.PENDING, "confirmed")
    reason = _need_reason(reason, "confirmed")
    consequence.status = ConsequenceStatus.CONFIRMED
    consequence.decided_by = user if _is_user(user) else None
    consequence.decided_at = timezone.now()
    consequence.reason = reason
    _audited_save(consequence, user=user, reason="Confirmed", fields=["status", "decided_by", "decided_at", "reason"])
    _apply_to_provider(consequence, user=user)
    return consequence


@transaction.atomic
def consequence_dismiss(consequence: StandingConsequence, *, user: Any, reason: str) -> StandingConsequence:
    """Dismiss a proposed consequence: it never takes effect (the reason is kept)."""
    consequence = StandingConsequence.objects.select_for_update().get(pk=consequence.pk)
    _check_status(consequence, ConsequenceStatus.PENDING, "dismissed")
    consequence.status = ConsequenceStatus.DISMISSED
    consequence.decided_by = user if _is_user(user) else None
    consequence.decided_at = timezone.now()
    consequence.reason = _need_reason(reason, "dismissed")
    _audited_save(consequence, user=user, reason="Dismissed", fields=["status", "decided_by", "decided_at", "reason"])
    return consequence


@transaction.atomic
def consequence_lift(consequence: StandingConsequence, *, user: Any, reason: str) -> StandingConsequence:
    """Lift a confirmed consequence; the provider's flag clears unless another confirmed one of its kind holds."""
    consequence = StandingConsequence.objects.select_for_update().select_related("provider").get(pk=consequence.pk)
    _check_status(consequence, ConsequenceStatus.CONFIRMED, "lifted")
    consequence.status = ConsequenceStatus.LIFTED
    consequence.lifted_by = user if _is_user(user) else None
    consequence.lifted_at = timezone.now()
    consequence.lift_reason = _need_reason(reason, "lifted")
    _audited_save(consequence, user=user, reason="Lifted", fields=["status", "lifted_by", "lifted_at", "lift_reason"])
    still = (
        StandingConsequence.objects.filter(
            provider=consequence.provider, kind=consequence.kind, status=ConsequenceStatus.CONFIRMED
        )
        .order_by("-period")
        .first()
    )
    if still is not None:
        _apply_to_provider(still, user=user)
    else:
        _clear_on_provider(consequence, user=user)
    return consequence


def _effect_text(consequence: StandingConsequence) -> str:
    score = f", score {consequence.score:.2f}" if consequence.score is not None else ""
    return (
        f"standing “{consequence.standing}” in {consequence.period:%Y-%m}{score}, confirmed by "
        f"{consequence.decided_by or 'a reviewer'}: {consequence.reason}"
    )


def _apply_to_provider(consequence: StandingConsequence, *, user: Any) -> None:
    provider = Provider.objects.select_for_update().get(pk=consequence.provider_id)
    today = timezone.localdate()
    if consequence.kind == Kind.PROBATION:
        provider.on_probation = True
        provider.probation_reason = _effect_text(consequence)
        provider.probation_since = provider.probation_since or today
        fields = ["on_probation", "probation_reason", "probation_since"]
    else:
        provider.new_contracts_blocked = True
        provider.new_contracts_blocked_reason = _effect_text(consequence)
        provider.new_contracts_blocked_since = provider.new_contracts_blocked_since or today
        fields = ["new_contracts_blocked", "new_contracts_blocked_reason", "new_contracts_blocked_since"]
    _audited_save(provider, user=user, reason=f"{consequence.get_kind_display()} (scorecard)", fields=fields)


def _clear_on_provider(consequence: StandingConsequence, *, user: Any) -> None:
    provider = Provider.objects.select_for_update().get(pk=consequence.provider_id)
    if consequence.kind == Kind.PROBATION:
        provider.on_probation, provider.probation_reason, provider.probation_since = False, "", None
        fields = ["on_probation", "probation_reason", "probation_since"]
    else:
        provider.new_contracts_blocked = False
        provider.new_contracts_blocked_reason, provider.new_contracts_blocked_since = "", None
        fields = ["new_contracts_blocked", "new_contracts_blocked_reason", "new_contracts_blocked_since"]
    _audited_save(provider, user=user, reason=f"{consequence.get_kind_display()} lifted", fields=fields)


# --- Demo data ---------------------------------------------------------------------------------


def _demo_reviewer() -> Any:
    users = get_user_model().objects.order_by("pk")
    group = Group.objects.filter(name=roles.PROCUREMENT).first()
    reviewer = users.filter(groups=group).first() if group else None
    reviewer = reviewer or users.filter(is_superuser=True).first()
    if reviewer is None:
        raise ValidationError("The demo review needs a procurement user or a superuser to act as the reviewer.")
    return reviewer


@transaction.atomic
def demo_review(provider: Provider, month: dt.date, *, user: Any = None) -> ScorecardReview:
    """For ``seed_demo``: an approved review of ``provider``'s month with the decision "improvement
    plan", owned by ``user`` (default: the first procurement user, else a superuser), and its open
    plan with three actions (one done). Idempotent: a month already reviewed is returned as it is.
    """
    user = user or _demo_reviewer()
    review, created = review_start(provider=provider, period=month, user=user, require_scorecard=False)
    if not created:
        return review
    review_comment(
        review,
        author=user,
        text="Handling time slipped for two months in a row; the quality score holds. Agreed with the "
        "provider's delivery lead to fix staffing before growing the volume.",
    )
    start = month_start(month)
    plan = plan_create(
        review,
        user=user,
        title="Bring handling time back within the SLA",
        owner=user,
        due_date=start + dt.timedelta(days=90),
        actions=[
            {
                "description": "Staffing plan for the peak hours, reviewed weekly",
                "owner": user,
                "due_date": start + dt.timedelta(days=30),
            },
            {
                "description": "Refresher training on the top five contact reasons",
                "owner": user,
                "due_date": start + dt.timedelta(days=45),
            },
            {
                "description": "Monthly quality calibration with our team leads",
                "owner": user,
                "due_date": start + dt.timedelta(days=60),
            },
        ],
    )
    action_set_done(plan.actions.order_by("due_date").first(), user=user, done=True)  # type: ignore[arg-type]
    review_transition(review, "submit", user=user)
    return review_transition(
        review,
        "approve",
        user=user,
        decision=Decision.IMPROVEMENT_PLAN,
        decision_owner=user,
        due_date=start + dt.timedelta(days=90),
    )
