"""The procurement review through the browser: draft → in review → approved, the decision rules,
the improvement plan on the provider page until closed, and who may do what (the role matrix)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from core import roles
from scorecards import review_flow
from scorecards.models import ImprovementPlan, ScorecardReview
from tests.factories import ProviderFactory, UserFactory
from tests.scorecards.review_helpers import OCT, stored_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def procurement(db):
    return UserFactory(username="buyer", role=roles.PROCUREMENT)


@pytest.fixture
def card():
    return stored_card(ProviderFactory(name="Manila Care"))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_transitions_table_allows_only_its_arrows():
    assert review_flow.allowed_actions("draft") == ["submit"]
    assert review_flow.allowed_actions("in_review") == ["return", "approve"]
    assert review_flow.allowed_actions("approved") == []
    assert review_flow.target_of("approve", "in_review") == "approved"
    with pytest.raises(review_flow.TransitionNotAllowed, match="The review is draft; it can only submit"):
        review_flow.target_of("approve", "draft")
    with pytest.raises(review_flow.TransitionNotAllowed, match="approved; it is final"):
        review_flow.target_of("return", "approved")


def test_procurement_takes_a_review_from_draft_to_approved_with_an_improvement_plan(client, procurement, card):
    client.force_login(procurement)
    started = client.post(f"/scorecards/{card.pk}/review/")
    review = ScorecardReview.objects.get()
    assert started.status_code == 302 and started.url == f"/scorecards/reviews/{review.pk}/"
    assert review.status == "draft" and review.scorecard == card and review.period == OCT
    assert "Started the 2026-10 review of Manila Care (draft)." in _messages(started)
    # starting again opens the same review
    client.post("/scorecards/reviews/add/", {"provider": card.provider.pk, "month": "2026-10"})
    assert ScorecardReview.objects.count() == 1

    page = client.get(review.get_absolute_url()).content.decode()
    assert "Submit for review" in page and "48.50" in page and "Download PDF" in page

    response = client.post(f"/scorecards/reviews/{review.pk}/comment/", {"text": "Handling time slipped."})
    assert "Comment added." in _messages(response)
    # approving a draft is not an arrow
    response = client.post(f"/scorecards/reviews/{review.pk}/approve/")
    assert "The review is draft; it can only submit (not approve)." in _messages(response)
    client.post(f"/scorecards/reviews/{review.pk}/submit/")
    review.refresh_from_db()
    assert review.status == "in_review"

    # no decision yet: approving says what is missing
    response = client.post(f"/scorecards/reviews/{review.pk}/approve/")
    said = " ".join(_messages(response))
    assert "Approving needs a decision" in said and "Name who owns the decision" in said
    review.refresh_from_db()
    assert review.status == "in_review"

    due = "2027-01-31"
    client.post(
        f"/scorecards/reviews/{review.pk}/decision/",
        {"decision": "improvement_plan", "decision_owner": procurement.pk, "due_date": due},
    )
    response = client.post(f"/scorecards/reviews/{review.pk}/approve/")
    assert any("needs an improvement plan with at least one action" in m for m in _messages(response))

    client.post(
        f"/scorecards/reviews/{review.pk}/plan/",
        {"title": "Fix handling time", "owner": procurement.pk, "due_date": due},
    )
    plan = ImprovementPlan.objects.get()
    client.post(
        f"/scorecards/plans/{plan.pk}/actions/",
        {"description": "Staff the peak hours", "owner": procurement.pk, "due_date": "2026-12-15"},
    )
    response = client.post(f"/scorecards/reviews/{review.pk}/approve/")
    review.refresh_from_db()
    assert review.status == "approved" and review.approved_by == procurement and review.approved_at
    assert review.decision == "improvement_plan" and str(review.due_date) == due
    assert any("is approved. Decision: Improvement plan" in m for m in _messages(response))
    assert review.history.count() >= 4  # audited: started, submitted, decision, approved

    # approved is final
    response = client.post(f"/scorecards/reviews/{review.pk}/return/")
    assert "The review is approved; it is final (not return)." in _messages(response)

    # the open plan shows on the provider page until closed
    provider_page = client.get(card.provider.get_absolute_url()).content.decode()
    assert "Open improvement plan" in provider_page and "Staff the peak hours" in provider_page
    action = plan.actions.get()
    client.post(f"/scorecards/actions/{action.pk}/done/", {"done": "1"})
    action.refresh_from_db()
    assert action.done and action.done_at
    response = client.post(f"/scorecards/plans/{plan.pk}/close/", {"note": "Back within the SLA."})
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.closed_by == procurement
    assert "Open improvement plan" not in client.get(card.provider.get_absolute_url()).content.decode()
    response = client.post(
        f"/scorecards/plans/{plan.pk}/actions/",
        {"description": "Late", "owner": procurement.pk, "due_date": "2026-12-15"},
    )
    assert any("is closed; it no longer changes" in m for m in _messages(response))


def test_a_month_without_a_scorecard_cannot_be_reviewed(client, procurement):
    provider = ProviderFactory(name="Krakow Books")
    client.force_login(procurement)
    response = client.post("/scorecards/reviews/add/", {"provider": provider.pk, "month": "2026-10"})
    assert response.status_code == 200
    assert "Krakow Books has no scorecard for 2026-10" in response.content.decode()
    assert not ScorecardReview.objects.exists()


def test_the_review_list_filters_by_provider_status_decision_and_month(client, procurement, viewer_user):
    first = stored_card(ProviderFactory(name="Alpha Care"))
    second = stored_card(ProviderFactory(name="Beta Books"), period=dt.date(2026, 11, 1))
    from scorecards import review_services

    a, _ = review_services.review_start(provider=first.provider, period=first.period, user=procurement)
    b, _ = review_services.review_start(provider=second.provider, period=second.period, user=procurement)
    review_services.review_transition(b, "submit", user=procurement)
    client.force_login(viewer_user)

    def names(query: str) -> list[str]:
        assert client.get(f"/scorecards/reviews/?{query}").status_code == 200
        rows = b"".join(client.get(f"/scorecards/reviews/?{query}&export=csv").streaming_content).decode()
        return [n for n in ("Alpha Care", "Beta Books") if n in rows]

    assert names("") == ["Alpha Care", "Beta Books"]
    assert names("status=in_review") == ["Beta Books"]
    assert names("provider=Alpha%20Care") == ["Alpha Care"]
    assert names("period=2026-11") == ["Beta Books"]
    assert names("decision=exit") == []
    assert a.status == "draft"


ROLE_CASES = [
    (roles.PROCUREMENT, True),
    (roles.OPERATIONS, False),
    (roles.VIEWER, False),
    (roles.API_CLIENT, False),
]


@pytest.mark.parametrize(("role", "may_write"), ROLE_CASES)
def test_the_role_matrix_in_the_browser(client, card, role, may_write):
    """Every role reads reviews; only procurement starts, comments, decides, approves and plans."""
    from scorecards import review_services

    owner = UserFactory(username="owner", role=roles.PROCUREMENT)
    review, _ = review_services.review_start(provider=card.provider, period=card.period, user=owner)
    plan = review_services.plan_create(review, user=owner, title="Plan", owner=owner, due_date=dt.date(2027, 1, 1))
    user = UserFactory(username=f"u-{role}", role=role)
    client.force_login(user)
    assert client.get("/scorecards/reviews/").status_code == 200
    assert client.get(review.get_absolute_url()).status_code == 200
    assert client.get(f"/scorecards/{card.pk}/pdf/").status_code == 200
    writes = [
        ("/scorecards/reviews/add/", {"provider": card.provider.pk, "month": "2026-10"}),
        (f"/scorecards/reviews/{review.pk}/comment/", {"text": "x"}),
        (f"/scorecards/reviews/{review.pk}/decision/", {"decision": "keep"}),
        (f"/scorecards/reviews/{review.pk}/submit/", {}),
        (f"/scorecards/plans/{plan.pk}/actions/", {"description": "x", "owner": owner.pk, "due_date": "2027-01-01"}),
        (f"/scorecards/plans/{plan.pk}/close/", {}),
    ]
    for url, data in writes:
        code = client.post(url, data).status_code
        assert (code == 302) if may_write else (code == 403), (role, url, code)
    page = client.get(review.get_absolute_url()).content.decode()
    assert ("Add comment" in page) == may_write  # the forms only for those who may use them


def test_a_user_without_a_role_gets_403(client, card):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/scorecards/reviews/").status_code == 403
    assert client.get(f"/scorecards/{card.pk}/pdf/").status_code == 403
    assert client.get("/scorecards/export/").status_code == 403


def test_the_demo_review_is_approved_with_an_open_plan(card):
    from scorecards.review_services import demo_review

    buyer = UserFactory(username="procurement", role=roles.PROCUREMENT)
    review = demo_review(card.provider, OCT)
    assert review.status == "approved" and review.decision == "improvement_plan" and review.decision_owner == buyer
    plan = review.improvement_plan
    assert plan.status == "open" and plan.actions.count() == 3 and plan.actions.filter(done=True).count() == 1
    assert demo_review(card.provider, OCT) == review  # idempotent
    assert ScorecardReview.objects.count() == 1
