"""factory_boy factories for the domain model; each builds a valid object by default."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from contracts.models import Contract, Process, ServiceCategory
from slas.models import ServiceLevel
from vendors.models import Certification, Contact, Provider


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        """``UserFactory(role="operations")`` puts the user in that role's group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    headquarters_country = "IN"
    delivery_countries = ["IN", "PH"]
    status = Provider.Status.ACTIVE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    provider = factory.SubFactory(ProviderFactory)
    kind = Certification.Kind.ISO_27001
    issued_on = dt.date(2025, 1, 1)
    expires_on = dt.date(2028, 1, 1)


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    name = factory.Sequence(lambda n: f"Process {n}")
    category = factory.LazyFunction(lambda: ServiceCategory.objects.get(code="customer-support"))
    unit_of_work = Process.UnitOfWork.CALL
    baseline_cost_per_unit = Decimal("6.50")
    expected_monthly_volume = 10000


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    reference = factory.Sequence(lambda n: f"C-{n:04d}")
    title = "Customer care"
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2028, 12, 31)
    status = Contract.Status.ACTIVE
    pricing_model = Contract.PricingModel.PER_UNIT
    unit_price = Decimal("4.00")

    @factory.post_generation
    def processes(self, create: bool, extracted, **kwargs) -> None:
        """Defaults to one new process; pass ``processes=[...]`` to choose."""
        if create:
            self.processes.set(extracted if extracted is not None else [ProcessFactory()])


class ServiceLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLevel

    contract = factory.SubFactory(ContractFactory)
    process = factory.LazyAttribute(lambda o: o.contract.processes.first())
    metric = "service_level"
    parameters = {"threshold_seconds": 20, "variant": "standard", "short_abandon_seconds": 0}
    expected_level = Decimal("80")
    minimum_level = Decimal("75")
    credit_allocation_percent = Decimal("20")
    # Tests judge a handful of items; the model's default (30) would make them insufficient data.
    minimum_sample_size = 0
