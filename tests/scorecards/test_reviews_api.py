"""The review workflow over the API: procurement writes, every other role reads (403 on writes),
transitions along the allowed arrows only (409 naming the status), errors in the standard shape."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from scorecards.models import ScorecardReview
from tests.factories import ProviderFactory, UserFactory
from tests.scorecards.review_helpers import stored_card

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role=roles.PROCUREMENT)


@pytest.fixture
def procurement_api(buyer):
    return _client(buyer)


@pytest.fixture
def card():
    return stored_card(ProviderFactory(name="Manila Care"))


def test_procurement_runs_the_workflow_through_the_scorecard_route(procurement_api, buyer, card):
    url = f"/api/v1/scorecards/{card.pk}/reviews/"
    assert procurement_api.get(url).status_code == 404  # no review yet
    started = procurement_api.post(url, {}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["provider"] == "Manila Care" and body["month"] == "2026-10" and body["status"] == "draft"
    assert body["score"] == 48.5 and body["standing"] == "exit" and body["allowed_actions"] == ["submit"]
    assert procurement_api.post(url, {"action": "start"}, format="json").status_code == 200  # the same one

    commented = procurement_api.post(url, {"action": "comment", "text": "Slipping."}, format="json").json()
    assert commented["comments"][0]["text"] == "Slipping." and commented["comments"][0]["author"] == "buyer"

    refused = procurement_api.post(url, {"action": "approve"}, format="json")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "The review is draft; it can only submit (not approve)."}

    assert procurement_api.post(url, {"action": "submit"}, format="json").json()["status"] == "in_review"
    missing = procurement_api.post(url, {"action": "approve"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"decision", "decision_owner", "due_date"}

    approved = procurement_api.post(
        url,
        {"action": "approve", "decision": "watch", "decision_owner": "buyer", "due_date": "2027-01-31"},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["decision"] == "watch"
    assert approved.json()["approved_by"] == "buyer" and approved.json()["allowed_actions"] == []
    again = procurement_api.post(url, {"action": "submit"}, format="json")
    assert again.status_code == 409 and "approved" in again.json()["detail"]
    assert procurement_api.get(url).json()["id"] == approved.json()["id"]


def test_the_reviews_resource_lists_filters_and_acts(procurement_api, buyer, card):
    created = procurement_api.post(
        "/api/v1/scorecard-reviews/", {"provider": "Manila Care", "month": "2026-10"}, format="json"
    )
    assert created.status_code == 201, created.json()
    review_id = created.json()["id"]
    base = f"/api/v1/scorecard-reviews/{review_id}"
    assert procurement_api.post(f"{base}/comments/", {"text": "ok"}, format="json").status_code == 201
    decided = procurement_api.patch(
        f"{base}/",
        {"decision": "improvement_plan", "decision_owner": buyer.pk, "due_date": "2027-02-28"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "improvement_plan"
    assert procurement_api.post(f"{base}/submit/", format="json").json()["status"] == "in_review"
    no_plan = procurement_api.post(f"{base}/approve/", {}, format="json")
    assert no_plan.status_code == 400 and "improvement_plan" in no_plan.json()["errors"]

    plan = procurement_api.post(
        "/api/v1/improvement-plans/",
        {
            "review": review_id,
            "title": "Fix handling time",
            "owner": "buyer",
            "due_date": "2027-02-28",
            "actions": [{"description": "Staff the peak", "owner": "buyer", "due_date": "2026-12-15"}],
        },
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    plan_id = plan.json()["id"]
    assert len(plan.json()["actions"]) == 1
    added = procurement_api.post(
        f"/api/v1/improvement-plans/{plan_id}/actions/",
        {"description": "Training", "owner": "buyer", "due_date": "2026-12-20"},
        format="json",
    )
    assert added.status_code == 201
    done = procurement_api.patch(f"/api/v1/improvement-actions/{added.json()['id']}/", {"done": True}, format="json")
    assert done.status_code == 200 and done.json()["done"] is True

    approved = procurement_api.post(f"{base}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["improvement_plan"]["status"] == "open"
    assert procurement_api.post(f"{base}/return/", format="json").status_code == 409

    listed = procurement_api.get("/api/v1/scorecard-reviews/", {"provider": "Manila Care", "status": "approved"})
    assert [r["id"] for r in listed.json()["results"]] == [review_id]
    assert procurement_api.get("/api/v1/scorecard-reviews/", {"decision": "exit"}).json()["count"] == 0
    assert procurement_api.get("/api/v1/scorecard-reviews/", {"period": "2026-10"}).json()["count"] == 1
    bad = procurement_api.get("/api/v1/scorecard-reviews/", {"status": "bogus"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status"}
    assert set(procurement_api.get("/api/v1/scorecard-reviews/", {"nope": "1"}).json()["errors"]) == {"nope"}
    assert procurement_api.get("/api/v1/improvement-plans/", {"status": "open"}).json()["count"] == 1

    closed = procurement_api.post(f"/api/v1/improvement-plans/{plan_id}/close/", {"note": "done"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert procurement_api.post(f"/api/v1/improvement-plans/{plan_id}/close/", {}, format="json").status_code == 400


@pytest.mark.parametrize("role", [roles.OPERATIONS, roles.VIEWER, roles.API_CLIENT])
def test_other_roles_read_but_every_write_is_403(buyer, card, role):
    from scorecards import review_services

    review, _ = review_services.review_start(provider=card.provider, period=card.period, user=buyer)
    plan = review_services.plan_create(review, user=buyer, title="P", owner=buyer, due_date=card.period)
    item = review_services.plan_add_action(plan, user=buyer, description="a", owner=buyer, due_date=card.period)
    api = _client(UserFactory(username=f"r-{role}", role=role))
    for url in (
        "/api/v1/scorecard-reviews/",
        f"/api/v1/scorecard-reviews/{review.pk}/",
        f"/api/v1/scorecards/{card.pk}/reviews/",
        "/api/v1/improvement-plans/",
        f"/api/v1/improvement-actions/{item.pk}/",
        "/api/v1/standing-consequences/",
    ):
        assert api.get(url).status_code == 200, url
    writes = [
        ("post", "/api/v1/scorecard-reviews/", {"provider": card.provider.pk, "month": "2026-10"}),
        ("post", f"/api/v1/scorecards/{card.pk}/reviews/", {}),
        ("post", f"/api/v1/scorecards/{card.pk}/reviews/", {"action": "submit"}),
        ("patch", f"/api/v1/scorecard-reviews/{review.pk}/", {"decision": "keep"}),
        ("post", f"/api/v1/scorecard-reviews/{review.pk}/comments/", {"text": "x"}),
        ("post", f"/api/v1/scorecard-reviews/{review.pk}/submit/", {}),
        ("post", f"/api/v1/scorecard-reviews/{review.pk}/approve/", {}),
        ("post", "/api/v1/improvement-plans/", {"review": review.pk, "title": "x", "owner": "buyer"}),
        ("post", f"/api/v1/improvement-plans/{plan.pk}/actions/", {"description": "x"}),
        ("post", f"/api/v1/improvement-plans/{plan.pk}/close/", {}),
        ("patch", f"/api/v1/improvement-actions/{item.pk}/", {"done": True}),
    ]
    for method, url, data in writes:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 403, (role, method, url, response.status_code)
        assert set(response.json()) == {"detail"}
    assert ScorecardReview.objects.get().status == "draft"
    assert not review.comments.exists()
