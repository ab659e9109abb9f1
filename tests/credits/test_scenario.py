"""Eight months of one contract, worked out by hand: lines, totals, the cap, chronic and earn-back.

The contract puts 10 % of each month's charges at risk, caps a month's credits at 15,000.00
as well, and grants earn-back (3 months met). Defaults otherwise: 3 consecutive misses earn
a credit, 3 breaches in 12 months are chronic.

Service levels (A, B, C critical with allocations 100 + 80 + 70 = 250 %; K a key measurement):

    month      1         2        3         4        5         6          7        8
    charges    100,000   120,000  150,000   160,000  180,000   140,000.05 130,000  125,000
    A (100 %)  breached  met      met       met      breached  breached   met      met
    B  (80 %)  at_risk   at_risk  at_risk   at_risk  at_risk   at_risk    met      met
    C  (70 %)  met       at_risk  insuff.   at_risk  at_risk   breached   at_risk  at_risk
    K  (key)   breached  met      breached  met      breached  met        met      met
"""

from decimal import Decimal

from slas.credits import (
    BREACH,
    CONSECUTIVE_MISSES,
    CreditTerms,
    ServiceLevelHistory,
    earn_back_outcome,
    period_credits,
)

D = Decimal
A, B, C, K = 1, 2, 3, 4

TERMS = CreditTerms(at_risk_percent=D("10"), credit_cap=D("15000.00"), earn_back=True)

CHARGES = [
    D(charges)
    for charges in (
        "100000.00",
        "120000.00",
        "150000.00",
        "160000.00",
        "180000.00",
        "140000.05",
        "130000.00",
        "125000.00",
    )
]

STATUSES = {
    A: ("breached", "met", "met", "met", "breached", "breached", "met", "met"),
    B: ("at_risk", "at_risk", "at_risk", "at_risk", "at_risk", "at_risk", "met", "met"),
    C: ("met", "at_risk", "insufficient_data", "at_risk", "at_risk", "breached", "at_risk", "at_risk"),
    K: ("breached", "met", "breached", "met", "breached", "met", "met", "met"),
}
ALLOCATION = {A: D("100"), B: D("80"), C: D("70"), K: D("0")}

ZERO = D("0.00")


def month(m: int):
    """The credits of month ``m`` (1-based), from the statuses of months 1..m."""
    histories = [
        ServiceLevelHistory(
            service_level_id=sl_id, critical=sl_id != K, allocation_percent=ALLOCATION[sl_id], statuses=statuses[:m]
        )
        for sl_id, statuses in STATUSES.items()
    ]
    return period_credits(histories, charges=CHARGES[m - 1], terms=TERMS)


# month → (at-risk amount, effective cap, uncapped total, total, cap applied,
#          {service level: (amount, trigger)} for A, B, C, K, chronic service levels)
EXPECTED = {
    # 100,000.00 × 10 % = 10,000.00; cap min(10,000.00, 15,000.00) = 10,000.00.
    # A breached: 100 % × 10,000.00 = 10,000.00. B misses (run 1), C met, K breached but key: no credit.
    # Uncapped 10,000.00 equals the cap: not capped.
    1: (
        "10000.00",
        "10000.00",
        "10000.00",
        "10000.00",
        False,
        {A: ("10000.00", BREACH), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        set(),
    ),
    # 120,000.00 × 10 % = 12,000.00; cap 12,000.00. B run 2, C run 1: no credit.
    2: (
        "12000.00",
        "12000.00",
        "0.00",
        "0.00",
        False,
        {A: ("0.00", None), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        set(),
    ),
    # 150,000.00 × 10 % = 15,000.00; cap min(15,000.00, 15,000.00) = 15,000.00.
    # B's third miss in a row: 80 % × 15,000.00 = 12,000.00 (its run restarts).
    # C has insufficient data: no credit, and its run (1) is broken. K breaches again (2 in 12).
    3: (
        "15000.00",
        "15000.00",
        "12000.00",
        "12000.00",
        False,
        {A: ("0.00", None), B: ("12000.00", CONSECUTIVE_MISSES), C: ("0.00", None), K: ("0.00", None)},
        set(),
    ),
    # 160,000.00 × 10 % = 16,000.00; cap min(16,000.00, 15,000.00) = 15,000.00 (credit_cap).
    # B run 1 (restarted), C run 1 (after the gap): nothing earned.
    4: (
        "16000.00",
        "15000.00",
        "0.00",
        "0.00",
        False,
        {A: ("0.00", None), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        set(),
    ),
    # 180,000.00 × 10 % = 18,000.00; cap min(18,000.00, 15,000.00) = 15,000.00 (credit_cap).
    # A breached: 100 % × 18,000.00 = 18,000.00 > 15,000.00 → capped; the only line takes the whole cap.
    # B run 2, C run 2. K's third breach in 12 months (1, 3, 5): chronic, still no credit.
    5: (
        "18000.00",
        "15000.00",
        "18000.00",
        "15000.00",
        True,
        {A: ("15000.00", BREACH), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        {K},
    ),
    # 140,000.05 × 10 % = 14,000.005 → 14,000.01; cap min(14,000.01, 15,000.00) = 14,000.01 (at-risk amount).
    # A breached: 100 % → 14,000.01
    # B run 3:     80 % × 14,000.01 = 11,200.008 → 11,200.01
    # C breached (its run also reaches 3; breach is preferred): 70 % × 14,000.01 = 9,800.007 → 9,800.01
    # uncapped 14,000.01 + 11,200.01 + 9,800.01 = 35,000.03 > 14,000.01 → scaled by 14,000.01 / 35,000.03:
    #   A 14,000.01 × 14,000.01 / 35,000.03 = 5,600.0032 → 5,600.00
    #   B 11,200.01 × 14,000.01 / 35,000.03 = 4,480.0034 → 4,480.00
    #   C  9,800.01 × 14,000.01 / 35,000.03 = 3,920.0034 → 3,920.00
    #   sum 14,000.00; leftover 0.01 on the largest line (A) → 5,600.01; total 14,000.01
    # A's third breach in 12 months (1, 5, 6): chronic. K stays chronic (1, 3, 5).
    6: (
        "14000.01",
        "14000.01",
        "35000.03",
        "14000.01",
        True,
        {A: ("5600.01", BREACH), B: ("4480.00", CONSECUTIVE_MISSES), C: ("3920.00", BREACH), K: ("0.00", None)},
        {A, K},
    ),
    # 130,000.00 × 10 % = 13,000.00; cap 13,000.00. C misses, but its run restarted in month 6: run 1.
    7: (
        "13000.00",
        "13000.00",
        "0.00",
        "0.00",
        False,
        {A: ("0.00", None), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        {A, K},
    ),
    # 125,000.00 × 10 % = 12,500.00; cap 12,500.00. C run 2: still no credit. Chronic flags stay (window 12).
    8: (
        "12500.00",
        "12500.00",
        "0.00",
        "0.00",
        False,
        {A: ("0.00", None), B: ("0.00", None), C: ("0.00", None), K: ("0.00", None)},
        {A, K},
    ),
}

# Credits earned, and whether each is returned (3 months met after the month that earned it):
EARN_BACK = {
    (A, 1): True,  # months 2, 3, 4 met
    (B, 3): False,  # month 4 at risk
    (A, 5): False,  # month 6 breached
    (A, 6): None,  # months 7, 8 met; month 9 not known yet
    (B, 6): None,  # months 7, 8 met; month 9 not known yet
    (C, 6): False,  # month 7 at risk
}


def test_eight_months_of_credits():
    earned = {}
    for m, (at_risk, cap, uncapped_total, total, cap_applied, lines, chronic) in EXPECTED.items():
        credits = month(m)
        assert credits.charges == CHARGES[m - 1], m
        assert credits.at_risk_amount == D(at_risk), m
        assert credits.cap == D(cap), m
        assert credits.uncapped_total == D(uncapped_total), m
        assert credits.total == D(total), m
        assert credits.cap_applied is cap_applied, m
        assert {line.service_level_id: (line.amount, line.trigger) for line in credits.lines} == {
            sl_id: (D(amount), trigger) for sl_id, (amount, trigger) in lines.items()
        }, m
        assert sum((line.amount for line in credits.lines), ZERO) == credits.total, m
        assert {line.service_level_id for line in credits.lines if line.chronic} == chronic, m
        for line in credits.lines:
            if line.trigger is not None:
                earned[line.service_level_id, m] = earn_back_outcome(STATUSES[line.service_level_id][m:], terms=TERMS)

    assert earned == EARN_BACK
    # credits still owed after earn-back (pending ones count as owed until they are returned):
    # month 1 (10,000.00) is returned; months 3, 5 and 6 stand: 12,000.00 + 15,000.00 + 14,000.01 = 41,000.01
    owed = sum(
        (
            line.amount
            for m in EXPECTED
            for line in month(m).lines
            if line.trigger is not None and earned[line.service_level_id, m] is not True
        ),
        ZERO,
    )
    assert owed == D("41000.01")


def test_month_six_reads_as_an_auditor_would_check_it():
    a, b, c, k = month(6).lines
    assert a.breakdown["explanation"] == (
        "Breached the minimum level: 100.0 % of the at-risk amount 14,000.01 = 14,000.01; scaled to 5,600.01 "
        "because the period's credits (35,000.03) exceed the cap of 14,000.01. "
        "Chronic: breached in 3 of the last 12 periods"
    )
    assert b.breakdown["explanation"] == (
        "Missed the expected level 3 periods running: 80.0 % of the at-risk amount 14,000.01 = 11,200.01; "
        "scaled to 4,480.00 because the period's credits (35,000.03) exceed the cap of 14,000.01"
    )
    assert (c.breakdown["trigger"], c.breakdown["consecutive_misses"], c.breakdown["uncapped"]) == (
        "breach",
        "3",
        "9800.01",
    )
    assert k.breakdown["explanation"] == (
        "Key measurement (met): tracked, never earns a credit. Chronic: breached in 3 of the last 12 periods"
    )
