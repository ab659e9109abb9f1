"""Template editing: a candidate version is validated, back-tested without saving, then saved as a new
version whose history is recomputed while the old version's scorecards stay readable."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scorecards import backtest, scoring
from scorecards.models import Scorecard, ScorecardTemplate
from scorecards.services import default_version, recompute_scorecards
from scorecards.template_services import (
    Candidate,
    CriterionSpec,
    backtest_months,
    candidate_from_version,
    template_backtest,
    template_version_create,
    validate_candidate,
)
from tests.factories import UserFactory
from tests.scorecards.test_recompute_scorecards import OCT, scenario  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# SLA weighs less, cost much more: the scenario's October falls from preferred to watch.
COST_HEAVY = [
    CriterionSpec("sla", "SLA performance", "sla", Decimal("20")),
    CriterionSpec("cost", "Cost", "cost", Decimal("50")),
    CriterionSpec("risk", "Risk and compliance", "risk", Decimal("10")),
    CriterionSpec("relationship", "Relationship", "manual", Decimal("10")),
    CriterionSpec("innovation", "Innovation", "manual", Decimal("10")),
]
DEFAULT_BANDS = [
    {"standing": "strategic", "lower": 85.0, "consequence": ""},
    {"standing": "preferred", "lower": 70.0, "consequence": ""},
    {"standing": "watch", "lower": 55.0, "consequence": "probation"},
    {"standing": "exit", "lower": 0.0, "consequence": "no_new_contracts"},
]


def test_the_shipped_bands_carry_their_consequences():
    bands = {b.standing: b.consequence for b in default_version().band_list()}
    assert bands == {"strategic": "", "preferred": "", "watch": "probation", "exit": "no_new_contracts"}


def test_the_pure_backtest_compares_old_and_new_per_provider_month():
    old = {(1, OCT): backtest.Outcome(76.67, "preferred"), (2, OCT): backtest.Outcome(90.0, "strategic")}
    new = {(1, OCT): backtest.Outcome(66.11, "watch"), (2, OCT): backtest.Outcome(90.0, "strategic")}
    result = backtest.backtest(
        old,
        new,
        provider_names={1: "Beta", 2: "Alpha"},
        old_bands=scoring.DEFAULT_BANDS,
        new_bands=scoring.DEFAULT_BANDS,
    )
    assert [row.provider for row in result.rows] == ["Alpha", "Beta"]
    beta = result.rows[1]
    assert (beta.old_score, beta.new_score, beta.change) == (76.67, 66.11, -10.56)
    assert beta.standing_changed and not result.rows[0].standing_changed
    assert backtest.direction(beta, scoring.DEFAULT_BANDS, scoring.DEFAULT_BANDS) == "down"
    assert (result.standing_changes, result.downgrades, result.upgrades) == (1, 1, 0)
    assert (result.scores_down, result.scores_unchanged, result.mean_change) == (1, 1, -5.28)
    unscored = backtest.backtest(
        {(1, OCT): backtest.Outcome(None, "")},
        {(1, OCT): backtest.Outcome(None, "")},
        provider_names={1: "Beta"},
        old_bands=scoring.DEFAULT_BANDS,
        new_bands=scoring.DEFAULT_BANDS,
    )
    assert unscored.rows == []  # a month without a score either way says nothing about the change


def test_a_template_change_is_backtested_by_hand_without_saving(scenario):  # noqa: F811
    recompute_scorecards()
    template = ScorecardTemplate.objects.get(is_default=True)
    stored_before = Scorecard.objects.count()
    months = backtest_months()
    assert months[-1] == OCT and len(months) == 12  # the 12 months up to the latest with results

    result = template_backtest(template, Candidate(COST_HEAVY, DEFAULT_BANDS), months=months)

    [row] = result.rows
    # Old (v1): 76.67, preferred. New: SLA 87.5 × 20 + cost 50 × 50 + risk 90 × 10 + relationship 80 × 10,
    # innovation unrated (its 10 spread over the other 90): 5950 / 90 = 66.11 → watch (55–70).
    assert (row.provider, row.period) == (scenario.provider.name, OCT)
    assert (row.old_score, row.old_standing) == (76.67, "preferred")
    assert (row.new_score, row.new_standing) == (66.11, "watch")
    assert row.change == -10.56 and row.standing_changed
    assert (result.providers, result.standing_changes, result.downgrades) == (1, 1, 1)
    assert Scorecard.objects.count() == stored_before and template.versions.count() == 1  # nothing saved


def test_weights_not_summing_to_100_are_refused():
    short = [*COST_HEAVY[:-1], CriterionSpec("innovation", "Innovation", "manual", Decimal("5"))]
    with pytest.raises(ValidationError) as refused:
        validate_candidate(Candidate(short, DEFAULT_BANDS))
    assert refused.value.message_dict["criteria"] == ["The criteria's weights must sum to 100 (they sum to 95)."]


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"standing": "good", "lower": 50.0}, {"standing": "bad", "lower": 10.0}], "lowest band must start at 0"),
        (
            [{"standing": "good", "lower": 50.0}, {"standing": "fair", "lower": 50.0}, {"standing": "bad", "lower": 0}],
            "overlap",
        ),
        ([{"standing": "good", "lower": 0.0, "consequence": "fired"}], "unknown consequence"),
    ],
    ids=["gap", "overlap", "consequence"],
)
def test_bands_with_a_gap_or_an_overlap_are_refused(bands, message):
    with pytest.raises(ValidationError) as refused:
        validate_candidate(Candidate(COST_HEAVY, bands))
    assert message in refused.value.message_dict["bands"][0]


def test_saving_recomputes_history_under_the_new_version_and_keeps_the_old(
    scenario,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    recompute_scorecards()
    v1 = default_version()
    template = v1.template
    editor = UserFactory(username="buyer")
    with django_capture_on_commit_callbacks(execute=True):  # the recompute task runs eagerly at the commit
        v2 = template_version_create(template, Candidate(COST_HEAVY, DEFAULT_BANDS, "Cost counts more."), user=editor)

    assert v2.number == 2 and default_version() == v2
    assert v2.created_by == editor and v2.note == "Cost counts more."
    v2.refresh_from_db()
    assert v2.history_recomputed_at is not None
    new = Scorecard.objects.get(provider=scenario.provider, period=OCT, template_version=v2)
    old = Scorecard.objects.get(provider=scenario.provider, period=OCT, template_version=v1)
    assert (new.score, new.standing) == (Decimal("66.11"), "watch")
    assert (old.score, old.standing) == (Decimal("76.67"), "preferred")  # still stored, still readable
    assert candidate_from_version(v2).bands[2] == {"standing": "watch", "lower": 55.0, "consequence": "probation"}


def test_the_back_test_window_is_the_current_month_without_results():
    months = backtest_months(until=dt.date(2026, 3, 17))
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1)
