"""/api/v1/scorecard-templates/: read by every role, versions and back-tests written by procurement only."""

import pytest

from scorecards.models import Scorecard, ScorecardTemplate
from scorecards.services import recompute_scorecards
from tests.scorecards.test_recompute_scorecards import OCT, scenario  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

COST_HEAVY = {
    "criteria": [
        {"code": "sla", "name": "SLA performance", "kind": "sla", "weight": 20},
        {"code": "cost", "name": "Cost", "kind": "cost", "weight": 50},
        {"code": "risk", "name": "Risk and compliance", "kind": "risk", "weight": 10},
        {"code": "relationship", "name": "Relationship", "kind": "manual", "weight": 10},
        {"code": "innovation", "name": "Innovation", "kind": "manual", "weight": 10},
    ],
    "bands": [
        {"standing": "strategic", "lower": 85},
        {"standing": "preferred", "lower": 70},
        {"standing": "watch", "lower": 55, "consequence": "probation"},
        {"standing": "exit", "lower": 0, "consequence": "no_new_contracts"},
    ],
    "note": "Cost counts more.",
}


@pytest.fixture
def default_template():
    return ScorecardTemplate.objects.get(is_default=True)


def test_every_role_reads_templates_and_versions(viewer_api, ops_api, procurement_api, default_template):
    base = f"/api/v1/scorecard-templates/{default_template.pk}/"
    for client in (viewer_api, ops_api, procurement_api):
        listed = client.get("/api/v1/scorecard-templates/").json()["results"]
        assert [t["name"] for t in listed] == ["Default"]
        assert client.get(base).json()["current_version"]["number"] == 1
        version = client.get(f"{base}versions/1/").json()
        assert {c["code"]: c["weight"] for c in version["criteria"]}["sla"] == 40.0
        assert version["bands"][2] == {"standing": "watch", "lower": 55.0, "consequence": "probation"}
        assert [v["number"] for v in client.get(f"{base}versions/").json()["results"]] == [1]
    assert viewer_api.get(f"{base}versions/9/").status_code == 404


def test_only_procurement_writes(viewer_api, ops_api, procurement_api, roleless_api, default_template):
    base = f"/api/v1/scorecard-templates/{default_template.pk}/"
    for client in (viewer_api, ops_api):
        assert client.post(f"{base}versions/", COST_HEAVY, format="json").status_code == 403
        assert client.post(f"{base}backtest/", COST_HEAVY, format="json").status_code == 403
        assert (
            client.post("/api/v1/scorecard-templates/", {**COST_HEAVY, "name": "X"}, format="json").status_code == 403
        )
    assert roleless_api.get("/api/v1/scorecard-templates/").status_code == 403
    assert roleless_api.get(f"{base}versions/").status_code == 403
    assert default_template.versions.count() == 1

    created = procurement_api.post(f"{base}versions/", COST_HEAVY, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == 2 and created.json()["created_by"] == "procurement-user"
    assert created.headers["Location"].endswith(f"{base}versions/2/")
    new = procurement_api.post("/api/v1/scorecard-templates/", {**COST_HEAVY, "name": "Cost first"}, format="json")
    assert new.status_code == 201 and new.json()["current_version"]["number"] == 1
    assert new.json()["is_default"] is False


def test_the_backtest_answers_without_saving(procurement_api, scenario, default_template):  # noqa: F811
    recompute_scorecards()
    stored = Scorecard.objects.count()
    answer = procurement_api.post(f"/api/v1/scorecard-templates/{default_template.pk}/backtest/", COST_HEAVY)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["months"][-1] == "2026-10" and len(body["months"]) == 12
    assert body["standing_changes"] == 1 and body["downgrades"] == 1
    [row] = body["rows"]
    assert row["month"] == "2026-10" and row["provider"] == scenario.provider.name
    assert (row["old_score"], row["new_score"], row["change"]) == (76.67, 66.11, -10.56)
    assert (row["old_standing"], row["new_standing"], row["standing_changed"]) == ("preferred", "watch", True)
    assert Scorecard.objects.count() == stored and default_template.versions.count() == 1


def test_weights_and_bands_are_refused_with_the_error_shape(procurement_api, default_template):
    url = f"/api/v1/scorecard-templates/{default_template.pk}/versions/"
    short = {**COST_HEAVY, "criteria": COST_HEAVY["criteria"][:-1]}
    refused = procurement_api.post(url, short, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["criteria"] == ["The criteria's weights must sum to 100 (they sum to 90)."]
    gap = {**COST_HEAVY, "bands": COST_HEAVY["bands"][:-1]}
    refused = procurement_api.post(url, gap, format="json")
    assert refused.status_code == 400 and "must start at 0" in refused.json()["errors"]["bands"][0]
    assert default_template.versions.count() == 1
