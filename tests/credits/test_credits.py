"""Service credits: triggers, the at-risk amount and allocations, the cap, chronic, earn-back, the pool.

Every expected amount is worked out by hand in the comments; no database is needed.
"""

from decimal import Decimal

import pytest

from slas.credits import (
    BREACH,
    CONSECUTIVE_MISSES,
    CreditTerms,
    ServiceLevelHistory,
    allocation_problems,
    credit_trigger,
    earn_back_outcome,
    earned_back,
    is_chronic,
    period_credits,
)

D = Decimal
MET, RISK, BREACHED, INSUFFICIENT, NO_DATA = "met", "at_risk", "breached", "insufficient_data", "no_data"
TERMS = CreditTerms(at_risk_percent=D("10"), credit_cap=None, earn_back=True)


def trigger(*statuses: str, n: int = 3) -> str | None:
    return credit_trigger(statuses, consecutive_miss_periods=n)


def triggers(*statuses: str, n: int = 3) -> list[str | None]:
    """The trigger of each period of a history, as each month's computation would see it."""
    return [trigger(*statuses[: i + 1], n=n) for i in range(len(statuses))]


def sla(sl_id: int, allocation: str, *statuses: str, critical: bool = True) -> ServiceLevelHistory:
    return ServiceLevelHistory(
        service_level_id=sl_id, critical=critical, allocation_percent=D(allocation), statuses=statuses
    )


# --- triggers ---------------------------------------------------------------------------------


def test_a_breach_earns_a_credit_at_once():
    assert trigger(BREACHED) == BREACH
    assert trigger(MET, MET, BREACHED) == BREACH


def test_met_and_single_misses_earn_nothing():
    assert trigger(MET) is None
    assert trigger(RISK) is None
    assert trigger(MET, RISK, RISK) is None
    assert trigger(BREACHED, MET) is None


def test_three_consecutive_misses_earn_a_credit():
    assert triggers(RISK, RISK, RISK) == [None, None, CONSECUTIVE_MISSES]


def test_a_breach_counts_as_a_miss_in_a_run():
    # breach at 2 earns its own credit; the run RISK, BREACHED, RISK reaches 3 at the third period
    assert triggers(RISK, BREACHED, RISK) == [None, BREACH, CONSECUTIVE_MISSES]


def test_the_run_restarts_after_it_earns_a_credit():
    # a run of six misses earns at the 3rd and the 6th, not at the 4th and 5th
    assert triggers(*[RISK] * 7) == [None, None, CONSECUTIVE_MISSES, None, None, CONSECUTIVE_MISSES, None]


def test_met_breaks_a_run():
    assert triggers(RISK, RISK, MET, RISK, RISK) == [None] * 5


@pytest.mark.parametrize("gap", [INSUFFICIENT, NO_DATA])
def test_a_period_without_evidence_breaks_a_run(gap):
    # RISK, RISK, <gap>, RISK: the run is 1 after the gap, not 3
    assert triggers(RISK, RISK, gap, RISK) == [None, None, None, None]
    # it takes three fresh misses after the gap
    assert trigger(RISK, RISK, gap, RISK, RISK, RISK) == CONSECUTIVE_MISSES
    # and the gap itself never earns a credit
    assert trigger(RISK, RISK, gap) is None


def test_breach_is_preferred_when_both_apply_and_the_run_still_restarts():
    # the 3rd period both breaches and completes the run: one credit, trigger "breach"
    assert trigger(RISK, RISK, BREACHED) == BREACH
    # the run has been answered: two more misses earn nothing, the third earns again
    assert triggers(RISK, RISK, BREACHED, RISK, RISK, RISK) == [None, None, BREACH, None, None, CONSECUTIVE_MISSES]


def test_the_run_length_is_the_contract_s():
    assert triggers(RISK, RISK, n=2) == [None, CONSECUTIVE_MISSES]
    assert triggers(RISK, RISK, RISK, n=1) == [CONSECUTIVE_MISSES] * 3
    assert trigger(RISK, RISK, RISK, n=4) is None


def test_trigger_rejects_bad_input():
    with pytest.raises(ValueError, match="Unknown compliance status"):
        trigger(MET, "green")
    with pytest.raises(ValueError):
        trigger()
    with pytest.raises(ValueError):
        trigger(RISK, n=0)


# --- chronic ----------------------------------------------------------------------------------


def test_chronic_at_exactly_k_breaches_in_the_window():
    statuses = [MET] * 12
    statuses[0] = statuses[5] = statuses[11] = BREACHED  # 3 breaches in the last 12, the current one included
    assert is_chronic(statuses, count=3, window=12)


def test_not_chronic_below_k():
    statuses = [MET] * 12
    statuses[0] = statuses[11] = BREACHED
    assert not is_chronic(statuses, count=3, window=12)
    assert is_chronic(statuses, count=2, window=12)


def test_breaches_older_than_the_window_are_ignored():
    # 13 periods; the last 12 are indices 1..12 (the current one is index 12)
    edge = [MET] * 13
    edge[1] = edge[6] = edge[12] = BREACHED  # the oldest breach is exactly 12 periods back, inside
    assert is_chronic(edge, count=3, window=12)
    outside = [MET] * 13
    outside[0] = outside[6] = outside[12] = BREACHED  # the oldest breach is 13 periods back, outside
    assert not is_chronic(outside, count=3, window=12)
    # a shorter window counts fewer periods: only indices 7..12 with window 6
    assert not is_chronic(edge, count=2, window=6)


def test_at_risk_is_not_a_breach_for_chronic():
    assert not is_chronic([RISK] * 12, count=3, window=12)


def test_a_short_history_counts_what_there_is():
    assert is_chronic([BREACHED, BREACHED, BREACHED], count=3, window=12)


# --- earn-back --------------------------------------------------------------------------------


def test_earned_back_after_the_periods_are_all_met():
    assert earned_back([MET, MET, MET], periods=3) is True
    # what happens after the earn-back periods does not matter
    assert earned_back([MET, MET, MET, BREACHED], periods=3) is True


def test_not_earned_back_when_one_period_is_not_met():
    assert earned_back([MET, RISK, MET], periods=3) is False
    assert earned_back([MET, MET, BREACHED], periods=3) is False
    # known as soon as the miss happens
    assert earned_back([RISK], periods=3) is False
    # a period without data is not performance shown
    assert earned_back([MET, INSUFFICIENT, MET], periods=3) is False
    assert earned_back([NO_DATA], periods=3) is False


def test_earn_back_pending_while_too_few_periods_are_known():
    assert earned_back([], periods=3) is None
    assert earned_back([MET, MET], periods=3) is None


def test_earn_back_outcome_follows_the_contract():
    with_earn_back = CreditTerms(at_risk_percent=D("10"), credit_cap=None, earn_back=True, earn_back_periods=2)
    assert earn_back_outcome([MET, MET], terms=with_earn_back) is True
    assert earn_back_outcome([MET], terms=with_earn_back) is None
    without = CreditTerms(at_risk_percent=D("10"), credit_cap=None, earn_back=False)
    assert earn_back_outcome([MET, MET, MET], terms=without) is False


# --- amounts ----------------------------------------------------------------------------------


def test_credit_is_the_at_risk_amount_times_the_allocation():
    # charges 120,000.00 × 10 % = at-risk 12,000.00; × 12 % = 1,440.00
    credits = period_credits([sla(7, "12.0", BREACHED)], charges=D("120000.00"), terms=TERMS)
    assert credits.at_risk_amount == D("12000.00")
    assert credits.cap == D("12000.00")
    (line,) = credits.lines
    assert line.amount == D("1440.00")
    assert line.trigger == BREACH
    assert not line.chronic
    assert line.breakdown == {
        "charges": "120000.00",
        "at_risk_percent": "10",
        "at_risk_amount": "12000.00",
        "allocation_percent": "12.0",
        "status": "breached",
        "trigger": "breach",
        "consecutive_misses": "1",
        "uncapped": "1440.00",
        "cap": "12000.00",
        "cap_applied": "false",
        "amount": "1440.00",
        "chronic": "false",
        "breaches_in_window": "1",
        "explanation": "Breached the minimum level: 12.0 % of the at-risk amount 12,000.00 = 1,440.00",
    }
    assert (credits.uncapped_total, credits.total, credits.cap_applied) == (D("1440.00"), D("1440.00"), False)


def test_consecutive_misses_credit():
    # charges 150,000.00 × 10 % = 15,000.00; × 80 % = 12,000.00
    credits = period_credits([sla(1, "80", RISK, RISK, RISK)], charges=D("150000.00"), terms=TERMS)
    (line,) = credits.lines
    assert line.amount == D("12000.00")
    assert line.trigger == CONSECUTIVE_MISSES
    assert line.breakdown["consecutive_misses"] == "3"
    assert line.breakdown["explanation"] == (
        "Missed the expected level 3 periods running: 80.0 % of the at-risk amount 15,000.00 = 12,000.00"
    )


def test_the_at_risk_amount_rounds_half_a_cent_up():
    # 140,000.05 × 10 % = 14,000.005 → 14,000.01; × 100 % = 14,000.01
    credits = period_credits([sla(1, "100", BREACHED)], charges=D("140000.05"), terms=TERMS)
    assert credits.at_risk_amount == D("14000.01")
    assert credits.total == D("14000.01")


def test_lines_without_a_credit_are_kept_for_the_audit_trail_in_the_order_given():
    credits = period_credits(
        [sla(3, "50", MET), sla(1, "50", RISK, RISK), sla(2, "50", INSUFFICIENT)],
        charges=D("100000.00"),
        terms=TERMS,
    )
    assert [line.service_level_id for line in credits.lines] == [3, 1, 2]
    assert [line.amount for line in credits.lines] == [D("0.00")] * 3
    assert [line.trigger for line in credits.lines] == [None] * 3
    assert [line.breakdown["trigger"] for line in credits.lines] == ["none"] * 3
    explanations = [line.breakdown["explanation"] for line in credits.lines]
    assert explanations == [
        "Met the expected level: no credit",
        "Missed the expected level 2 periods running (a credit is earned at 3): no credit this period",
        "Insufficient data: no credit, and any run of misses starts again",
    ]
    assert credits.total == D("0.00")


def test_key_measurements_never_earn_credits():
    credits = period_credits(
        [
            sla(1, "0", BREACHED, critical=False),
            sla(2, "0", RISK, RISK, RISK, critical=False),
            # even with an allocation left on it by mistake
            sla(3, "50", BREACHED, critical=False),
        ],
        charges=D("100000.00"),
        terms=TERMS,
    )
    assert [line.amount for line in credits.lines] == [D("0.00")] * 3
    assert [line.trigger for line in credits.lines] == [None] * 3
    assert credits.lines[0].breakdown["explanation"] == "Key measurement (breached): tracked, never earns a credit"
    assert credits.uncapped_total == credits.total == D("0.00")


def test_a_chronic_service_level_is_flagged_on_its_line():
    credits = period_credits(
        [sla(1, "50", BREACHED, MET, BREACHED, MET, BREACHED), sla(2, "10", BREACHED, MET, BREACHED, MET, MET)],
        charges=D("100000.00"),
        terms=TERMS,
    )
    chronic, not_chronic = credits.lines
    assert chronic.chronic is True
    assert chronic.breakdown["chronic"] == "true"
    assert chronic.breakdown["breaches_in_window"] == "3"
    assert chronic.breakdown["explanation"].endswith("Chronic: breached in 3 of the last 12 periods")
    # chronic is about performance: a period without a credit can still be chronic, and this one is not
    assert not_chronic.chronic is False
    assert not_chronic.amount == D("0.00")


# --- the cap ----------------------------------------------------------------------------------


def test_total_is_capped_at_the_at_risk_amount_with_allocations_totalling_250_percent():
    # charges 200,000.00 × 10 % = at-risk 20,000.00
    # uncapped: 100 % → 20,000.00, 90 % → 18,000.00, 60 % → 12,000.00; total 50,000.00 > 20,000.00
    # scaled by 20,000 / 50,000 = 0.4: 8,000.00, 7,200.00, 4,800.00 = 20,000.00
    credits = period_credits(
        [sla(1, "100", BREACHED), sla(2, "90", BREACHED), sla(3, "60", RISK, RISK, RISK)],
        charges=D("200000.00"),
        terms=TERMS,
    )
    assert credits.uncapped_total == D("50000.00")
    assert credits.cap == D("20000.00")
    assert credits.cap_applied is True
    assert [line.amount for line in credits.lines] == [D("8000.00"), D("7200.00"), D("4800.00")]
    assert sum(line.amount for line in credits.lines) == credits.total == D("20000.00")
    assert [line.breakdown["uncapped"] for line in credits.lines] == ["20000.00", "18000.00", "12000.00"]
    assert all(line.breakdown["cap_applied"] == "true" for line in credits.lines)
    assert credits.lines[1].breakdown["explanation"] == (
        "Breached the minimum level: 90.0 % of the at-risk amount 20,000.00 = 18,000.00; "
        "scaled to 7,200.00 because the period's credits (50,000.00) exceed the cap of 20,000.00"
    )


def test_a_lower_credit_cap_wins():
    # at-risk 20,000.00 but credit_cap 5,000.00: scale 5,000 / 50,000 = 0.1 → 2,000.00, 1,800.00, 1,200.00
    terms = CreditTerms(at_risk_percent=D("10"), credit_cap=D("5000.00"), earn_back=False)
    credits = period_credits(
        [sla(1, "100", BREACHED), sla(2, "90", BREACHED), sla(3, "60", BREACHED)], charges=D("200000.00"), terms=terms
    )
    assert credits.at_risk_amount == D("20000.00")
    assert credits.cap == D("5000.00")
    assert [line.amount for line in credits.lines] == [D("2000.00"), D("1800.00"), D("1200.00")]
    assert credits.total == D("5000.00")
    assert credits.lines[0].breakdown["cap"] == "5000.00"


def test_a_higher_credit_cap_leaves_the_at_risk_amount_as_the_cap():
    terms = CreditTerms(at_risk_percent=D("10"), credit_cap=D("50000.00"), earn_back=False)
    credits = period_credits([sla(1, "100", BREACHED), sla(2, "100", BREACHED)], charges=D("200000.00"), terms=terms)
    # at-risk 20,000.00 < 50,000.00; uncapped 40,000.00 → 10,000.00 each
    assert credits.cap == D("20000.00")
    assert [line.amount for line in credits.lines] == [D("10000.00"), D("10000.00")]


def test_a_total_equal_to_the_cap_is_not_capped():
    # at-risk 10,000.00; 60 % + 40 % = 6,000.00 + 4,000.00 = 10,000.00, exactly the cap
    credits = period_credits([sla(1, "60", BREACHED), sla(2, "40", BREACHED)], charges=D("100000.00"), terms=TERMS)
    assert credits.cap_applied is False
    assert credits.total == D("10000.00")


def test_a_leftover_cent_goes_on_the_largest_line():
    # at-risk 10,000.00; three lines of 10,000.00 → uncapped 30,000.00
    # each scaled: 10,000 × 10,000 / 30,000 = 3,333.333… → 3,333.33; sum 9,999.99; leftover 0.01
    # the lines tie, so the first given takes it: 3,333.34 + 3,333.33 + 3,333.33 = 10,000.00
    credits = period_credits(
        [sla(1, "100", BREACHED), sla(2, "100", BREACHED), sla(3, "100", BREACHED)],
        charges=D("100000.00"),
        terms=TERMS,
    )
    assert [line.amount for line in credits.lines] == [D("3333.34"), D("3333.33"), D("3333.33")]
    assert credits.total == D("10000.00")


def test_the_leftover_goes_on_the_largest_line_not_the_first():
    # at-risk 10,000.00; 50 % → 5,000.00, 3 × 100 % → 10,000.00 each; uncapped 35,000.00
    # scaled: 5,000 × 10,000 / 35,000 = 1,428.571… → 1,428.57; 10,000 × 10,000 / 35,000 = 2,857.142… → 2,857.14
    # sum 1,428.57 + 3 × 2,857.14 = 9,999.99; leftover +0.01 on the first of the largest (id 2)
    credits = period_credits(
        [sla(1, "50", BREACHED), sla(2, "100", BREACHED), sla(3, "100", BREACHED), sla(4, "100", BREACHED)],
        charges=D("100000.00"),
        terms=TERMS,
    )
    assert [line.amount for line in credits.lines] == [D("1428.57"), D("2857.15"), D("2857.14"), D("2857.14")]
    assert credits.total == D("10000.00")


def test_a_negative_leftover_comes_off_the_largest_line():
    # at-risk 10,000.00; 40 % → 4,000.00, 100 % → 10,000.00, 100 % → 10,000.00; uncapped 24,000.00
    # scaled: 4,000 × 10,000 / 24,000 = 1,666.666… → 1,666.67; 10,000 × 10,000 / 24,000 = 4,166.666… → 4,166.67
    # sum 1,666.67 + 2 × 4,166.67 = 10,000.01; leftover −0.01 off the first of the largest (id 2)
    credits = period_credits(
        [sla(1, "40", BREACHED), sla(2, "100", BREACHED), sla(3, "100", BREACHED)],
        charges=D("100000.00"),
        terms=TERMS,
    )
    assert [line.amount for line in credits.lines] == [D("1666.67"), D("4166.66"), D("4166.67")]
    assert credits.total == D("10000.00")


def test_a_tiny_cap_never_makes_a_line_negative():
    # charges 10.00 × 10 % = at-risk 1.00, credit_cap 0.05; ten lines of 5 % → 0.05 each, uncapped 0.50
    # scaled: 0.05 × 0.05 / 0.50 = 0.005 → 0.01 each, sum 0.10; leftover −0.05 is more than the largest line,
    # so it comes off the lines in turn (ties in the order given): the first five drop to 0.00
    terms = CreditTerms(at_risk_percent=D("10"), credit_cap=D("0.05"), earn_back=False)
    credits = period_credits([sla(i, "5", BREACHED) for i in range(1, 11)], charges=D("10.00"), terms=terms)
    assert [line.amount for line in credits.lines] == [D("0.00")] * 5 + [D("0.01")] * 5
    assert credits.total == D("0.05")


def test_a_zero_cap_zeroes_every_line():
    terms = CreditTerms(at_risk_percent=D("0"), credit_cap=None, earn_back=False)
    credits = period_credits([sla(1, "100", BREACHED), sla(2, "50", BREACHED)], charges=D("100000.00"), terms=terms)
    assert credits.at_risk_amount == credits.cap == D("0.00")
    assert [line.amount for line in credits.lines] == [D("0.00"), D("0.00")]
    assert credits.cap_applied is False  # nothing to cap: 0 % of the at-risk amount is 0


def test_no_service_levels_no_credits():
    credits = period_credits([], charges=D("100000.00"), terms=TERMS)
    assert credits.lines == ()
    assert credits.total == credits.uncapped_total == D("0.00")


def test_period_credits_rejects_bad_input():
    with pytest.raises(ValueError, match="more than once"):
        period_credits([sla(1, "10", MET), sla(1, "10", MET)], charges=D("1"), terms=TERMS)
    with pytest.raises(ValueError, match="negative"):
        period_credits([], charges=D("-1"), terms=TERMS)
    with pytest.raises(ValueError, match="needs the period"):
        sla(1, "10")
    with pytest.raises(ValueError, match="negative"):
        sla(1, "-10", MET)
    with pytest.raises(ValueError, match="at-risk"):
        CreditTerms(at_risk_percent=D("101"), credit_cap=None, earn_back=False)
    with pytest.raises(ValueError, match="cap"):
        CreditTerms(at_risk_percent=D("10"), credit_cap=D("-1"), earn_back=False)
    with pytest.raises(ValueError, match="consecutive_miss_periods"):
        CreditTerms(at_risk_percent=D("10"), credit_cap=None, earn_back=False, consecutive_miss_periods=0)


# --- the allocation pool ----------------------------------------------------------------------


def test_allocations_within_the_pool_limit_are_fine():
    allocations = [("AHT", D("100")), ("ASA", D("80")), ("FCR", D("70"))]
    assert allocation_problems(allocations, pool_limit_percent=D("250")) == []  # exactly at the limit
    assert allocation_problems([], pool_limit_percent=D("250")) == []


def test_allocations_above_the_pool_limit_name_the_total_and_the_limit():
    allocations = [("AHT", D("100.00")), ("ASA", D("90.00")), ("FCR", D("70.00"))]
    assert allocation_problems(allocations, pool_limit_percent=D("250.00")) == [
        "The credit allocations of the critical service levels total 260.0 % (AHT 100.0 %, ASA 90.0 %, "
        "FCR 70.0 %), above the pool limit of 250.0 %."
    ]
    assert len(allocation_problems(allocations, pool_limit_percent=D("150"))) == 1
