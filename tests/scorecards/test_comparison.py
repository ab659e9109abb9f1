"""scorecards.comparison: hand-computed cases for averages, normalisation, quadrants, frontier and cost per unit."""

from decimal import Decimal

import pytest

from scorecards import comparison as c


def test_the_average_leaves_months_without_a_value_out():
    assert c.average([80.0, None, 70.0, None]) == c.Average(75.0, 2, 2)
    assert c.average([None, None]) == c.Average(None, 0, 2)


def test_min_max_puts_the_best_at_1_and_the_worst_at_0():
    # (85 − 70) ÷ (90 − 70) = 0.75
    assert c.min_max({"a": 90.0, "b": 70.0, "c": 85.0}, higher_is_better=True) == {"a": 1.0, "b": 0.0, "c": 0.75}


def test_min_max_flips_for_a_lower_is_better_metric():
    # handle time: 300 s best, 500 s worst; 350 → (350 − 500) ÷ (300 − 500) = 0.75
    assert c.min_max({"a": 300.0, "b": 500.0, "c": 350.0}, higher_is_better=False) == {"a": 1.0, "b": 0.0, "c": 0.75}


def test_min_max_gives_everyone_1_when_all_are_equal_and_keeps_no_data_as_none():
    assert c.min_max({"a": 80.0, "b": 80.0}, higher_is_better=True) == {"a": 1.0, "b": 1.0}
    assert c.min_max({"a": 80.0, "b": None, "c": 60.0}, higher_is_better=True) == {"a": 1.0, "b": None, "c": 0.0}
    assert c.min_max({"a": None}, higher_is_better=True) == {"a": None}


def test_quadrants_split_at_the_medians_and_a_provider_on_a_line_gets_the_better_side():
    split = c.assign_quadrants(
        {
            "cheap-good": (100.0, 90.0),
            "dear-good": (300.0, 80.0),
            "median": (200.0, 70.0),  # on both medians: low spend, high performance
            "dear-poor": (400.0, 50.0),
            "cheap-poor": (50.0, 60.0),
            "no-spend": (None, 99.0),  # left out of the medians and of the quadrants
        }
    )
    assert split.spend_median == 200.0 and split.score_median == 70.0
    assert split.quadrants == {
        "cheap-good": c.EFFICIENT,
        "dear-good": c.STRATEGIC,
        "median": c.EFFICIENT,
        "dear-poor": c.REVIEW,
        "cheap-poor": c.MARGINAL,
        "no-spend": None,
    }


def test_quadrants_of_two_providers_use_the_midpoints():
    split = c.assign_quadrants({"a": (100.0, 80.0), "b": (300.0, 60.0)})
    assert (split.spend_median, split.score_median) == (200.0, 70.0)
    assert split.quadrants == {"a": c.EFFICIENT, "b": c.REVIEW}


def test_a_dominated_provider_is_off_the_frontier_and_named_by_who_beats_it():
    points = {"A": (4.0, 90.0), "B": (5.0, 85.0), "C": (3.0, 70.0)}
    # B is dearer and worse than A; C is cheapest, A best: both on the frontier.
    assert c.pareto_frontier(points) == ["C", "A"]
    assert c.dominators(points) == {"A": [], "B": ["A"], "C": []}


def test_equal_cost_the_better_quality_wins():
    points = {"A": (4.0, 90.0), "B": (4.0, 80.0)}
    assert c.pareto_frontier(points) == ["A"]
    assert c.dominators(points)["B"] == ["A"]


def test_equal_on_both_neither_beats_the_other():
    points = {"A": (4.0, 90.0), "B": (4.0, 90.0), "C": (6.0, 90.0)}
    assert c.pareto_frontier(points) == ["A", "B"]
    assert c.dominators(points)["C"] == ["A", "B"]


def test_equal_quality_the_cheaper_wins_and_a_single_provider_is_its_own_frontier():
    assert c.pareto_frontier({"A": (3.0, 80.0), "B": (4.0, 80.0)}) == ["A"]
    assert c.pareto_frontier({"A": (3.0, 80.0)}) == ["A"]
    assert c.pareto_frontier({}) == []


def test_cost_per_unit_shares_a_contract_cost_among_its_processes_by_volume():
    months = [
        # 10,000 for 1,000 items of which 400 are this process → 4,000 for 400
        c.ProcessMonthCost(Decimal("10000"), 1000, 400),
        # a single-process contract: 2,000 for 500
        c.ProcessMonthCost(Decimal("2000"), 500, 500),
        # no volume for the process: left out
        c.ProcessMonthCost(Decimal("9999"), 300, 0),
    ]
    # (4,000 + 2,000) ÷ (400 + 500) = 6.666…
    assert c.cost_per_unit(months) == pytest.approx(Decimal("6000") / Decimal("900"))
    assert c.cost_per_unit([c.ProcessMonthCost(Decimal("1"), 0, 0)]) is None
