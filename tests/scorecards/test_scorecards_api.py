"""GET /api/v1/scorecards/: filters by reference, ordering by score, the breakdown on the detail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from scorecards.models import Scorecard
from scorecards.services import default_version
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def card(provider, period, score, standing):
    return Scorecard.objects.create(
        provider=provider,
        category=provider.contracts.first().processes.first().category,
        period=period,
        template_version=default_version(),
        score=None if score is None else Decimal(score),
        standing=standing,
        breakdown={
            "criteria": [
                {
                    "code": "sla",
                    "name": "SLA performance",
                    "weight": 40.0,
                    "effective_weight": 100.0,
                    "points": float(score or 0),
                    "contribution": float(score or 0),
                    "left_out": False,
                    "inputs": {"service_levels": []},
                },
            ],
            "left_out": [],
        },
        computed_at=timezone.now(),
    )


@pytest.fixture
def cards():
    support = ContractFactory(provider=ProviderFactory(name="Manila Care")).provider
    other_process = ProcessFactory()
    billing = ContractFactory(provider=ProviderFactory(name="Krakow Books"), processes=[other_process]).provider
    return {
        "support_oct": card(support, OCT, "88.50", "strategic"),
        "support_nov": card(support, NOV, "72.00", "preferred"),
        "billing_oct": card(billing, OCT, "60.25", "watch"),
        "billing_nov": card(billing, NOV, None, ""),
    }


def test_the_list_filters_by_references_and_orders_by_score(viewer_api, cards):
    body = viewer_api.get("/api/v1/scorecards/", {"provider": "Manila Care", "ordering": "score"}).json()
    assert [row["score"] for row in body["results"]] == [72.0, 88.5]
    assert body["results"][0]["month"] == "2026-11" and body["results"][0]["template"] == "Default"
    oct_only = viewer_api.get("/api/v1/scorecards/", {"period_from": "2026-10", "period_to": "2026-10"}).json()
    assert {row["provider"] for row in oct_only["results"]} == {"Manila Care", "Krakow Books"}
    watch = viewer_api.get("/api/v1/scorecards/", {"standing": "watch"}).json()
    assert [row["id"] for row in watch["results"]] == [cards["billing_oct"].pk]
    category = cards["billing_oct"].provider.contracts.get().processes.get().category
    by_category = viewer_api.get("/api/v1/scorecards/", {"category": category.code, "scored": "true"}).json()
    assert {row["provider"] for row in by_category["results"]} >= {"Krakow Books"}
    assert all(row["score"] is not None for row in by_category["results"])


def test_unknown_filters_and_references_answer_400(viewer_api, cards):
    assert viewer_api.get("/api/v1/scorecards/", {"provider": "Nobody"}).status_code == 400
    assert viewer_api.get("/api/v1/scorecards/", {"bogus": "1"}).status_code == 400
    assert viewer_api.get("/api/v1/scorecards/", {"ordering": "bogus"}).status_code == 400


def test_the_detail_has_the_breakdown_and_a_month_without_activity_has_no_score(viewer_api, cards):
    detail = viewer_api.get(f"/api/v1/scorecards/{cards['support_oct'].pk}/").json()
    assert detail["score"] == 88.5 and detail["standing"] == "strategic" and detail["template_version"] == 1
    assert detail["breakdown"]["criteria"][0]["code"] == "sla"
    empty = viewer_api.get(f"/api/v1/scorecards/{cards['billing_nov'].pk}/").json()
    assert empty["score"] is None and empty["standing"] == ""


def test_signed_out_clients_are_refused(api_client, cards):
    assert api_client.get("/api/v1/scorecards/").status_code in (401, 403)
