"""Rank in the category, change, roll-ups, per-process scores and the overall score, by hand.

Most scenarios give providers savings only, so the month's score is the cost criterion's
points alone (realised ÷ projected × 100: the other criteria have no data and are left out):
that keeps every expected figure computable on paper.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.models import ServiceCategory
from savings.models import SavingsResult
from scorecards import selectors, trends
from scorecards.models import ProcessScorecard, Scorecard, ScorecardRollup
from scorecards.services import recompute_scorecards
from slas.models import ComplianceResult
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def category(code):
    return ServiceCategory.objects.get(code=code)


def contract_in(code, name, **kwargs):
    process = ProcessFactory(category=category(code))
    return ContractFactory(provider=ProviderFactory(name=name), processes=[process], **kwargs)


def saves(contract, period, realised, projected="100.00"):
    """A month whose cost criterion earns realised ÷ projected × 100 points (the score, alone)."""
    result, _ = SavingsResult.objects.update_or_create(
        contract=contract,
        period=period,
        defaults={
            "status": "ok",
            "reporting_currency": "USD",
            "savings": Decimal(realised),
            "projected_savings": Decimal(projected),
            "computed_at": timezone.now(),
        },
    )
    return result


def measured(level, period, actual):
    return ComplianceResult.objects.create(
        service_level=level,
        period=period,
        period_closed=True,
        actual=actual,
        sample_size=100,
        expected_level=level.expected_level,
        minimum_level=level.minimum_level,
        status="met",
        computed_at=timezone.now(),
    )


def card(contract, period):
    return Scorecard.objects.get(provider=contract.provider, period=period)


@pytest.fixture
def support_and_finance():
    """Three customer-support providers (two tie at 80) and one finance provider, in October."""
    manila = contract_in("customer-support", "Manila Care")
    cebu = contract_in("customer-support", "Cebu Voice")
    pune = contract_in("customer-support", "Pune Desk")
    ledger = contract_in("finance-accounting", "Krakow Ledger")
    for contract, realised in ((manila, "80"), (cebu, "80"), (pune, "60"), (ledger, "90")):
        saves(contract, OCT, realised)
    return {"manila": manila, "cebu": cebu, "pune": pune, "ledger": ledger}


def test_ties_share_a_rank_and_the_next_rank_skips(support_and_finance):
    recompute_scorecards()
    c = support_and_finance
    ranks = {name: (card(k, OCT).score, card(k, OCT).rank, card(k, OCT).rank_of) for name, k in c.items()}
    assert ranks == {
        "manila": (Decimal("80.00"), 1, 3),
        "cebu": (Decimal("80.00"), 1, 3),
        "pune": (Decimal("60.00"), 3, 3),
        "ledger": (Decimal("90.00"), 1, 1),  # alone in finance: 90 is not compared with support's 80
    }
    assert card(c["pune"], OCT).category.code == "customer-support"


def test_one_providers_recompute_moves_its_peers_ranks(support_and_finance):
    recompute_scorecards()
    pune = support_and_finance["pune"]
    SavingsResult.objects.filter(contract=pune).update(savings=Decimal("95"))
    recompute_scorecards(provider_ids=[pune.provider_id], months=[OCT])  # the compliance signal's path
    assert (card(pune, OCT).rank, card(pune, OCT).rank_of) == (1, 3)
    assert card(support_and_finance["manila"], OCT).rank == 2
    assert card(support_and_finance["cebu"], OCT).rank == 2


def test_a_provider_is_ranked_where_most_of_its_processes_are():
    support = [ProcessFactory(category=category("customer-support")) for _ in range(2)]
    finance = ProcessFactory(category=category("finance-accounting"))
    contract = ContractFactory(processes=[*support, finance])
    saves(contract, OCT, "70")
    recompute_scorecards()
    assert card(contract, OCT).category.code == "customer-support"
    links = [
        trends.ProcessLink(1, 1, 5, "B", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        trends.ProcessLink(1, 2, 4, "A", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        trends.ProcessLink(2, 3, 5, "B", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),  # ended: not counted
    ]
    assert trends.ranking_category(links, OCT) == 4  # a tie in 2026: first by name
    assert trends.ranking_category(links, dt.date(2025, 6, 1)) == 5


def test_change_against_the_previous_month_and_none_after_a_gap():
    contract = contract_in("customer-support", "Manila Care")
    saves(contract, JAN, "50")
    saves(contract, AUG, "60")
    saves(contract, SEP, "70")
    saves(contract, OCT, "62.5")
    recompute_scorecards()
    assert card(contract, SEP).change == Decimal("10.00")
    assert card(contract, OCT).change == Decimal("-7.50")
    assert card(contract, AUG).change is None  # July has no scorecard
    assert card(contract, JAN).change is None


def test_a_later_months_change_follows_a_recomputed_month():
    contract = contract_in("customer-support", "Manila Care")
    saves(contract, SEP, "70")
    saves(contract, OCT, "80")
    recompute_scorecards()
    SavingsResult.objects.filter(contract=contract, period=SEP).update(savings=Decimal("50"))
    recompute_scorecards(provider_ids=[contract.provider_id], months=[SEP])
    assert card(contract, OCT).change == Decimal("30.00")  # October itself was not recomputed
    assert card(contract, OCT).overall_score == Decimal("65.65")  # (80×12 + 50×11) ÷ 23


def test_a_recompute_that_moves_a_later_month_and_a_peer_keeps_their_other_fields():
    manila = contract_in("customer-support", "Manila Care")
    cebu = contract_in("customer-support", "Cebu Voice")
    for contract, scores in ((manila, ("70", "80", "90")), (cebu, ("50", "75", "85"))):
        for period, realised in zip((AUG, SEP, OCT), scores, strict=True):
            saves(contract, period, realised)
    recompute_scorecards()
    assert (card(cebu, SEP).rank, card(cebu, SEP).change) == (2, Decimal("25.00"))
    SavingsResult.objects.filter(contract=manila, period=SEP).update(savings=Decimal("60"))
    recompute_scorecards(provider_ids=[manila.provider_id], months=[SEP])
    # Cebu's September moves to first (its change stays); Manila's October changes by 30 (its rank stays).
    assert (card(cebu, SEP).rank, card(cebu, SEP).change) == (1, Decimal("25.00"))
    assert card(cebu, SEP).overall_score == Decimal("63.04")  # (75×12 + 50×11) ÷ 23, untouched
    assert (card(manila, OCT).rank, card(manila, OCT).rank_of, card(manila, OCT).change) == (1, 2, Decimal("30.00"))
    assert card(manila, OCT).category.code == "customer-support"


def test_a_quarter_with_a_month_without_a_score_averages_the_others():
    contract = contract_in("customer-support", "Manila Care")
    saves(contract, JAN, "80")
    SavingsResult.objects.create(
        contract=contract, period=FEB, status="no_data", reporting_currency="USD", computed_at=timezone.now()
    )
    saves(contract, MAR, "60")
    recompute_scorecards()
    assert card(contract, FEB).score is None  # no activity: no score, not 0
    q1 = ScorecardRollup.objects.get(provider=contract.provider, span="quarter", period=JAN)
    assert (q1.score, q1.months_scored, q1.standing) == (Decimal("70.00"), 2, "preferred")
    assert [m["score"] for m in q1.months] == [80.0, None, 60.0]
    year = ScorecardRollup.objects.get(provider=contract.provider, span="year", period=JAN)
    assert year.score == Decimal("70.00") and year.label == "2026"
    assert q1.label == "2026-Q1"
    assert not ScorecardRollup.objects.filter(provider=contract.provider, span="quarter", period=dt.date(2026, 4, 1))


def test_a_scorecard_shows_its_own_quarter_and_year():
    contract = contract_in("customer-support", "Manila Care")
    saves(contract, JAN, "80")
    saves(contract, OCT, "60")
    recompute_scorecards()
    shown = selectors.scorecard_rollups(card(contract, OCT))
    assert [(r.label, r.score) for r in shown] == [("2026-Q4", Decimal("60.00")), ("2026", Decimal("70.00"))]


def test_a_quarter_with_no_scored_month_has_no_score():
    rollup = trends.rollup("quarter", JAN, {FEB: None})
    assert rollup.score is None and rollup.months_scored == 0


def test_each_process_is_scored_on_its_own_service_levels():
    first = ProcessFactory(name="Inbound calls")
    second = ProcessFactory(name="Email")
    contract = ContractFactory(processes=[first, second])
    calls = ServiceLevelFactory(contract=contract, process=first, expected_level=Decimal("80"), minimum_level=75)
    email = ServiceLevelFactory(contract=contract, process=second, expected_level=Decimal("80"), minimum_level=70)
    measured(calls, OCT, 85.0)  # 100 points
    measured(email, OCT, 75.0)  # halfway from 70 to 80: 50 points
    saves(contract, OCT, "80")  # the contract's savings count for both processes: cost 80
    recompute_scorecards()
    # Provider: SLA (100 + 50) ÷ 2 = 75, cost 80, risk 100; weights 40, 25, 15 (the manual 20 left out):
    # (75×40 + 80×25 + 100×15) ÷ 80 = 81.25
    assert card(contract, OCT).score == Decimal("81.25")
    by_process = {
        p.process.name: p.score for p in ProcessScorecard.objects.filter(provider=contract.provider, period=OCT)
    }
    # Inbound calls: (100×40 + 2000 + 1500) ÷ 80 = 93.75; Email: (50×40 + 2000 + 1500) ÷ 80 = 68.75
    assert by_process == {"Inbound calls": Decimal("93.75"), "Email": Decimal("68.75")}


def test_the_overall_score_weights_recent_months_more():
    contract = contract_in("customer-support", "Manila Care")
    for period, realised in ((AUG, "60"), (SEP, "70"), (OCT, "80")):
        saves(contract, period, realised)
    recompute_scorecards()
    october = card(contract, OCT)
    # (80 × 12/12 + 70 × 11/12 + 60 × 10/12) ÷ (33/12) = 2330 ÷ 33 = 70.61
    assert october.overall_score == Decimal("70.61")
    weights = [(row["month"], row["weight"]) for row in october.overall_weights[:4]]
    assert weights == [("2026-10", 1.0), ("2026-09", 0.9167), ("2026-08", 0.8333), ("2026-07", 0.0)]
    assert len(october.overall_weights) == 12


def test_recomputing_is_idempotent(support_and_finance):
    recompute_scorecards()
    fields = ["score", "rank", "rank_of", "change", "overall_score", "category_id", "overall_weights"]
    before = list(Scorecard.objects.order_by("pk").values("pk", *fields))
    rollups = list(ScorecardRollup.objects.order_by("pk").values("pk", "score", "months"))
    processes = ProcessScorecard.objects.count()
    recompute_scorecards()
    recompute_scorecards(provider_ids=[support_and_finance["cebu"].provider_id], months=[OCT])
    assert list(Scorecard.objects.order_by("pk").values("pk", *fields)) == before
    assert list(ScorecardRollup.objects.order_by("pk").values("pk", "score", "months")) == rollups
    assert ProcessScorecard.objects.count() == processes
