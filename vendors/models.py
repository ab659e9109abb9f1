"""Providers (the BPO vendors), their contacts and their certifications."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Provider(TimeStampedModel):
    """A company the business outsources processes to."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        PROBATION = "probation", "Probation"
        OFFBOARDED = "offboarded", "Offboarded"

    class RiskTier(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class DataAccess(models.TextChoices):
        NONE = "none", "No personal data"
        PII = "pii", "Personal data (PII)"
        PHI = "phi", "Health data (PHI)"
        PAYMENT_CARD = "payment_card", "Payment card data"

    name = models.CharField(max_length=200, unique=True)
    legal_name = models.CharField(max_length=300, blank=True)
    headquarters_country = CountryField()
    delivery_countries = CountryField(multiple=True, blank=True, help_text="Where the work is delivered from.")
    website = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROSPECT)
    risk_tier = models.CharField(max_length=20, choices=RiskTier.choices, default=RiskTier.MEDIUM)
    data_access = models.CharField(
        "data-access level", max_length=20, choices=DataAccess.choices, default=DataAccess.NONE
    )
    notes = models.TextField(blank=True)

    # Standing consequences: set only when a procurement reviewer confirms one proposed by the
    # provider's scorecard (``scorecards``, above this app), cleared when a reviewer lifts it.
    # Not on the provider's form: operations cannot switch them off by editing the provider.
    on_probation = models.BooleanField(default=False, editable=False)
    probation_reason = models.TextField(blank=True, editable=False)
    probation_since = models.DateField(null=True, blank=True, editable=False)
    new_contracts_blocked = models.BooleanField(
        default=False, editable=False, help_text="No new contract may be made with the provider while set."
    )
    new_contracts_blocked_reason = models.TextField(blank=True, editable=False)
    new_contracts_blocked_since = models.DateField(null=True, blank=True, editable=False)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="provider_name_unique_ignoring_case",
                violation_error_message="A provider with this name already exists (names are compared ignoring case).",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("vendors:provider", args=[self.pk])

    @property
    def new_contract_refusal(self) -> str:
        """Why no new contract may be made with the provider now ("" when one may)."""
        if not self.new_contracts_blocked:
            return ""
        since = f" since {self.new_contracts_blocked_since:%Y-%m-%d}" if self.new_contracts_blocked_since else ""
        why = self.new_contracts_blocked_reason or "a confirmed standing consequence"
        return f"New contracts with {self.name} are blocked{since}: {why}"

    def clean(self) -> None:
        """Names are unique ignoring case: "ACME" is the provider "Acme", not a second one."""
        if self.name:
            same_name = Provider.objects.alias(key=Lower("name")).filter(key=Lower(Value(self.name)))
            twin = same_name.exclude(pk=self.pk).first()
            if twin is not None:
                raise ValidationError(
                    {"name": f"A provider named “{twin.name}” already exists (names are compared ignoring case)."}
                )


class Contact(TimeStampedModel):
    """A person at the provider (account manager, escalation point, DPO…)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    is_primary = models.BooleanField("primary contact", default=False)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=Q(is_primary=True), name="one_primary_contact_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    def get_absolute_url(self) -> str:
        return self.provider.get_absolute_url()


class Certification(TimeStampedModel):
    """A security or quality certification the provider holds, with its validity."""

    class Kind(models.TextChoices):
        ISO_27001 = "iso27001", "ISO/IEC 27001"
        SOC2_TYPE2 = "soc2_type2", "SOC 2 Type II"
        HIPAA = "hipaa", "HIPAA"
        PCI_DSS = "pci_dss", "PCI DSS"
        ISO_9001 = "iso9001", "ISO 9001"
        COPC = "copc", "COPC"
        GDPR_DPA = "gdpr_dpa", "GDPR data processing agreement"
        ISO_22301 = "iso22301", "ISO 22301"
        OTHER = "other", "Other"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=200, blank=True, help_text="Certificate number or auditor.")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("issued_on")),
                name="certification_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.provider})"

    def get_absolute_url(self) -> str:
        return self.provider.get_absolute_url()

    def clean(self) -> None:
        if self.expires_on and self.issued_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": "The expiry date must be after the issue date."})

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the certificate covers ``day`` (issued, and not yet expired)."""
        return self.issued_on <= day and (self.expires_on is None or day < self.expires_on)
