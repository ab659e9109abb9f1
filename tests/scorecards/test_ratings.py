"""Manual ratings: reviewers (procurement) rate, the median of three (one extreme) scores the criterion."""

from decimal import Decimal

import pytest

from core import roles
from scorecards.models import ManualRating, Scorecard
from tests.factories import UserFactory
from tests.scorecards.conftest import token_client
from tests.scorecards.test_recompute_scorecards import OCT, scenario  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(scenario):  # noqa: F811
    """The scenario's month without its reviewers' ratings: the API gives them."""
    ManualRating.objects.all().delete()
    return scenario.provider


def reviewers(n: int = 3):
    return [token_client(UserFactory(username=f"buyer{i}", role=roles.PROCUREMENT)) for i in range(n)]


def rate(client, provider, value, criterion="relationship", comment=""):
    return client.post(
        "/api/v1/manual-ratings/",
        {"provider": provider.name, "month": "2026-10", "criterion": criterion, "rating": value, "comment": comment},
        format="json",
    )


def test_three_reviewers_combine_by_the_median_so_one_extreme_cannot_swing(october):
    answers = [rate(c, october, v) for c, v in zip(reviewers(), [80, 0, 85], strict=True)]
    assert [a.status_code for a in answers] == [201, 201, 201], answers[0].json()
    card = Scorecard.objects.get(provider=october, period=OCT)  # rescored on every save
    relationship = next(row for row in card.breakdown["criteria"] if row["code"] == "relationship")
    assert relationship["points"] == 80.0  # median(80, 0, 85); the mean would be 55
    assert card.score == Decimal("76.67")  # as in the hand-computed scenario


def test_rating_again_edits_the_reviewers_rating_and_keeps_its_history(october):
    first, second, _ = reviewers()
    rate(first, october, 80)
    rate(second, october, 0)
    again = rate(second, october, 100, comment="Met every escalation.")
    assert again.status_code == 200 and again.json()["rating"] == 100.0
    assert ManualRating.objects.filter(provider=october).count() == 2
    history = second.get(f"/api/v1/manual-ratings/{again.json()['id']}/history/").json()
    assert [entry["action"] for entry in history] == ["changed", "created"]
    card = Scorecard.objects.get(provider=october, period=OCT)
    assert next(r for r in card.breakdown["criteria"] if r["code"] == "relationship")["points"] == 90.0


def test_the_list_filters_by_provider_name_period_criterion_and_reviewer(october, viewer_api):
    first, second, _ = reviewers()
    rate(first, october, 80)
    rate(second, october, 60, criterion="innovation")

    def listed(**params):
        answer = viewer_api.get("/api/v1/manual-ratings/", params)
        assert answer.status_code == 200, answer.json()
        return [(row["reviewer"], row["criterion"]) for row in answer.json()["results"]]

    assert len(listed(provider=october.name)) == 2
    assert listed(criterion="innovation") == [("buyer1", "innovation")]
    assert listed(reviewer="buyer0") == [("buyer0", "relationship")]
    assert listed(period_from="2026-11") == []
    assert listed(provider=october.pk, period_from="2026-10", period_to="2026-10") != []
    assert viewer_api.get("/api/v1/manual-ratings/", {"reviewer": "nobody"}).status_code == 400


def test_only_procurement_rates(october, ops_api, viewer_api, roleless_api):
    for client in (ops_api, viewer_api):
        assert rate(client, october, 50).status_code == 403
        assert client.get("/api/v1/manual-ratings/").status_code == 200
    assert roleless_api.get("/api/v1/manual-ratings/").status_code == 403
    assert not ManualRating.objects.exists()


def test_a_rating_is_of_a_manual_criterion_and_ones_own(october):
    first, second, _ = reviewers()
    refused = rate(first, october, 50, criterion="sla")
    assert refused.status_code == 400 and "not a manual criterion" in refused.json()["errors"]["criterion"][0]
    assert rate(first, october, 101).status_code == 400
    own = rate(first, october, 70).json()
    assert second.patch(f"/api/v1/manual-ratings/{own['id']}/", {"rating": 10}, format="json").status_code == 403
    edited = first.patch(f"/api/v1/manual-ratings/{own['id']}/", {"comment": "Responsive."}, format="json")
    assert edited.status_code == 200 and edited.json()["rating"] == 70.0 and edited.json()["comment"] == "Responsive."
