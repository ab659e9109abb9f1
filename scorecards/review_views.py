"""Browser pages of the procurement review: the review list and page, its forms, and consequences.

Reading needs the view permission (every role); every write needs the scorecards permission
it changes, which only procurement (and superusers) hold: operations and viewers read.
Each form posts to its own small view, which calls ``scorecards.review_services`` and comes
back to the review's page with a message saying what happened or what is missing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.views import ObjectDetailView, ObjectListView
from scorecards import (
    exports,
    filtersets,
    review_filtersets,
    review_flow,
    review_forms,
    review_services,
    review_tables,
    selectors,
)
from scorecards.models import ImprovementAction, ImprovementPlan, ScorecardReview, StandingConsequence
from scorecards.review_selectors import consequence_list, plan_list, review_list


class ScorecardReviewListView(ObjectListView):
    model = ScorecardReview
    selector = staticmethod(review_list)
    filterset_class = review_filtersets.ScorecardReviewFilterSet
    table_class = review_tables.ScorecardReviewTable


class StandingConsequenceListView(ObjectListView):
    model = StandingConsequence
    selector = staticmethod(consequence_list)
    filterset_class = review_filtersets.StandingConsequenceFilterSet
    table_class = review_tables.StandingConsequenceTable


class ScorecardReviewDetailView(ObjectDetailView):
    """The review: the scorecard it reads, the status and its buttons, decision, comments, plan."""

    model = ScorecardReview
    selector = staticmethod(review_list)
    template_name = "scorecards/scorecardreview_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        review: ScorecardReview = self.object
        plan = ImprovementPlan.objects.filter(review=review).select_related("owner").first()
        may_change = self.request.user.has_perm("scorecards.change_scorecardreview")
        context.update(
            can_change=False,  # no generic edit form: the page's own forms change a review
            can_delete=False,
            may_change=may_change,
            may_comment=self.request.user.has_perm("scorecards.add_reviewcomment"),
            may_plan=self.request.user.has_perm("scorecards.add_improvementplan"),
            may_act=self.request.user.has_perm("scorecards.change_improvementaction"),
            actions=[(a, review_flow.ACTION_LABELS[a]) for a in review_flow.allowed_actions(review.status)],
            scorecard=review.scorecard,
            comments=list(review.comments.select_related("author")),
            plan=plan,
            plan_actions=list(plan.actions.select_related("owner")) if plan else [],
            approval_problems=review_services.approval_problems(review)
            if review.status == ScorecardReview.Status.IN_REVIEW
            else {},
            decision_form=review_forms.DecisionForm(
                initial={
                    "decision": review.decision,
                    "decision_owner": review.decision_owner_id,
                    "due_date": review.due_date,
                }
            ),
            comment_form=review_forms.CommentForm(),
            plan_form=review_forms.PlanForm(initial={"title": f"Improvement plan for {review.provider}"}),
            action_form=review_forms.ActionForm(),
            close_form=review_forms.CloseForm(),
            consequences=list(
                StandingConsequence.objects.filter(provider=review.provider, period=review.period).order_by("kind")
            ),
        )
        return context


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default
    return HttpResponseRedirect(target)


def _errors(request: HttpRequest, error: ValidationError | review_flow.TransitionNotAllowed) -> None:
    if isinstance(error, review_flow.TransitionNotAllowed):
        messages.error(request, error.message)
    else:
        for text in error.messages:
            messages.error(request, text)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.replace("_", " ") if field in form.fields else ""
        for text in errors:
            messages.error(request, f"{str(label).capitalize()}: {text}" if label else text)


def _post_view(perm: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A form's target: POST only, signed in, the permission (403 without), then the view."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @require_POST
        @login_required
        @permission_required(perm, raise_exception=True)
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@login_required
@permission_required("scorecards.add_scorecardreview", raise_exception=True)
def review_start(request: HttpRequest) -> HttpResponse:
    """Start the review of a provider's month (or open the one there is); prefilled from a scorecard."""
    if request.method == "POST":
        form = review_forms.ReviewStartForm(request.POST)
        if form.is_valid():
            try:
                review, created = review_services.review_start(
                    provider=form.cleaned_data["provider"], period=form.cleaned_data["month"], user=request.user
                )
            except ValidationError as error:
                form.add_error("month", error.message_dict.get("month", error.messages))
            else:
                if created:
                    messages.success(request, f"Started the {review.period:%Y-%m} review of {review.provider} (draft).")
                else:
                    messages.info(request, f"{review.provider} already has a {review.period:%Y-%m} review; here it is.")
                return HttpResponseRedirect(review.get_absolute_url())
    else:
        initial: dict[str, Any] = {}
        scorecard_id = request.GET.get("scorecard", "")
        if scorecard_id.isdigit():
            card = selectors.scorecard_list(user=request.user).filter(pk=scorecard_id).first()
            if card is not None:
                initial = {"provider": card.provider_id, "month": f"{card.period:%Y-%m}"}
        elif request.GET.get("provider", "").isdigit():
            initial = {"provider": request.GET["provider"], "month": request.GET.get("month", "")}
        form = review_forms.ReviewStartForm(initial=initial)
    return render(request, "scorecards/review_start.html", {"form": form})


@login_required
@permission_required("scorecards.add_scorecardreview", raise_exception=True)
def scorecard_review(request: HttpRequest, pk: int) -> HttpResponse:
    """From a scorecard: its month's review, started now if there is none (POST) — or the start form (GET)."""
    card = get_object_or_404(selectors.scorecard_list(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseRedirect(f"{reverse('scorecards:scorecardreview_add')}?scorecard={card.pk}")
    try:
        review, created = review_services.review_start(provider=card.provider, period=card.period, user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return HttpResponseRedirect(card.provider.get_absolute_url())
    if created:
        messages.success(request, f"Started the {review.period:%Y-%m} review of {review.provider} (draft).")
    return HttpResponseRedirect(review.get_absolute_url())


def _review(request: HttpRequest, pk: int) -> ScorecardReview:
    return get_object_or_404(review_list(user=request.user), pk=pk)


@_post_view("scorecards.change_scorecardreview")
def review_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    review = _review(request, pk)
    try:
        review = review_services.review_transition(review, action, user=request.user)
    except (ValidationError, review_flow.TransitionNotAllowed) as error:
        if isinstance(error, ValidationError):
            messages.error(request, "The review cannot be approved yet:")
        _errors(request, error)
    else:
        done = {"submit": "submitted for review", "return": "returned to draft", "approve": "approved"}[action]
        text = f"The review of {review.provider} ({review.period:%Y-%m}) is {done}."
        if action == "approve":
            text += f" Decision: {review.get_decision_display()}, owner {review.decision_owner}, due {review.due_date}."
        messages.success(request, text)
    return HttpResponseRedirect(review.get_absolute_url())


@_post_view("scorecards.change_scorecardreview")
def review_decision(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = review_forms.DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(review.get_absolute_url())
    try:
        review = review_services.review_set_decision(review, user=request.user, **form.cleaned_data)
    except (ValidationError, review_flow.TransitionNotAllowed) as error:
        _errors(request, error)
    else:
        messages.success(request, f"Decision saved: {review.get_decision_display() or 'none yet'}.")
    return HttpResponseRedirect(review.get_absolute_url())


@_post_view("scorecards.add_reviewcomment")
def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = review_forms.CommentForm(request.POST)
    if form.is_valid():
        review_services.review_comment(review, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write the comment before adding it.")
    return HttpResponseRedirect(review.get_absolute_url())


@_post_view("scorecards.add_improvementplan")
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = review_forms.PlanForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(review.get_absolute_url())
    try:
        plan = review_services.plan_create(review, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Improvement plan “{plan.title}” opened; add its actions below.")
    return HttpResponseRedirect(review.get_absolute_url())


def _plan(request: HttpRequest, pk: int) -> ImprovementPlan:
    return get_object_or_404(plan_list(user=request.user), pk=pk)


@_post_view("scorecards.add_improvementaction")
def plan_add_action(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = review_forms.ActionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            review_services.plan_add_action(plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, "Action added to the improvement plan.")
    return _back(request, plan.review.get_absolute_url())


@_post_view("scorecards.change_improvementaction")
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ImprovementAction.objects.filter(plan__in=plan_list(user=request.user)), pk=pk)
    done = request.POST.get("done", "1") != "0"
    try:
        review_services.action_set_done(action, user=request.user, done=done)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"“{action}” marked {'done' if done else 'not done'}.")
    return _back(request, action.plan.review.get_absolute_url())


@_post_view("scorecards.change_improvementplan")
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = review_forms.CloseForm(request.POST)
    form.is_valid()
    try:
        review_services.plan_close(plan, user=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Improvement plan “{plan.title}” closed; it no longer shows on the provider page.")
    return _back(request, plan.review.get_absolute_url())


CONSEQUENCE_ACTIONS: dict[str, tuple[Callable[..., StandingConsequence], str]] = {
    "confirm": (review_services.consequence_confirm, "confirmed: it is now in effect"),
    "dismiss": (review_services.consequence_dismiss, "dismissed"),
    "lift": (review_services.consequence_lift, "lifted"),
}


@_post_view("scorecards.change_standingconsequence")
def consequence_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    consequence = get_object_or_404(consequence_list(user=request.user), pk=pk)
    default = reverse("scorecards:standingconsequence_list")
    if action not in CONSEQUENCE_ACTIONS:
        messages.error(request, f"“{action}” is not something a consequence can be: confirm, dismiss or lift.")
        return _back(request, default)
    service, done = CONSEQUENCE_ACTIONS[action]
    try:
        service(consequence, user=request.user, reason=request.POST.get("reason", ""))
    except (ValidationError, review_flow.TransitionNotAllowed) as error:
        _errors(request, error)
    else:
        messages.success(request, f"{consequence.get_kind_display()} for {consequence.provider} {done}.")
    return _back(request, default)


def provider_review_panel(request: HttpRequest, provider: Any) -> dict[str, Any] | None:
    """The provider page's review block: open improvement plans (until closed), standing
    consequences waiting for a reviewer or in effect, and the latest reviews."""
    if not request.user.has_perm("scorecards.view_scorecardreview"):
        return None
    consequences = consequence_list(user=request.user).filter(
        provider=provider,
        status__in=[StandingConsequence.Status.PENDING, StandingConsequence.Status.CONFIRMED],
    )
    return {
        "provider": provider,
        "plans": list(plan_list(user=request.user).filter(provider=provider, status=ImprovementPlan.Status.OPEN)),
        "consequences": list(consequences),
        "reviews": list(review_list(user=request.user).filter(provider=provider)[:6]),
        "may_start": request.user.has_perm("scorecards.add_scorecardreview"),
        "may_decide": request.user.has_perm("scorecards.change_standingconsequence"),
    }


@login_required
@permission_required("scorecards.view_scorecard", raise_exception=True)
def scorecard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page PDF of a scorecard (provider and month)."""
    card = get_object_or_404(selectors.scorecard_list(user=request.user), pk=pk)
    return exports.pdf_response(card)


@login_required
@permission_required("scorecards.view_scorecard", raise_exception=True)
def scorecard_export(request: HttpRequest) -> HttpResponse:
    """The scorecard table as ``?format=csv`` (default) or ``xlsx``, filtered as the list is
    (``provider``, ``category``, ``period_from``/``period_to``, ``standing``, ``scored``)."""
    data = request.GET.copy()
    kind = data.pop("format", ["csv"])[-1]
    if kind not in ("csv", "xlsx"):
        return HttpResponseBadRequest(f"format: “{kind}” is not an export format; use csv or xlsx.")
    filterset = filtersets.ScorecardFilterSet(data, queryset=selectors.scorecard_list(user=request.user))
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        return HttpResponseBadRequest(problems)
    cards = filterset.qs.select_related("provider", "template_version__template")
    today = timezone.localdate()
    return exports.xlsx_response(cards, today=today) if kind == "xlsx" else exports.csv_response(cards, today=today)
