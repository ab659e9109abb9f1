"""Scorecards stored per provider-month from the stored compliance and savings results, on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from savings.models import SavingsResult
from scorecards.models import ManualRating, Scorecard, ScorecardTemplate
from scorecards.services import default_version, recompute_scorecards
from slas import services as sla_services
from slas.models import ComplianceResult
from tests.factories import ContractFactory, ServiceLevelFactory, UserFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def compliance(level, *, actual, status="met", chronic=False, discrepancy=False, period=OCT):
    return ComplianceResult.objects.create(
        service_level=level,
        period=period,
        period_closed=True,
        actual=actual,
        sample_size=100,
        expected_level=level.expected_level,
        minimum_level=level.minimum_level,
        status=status,
        chronic=chronic,
        discrepancy=discrepancy,
        computed_at=timezone.now(),
    )


def savings(contract, *, realised, projected, invoice_discrepancy=False, period=OCT):
    return SavingsResult.objects.create(
        contract=contract,
        period=period,
        status="ok",
        reporting_currency="USD",
        savings=Decimal(realised),
        projected_savings=Decimal(projected),
        invoice_discrepancy=invoice_discrepancy,
        computed_at=timezone.now(),
    )


def rate(provider, criterion, value, reviewer, period=OCT):
    return ManualRating.objects.create(
        provider=provider, period=period, criterion=criterion, reviewer=reviewer, rating=Decimal(value)
    )


@pytest.fixture
def scenario():
    """One provider's October: two service levels, savings below the case, three reviewers."""
    contract = ContractFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    answered = ServiceLevelFactory(
        contract=contract,
        name="Answered in 20 s",
        expected_level=Decimal("80"),
        minimum_level=Decimal("75"),
        weight=Decimal("3"),
    )
    abandoned = ServiceLevelFactory(
        contract=contract,
        name="Abandonment",
        metric="abandon_rate",
        parameters={},
        expected_level=Decimal("5"),
        minimum_level=Decimal("10"),
        weight=Decimal("1"),
    )
    # 85 ≥ expected 80 → 100 points (weight 3); abandonment 7.5 % halfway from 10 to 5 → 50 (weight 1)
    compliance(answered, actual=85.0)
    compliance(abandoned, actual=7.5, status="at_risk", discrepancy=True)
    # 60 of 100 projected, one invoice discrepancy → 60 − 10 = 50
    savings(contract, realised="60.00", projected="100.00", invoice_discrepancy=True)
    reviewers = [UserFactory(username=f"reviewer{n}") for n in range(3)]
    for reviewer, value in zip(reviewers, ["80", "0", "85"], strict=True):
        rate(contract.provider, "relationship", value, reviewer)
    return contract


def test_the_default_template_ships_with_weights_summing_to_100():
    version = default_version()
    assert version is not None and version.number == 1
    version.validate_criteria()
    assert {c.code: c.weight for c in version.criteria.all()} == {
        "sla": 40,
        "cost": 25,
        "risk": 15,
        "relationship": 10,
        "innovation": 10,
    }


def test_a_provider_month_is_scored_by_hand(scenario):
    recompute_scorecards()
    card = Scorecard.objects.get(provider=scenario.provider, period=OCT)
    # SLA (100 × 3 + 50 × 1) / 4 = 87.5; cost 50; risk 100 − 10 (one open discrepancy) = 90;
    # relationship median(80, 0, 85) = 80; innovation unrated → left out, its 10 spread over 90:
    # (87.5 × 40 + 50 × 25 + 90 × 15 + 80 × 10) / 90 = 6900 / 90 = 76.67 → preferred (70–85)
    assert card.score == Decimal("76.67")
    assert card.standing == "preferred"
    assert card.template_version == default_version()
    rows = {row["code"]: row for row in card.breakdown["criteria"]}
    assert rows["sla"]["points"] == 87.5 and rows["sla"]["weight"] == 40.0
    assert rows["sla"]["effective_weight"] == pytest.approx(44.4444)
    assert [lv["points"] for lv in rows["sla"]["inputs"]["service_levels"]] == [100.0, 50.0]
    assert rows["cost"]["points"] == 50.0 and rows["cost"]["inputs"]["invoice_discrepancies"] == 1
    assert rows["risk"]["points"] == 90.0 and rows["risk"]["inputs"]["open_discrepancies"] == 1
    assert rows["relationship"]["points"] == 80.0
    assert rows["innovation"]["left_out"] is True and rows["innovation"]["points"] is None
    assert card.breakdown["left_out"] == ["innovation"]
    assert "Innovation" in card.note and "spread" in card.note


def test_recomputing_is_idempotent_and_follows_a_changed_rating(scenario):
    recompute_scorecards()
    recompute_scorecards()
    assert Scorecard.objects.filter(provider=scenario.provider).count() == 1
    ManualRating.objects.filter(criterion="relationship", rating=Decimal("0")).update(rating=Decimal("100"))
    recompute_scorecards(provider_ids=[scenario.provider.pk], months=[OCT])
    card = Scorecard.objects.get(provider=scenario.provider, period=OCT)
    # relationship median(80, 100, 85) = 85: (3500 + 1250 + 1350 + 850) / 90 = 77.22
    assert card.score == Decimal("77.22")


def test_a_month_without_activity_gets_no_score_whatever_the_ratings(scenario):
    rate(scenario.provider, "relationship", "100", UserFactory(username="keen"), period=NOV)
    recompute_scorecards(provider_ids=[scenario.provider.pk])
    card = Scorecard.objects.get(provider=scenario.provider, period=NOV)
    assert card.score is None and card.standing == ""
    assert "No activity" in card.note


def test_an_expired_required_certification_costs_risk_points(scenario):
    provider = scenario.provider
    provider.data_access = "phi"
    provider.save()
    provider.certifications.create(kind="hipaa", issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2026, 10, 15))
    recompute_scorecards()
    rows = {row["code"]: row for row in Scorecard.objects.get(provider=provider, period=OCT).breakdown["criteria"]}
    # HIPAA not valid on 31 October: 100 − 40 − 10 = 50
    assert rows["risk"]["points"] == 50.0
    assert rows["risk"]["inputs"]["certification_problems"] == ["HIPAA expired"]


def test_a_compliance_recomputation_stores_the_months_scorecard(imported):
    contract = ContractFactory(reference="MSA-SC1", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    ServiceLevelFactory(contract=contract, expected_level=Decimal("80"), minimum_level=Decimal("60"))
    imported(contract, canonical_csv([work_item(n) for n in range(10)]))
    sla_services.recompute_compliance(contract=contract, month=OCT, now=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))
    card = Scorecard.objects.get(provider=contract.provider, period=OCT)
    rows = {row["code"]: row for row in card.breakdown["criteria"]}
    result = ComplianceResult.objects.get(service_level__contract=contract, period=OCT)
    assert rows["sla"]["inputs"]["service_levels"][0]["actual"] == result.actual
    assert card.score is not None


def test_the_command_recomputes(scenario, capsys):
    call_command("recompute_scorecards", "--month", "2026-10")
    assert "1 with a score" in capsys.readouterr().out
    assert Scorecard.objects.get(provider=scenario.provider, period=OCT).score == Decimal("76.67")


def test_bands_with_a_gap_are_refused_on_a_template_version():
    version = default_version()
    version.bands = [{"standing": "good", "lower": 50}, {"standing": "bad", "lower": 10}]
    with pytest.raises(ValidationError, match="lowest band must start at 0"):
        version.full_clean()


def test_weights_not_summing_to_100_are_refused():
    version = default_version()
    version.criteria.filter(code="innovation").update(weight=Decimal("5"))
    with pytest.raises(ValidationError, match="sum to 100"):
        version.validate_criteria()


def test_templates_and_ratings_keep_their_history(scenario):
    rating = ManualRating.objects.first()
    rating.rating = Decimal("70")
    rating.save()
    assert rating.history.count() == 2
    template = ScorecardTemplate.objects.get(is_default=True)
    template.description = "changed"
    template.save()
    assert template.history.filter(history_type="~").exists()


def test_the_provider_page_shows_the_scorecard_and_its_breakdown(client, viewer_user, scenario):
    rate(scenario.provider, "relationship", "90", UserFactory(username="later"), period=NOV)  # November: no activity
    recompute_scorecards()
    client.force_login(viewer_user)
    page = client.get(scenario.provider.get_absolute_url()).content.decode()
    assert 'data-panel-body="scorecard"' in page
    assert "Latest score <strong>76.67</strong>" in page and "<strong>preferred</strong>" in page
    assert "left out: no data" in page  # innovation, unrated
    assert "no score" in page  # November
    # Overall: November has no score, so October alone makes it (weight 11/12 = 0.92)
    assert "<strong>76.67</strong>." in page and "0.92" in page
