"""The scorecard arithmetic on hand-computed scenarios (scorecards.scoring)."""

import pytest

from scorecards.scoring import (
    DEFAULT_BANDS,
    Band,
    Criterion,
    CriterionScore,
    RiskInput,
    ServiceLevelInput,
    attainment_points,
    combine,
    cost_criterion,
    manual_criterion,
    overall_score,
    rank,
    risk_criterion,
    sla_criterion,
    standing_for,
    validate_bands,
    validate_weights,
)


def level(actual, expected, minimum, *, higher=True, weight=1.0, name="x"):
    return ServiceLevelInput(name, actual, expected, minimum, higher, weight)


@pytest.mark.parametrize(
    ("actual", "points"),
    [(80.0, 0.0), (70.0, 0.0), (85.0, 50.0), (90.0, 100.0), (99.0, 100.0), (82.0, 20.0)],
)
def test_higher_is_better_attainment_is_linear_between_minimum_and_expected(actual, points):
    # minimum 80 → 0 points, expected 90 → 100 points
    assert attainment_points(actual, 90.0, 80.0, higher_is_better=True) == pytest.approx(points)


@pytest.mark.parametrize(("actual", "points"), [(300.0, 100.0), (330.0, 75.0), (420.0, 0.0), (450.0, 0.0)])
def test_lower_is_better_attainment_reads_the_other_way(actual, points):
    # handle time: expected 300 s (100 points), minimum 420 s (0 points); 330 s is a quarter of the way
    assert attainment_points(actual, 300.0, 420.0, higher_is_better=False) == pytest.approx(points)


def test_attainment_without_a_band_is_all_or_nothing():
    assert attainment_points(90.0, 90.0, 90.0, higher_is_better=True) == 100.0
    assert attainment_points(89.9, 90.0, 90.0, higher_is_better=True) == 0.0
    assert attainment_points(30.0, 30.0, 30.0, higher_is_better=False) == 100.0
    assert attainment_points(31.0, 30.0, 30.0, higher_is_better=False) == 0.0


def test_sla_criterion_weights_levels_by_their_weight():
    # 100 points × weight 3 + 50 points × weight 1 → 350 / 4 = 87.5
    result = sla_criterion([level(95.0, 90.0, 80.0, weight=3.0), level(330.0, 300.0, 360.0, higher=False)])
    assert result is not None
    assert result.points == pytest.approx(87.5)
    assert [row["points"] for row in result.inputs["service_levels"]] == [100.0, 50.0]
    assert result.inputs["service_levels"][1]["direction"] == "lower"


def test_sla_criterion_without_measured_levels_has_no_data():
    assert sla_criterion([]) is None
    assert sla_criterion([level(95.0, 90.0, 80.0, weight=0.0)]) is None


@pytest.mark.parametrize(
    ("realised", "projected", "discrepancies", "points"),
    [
        (120.0, 100.0, 0, 100.0),  # beat the business case
        (100.0, 100.0, 0, 100.0),
        (60.0, 100.0, 0, 60.0),  # 60 % of the case
        (60.0, 100.0, 2, 40.0),  # less 10 per discrepancy
        (-50.0, 100.0, 0, 0.0),  # losing money
        (5.0, 100.0, 1, 0.0),  # never below 0
        (10.0, None, 0, 100.0),  # no business case, saving
        (-1.0, 0.0, 0, 0.0),  # no business case, losing
    ],
)
def test_cost_criterion(realised, projected, discrepancies, points):
    result = cost_criterion(realised, projected, invoice_discrepancies=discrepancies)
    assert result is not None and result.points == pytest.approx(points)


def test_cost_criterion_without_realised_savings_has_no_data():
    assert cost_criterion(None, 100.0) is None


def test_risk_criterion_takes_off_per_problem():
    risk = RiskInput(
        required_certifications=1,
        certification_problems=("HIPAA expired",),
        chronic_breaches=1,
        open_discrepancies=2,
        measured_service_levels=3,
    )
    # 100 − 40 − 20 − 2 × 10 = 20
    result = risk_criterion(risk)
    assert result is not None and result.points == 20.0
    assert result.inputs["certification_problems"] == ["HIPAA expired"]
    clean = risk_criterion(RiskInput(1, (), 0, 0, 0))
    assert clean is not None and clean.points == 100.0
    assert risk_criterion(RiskInput(0, (), 0, 0, 0)) is None
    worst = risk_criterion(RiskInput(2, ("a", "b"), 3, 0, 1))
    assert worst is not None and worst.points == 0.0


def test_manual_criterion_is_the_median_of_three_reviewers():
    # one extreme reviewer (0) cannot drag the 80s down: the median is 80, the mean would be 53.3
    result = manual_criterion([80.0, 0.0, 85.0])
    assert result is not None and result.points == 80.0
    even = manual_criterion([60.0, 70.0])
    assert even is not None and even.points == 65.0
    assert manual_criterion([]) is None


CRITERIA = [Criterion("sla", "SLA", 50.0), Criterion("cost", "Cost", 30.0), Criterion("relationship", "Rel.", 20.0)]


def test_combine_is_the_weighted_mean():
    scores = {"sla": CriterionScore(80.0), "cost": CriterionScore(100.0), "relationship": CriterionScore(50.0)}
    result = combine(CRITERIA, scores, active=True)
    # 80 × .5 + 100 × .3 + 50 × .2 = 40 + 30 + 10 = 80
    assert result is not None and result.score == pytest.approx(80.0)
    assert result.left_out == []
    assert [row["contribution"] for row in result.rows] == [40.0, 30.0, 10.0]


def test_a_criterion_without_data_spreads_its_weight_over_the_others():
    scores = {"sla": CriterionScore(80.0), "cost": None, "relationship": CriterionScore(50.0)}
    result = combine(CRITERIA, scores, active=True)
    # cost left out: sla 50 → 50 × 100/70 = 71.4286, relationship 20 → 28.5714
    # score = 80 × 50/70 + 50 × 20/70 = (4000 + 1000) / 70 = 71.4286
    assert result is not None and result.score == pytest.approx(5000 / 70)
    assert result.left_out == ["cost"]
    cost_row = result.rows[1]
    assert cost_row["left_out"] is True and cost_row["points"] is None and cost_row["effective_weight"] == 0.0
    assert result.rows[0]["effective_weight"] == pytest.approx(71.4286)


def test_no_activity_is_no_score_whatever_the_ratings():
    assert combine(CRITERIA, {"relationship": CriterionScore(100.0)}, active=False) is None
    assert combine(CRITERIA, {}, active=True) is None


def test_weights_must_sum_to_100():
    validate_weights([50, 30, 20])
    with pytest.raises(ValueError, match="sum to 100"):
        validate_weights([50, 30, 10])
    with pytest.raises(ValueError, match="negative"):
        validate_weights([110, -10])


@pytest.mark.parametrize(
    ("score", "standing"),
    [
        (100.0, "strategic"),
        (85.0, "strategic"),
        (84.99, "preferred"),
        (70.0, "preferred"),
        (55.0, "watch"),
        (54.9, "exit"),
        (0.0, "exit"),
    ],
)
def test_default_bands(score, standing):
    assert standing_for(score, DEFAULT_BANDS) == standing


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([Band("a", 50.0), Band("b", 10.0)], "lowest band must start at 0"),
        ([Band("a", 50.0), Band("b", 50.0), Band("c", 0.0)], "overlap"),
        ([Band("a", 120.0), Band("b", 0.0)], "outside 0–100"),
        ([Band("a", 50.0), Band("a", 0.0)], "two bands"),
        ([], "At least one"),
    ],
)
def test_bands_with_a_gap_or_an_overlap_are_refused(bands, message):
    with pytest.raises(ValueError, match=message):
        validate_bands(bands)


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert rank({"A": 90.0, "B": 75.5, "C": 90.0, "D": 60.0}) == {"A": 1, "C": 1, "B": 3, "D": 4}
    assert rank({}) == {}


def test_overall_score_decays_linearly_over_12_periods():
    # latest 60 (weight 12/12), previous 90 (11/12): (60 × 12 + 90 × 11) / 23 = 1710 / 23
    result = overall_score([60.0, 90.0])
    assert result is not None and result.score == pytest.approx(1710 / 23)
    assert result.weights == pytest.approx([1.0, 11 / 12])


def test_overall_score_leaves_out_periods_without_score_and_beyond_12():
    history = [None, 80.0] + [None] * 10 + [0.0]  # the 13th period has weight 0
    result = overall_score(history)
    assert result is not None and result.score == 80.0
    assert result.weights[0] == 0.0 and result.weights[1] == pytest.approx(11 / 12) and result.weights[12] == 0.0
    assert overall_score([None, None]) is None
