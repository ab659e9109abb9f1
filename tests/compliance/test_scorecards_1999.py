"""Scorecards of a contract whose whole term lies in 1999 (the real Anonymous Bank month): a REST
client and a browser user see the 1999 months, never a window around today."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from scorecards.models import Scorecard, StandingConsequence
from scorecards.services import recompute_scorecards
from tests.compliance.conftest import FEB, MAR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def procurement():
    return UserFactory(username="buyer", role=roles.PROCUREMENT)


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_1999_months_are_scored_listed_trended_compared_and_reviewed(bank_1999, procurement, client):
    provider = bank_1999.provider
    recompute_scorecards(provider_ids=[provider.pk])
    scored = dict(Scorecard.objects.filter(provider=provider, score__isnull=False).values_list("period", "score"))
    assert {FEB, MAR} <= set(scored), scored
    assert all(period.year == 1999 for period in scored)

    api = _api(procurement)
    listed = api.get(
        "/api/v1/scorecards/", {"provider": provider.name, "period_from": "1999-01", "period_to": "1999-12"}
    )
    assert listed.status_code == 200
    assert {row["month"] for row in listed.json()["results"]} >= {"1999-02", "1999-03"}

    trend = api.get(f"/api/v1/providers/{provider.name}/scorecard-trend/")
    assert trend.status_code == 200, trend.content
    months = [row["month"] for row in trend.json()["months"] if row["score"] is not None]
    assert "1999-02" in months and "1999-03" in months

    feb = Scorecard.objects.get(provider=provider, period=FEB)
    started = api.post(f"/api/v1/scorecards/{feb.pk}/reviews/", {}, format="json")
    assert started.status_code in (200, 201), started.content
    assert started.json()["month"] == "1999-02"
    assert api.get(f"/api/v1/scorecards/{feb.pk}/pdf/").status_code == 200
    # 1999 is closed: any consequence its standing carries is proposed, none from a "running" month.
    assert not StandingConsequence.objects.filter(period__year__gt=1999).exists()

    client.force_login(procurement)
    page = client.get(f"/scorecards/{feb.pk}/")
    assert page.status_code == 200 and b"Month in progress" not in page.content
