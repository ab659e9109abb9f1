"""Saving a template version recomputes history on a real compute worker (the ``compute`` queue)."""

import datetime as dt
import time
from decimal import Decimal

import pytest

from scorecards.models import ManualRating, Scorecard, ScorecardTemplateVersion
from scorecards.template_services import Candidate, CriterionSpec, template_create
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.integration

OCT = dt.date(2026, 10, 1)
CRITERIA = [
    CriterionSpec("sla", "SLA performance", "sla", Decimal("60")),
    CriterionSpec("relationship", "Relationship", "manual", Decimal("40")),
]
BANDS = [{"standing": "good", "lower": 50.0}, {"standing": "poor", "lower": 0.0, "consequence": "probation"}]


def _wait_for(predicate, *, what: str, log, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}; worker log: {log}"
        time.sleep(0.2)


def test_a_saved_version_is_recomputed_on_the_compute_worker_and_the_old_stays(start_worker, procurement_api):
    worker = start_worker("compute", consumes=("compute", "default"))  # no imports queue: routing must be right
    provider = ProviderFactory(name="Krakow Books")
    ManualRating.objects.create(
        provider=provider, period=OCT, criterion="relationship", reviewer=UserFactory(), rating=Decimal("90")
    )
    template = template_create(name="Worker test", description="", candidate=Candidate(CRITERIA, BANDS))
    v1 = template.versions.get()
    _wait_for(
        lambda: ScorecardTemplateVersion.objects.get(pk=v1.pk).history_recomputed_at is not None,
        what="version 1's history",
        log=worker.log_path,
    )

    body = {
        "criteria": [{"code": "sla", "name": "SLA", "kind": "sla", "weight": 100}],
        "bands": [{"standing": "any", "lower": 0}],
        "note": "SLA only.",
    }
    created = procurement_api.post(f"/api/v1/scorecard-templates/{template.pk}/versions/", body, format="json")
    assert created.status_code == 201, created.json()
    v2 = ScorecardTemplateVersion.objects.get(pk=created.json()["id"])
    _wait_for(
        lambda: ScorecardTemplateVersion.objects.get(pk=v2.pk).history_recomputed_at is not None,
        what="version 2's history",
        log=worker.log_path,
    )
    # A month with only ratings has no activity: stored without a score under each version.
    cards = Scorecard.objects.filter(provider=provider, period=OCT)
    assert sorted(cards.values_list("template_version__number", flat=True)) == [1, 2]
    assert all(card.score is None for card in cards)
    assert "scorecards.tasks.recompute_template_history" in worker.log_path.read_text()
