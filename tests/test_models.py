"""Model validation (clean) and database constraints of the domain model."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contracts.models import Contract, ServiceCategory
from slas.models import ServiceLevel
from tests.factories import (
    CertificationFactory,
    ContactFactory,
    ContractFactory,
    ProcessFactory,
    ProviderFactory,
    ServiceLevelFactory,
)

pytestmark = pytest.mark.django_db


def test_data_migration_creates_the_ten_categories():
    assert ServiceCategory.objects.count() == 10
    assert ServiceCategory.objects.filter(code="healthcare-bpo").exists()


def test_contract_end_before_start_is_a_clear_validation_error():
    contract = ContractFactory.build(
        provider=ProviderFactory(), start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as exc:
        contract.full_clean()
    assert exc.value.message_dict["end_date"] == ["The end date must be after the start date."]


def test_contract_end_before_start_is_refused_by_the_database():
    contract = ContractFactory()
    Contract.objects.filter(pk=contract.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(end_date=contract.start_date)


def test_negative_unit_price_is_rejected_by_validation_and_database():
    contract = ContractFactory.build(provider=ProviderFactory(), unit_price=Decimal("-1"))
    with pytest.raises(ValidationError) as exc:
        contract.full_clean()
    assert "unit_price" in exc.value.message_dict
    saved = ContractFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=saved.pk).update(unit_price=Decimal("-0.01"))


@pytest.mark.parametrize(
    ("pricing_model", "missing"),
    [
        ("per_unit", "unit_price"),
        ("per_fte", "fte_rate"),
        ("fixed", "fixed_monthly_fee"),
        ("hybrid", "fixed_monthly_fee"),
    ],
)
def test_pricing_model_needs_its_prices(pricing_model, missing):
    contract = ContractFactory.build(
        provider=ProviderFactory(), pricing_model=pricing_model, unit_price=None, fte_rate=None, fixed_monthly_fee=None
    )
    with pytest.raises(ValidationError) as exc:
        contract.full_clean()
    assert missing in exc.value.message_dict


def test_negative_baseline_cost_is_rejected():
    process = ProcessFactory.build(category=ServiceCategory.objects.first(), baseline_cost_per_unit=Decimal("-2"))
    with pytest.raises(ValidationError) as exc:
        process.full_clean()
    assert "baseline_cost_per_unit" in exc.value.message_dict


def test_minimum_above_expected_for_higher_is_better_metric_is_explained():
    service_level = ServiceLevelFactory.build(
        contract=ContractFactory(), expected_level=Decimal("80"), minimum_level=Decimal("85")
    )
    service_level.process = service_level.contract.processes.first()
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    message = exc.value.message_dict["minimum_level"][0]
    assert "better when higher" in message and "85" in message


def test_minimum_below_expected_for_lower_is_better_metric_is_explained():
    contract = ContractFactory()
    service_level = ServiceLevel(
        contract=contract,
        process=contract.processes.first(),
        metric="aht",
        expected_level=Decimal("300"),
        minimum_level=Decimal("250"),
    )
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    assert "better when lower" in exc.value.message_dict["minimum_level"][0]


def test_direction_constraint_holds_in_the_database_too():
    service_level = ServiceLevelFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLevel.objects.filter(pk=service_level.pk).update(minimum_level=Decimal("95"))
    # Lower is better for AHT: a minimum above the target is the valid way round.
    ServiceLevel.objects.filter(pk=service_level.pk).update(
        metric="aht", parameters={}, expected_level=Decimal("300"), minimum_level=Decimal("360")
    )


def test_percentage_levels_must_be_between_0_and_100():
    service_level = ServiceLevelFactory.build(contract=ContractFactory(), expected_level=Decimal("120"))
    service_level.process = service_level.contract.processes.first()
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    assert "percentage" in exc.value.message_dict["expected_level"][0]


def test_metric_parameters_are_validated_and_completed():
    contract = ContractFactory()
    service_level = ServiceLevel(
        contract=contract,
        process=contract.processes.first(),
        metric="service_level",
        parameters={"threshold_seconds": "30"},
        expected_level=Decimal("80"),
        minimum_level=Decimal("70"),
        credit_allocation_percent=Decimal("20"),
    )
    service_level.full_clean()
    assert service_level.parameters == {"threshold_seconds": 30, "variant": "standard", "short_abandon_seconds": 0}

    service_level.parameters = {"treshold_seconds": 30}
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    errors = " ".join(exc.value.message_dict["parameters"])
    assert "unknown parameter “treshold_seconds”" in errors
    assert "threshold_seconds) is required" in errors


def test_process_must_belong_to_the_contract():
    contract = ContractFactory()
    other_process = ProcessFactory()
    service_level = ServiceLevelFactory.build(contract=contract, process=other_process)
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    assert "is not one of the processes" in exc.value.message_dict["process"][0]


def test_key_measurement_carries_no_credit():
    service_level = ServiceLevelFactory.build(contract=ContractFactory(), kind="key", credit_allocation_percent=5)
    service_level.process = service_level.contract.processes.first()
    with pytest.raises(ValidationError) as exc:
        service_level.full_clean()
    assert "credit_allocation_percent" in exc.value.message_dict


def test_certification_must_expire_after_issue():
    cert = CertificationFactory.build(
        provider=ProviderFactory(), issued_on=dt.date(2026, 1, 1), expires_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        cert.full_clean()
    assert "expires_on" in exc.value.message_dict
    assert cert.is_valid_on(dt.date(2025, 6, 1)) is False


def test_only_one_primary_contact_per_provider():
    provider = ProviderFactory()
    ContactFactory(provider=provider, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(provider=provider, is_primary=True)


def test_provider_name_is_unique():
    ProviderFactory(name="Acme BPO")
    with pytest.raises(ValidationError):
        ProviderFactory.build(name="Acme BPO").full_clean()


def test_notice_deadline_counts_back_from_the_end_date():
    contract = ContractFactory(end_date=dt.date(2027, 12, 31), notice_period_days=90)
    assert contract.notice_deadline == dt.date(2027, 10, 2)


def test_str_of_each_model_names_it():
    service_level = ServiceLevelFactory()
    assert str(service_level.contract.provider) == service_level.contract.provider.name
    assert service_level.contract.reference in str(service_level.contract)
    assert str(service_level).startswith("Service level within 20 s")
