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
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import roles
from core.months import month_start
from scorecards import review_flow
from scorecards.models import (
    ImprovementAction,
    ImprovementPlan,
    ReviewComment,
    Scorecard,
    ScorecardReview,
    ScorecardTemplateVersion,
    StandingConsequence,
)
from scorecards.selectors import open_months
from vendors.models import Provider

Decision = ScorecardReview.Decision
Kind = StandingConsequence.Kind
ConsequenceStatus = StandingConsequence.Status

# django-simple-history keeps a change reason in 100 characters.
REASON_LENGTH = 100
# Rows per INSERT/UPDATE when consequences are written in bulk.
BULK_BATCH = 1000


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


def propose_consequences(cards: Iterable[Scorecard], *, now: dt.datetime | None = None) -> list[StandingConsequence]:
    """After scorecards are stored: propose the consequence each one's standing band carries.

    Only from closed months: a month still running (``selectors.open_months``, in the contracts'
    time zones) is incomplete, so its scorecard proposes nothing and a pending proposal of it
    is withdrawn; the month proposes once it has ended and is recomputed.

    Only scorecards of the default template count (a back-test under another version proposes
    nothing). Idempotent: one consequence per provider, month and kind; a pending one follows
    the latest scorecard, and one whose month no longer carries it (the score moved up) is
    withdrawn. A confirmed, dismissed or lifted one is a reviewer's decision and stays.

    Set-based, because the bulk recomputation hands over thousands of cards at once: the
    versions' bands are read in one query (not a template per card), the existing consequences
    of the cards' provider-months in another, and the new, changed and withdrawn ones are
    written in bulk, each with its history row (``bulk_create_with_history``,
    ``bulk_update_with_history``; the withdrawals' deletion rows written beside the delete).
    """
    latest: dict[tuple[int, dt.date], Scorecard] = {}
    for card in cards:
        latest[(card.provider_id, card.period)] = card  # a later card of the same month wins
    if not latest:
        return []
    versions = _default_template_bands(latest.values())
    latest = {key: card for key, card in latest.items() if card.template_version_id in versions}
    if not latest:
        return []
    existing: dict[tuple[int, dt.date, str], StandingConsequence] = {
        (c.provider_id, c.period, c.kind): c
        for c in StandingConsequence.objects.filter(
            provider_id__in={p for p, _ in latest}, period__in={m for _, m in latest}
        )
        if (c.provider_id, c.period) in latest
    }
    now = now or timezone.now()
    open_from = open_months({provider_id for provider_id, _ in latest}, now)
    to_create: list[StandingConsequence] = []
    to_update: list[StandingConsequence] = []
    to_withdraw: list[StandingConsequence] = []
    for (provider_id, period), card in latest.items():
        bands = versions[card.template_version_id]
        closed = period < open_from[provider_id]
        wanted = band_consequence(bands, card.standing) if card.score is not None and closed else ""
        for kind in Kind.values:
            found = existing.get((provider_id, period, kind))
            if kind != wanted:
                if found is not None and found.status == ConsequenceStatus.PENDING:
                    to_withdraw.append(found)  # the month's standing no longer carries it
                continue
            if found is None:
                to_create.append(
                    StandingConsequence(
                        provider_id=provider_id,
                        period=period,
                        scorecard=card,
                        kind=kind,
                        standing=card.standing,
                        score=card.score,
                    )
                )
            elif found.status == ConsequenceStatus.PENDING and (
                found.standing != card.standing or found.score != card.score or found.scorecard_id != card.pk
            ):
                found.standing, found.score, found.scorecard_id = card.standing, card.score, card.pk
                found.updated_at = now
                to_update.append(found)
    if to_withdraw:
        _withdraw(to_withdraw, now=now)
    if to_update:
        bulk_update_with_history(
            to_update,
            StandingConsequence,
            ["standing", "score", "scorecard", "updated_at"],
            batch_size=BULK_BATCH,
            default_change_reason="Follows the recomputed scorecard",
            default_date=now,
        )
    if not to_create:
        return []
    return bulk_create_with_history(
        to_create,
        StandingConsequence,
        batch_size=BULK_BATCH,
        default_change_reason="Proposed by the scorecard's standing band",
        default_date=now,
    )


def _default_template_bands(cards: Iterable[Scorecard]) -> dict[int, Any]:
    """Bands of the cards' versions that belong to the default template, by version id.

    A version the caller already holds with its template (the recomputation hands every card
    the version it scored with) costs nothing; the others are read in one query.
    """
    bands: dict[int, Any] = {}
    seen: set[int] = set()
    unread: set[int] = set()
    for card in cards:
        if card.template_version_id in seen:
            continue
        seen.add(card.template_version_id)
        version = card.template_version if Scorecard.template_version.is_cached(card) else None
        if version is not None and ScorecardTemplateVersion.template.is_cached(version):
            if version.template.is_default:
                bands[version.pk] = version.bands
        else:
            unread.add(card.template_version_id)
    if unread:
        read = ScorecardTemplateVersion.objects.filter(pk__in=unread, template__is_default=True)
        bands.update(read.values_list("pk", "bands"))
    return bands


def _withdraw(consequences: list[StandingConsequence], *, now: dt.datetime) -> None:
    """Delete pending consequences in one statement, with the deletion rows their history keeps.

    ``QuerySet.delete()`` would send simple_history's ``post_delete`` per row (an insert each),
    so the history rows are written in bulk here and the rows removed without signals;
    nothing points at a consequence, so there is nothing to cascade.
    """
    history = StandingConsequence.history.model
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_type="-",
                history_change_reason="Withdrawn: the month's standing no longer carries it",
                history_user=history.get_default_history_user(c),
                **{field.attname: getattr(c, field.attname) for field in history.tracked_fields},
            )
            for c in consequences
        ],
        batch_size=BULK_BATCH,
    )
    StandingConsequence.objects.filter(pk__in=[c.pk for c in consequences])._raw_delete(StandingConsequence.objects.db)


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
