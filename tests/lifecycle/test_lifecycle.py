"""The contract lifecycle: status follows dates and decisions in one service (``contracts.lifecycle``).

Hand-written scenarios on real PostgreSQL; "today" is an argument of the service, so no
clock is frozen.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from contracts import lifecycle
from contracts.models import Contract
from slas.models import ComplianceResult, ServiceLevel
from tests.factories import CertificationFactory, ContractFactory, ProviderFactory, ServiceLevelFactory
from vendors.certifications import certification_problems, required_certifications
from vendors.models import Certification, Provider

pytestmark = pytest.mark.django_db

D = dt.date


def _reasons(contract: Contract) -> list[str]:
    return [r.history_change_reason or "" for r in contract.history.order_by("-history_date", "-history_id")]


# --- manual transitions ------------------------------------------------------------------------


def test_a_draft_is_activated_and_an_active_contract_terminated_with_a_reason_and_date():
    contract = ContractFactory(status="draft", start_date=D(2026, 1, 1), end_date=D(2026, 12, 31))
    lifecycle.transition(contract, "active", today=D(2026, 2, 1), reason="Signed by both parties")
    contract.refresh_from_db()
    assert contract.status == "active"

    with pytest.raises(ValidationError) as no_reason:
        lifecycle.transition(contract, "terminated", today=D(2026, 6, 1))
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as outside:
        lifecycle.transition(contract, "terminated", today=D(2026, 6, 1), reason="Breach", on=D(2027, 2, 1))
    assert "within the term" in outside.value.message_dict["date"][0]

    lifecycle.transition(contract, "terminated", today=D(2026, 6, 1), reason="Chronic SLA breach", on=D(2026, 6, 30))
    contract.refresh_from_db()
    assert (contract.status, contract.terminated_on, contract.termination_reason) == (
        "terminated",
        D(2026, 6, 30),
        "Chronic SLA breach",
    )
    assert (contract.start_date, contract.end_date) == (D(2026, 1, 1), D(2026, 12, 31))  # the term never moves
    assert _reasons(contract)[0] == "Terminated as of 2026-06-30: Chronic SLA breach"
    assert "Activated: Signed by both parties" in _reasons(contract)


def test_a_draft_can_be_cancelled():
    contract = ContractFactory(status="draft")
    lifecycle.transition(contract, "terminated", today=D(2026, 2, 1), reason="Negotiation abandoned")
    contract.refresh_from_db()
    assert contract.status == "terminated" and contract.terminated_on == D(2026, 2, 1)


@pytest.mark.parametrize(
    ("status", "to", "today", "message"),
    [
        ("expired", "active", D(2026, 2, 1), "an expired contract cannot be active"),
        ("terminated", "active", D(2026, 2, 1), "a terminated contract cannot be active"),
        ("terminated", "renewed", D(2026, 2, 1), "a terminated contract cannot be renewed"),
        ("draft", "expired", D(2029, 2, 1), "a draft contract cannot be expired"),
        ("draft", "renewed", D(2026, 2, 1), "a draft contract cannot be renewed"),
        ("active", "active", D(2026, 2, 1), "an active contract cannot be active"),
        ("active", "expired", D(2026, 2, 1), "runs until 2028-12-31; it expires only after its end date"),
        ("active", "terminated", D(2029, 1, 1), "already ended on 2028-12-31"),
        ("draft", "active", D(2029, 1, 1), "a draft whose term has passed cannot be activated"),
    ],
)
def test_other_arrows_are_refused_with_a_clear_message(status, to, today, message):
    contract = ContractFactory(status=status, start_date=D(2026, 1, 1), end_date=D(2028, 12, 31))
    with pytest.raises(lifecycle.TransitionNotAllowed) as refused:
        lifecycle.transition(contract, to, today=today, reason="because")
    assert message in refused.value.message
    contract.refresh_from_db()
    assert contract.status == status


def test_allowed_transitions_are_the_arrows_from_where_the_contract_is():
    assert lifecycle.allowed_transitions(ContractFactory(status="draft"), today=D(2026, 2, 1)) == [
        "active",
        "terminated",
    ]
    running = ContractFactory(status="active", end_date=D(2028, 12, 31))
    assert lifecycle.allowed_transitions(running, today=D(2026, 2, 1)) == ["terminated", "renewed"]
    assert lifecycle.allowed_transitions(running, today=D(2029, 1, 1)) == ["expired", "renewed"]
    assert lifecycle.allowed_transitions(ContractFactory(status="expired"), today=D(2026, 2, 1)) == []


# --- the daily run -----------------------------------------------------------------------------


def test_an_ended_contract_stops_being_active_on_the_day_after_its_end():
    contract = ContractFactory(status="active", start_date=D(1999, 1, 1), end_date=D(1999, 2, 28))
    assert contract.status_on(D(1999, 2, 28)) == "active"
    assert contract.status_on(D(1999, 3, 1)) == "expired"

    assert lifecycle.expire_ended_contracts(today=D(1999, 2, 28)).expired == []
    contract.refresh_from_db()
    assert contract.status == "active"

    run = lifecycle.expire_ended_contracts(today=D(1999, 3, 1))
    assert run.expired == [contract.reference] and run.renewed == []
    contract.refresh_from_db()
    assert contract.status == "expired" and contract.status_on(D(1999, 3, 1)) == "expired"
    assert _reasons(contract)[0] == "Ended on 1999-02-28"
    assert lifecycle.expire_ended_contracts(today=D(1999, 3, 1)).expired == []  # a second run changes nothing


def _result(service_level: ServiceLevel, period: dt.date) -> ComplianceResult:
    return ComplianceResult.objects.create(
        service_level=service_level,
        period=period,
        period_closed=True,
        actual=81.0,
        sample_size=100,
        expected_level=service_level.expected_level,
        minimum_level=service_level.minimum_level,
        status="met",
        computed_at=timezone.now(),
    )


def test_auto_renewal_creates_exactly_one_linked_next_term_and_keeps_the_old_terms_results():
    old = ContractFactory(
        reference="MSA-1999-001",
        status="active",
        auto_renew=True,
        start_date=D(1999, 1, 1),
        end_date=D(1999, 12, 31),
        unit_price=Decimal("3.1000"),
        at_risk_percent=Decimal("12"),
        expected_savings_percent=Decimal("18"),
        retained_monthly_cost=Decimal("2500.00"),
        earn_back=True,
    )
    service_level = ServiceLevelFactory(contract=old, expected_level=Decimal("80"), minimum_level=Decimal("75"))
    ServiceLevelFactory(contract=old, metric="abandon_rate", parameters={}, expected_level=5, minimum_level=8)
    result = _result(service_level, D(1999, 2, 1))

    run = lifecycle.expire_ended_contracts(today=D(2000, 1, 1))
    assert run.renewed == [("MSA-1999-001", "MSA-1999-001-R1")] and run.expired == ["MSA-1999-001"]
    old.refresh_from_db()
    renewal = Contract.objects.get(previous_term=old)
    assert old.status == "expired" and (old.start_date, old.end_date) == (D(1999, 1, 1), D(1999, 12, 31))
    assert renewal.reference == "MSA-1999-001-R1" and renewal.status == "active"
    assert (renewal.start_date, renewal.end_date) == (D(2000, 1, 1), D(2000, 12, 31))
    assert renewal.provider_id == old.provider_id
    assert set(renewal.processes.all()) == set(old.processes.all())
    assert (renewal.unit_price, renewal.at_risk_percent, renewal.earn_back) == (Decimal("3.1"), Decimal("12"), True)
    assert (renewal.expected_savings_percent, renewal.retained_monthly_cost) == (Decimal("18"), Decimal("2500"))
    copied = list(renewal.service_levels.order_by("metric").values_list("metric", "expected_level", "minimum_level"))
    assert copied == [("abandon_rate", Decimal("5"), Decimal("8")), ("service_level", Decimal("80"), Decimal("75"))]
    assert old.service_levels.count() == 2
    assert ComplianceResult.objects.filter(pk=result.pk, service_level__contract=old).exists()
    assert "Renewed as MSA-1999-001-R1" in _reasons(old)[0]

    again = lifecycle.expire_ended_contracts(today=D(2000, 1, 1))  # idempotent
    assert again.renewed == [] and again.expired == []
    assert Contract.objects.filter(previous_term=old).count() == 1
    assert Contract.objects.filter(reference__startswith="MSA-1999-001").count() == 2

    later = lifecycle.expire_ended_contracts(today=D(2001, 1, 1))  # the next term renews in turn
    assert later.renewed == [("MSA-1999-001-R1", "MSA-1999-001-R2")]
    assert Contract.objects.get(reference="MSA-1999-001-R2").start_date == D(2001, 1, 1)


def test_a_renewal_does_not_charge_the_one_time_transition_cost_again():
    """The transition was paid and amortised in the first term; the next term keeps the retained cost only."""
    old = ContractFactory(
        reference="MSA-1999-TR",
        status="active",
        auto_renew=True,
        start_date=D(1999, 1, 1),
        end_date=D(1999, 12, 31),
        retained_monthly_cost=Decimal("2500.00"),
        transition_cost=Decimal("12000.00"),
        transition_amortisation_months=6,
    )
    lifecycle.expire_ended_contracts(today=D(2000, 1, 1))
    renewal = Contract.objects.get(previous_term=old)
    assert renewal.transition_cost == Decimal("0") and renewal.retained_monthly_cost == Decimal("2500")
    old.refresh_from_db()
    assert old.transition_cost == Decimal("12000")


def test_a_run_after_a_long_pause_catches_the_chain_of_terms_up_with_today():
    ContractFactory(
        reference="OLD", status="active", auto_renew=True, start_date=D(2020, 1, 1), end_date=D(2020, 6, 30)
    )
    lifecycle.expire_ended_contracts(today=D(2021, 8, 15))
    terms = list(Contract.objects.filter(reference__startswith="OLD").order_by("start_date"))
    assert [(t.reference, t.status, t.start_date, t.end_date) for t in terms] == [
        ("OLD", "expired", D(2020, 1, 1), D(2020, 6, 30)),
        ("OLD-R1", "expired", D(2020, 7, 1), D(2020, 12, 31)),
        ("OLD-R2", "expired", D(2021, 1, 1), D(2021, 6, 30)),
        ("OLD-R3", "active", D(2021, 7, 1), D(2021, 12, 31)),
    ]


def test_a_term_that_is_not_whole_months_renews_for_as_many_days():
    contract = ContractFactory(status="active", start_date=D(2026, 1, 15), end_date=D(2026, 3, 14))
    assert lifecycle.next_term_dates(contract) == (D(2026, 3, 15), D(2026, 5, 12))  # 59 days each


def test_the_management_command_runs_the_daily_lifecycle():
    ContractFactory(
        reference="CMD-1", status="active", auto_renew=True, start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)
    )
    out = io.StringIO()
    call_command("run_contract_lifecycle", "--today", "2026-01-01", stdout=out)
    assert "Renewed CMD-1 as CMD-1-R1." in out.getvalue() and "1 contract(s) expired as of 2026-01-01" in out.getvalue()


# --- certifications a provider's data access requires -------------------------------------------


def test_required_certifications_follow_the_data_access():
    assert required_certifications(Provider(data_access="phi")) == ("hipaa",)
    assert required_certifications(Provider(data_access="payment_card")) == ("pci_dss",)
    assert required_certifications(Provider(data_access="pii")) == ()


def test_certification_problems_name_an_expired_or_missing_required_certification():
    health = ProviderFactory(data_access=Provider.DataAccess.PHI)
    assert [p.label for p in certification_problems(health, on=D(2026, 1, 1))] == ["HIPAA missing"]
    CertificationFactory(
        provider=health, kind=Certification.Kind.HIPAA, issued_on=D(2023, 1, 1), expires_on=D(2025, 1, 1)
    )
    assert [p.label for p in certification_problems(health, on=D(2026, 1, 1))] == ["HIPAA expired"]
    assert certification_problems(health, on=D(2024, 6, 1)) == []
    cards = ProviderFactory(data_access=Provider.DataAccess.PAYMENT_CARD)
    CertificationFactory(provider=cards, kind=Certification.Kind.PCI_DSS, issued_on=D(2025, 1, 1), expires_on=None)
    CertificationFactory(
        provider=cards, kind=Certification.Kind.HIPAA, issued_on=D(2020, 1, 1), expires_on=D(2021, 1, 1)
    )
    assert certification_problems(cards, on=D(2026, 1, 1)) == []  # HIPAA is not required for card data


@pytest.fixture
def hipaa_expired() -> Provider:
    provider = ProviderFactory(name="Atlas MedBill", data_access=Provider.DataAccess.PHI)
    CertificationFactory(
        provider=provider, kind=Certification.Kind.HIPAA, issued_on=D(2022, 1, 1), expires_on=D(2025, 6, 30)
    )
    return provider


def test_the_daily_run_does_not_renew_a_contract_whose_provider_lacks_a_certification(hipaa_expired):
    contract = ContractFactory(
        reference="MED-1",
        provider=hipaa_expired,
        status="active",
        auto_renew=True,
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
    )
    assert lifecycle.expire_ended_contracts(today=D(2025, 12, 31)).expired == []  # left active until its end
    run = lifecycle.expire_ended_contracts(today=D(2026, 1, 1))
    assert run.renewed == [] and run.not_renewed == [("MED-1", "HIPAA expired")] and run.expired == ["MED-1"]
    contract.refresh_from_db()
    assert contract.status == "expired" and not Contract.objects.filter(previous_term=contract).exists()
    assert _reasons(contract)[0] == "Ended on 2025-12-31; not renewed automatically: Atlas MedBill has HIPAA expired"


def test_renewing_by_hand_needs_an_override_reason_which_the_history_keeps(hipaa_expired):
    contract = ContractFactory(
        reference="MED-2",
        provider=hipaa_expired,
        status="active",
        auto_renew=True,
        start_date=D(2025, 1, 1),
        end_date=D(2026, 12, 31),
    )
    with pytest.raises(ValidationError) as refused:
        lifecycle.transition(contract, "renewed", today=D(2026, 11, 1))
    assert (
        "Atlas MedBill has HIPAA expired; renewing its contract needs an override with a reason."
        in (refused.value.message_dict["override_reason"][0])
    )
    assert not Contract.objects.filter(previous_term=contract).exists()

    renewal = lifecycle.transition(
        contract, "renewed", today=D(2026, 11, 1), override_reason="Re-audit booked for January; CISO approved"
    )
    assert (
        renewal.reference == "MED-2-R1" and renewal.start_date == D(2027, 1, 1) and renewal.end_date == D(2028, 12, 31)
    )
    contract.refresh_from_db()
    assert contract.status == "active"  # it runs to its end; the daily run then expires it
    assert _reasons(contract)[0].startswith("Renewed as MED-2-R1 from 2027-01-01: override of HIPAA expired: Re-audit")
    assert contract.renewal_override_reason == "override of HIPAA expired: Re-audit booked for January; CISO approved"
    assert "override of HIPAA expired" in _reasons(renewal)[0]
    with pytest.raises(lifecycle.TransitionNotAllowed, match="already renewed as MED-2-R1"):
        lifecycle.transition(contract, "renewed", today=D(2026, 11, 2), override_reason="again")

    run = lifecycle.expire_ended_contracts(today=D(2027, 1, 1))
    assert run.expired == ["MED-2"] and run.renewed == []
    contract.refresh_from_db()
    assert contract.status == "expired"
