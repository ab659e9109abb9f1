"""Service levels: the measurable promises in a contract, and what missing them costs."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from contracts.models import Contract, Process
from core.catalogue import CATALOGUE, HIGHER_IS_BETTER, LOWER_IS_BETTER, METRIC_CHOICES, PERCENT
from core.models import TimeStampedModel
from slas.metrics import metric_formula


class ServiceLevel(TimeStampedModel):
    """An SLA of a contract: a metric on one process, its target and its breach threshold.

    ``expected_level`` is the target; ``minimum_level`` is the line whose crossing is a
    breach. For a higher-is-better metric the minimum is at or below the expected level,
    for a lower-is-better one (e.g. handle time) at or above it; the database enforces it.
    """

    class Kind(models.TextChoices):
        CRITICAL = "critical", "Critical (carries service credits)"
        KEY = "key", "Key measurement (tracked, no credits)"

    class Period(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="service_levels")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="service_levels")
    name = models.CharField(max_length=200, blank=True, help_text="Defaults to the metric's name.")
    metric = models.CharField(max_length=40, choices=METRIC_CHOICES)
    parameters = models.JSONField(default=dict, blank=True, help_text='E.g. {"threshold_seconds": 20}.')
    expected_level = models.DecimalField(max_digits=14, decimal_places=4, help_text="The target.")
    minimum_level = models.DecimalField(max_digits=14, decimal_places=4, help_text="Missing this is a breach.")
    measurement_period = models.CharField(max_length=20, choices=Period.choices, default=Period.MONTHLY)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CRITICAL)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Relative weight in the provider scorecard.",
    )
    credit_allocation_percent = models.DecimalField(
        "credit allocation %",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the contract's at-risk amount this SLA's credit takes.",
    )
    minimum_sample_size = models.PositiveIntegerField(
        default=0, help_text="Fewer items than this in a period means insufficient data."
    )

    class Meta:
        ordering = ["contract__reference", "process__name", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(metric__in=HIGHER_IS_BETTER) & Q(minimum_level__lte=F("expected_level")))
                | (Q(metric__in=LOWER_IS_BETTER) & Q(minimum_level__gte=F("expected_level"))),
                name="service_level_minimum_matches_direction",
                violation_error_message="The minimum level is on the wrong side of the expected level.",
            ),
            models.CheckConstraint(
                condition=Q(credit_allocation_percent__gte=0, credit_allocation_percent__lte=100),
                name="service_level_credit_allocation_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="critical") | Q(credit_allocation_percent=0),
                name="service_level_key_has_no_credit",
                violation_error_message="A key measurement carries no service credit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.process} ({self.contract.reference})"

    def get_absolute_url(self) -> str:
        return reverse("slas:servicelevel", args=[self.pk])

    @property
    def metric_info(self):
        return CATALOGUE[self.metric]

    @property
    def formula(self) -> str:
        """The exact definition, as shown beside every result: the docstring of its computation."""
        return metric_formula(self.metric).replace("``", "")

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        info = CATALOGUE.get(self.metric)
        if info is None:
            return self.metric
        params = self.parameters or {}
        if "threshold_seconds" in params:
            return f"{info.name.split(' (')[0]} within {params['threshold_seconds']} s"
        if "hours" in params:
            return f"Turnaround within {params['hours']} h"
        if "percentile" in params:
            return f"Handle time p{params['percentile']}"
        return info.name

    def clean(self) -> None:
        errors: dict[str, list[str] | str] = {}
        info = CATALOGUE.get(self.metric)
        if info is None:
            raise ValidationError({"metric": f"Unknown metric “{self.metric}”."})
        try:
            self.parameters = info.clean_parameters(self.parameters)
        except ValidationError as exc:
            errors["parameters"] = exc.messages
        expected, minimum = self.expected_level, self.minimum_level
        if expected is not None and minimum is not None:
            if info.higher_is_better and minimum > expected:
                errors["minimum_level"] = (
                    f"{info.name} is better when higher, so the minimum level ({minimum}) "
                    f"cannot be above the expected level ({expected})."
                )
            elif not info.higher_is_better and minimum < expected:
                errors["minimum_level"] = (
                    f"{info.name} is better when lower, so the minimum level ({minimum}) "
                    f"cannot be below the expected level ({expected})."
                )
            if info.unit == PERCENT:
                for name, value in (("expected_level", expected), ("minimum_level", minimum)):
                    if not Decimal("0") <= value <= Decimal("100"):
                        errors[name] = f"{info.name} is a percentage: give a value from 0 to 100."
            elif min(expected, minimum) < 0:
                errors["expected_level" if expected < 0 else "minimum_level"] = "Levels cannot be negative."
        if self.kind == self.Kind.KEY and self.credit_allocation_percent:
            errors["credit_allocation_percent"] = (
                "A key measurement carries no service credit; set 0 or make it critical."
            )
        if self.contract_id and self.kind == self.Kind.CRITICAL and self.credit_allocation_percent:
            problems = self._allocation_problems()
            if problems:
                errors["credit_allocation_percent"] = problems
        if self.contract_id and self.process_id and not self.contract.processes.filter(pk=self.process_id).exists():
            errors["process"] = f"“{self.process}” is not one of the processes of contract {self.contract.reference}."
        if errors:
            raise ValidationError(errors)

    def _allocation_problems(self) -> list[str]:
        """The contract's critical allocations, with this one, must fit its credit pool."""
        from slas.credits import allocation_problems

        others = self.contract.service_levels.filter(kind=self.Kind.CRITICAL).exclude(pk=self.pk)
        allocations = [(str(sla.display_name), sla.credit_allocation_percent) for sla in others]
        allocations.append((self.display_name, Decimal(str(self.credit_allocation_percent))))
        return allocation_problems(
            allocations, pool_limit_percent=Decimal(str(self.contract.credit_pool_limit_percent))
        )


class ComplianceStatus(models.TextChoices):
    MET = "met", "Met"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"
    INSUFFICIENT_DATA = "insufficient_data", "Insufficient data"
    NO_DATA = "no_data", "No data"


class ComplianceResult(models.Model):
    """How one service level did in one period, with the evidence and what it costs the vendor.

    Expected and minimum levels are copied at computation time, so a later change of the
    SLA does not rewrite history. Recomputing upserts by (service level, period).
    """

    class Source(models.TextChoices):
        RECORDS = "records", "Computed from work items"
        VENDOR_REPORTED = "vendor_reported", "Vendor-reported"

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE, related_name="results")
    period = models.DateField(help_text="First day of the month.")
    period_closed = models.BooleanField(default=False, help_text="False while the month is still running.")
    actual = models.FloatField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(default=0)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RECORDS)
    expected_level = models.DecimalField(max_digits=14, decimal_places=4)
    minimum_level = models.DecimalField(max_digits=14, decimal_places=4)
    parameters = models.JSONField(default=dict, blank=True, help_text="The metric parameters applied.")
    status = models.CharField(max_length=20, choices=ComplianceStatus.choices, db_index=True)
    claimed_value = models.FloatField(null=True, blank=True, help_text="What the vendor's KPI summary claims.")
    discrepancy = models.BooleanField(default=False)
    credit_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    credit_trigger = models.CharField(max_length=30, blank=True)
    credit_breakdown = models.JSONField(default=dict, blank=True)
    earned_back = models.BooleanField(null=True, blank=True, help_text="Credit returned by later performance.")
    chronic = models.BooleanField(default=False)
    reports = models.ManyToManyField("reports.VendorReport", blank=True, related_name="compliance_results")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-period", "service_level_id"]
        constraints = [
            models.UniqueConstraint(fields=["service_level", "period"], name="one_result_per_sla_and_period")
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.service_level.display_name} {self.period:%Y-%m}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("slas:complianceresult", args=[self.pk])

    @property
    def credit_owed(self) -> Decimal:
        return Decimal("0") if self.earned_back else self.credit_amount


class CreditStatement(models.Model):
    """A contract's service-credit account for one month: charges, at-risk amount, cap, total."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="credit_statements")
    period = models.DateField(help_text="First day of the month.")
    volume = models.BigIntegerField(
        null=True, blank=True, help_text="Billable items in the month, on the contract's billing basis."
    )
    volumes = models.JSONField(
        default=dict, blank=True, help_text="Billable items per process id (null: no records for it)."
    )
    charges = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    charges_source = models.CharField(max_length=20, blank=True)
    charges_breakdown = models.JSONField(default=dict, blank=True)
    at_risk_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    cap = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    uncapped_total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    total_credit = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    cap_applied = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="Why credits could not be computed, if so.")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="one_statement_per_month")]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.period:%Y-%m}: {self.total_credit} {self.contract.currency}"
