"""Outsourced processes and the contracts under which providers deliver them."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from timezone_field import TimeZoneField

from core.models import TimeStampedModel
from vendors.models import Provider

CURRENCY_CHOICES = [
    (code, code)
    for code in ("USD", "EUR", "GBP", "CHF", "INR", "PHP", "PLN", "ZAR", "MXN", "BRL", "CAD", "AUD", "JPY", "ILS")
]
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class ServiceCategory(models.Model):
    """One of the ten BPO service categories (created by a data migration)."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return self.name


class Process(TimeStampedModel):
    """A business process the company outsources, with what it would cost in-house."""

    class UnitOfWork(models.TextChoices):
        CALL = "call", "Call"
        CHAT = "chat", "Chat"
        EMAIL = "email", "Email"
        TICKET = "ticket", "Ticket"
        TRANSACTION = "transaction", "Transaction"
        INVOICE = "invoice", "Invoice"
        CLAIM = "claim", "Claim"
        CASE = "case", "Case"
        DOCUMENT = "document", "Document"
        ORDER = "order", "Order"
        FTE_MONTH = "fte_month", "FTE-month"

    name = models.CharField(max_length=200, unique=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="processes")
    description = models.TextField(blank=True)
    internal_owner = models.CharField(max_length=200, blank=True, help_text="Who owns the process in-house.")
    unit_of_work = models.CharField(max_length=20, choices=UnitOfWork.choices)
    baseline_cost_per_unit = models.DecimalField(
        "baseline in-house cost per unit",
        max_digits=12,
        decimal_places=4,
        validators=NON_NEGATIVE,
        help_text="What one unit of work costs when done in-house; the basis of savings.",
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    expected_monthly_volume = models.PositiveIntegerField(default=0)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_cost_per_unit__gte=0), name="process_baseline_cost_non_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:process", args=[self.pk])


class Contract(TimeStampedModel):
    """The agreement under which a provider delivers processes: pricing and credit terms.

    Reporting periods are calendar months in the contract's time zone.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        TERMINATED = "terminated", "Terminated"

    class BillingBasis(models.TextChoices):
        HANDLED = "handled", "Handled items"
        OFFERED = "offered", "Offered items (handled + abandoned)"
        RECEIVED = "received", "Every received item"

    class PricingModel(models.TextChoices):
        PER_UNIT = "per_unit", "Per unit of work"
        PER_FTE = "per_fte", "Per FTE"
        FIXED = "fixed", "Fixed monthly fee"
        HYBRID = "hybrid", "Hybrid (fixed fee + per unit)"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=50, unique=True, help_text="The contract's reference, e.g. MSA-2026-014.")
    title = models.CharField(max_length=300)
    processes = models.ManyToManyField(Process, related_name="contracts")
    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = TimeZoneField(default="UTC", help_text="Periods are calendar months in this time zone.")
    auto_renew = models.BooleanField("auto-renewal", default=False)
    notice_period_days = models.PositiveIntegerField(default=90)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_contracts",
        help_text="Who looks after the contract in-house; deadline reminders are emailed to them.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    pricing_model = models.CharField(max_length=20, choices=PricingModel.choices)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True, validators=NON_NEGATIVE)
    fte_rate = models.DecimalField("monthly FTE rate", null=True, blank=True, validators=NON_NEGATIVE, **MONEY)
    fixed_monthly_fee = models.DecimalField(null=True, blank=True, validators=NON_NEGATIVE, **MONEY)
    fte_count = models.DecimalField(
        "contracted FTEs",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Full-time equivalents billed per month (per-FTE pricing).",
    )
    at_risk_percent = models.DecimalField(
        "at-risk percentage",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the month's charges that service credits can take.",
    )
    credit_cap = models.DecimalField(
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Absolute ceiling on a month's credits, if the contract sets one beyond the at-risk amount.",
        **MONEY,
    )
    credit_pool_limit_percent = models.DecimalField(
        "credit pool limit %",
        max_digits=6,
        decimal_places=2,
        default=Decimal("250"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The critical SLAs' credit allocations may add up to at most this.",
    )
    consecutive_miss_periods = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Missing the expected level this many months in a row earns a credit.",
    )
    earn_back_periods = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Meeting the expected level this many months after a credit returns it (with earn-back).",
    )
    chronic_breach_count = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Breached this many times in 12 months makes a service level chronic.",
    )
    rejected_row_tolerance_percent = models.DecimalField(
        "rejected-row tolerance %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="A vendor report with a larger share of rejected rows fails and loads nothing.",
    )
    earn_back = models.BooleanField(
        "earn-back",
        default=False,
        help_text="A credit is returned if the SLA then meets its target for a run of months.",
    )
    billing_basis = models.CharField(
        max_length=20,
        choices=BillingBasis.choices,
        default=BillingBasis.HANDLED,
        help_text="Which items a per-unit price is paid for; the in-house baseline is applied to the same count.",
    )
    # The business case: what the outsourcing was expected to save, and what it still costs in-house.
    expected_monthly_volume = models.PositiveIntegerField(
        null=True, blank=True, help_text="Billable items a month the business case assumed."
    )
    expected_savings_percent = models.DecimalField(
        "expected savings %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
        help_text="Savings against the in-house baseline the business case promised.",
    )
    retained_monthly_cost = models.DecimalField(
        "retained cost per month",
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text="What managing the vendor still costs in-house each month (counts against savings).",
        **MONEY,
    )
    transition_cost = models.DecimalField(
        "one-time transition cost",
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text="Moving the work to the provider; amortised over the months below.",
        **MONEY,
    )
    transition_amortisation_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1)], help_text="Months over which the transition cost is spread."
    )
    invoice_tolerance_percent = models.DecimalField(
        "invoice tolerance %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="An invoice further than this from the charges the prices give is an invoice discrepancy.",
    )
    # The lifecycle (contracts.lifecycle): the term this one renews, and how it ended early.
    previous_term = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_term",
        help_text="The contract term this one renews (each term has at most one next term).",
    )
    terminated_on = models.DateField(null=True, blank=True, help_text="Last day of service of a terminated contract.")
    termination_reason = models.TextField(blank=True)
    renewal_override_reason = models.TextField(
        blank=True,
        help_text="Why this contract was renewed although its provider lacked a required certification.",
    )

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords(m2m_fields=["processes"])

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="contract_ends_after_start"),
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=0, at_risk_percent__lte=100), name="contract_at_risk_percent_range"
            ),
            models.CheckConstraint(
                condition=(Q(unit_price__isnull=True) | Q(unit_price__gte=0))
                & (Q(fte_rate__isnull=True) | Q(fte_rate__gte=0))
                & (Q(fixed_monthly_fee__isnull=True) | Q(fixed_monthly_fee__gte=0))
                & (Q(credit_cap__isnull=True) | Q(credit_cap__gte=0)),
                name="contract_prices_non_negative",
            ),
        ]

    # Which price fields each pricing model needs.
    REQUIRED_PRICES: dict[str, tuple[str, ...]] = {
        PricingModel.PER_UNIT: ("unit_price",),
        PricingModel.PER_FTE: ("fte_rate", "fte_count"),
        PricingModel.FIXED: ("fixed_monthly_fee",),
        PricingModel.HYBRID: ("fixed_monthly_fee", "unit_price"),
    }

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = "The end date must be after the start date."
        for field in self.REQUIRED_PRICES.get(self.pricing_model, ()):
            if getattr(self, field) is None:
                label = cast("models.Field[Any, Any]", self._meta.get_field(field)).verbose_name
                errors[field] = f"A {self.get_pricing_model_display().lower()} contract needs a {label}."
        if errors:
            raise ValidationError(errors)

    @property
    def effective_status(self) -> str:
        """The status as the dates have it: an active contract whose end date has passed has expired.

        The stored status changes only when the nightly task runs (or someone edits it);
        what users see must not call a contract that ended in 1999 "Active" meanwhile.
        A draft stays a draft.
        """
        return self.status_on()

    def status_on(self, today: dt.date | None = None) -> str:
        """The effective status on ``today`` (default: today in the contract's time zone)."""
        if self.status != self.Status.ACTIVE or self.end_date is None:
            return self.status
        if today is None:
            today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(str(self.time_zone))).date()
        return self.Status.EXPIRED if self.end_date < today else self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status).label

    @property
    def notice_deadline(self) -> dt.date | None:
        """Last day to give notice before the contract ends (or renews itself)."""
        if not self.end_date:
            return None
        return self.end_date - dt.timedelta(days=self.notice_period_days)


class ProcessBaseline(TimeStampedModel):
    """A revised in-house cost per unit of a process, valid from ``valid_from`` on.

    The process's own ``baseline_cost_per_unit`` is the original business case's figure and
    applies until the first revision; a revision never rewrites the months before its date.
    The cost may be given directly or derived from what an FTE costs and handles in a month.
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="baselines")
    valid_from = models.DateField(help_text="First day the revised cost applies.")
    cost_per_unit = models.DecimalField(
        "in-house cost per unit",
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Leave empty to derive it from the FTE figures.",
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    cost_per_fte_month = models.DecimalField(
        "in-house cost per FTE-month", null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    units_per_fte_month = models.DecimalField(
        "units handled per FTE-month",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(max_length=300, blank=True, help_text="Why the baseline was revised.")

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["process", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["process", "valid_from"], name="process_baseline_once_per_date"),
            models.CheckConstraint(
                condition=Q(cost_per_unit__isnull=False)
                | (Q(cost_per_fte_month__isnull=False) & Q(units_per_fte_month__gt=0)),
                name="process_baseline_has_a_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.cost_per_unit} {self.currency} from {self.valid_from}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:process", args=[self.process_id])

    def get_detail_url(self) -> str:
        """The revision's own page (with its History); ``get_absolute_url`` is the process's page."""
        return reverse("contracts:processbaseline", args=[self.pk])

    @property
    def is_derived(self) -> bool:
        """The cost per unit was derived from what an FTE costs and handles in a month."""
        return self.cost_per_fte_month is not None and bool(self.units_per_fte_month)

    def clean(self) -> None:
        if self.cost_per_unit is None:
            if self.cost_per_fte_month is None or not self.units_per_fte_month:
                raise ValidationError(
                    {"cost_per_unit": "Give the cost per unit, or the cost and units per FTE-month to derive it."}
                )
            self.cost_per_unit = (self.cost_per_fte_month / self.units_per_fte_month).quantize(Decimal("0.0001"))


class Invoice(TimeStampedModel):
    """What the provider invoiced for a contract-month: it wins over the charges the prices give.

    Entered in the browser or the API, imported from CSV, or taken from a KPI summary's
    invoiced amount. A gap to the computed charges beyond the contract's tolerance is an
    invoice discrepancy.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        CSV = "csv", "CSV import"
        KPI = "kpi", "Vendor KPI summary"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="invoices")
    period = models.DateField(help_text="The month invoiced (its first day).")
    amount = models.DecimalField(validators=NON_NEGATIVE, **MONEY)
    reference = models.CharField(max_length=100, blank=True, help_text="The vendor's invoice number.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="one_invoice_per_contract_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="invoice_period_is_a_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="invoice_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.period:%Y-%m}: {self.amount} {self.contract.currency}"

    def clean(self) -> None:
        """A month (its first day) of the contract's term: the rule the CSV import applies too."""
        if self.period is None:
            return
        if self.period.day != 1:
            raise ValidationError({"period": "Give the month invoiced as its first day (YYYY-MM-01)."})
        contract = self.contract if self.contract_id else None
        if contract is not None and not contract.start_date.replace(day=1) <= self.period <= contract.end_date:
            raise ValidationError(
                {
                    "period": f"{self.period:%Y-%m} is outside {contract.reference}'s term "
                    f"({contract.start_date} – {contract.end_date})."
                }
            )

    def get_absolute_url(self) -> str:
        return reverse("contracts:invoice", args=[self.pk])


def refuse_blocked_provider(provider: Any, contract: "Contract | None", error: type[Exception]) -> Any:
    """``provider`` unless a new contract with it is blocked (raise ``error`` naming it and why).

    Blocked means a procurement reviewer confirmed the scorecard consequence "no new contracts"
    (the flag lives on the provider). A new contract, or an existing one moved to such a
    provider, is refused; editing a contract the provider already has is not, and neither is a
    renewal (the next term of a contract already made, ``contracts.lifecycle``).
    """
    if provider is None or not getattr(provider, "new_contracts_blocked", False):
        return provider
    if contract is not None and contract.pk is not None and contract.provider_id == provider.pk:
        return provider
    raise error(f"{provider.new_contract_refusal}. A procurement reviewer lifts it on the provider's page.")
