"""A small comparison scenario built straight into the stored results (no import, no recompute).

Three providers over October–November 2026: Alpha and Bravo run the same process
("Retail voice care"), Charlie another. Hand-computed figures the tests assert:

- average score: Alpha (80 + 90) ÷ 2 = 85; Bravo 70 (November has no score: left out);
  Charlie (60 + 50) ÷ 2 = 55.
- savings / spend / credits (USD): Alpha 400 / 2,000 / 100; Bravo 100 / 6,000 / 0 (November
  has a missing rate: left out, counted); Charlie −50 / 500 / 10.
- quadrants: spend median 2,000, score median 70 → Alpha efficient, Bravo strategic (on the
  score median: the better side), Charlie marginal.
- service level (higher is better) measured for all three: means Alpha 78.75, Bravo 76,
  Charlie 85 → normalised Alpha (78.75 − 76) ÷ (85 − 76) = 0.31, Bravo 0, Charlie 1.
- the shared process: cost per call Alpha 2,000 ÷ 200 = 10, Bravo 6,000 ÷ 500 = 12; quality
  (attainment between minimum 75 and expected 80) Alpha (100 + 50) ÷ 2 = 75, Bravo 20 →
  Bravo is beaten by Alpha on both: the frontier is Alpha alone.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from savings.models import SavingsResult
from scorecards.models import Scorecard, ScorecardCriterion, ScorecardTemplate
from scorecards.services import default_version
from slas.models import ComplianceResult, ComplianceStatus, CreditStatement
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, ServiceLevelFactory

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def _version():
    """The default template's version (a transactional test may have flushed the shipped one)."""
    version = default_version()
    if version is not None:
        return version
    template, _ = ScorecardTemplate.objects.get_or_create(name="Default", defaults={"is_default": True})
    version = template.versions.create(number=1)
    for code, name, kind, weight in [("sla", "SLA performance", "sla", 60), ("cost", "Cost", "cost", 40)]:
        ScorecardCriterion.objects.create(version=version, code=code, name=name, kind=kind, weight=weight)
    return version


def _card(provider, period, score, sla_points=None):
    return Scorecard.objects.create(
        provider=provider,
        period=period,
        template_version=_version(),
        score=None if score is None else Decimal(score),
        standing="",
        breakdown={
            "criteria": [] if score is None else [{"code": "sla", "name": "SLA performance", "points": sla_points}],
            "left_out": [],
        },
        computed_at=timezone.now(),
    )


def _savings(contract, period, *, cost, savings, credits, volume, status=SavingsResult.Status.OK):
    ok = status == SavingsResult.Status.OK
    return SavingsResult.objects.create(
        contract=contract,
        period=period,
        status=status,
        reporting_currency="USD",
        volume=volume,
        outsourced_cost=Decimal(cost) if ok else None,
        service_credits=Decimal(credits) if ok else None,
        savings=Decimal(savings) if ok else None,
        computed_at=timezone.now(),
    )


def _statement(contract, period, volumes):
    return CreditStatement.objects.create(
        contract=contract, period=period, volumes={str(k): v for k, v in volumes.items()}, computed_at=timezone.now()
    )


def _result(level, period, actual):
    return ComplianceResult.objects.create(
        service_level=level,
        period=period,
        actual=actual,
        expected_level=level.expected_level,
        minimum_level=level.minimum_level,
        status=ComplianceStatus.MET if actual >= level.expected_level else ComplianceStatus.AT_RISK,
        computed_at=timezone.now(),
    )


def build() -> dict:
    voice = ProcessFactory(name="Retail voice care")
    billing = ProcessFactory(name="Billing letters")
    alpha = ContractFactory(provider=ProviderFactory(name="Alpha Contact"), processes=[voice])
    bravo = ContractFactory(provider=ProviderFactory(name="Bravo Services"), processes=[voice])
    charlie = ContractFactory(provider=ProviderFactory(name="Charlie Outsourcing"), processes=[billing])

    ServiceLevelFactory(contract=alpha)
    ServiceLevelFactory(contract=bravo)
    ServiceLevelFactory(contract=charlie)
    # In a transactional test an edit's recompute runs at once and stores months of its own:
    # the scenario replaces whatever is there.
    contracts = [alpha, bravo, charlie]
    SavingsResult.objects.filter(contract__in=contracts).delete()
    CreditStatement.objects.filter(contract__in=contracts).delete()
    ComplianceResult.objects.filter(service_level__contract__in=contracts).delete()
    Scorecard.objects.filter(provider__contracts__in=contracts).delete()

    _card(alpha.provider, OCT, "80.00", 100.0)
    _card(alpha.provider, NOV, "90.00", 50.0)
    _card(bravo.provider, OCT, "70.00", 20.0)
    _card(bravo.provider, NOV, None)
    _card(charlie.provider, OCT, "60.00", 100.0)
    _card(charlie.provider, NOV, "50.00", None)

    _savings(alpha, OCT, cost="1000", savings="200", credits="50", volume=100)
    _savings(alpha, NOV, cost="1000", savings="200", credits="50", volume=100)
    _savings(bravo, OCT, cost="6000", savings="100", credits="0", volume=500)
    _savings(bravo, NOV, cost="0", savings="0", credits="0", volume=500, status=SavingsResult.Status.MISSING_RATE)
    _savings(charlie, OCT, cost="500", savings="-50", credits="10", volume=50)
    _statement(alpha, OCT, {voice.pk: 100})
    _statement(alpha, NOV, {voice.pk: 100})
    _statement(bravo, OCT, {voice.pk: 500})
    _statement(charlie, OCT, {billing.pk: 50})

    alpha_level, bravo_level, charlie_level = (c.service_levels.get() for c in contracts)
    _result(alpha_level, OCT, 80.0)
    _result(alpha_level, NOV, 77.5)
    _result(bravo_level, OCT, 76.0)
    _result(charlie_level, OCT, 85.0)
    return {"alpha": alpha.provider, "bravo": bravo.provider, "charlie": charlie.provider, "voice": voice}
