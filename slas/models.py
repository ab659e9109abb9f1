"""Service levels: the measurable promises in a contract, and what missing them costs."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models import Contract, Process
from core.catalogue import CATALOGUE, HIGHER_IS_BETTER, LOWER_IS_BETTER, METRIC_CHOICES, PERCENT
from core.models import TimeStampedModel
from core.months import add_months
from slas.metrics import metric_formula

CRITICAL_WITHOUT_CREDIT = (
    "A critical service level carries a service credit: give it a credit allocation above 0 %, "
    "or make it a key measurement."
)


def service_level_display_name(name: str, metric: str, parameters: dict | None) -> str:
    """A service level's name as lists show it: its own, else the metric's with its parameters.

    A function of the three columns (``ServiceLevel.display_name``), so a page read as plain
    rows (``/api/v1/compliance/``) names them exactly as a model instance would.
    """
    if name:
        return name
    info = CATALOGUE.get(metric)
    if info is None:
        return metric
    params = parameters or {}
    if "threshold_seconds" in params:
        return f"{info.name.split(' (')[0]} within {params['threshold_seconds']} s"
    if "hours" in params:
        return f"Turnaround within {params['hours']} h"
    if "percentile" in params:
        return f"Handle time p{params['percentile']}"
    return info.name


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
        default=30,
        help_text="Fewer items than this in a period means insufficient data (30 is a common floor for a "
        "percentage to mean anything).",
    )

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

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
            models.CheckConstraint(
                condition=Q(kind="key") | Q(credit_allocation_percent__gt=0),
                name="service_level_critical_has_credit",
                violation_error_message=CRITICAL_WITHOUT_CREDIT,
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
        """The exact definition, as shown beside every result: the docstring of its computation.

        Read with this service level's parameters and its process's unit of work, e.g.
        "Calls answered within 20 seconds ÷ calls offered × 100".
        """
        return metric_formula(self.metric, self.parameters, self.unit_noun)

    @property
    def unit_noun(self) -> str | None:
        """The process's unit of work as a noun for the formula ("call"); None where "item" reads better."""
        unit = self.process.unit_of_work if self.process_id else None
        if not unit or unit == Process.UnitOfWork.FTE_MONTH:
            return None
        return str(Process.UnitOfWork(unit).label).lower()

    @property
    def display_name(self) -> str:
        return service_level_display_name(self.name, self.metric, self.parameters)

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
        if (
            self.kind == self.Kind.CRITICAL
            and self.credit_allocation_percent is not None
            and self.credit_allocation_percent <= 0
        ):
            errors["credit_allocation_percent"] = CRITICAL_WITHOUT_CREDIT
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

    Expected and minimum levels are copied at computation time: what the result was judged
    against. Editing the SLA recomputes its results at once, and the ``RecomputeRun`` keeps
    the old and new status and credit. Recomputing upserts by (service level, period).
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


class RecomputeRun(models.Model):
    """One recomputation of a contract's compliance: why, for which months, and what it changed.

    ``changes`` lists, per service level and month whose status or credit moved, the old and
    the new value (``null`` where there was no result before, or is none after), so a page
    can show what an SLA edit or a late report did to the figures already published.
    """

    class Trigger(models.TextChoices):
        IMPORT = "import", "Report imported"
        SERVICE_LEVEL = "service_level", "Service level changed"
        CONTRACT = "contract", "Contract terms changed"
        INVOICE = "invoice", "Invoice recorded"
        MANUAL = "manual", "Recompute requested"
        COMMAND = "command", "Command line"
        NIGHTLY = "nightly", "Nightly close"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="recompute_runs")
    service_level = models.ForeignKey(
        ServiceLevel, on_delete=models.SET_NULL, null=True, blank=True, related_name="recompute_runs"
    )
    report = models.ForeignKey(
        "reports.VendorReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="recompute_runs"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    reason = models.TextField(blank=True, help_text="What changed, in words.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    first_month = models.DateField(null=True, blank=True, help_text="First month recomputed.")
    last_month = models.DateField(null=True, blank=True, help_text="Last month recomputed.")
    finished_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["contract", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.get_trigger_display()} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def months(self) -> list[dt.date]:
        """The months recomputed, oldest first (none when nothing of the term lay before now)."""
        months: list[dt.date] = []
        if self.first_month is None or self.last_month is None:
            return months
        month = self.first_month
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def status(self) -> str:
        return "finished" if self.finished_at else "queued"

    @property
    def month_count(self) -> int:
        return len(self.months)

    def changes_for(self, service_level_id: int) -> list[dict]:
        return [c for c in self.changes if c.get("service_level") == service_level_id]
