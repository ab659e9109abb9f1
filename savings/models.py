"""Savings: exchange rates to the reporting currency, and each contract-month's stored figures."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models import CURRENCY_CHOICES, MONEY, Contract
from core.models import TimeStampedModel


class ExchangeRate(TimeStampedModel):
    """How many units of the reporting currency one unit of ``currency`` was worth on ``date``.

    A month's figures use the latest rate dated on or before the month's last day; a currency
    with no such rate leaves the month's savings at "missing rate" (never a silent 1.0).
    """

    date = models.DateField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Units of the reporting currency per one unit of this currency.",
    )
    source = models.CharField(max_length=100, blank=True, help_text="Where the rate comes from (e.g. ECB reference).")

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["date", "currency"], name="one_rate_per_currency_and_date"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {settings.REPORTING_CURRENCY} on {self.date}"

    def clean(self) -> None:
        """The reporting currency converts at 1 by definition: a rate for it would only mislead."""
        if self.currency == settings.REPORTING_CURRENCY:
            raise ValidationError(
                {"currency": f"{self.currency} is the reporting currency: it needs no exchange rate."}
            )

    def get_absolute_url(self) -> str:
        return reverse("savings:exchangerate", args=[self.pk])


class SavingsResult(models.Model):
    """One contract-month's savings against the in-house baseline (``savings.computation``).

    Upserted by the recomputation after compliance; all amounts in ``reporting_currency``,
    rounded to cents. Null figures mean the month has none (see ``status`` and ``note``).
    """

    class Status(models.TextChoices):
        OK = "ok", "Computed"
        NO_DATA = "no_data", "No data"
        NO_BASELINE = "no_baseline", "No baseline"
        NO_COST = "no_cost", "No cost"
        MISSING_RATE = "missing_rate", "Missing exchange rate"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="savings_results")
    period = models.DateField(help_text="First day of the month.")
    status = models.CharField(max_length=20, choices=Status.choices)
    reporting_currency = models.CharField(max_length=3)
    volume = models.BigIntegerField(null=True, blank=True, help_text="Billable items (the contract's billing basis).")
    baseline_cost = models.DecimalField(null=True, blank=True, **MONEY)
    outsourced_cost = models.DecimalField(null=True, blank=True, **MONEY)
    outsourced_source = models.CharField(max_length=20, blank=True)
    service_credits = models.DecimalField(null=True, blank=True, **MONEY)
    retained_cost = models.DecimalField(null=True, blank=True, **MONEY)
    transition_amortisation = models.DecimalField(null=True, blank=True, **MONEY)
    net_cost = models.DecimalField(null=True, blank=True, **MONEY)
    savings = models.DecimalField(null=True, blank=True, **MONEY)
    savings_percent = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    projected_savings = models.DecimalField(null=True, blank=True, **MONEY)
    rates = models.JSONField(default=dict, blank=True, help_text="Currency → rate used for this month.")
    # The month's charges as invoiced and as the prices give them, in the contract's currency
    # (``savings.computation.invoice_check``): a gap beyond the contract's tolerance is a discrepancy.
    charges_taken_from = models.CharField(
        max_length=130, blank=True, help_text="“invoice INV-…”, “vendor KPI summary” or “computed from prices”."
    )
    invoiced_amount = models.DecimalField(null=True, blank=True, **MONEY)
    computed_charges = models.DecimalField(null=True, blank=True, **MONEY)
    invoice_difference = models.DecimalField(null=True, blank=True, **MONEY)
    invoice_difference_percent = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    invoice_discrepancy = models.BooleanField(default=False)
    inputs = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-period", "contract__reference"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="one_savings_result_per_contract_month")
        ]
        indexes = [
            models.Index(fields=["period"]),
            models.Index(
                fields=["contract"], condition=Q(invoice_discrepancy=True), name="savings_invoice_discrepancy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.period:%Y-%m}: {self.savings} {self.reporting_currency}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract", args=[self.contract_id])

    @property
    def rates_used(self) -> str:
        """The rates beside the converted figures: ``1 EUR = 1.1 USD``; empty when nothing was converted."""
        return "; ".join(f"1 {c} = {Decimal(v).normalize():f} {self.reporting_currency}" for c, v in self.rates.items())

    @property
    def missing_rate(self) -> bool:
        return self.status == self.Status.MISSING_RATE
