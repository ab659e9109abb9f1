"""The scorecards' rank and trend through the API and the browser pages."""

from decimal import Decimal

import pytest
from django.utils import timezone

from savings.models import SavingsResult
from scorecards.models import Scorecard
from scorecards.services import recompute_scorecards
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, ServiceLevelFactory
from tests.scorecards.test_scorecard_trends import AUG, OCT, SEP, category, measured, saves

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked():
    """Customer support: Manila Care 80 → 90 (Sep → Oct), Cebu Voice 85, Pune Desk 60; finance: Krakow Ledger 70."""
    support = [ProcessFactory(name=f"Support {n}", category=category("customer-support")) for n in range(3)]
    contracts = {
        name: ContractFactory(provider=ProviderFactory(name=name), processes=[process])
        for name, process in zip(["Manila Care", "Cebu Voice", "Pune Desk"], support, strict=True)
    }
    contracts["Krakow Ledger"] = ContractFactory(
        provider=ProviderFactory(name="Krakow Ledger"),
        processes=[ProcessFactory(name="Ledgers", category=category("finance-accounting"))],
    )
    saves(contracts["Manila Care"], SEP, "80")
    for name, realised in (("Manila Care", "90"), ("Cebu Voice", "85"), ("Pune Desk", "60"), ("Krakow Ledger", "70")):
        saves(contracts[name], OCT, realised)
    recompute_scorecards()
    return contracts


def october(contracts, name):
    return Scorecard.objects.get(provider=contracts[name].provider, period=OCT)


# --- API ------------------------------------------------------------------------------------


def test_the_list_filters_by_category_name_and_provider_and_orders_by_rank(viewer_api, ranked):
    body = viewer_api.get(
        "/api/v1/scorecards/",
        {
            "category": "Customer support & call centre",
            "period_from": "2026-10",
            "period_to": "2026-10",
            "ordering": "rank",
        },
    ).json()
    rows = [(r["provider"], r["rank"], r["rank_of"], r["category"]) for r in body["results"]]
    assert rows == [
        ("Manila Care", 1, 3, "Customer support & call centre"),
        ("Cebu Voice", 2, 3, "Customer support & call centre"),
        ("Pune Desk", 3, 3, "Customer support & call centre"),
    ]
    by_code = viewer_api.get("/api/v1/scorecards/", {"category": "finance-accounting"}).json()
    assert [r["provider"] for r in by_code["results"]] == ["Krakow Ledger"]
    provider = ranked["Manila Care"].provider
    by_name = viewer_api.get("/api/v1/scorecards/", {"provider": "Manila Care", "ordering": "-score"}).json()
    by_id = viewer_api.get("/api/v1/scorecards/", {"provider": provider.pk, "ordering": "-score"}).json()
    assert [r["score"] for r in by_name["results"]] == [90.0, 80.0] == [r["score"] for r in by_id["results"]]
    assert by_name["results"][0]["change"] == 10.0 and by_name["results"][1]["change"] is None
    assert isinstance(by_name["results"][0]["overall_score"], float)
    strategic = viewer_api.get("/api/v1/scorecards/", {"standing": "strategic"}).json()
    assert {r["provider"] for r in strategic["results"]} == {"Manila Care", "Cebu Voice"}


@pytest.mark.parametrize(
    "query",
    [{"bogus": "1"}, {"category": "no-such-category"}, {"provider": "Nobody"}, {"ordering": "breakdown"}],
)
def test_unknown_parameters_and_references_answer_400(viewer_api, ranked, query):
    response = viewer_api.get("/api/v1/scorecards/", query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_the_detail_has_the_whole_breakdown_and_the_overall_weights(viewer_api, ranked):
    card = october(ranked, "Manila Care")
    body = viewer_api.get(f"/api/v1/scorecards/{card.pk}/").json()
    assert (body["score"], body["rank"], body["rank_of"], body["change"]) == (90.0, 1, 3, 10.0)
    assert body["category_code"] == "customer-support"
    # (90 × 12 + 80 × 11) ÷ 23 = 85.22
    assert body["overall_score"] == 85.22
    assert body["overall_weights"][:2] == [
        {"month": "2026-10", "score": 90.0, "weight": 1.0},
        {"month": "2026-09", "score": 80.0, "weight": 0.9167},
    ]
    assert [(p["process"], p["score"]) for p in body["processes"]] == [("Support 0", 90.0)]
    assert [(r["label"], r["score"], r["months_scored"]) for r in body["rollups"]] == [
        ("2026-Q4", 90.0, 1),
        ("2026", 85.0, 2),
    ]
    assert {row["code"] for row in body["breakdown"]["criteria"]} >= {"sla", "cost"}


def test_the_providers_trend_by_name_or_id(viewer_api, ranked):
    provider = ranked["Manila Care"].provider
    body = viewer_api.get("/api/v1/providers/Manila Care/scorecard-trend/").json()
    assert body == viewer_api.get(f"/api/v1/providers/{provider.pk}/scorecard-trend/").json()
    assert body["provider"] == "Manila Care" and body["template"] == "Default"
    assert [m["month"] for m in body["months"]][-3:] == ["2026-08", "2026-09", "2026-10"]
    assert len(body["months"]) == 12
    latest, previous, gap = body["months"][-1], body["months"][-2], body["months"][-3]
    assert (latest["score"], latest["standing"], latest["rank"], latest["rank_of"], latest["change"]) == (
        90.0,
        "strategic",
        1,
        3,
        10.0,
    )
    assert previous["score"] == 80.0 and previous["change"] is None
    assert gap == {
        "month": "2026-08",
        "scorecard_id": None,
        "score": None,
        "standing": "",
        "category": None,
        "rank": None,
        "rank_of": None,
        "change": None,
    }
    assert body["overall_score"] == 85.22 and body["overall_weights"][1]["weight"] == 0.9167
    assert {(r["span"], r["label"]) for r in body["rollups"]} >= {("quarter", "2026-Q4"), ("year", "2026")}


def test_the_trend_of_an_unknown_provider_is_404_and_extra_parameters_400(viewer_api, ranked):
    assert viewer_api.get("/api/v1/providers/Nobody/scorecard-trend/").status_code == 404
    response = viewer_api.get("/api/v1/providers/Manila Care/scorecard-trend/", {"months": "3"})
    assert response.status_code == 400


def test_a_provider_without_scorecards_has_an_empty_trend(viewer_api):
    provider = ProviderFactory(name="Fresh Start")
    body = viewer_api.get(f"/api/v1/providers/{provider.pk}/scorecard-trend/").json()
    assert body["months"] == [] and body["overall_score"] is None and body["rollups"] == []


# --- Pages ----------------------------------------------------------------------------------


def test_the_scorecard_page_lists_criteria_inputs_rank_and_trend(client, viewer_user):
    contract = ContractFactory(provider=ProviderFactory(name="Manila Care"))
    level = ServiceLevelFactory(contract=contract, name="Answered in 20 s", minimum_level=Decimal("70"))
    measured(level, OCT, 75.0)  # halfway from 70 to 80: 50 points
    saves(contract, SEP, "70")
    saves(contract, OCT, "80")
    other = ContractFactory(provider=ProviderFactory(name="Cebu Voice"))
    saves(other, OCT, "95")
    recompute_scorecards()
    card = Scorecard.objects.get(provider=contract.provider, period=OCT)
    client.force_login(viewer_user)
    page = client.get(f"/scorecards/{card.pk}/").content.decode()
    assert "Default, version 1" in page
    assert "2 of 2 in Customer support &amp; call centre" in page
    where = f"({level.process.name}, contract {contract.reference})"  # which process's level it is
    inputs = "75 against the target 80 and the minimum 70 (higher is better) → 50.00 points"
    assert f"Answered in 20 s {where}: {inputs}" in page
    assert "Realised savings 80.00 USD against projected 100.00 USD → 80.00 points" in page
    assert "Left out: no reviewer rated it for the month" in page
    assert 'data-scorecard-sparkline="scorecard-trend-data"' in page and 'id="scorecard-trend-data"' in page
    assert "js/scorecard-sparkline.js" in page and "<script>" not in page
    # (50×40 + 80×25 + 100×15) ÷ 80 = 68.75 in October, 70 (cost alone) in September: −1.25
    assert "68.75" in page and "−1.25 against the previous month" in page
    assert 'data-weight-month="2026-09"' in page and "0.92" in page
    assert 'data-rollup="2026-Q4"' in page and 'data-process="' in page
    assert f'href="/scorecards/{card.pk}/pdf/"' in page


def test_a_month_without_activity_says_so(client, viewer_user):
    contract = ContractFactory()
    SavingsResult.objects.create(
        contract=contract, period=OCT, status="no_data", reporting_currency="USD", computed_at=timezone.now()
    )
    recompute_scorecards()
    card = Scorecard.objects.get(provider=contract.provider, period=OCT)
    client.force_login(viewer_user)
    page = client.get(f"/scorecards/{card.pk}/").content.decode()
    assert "data-no-activity" in page and "No activity in the month: no score." in page


def test_the_list_page_filters_sorts_and_exports(client, viewer_user, ranked):
    client.force_login(viewer_user)
    page = client.get("/scorecards/", {"category": "customer-support", "period_from": "2026-10", "sort": "rank"})
    html = page.content.decode()
    assert page.status_code == 200 and "3 scorecards match the filter" in html
    table = html[html.index('id="object-table"') :]
    assert table.index("Manila Care") < table.index("Cebu Voice") < table.index("Pune Desk")
    assert "1 of 3" in html and "strategic" in html and ">Scorecards</a>" in html
    export = client.get("/scorecards/", {"category": "customer-support", "period_from": "2026-10", "export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("Month,Provider,Score,Standing,Category,Rank,Change")
    assert len(lines) == 4


def test_the_provider_page_links_to_the_scorecard_and_shows_rank_and_change(client, viewer_user, ranked):
    client.force_login(viewer_user)
    card = october(ranked, "Manila Care")
    page = client.get(ranked["Manila Care"].provider.get_absolute_url()).content.decode()
    assert f'href="/scorecards/{card.pk}/"' in page
    assert "Rank 1 of 3 in Customer support &amp; call centre." in page
    assert "Change against the previous month: +10.00." in page


def test_a_role_less_user_cannot_open_scorecards(client, ranked):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    card = october(ranked, "Manila Care")
    assert client.get("/scorecards/").status_code == 403
    assert client.get(f"/scorecards/{card.pk}/").status_code == 403


def test_aug_is_not_scored(ranked):
    assert not Scorecard.objects.filter(period=AUG).exists()
