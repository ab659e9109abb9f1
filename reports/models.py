"""Vendor reports: the uploaded files, the layouts they are read with, and what they hold.

A ``VendorReport`` keeps the original file (never altered) and the outcome of importing it.
Its rows land in ``WorkItem`` (one per call, chat, ticket, transaction…) or ``KpiClaim``
(one per metric and month the vendor claims). Rows of a report that is not ``completed``
are never visible: a failed import loads nothing, and a superseded report's rows are
replaced by its successor's in the same transaction.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models import Contract, Process
from core.models import TimeStampedModel
from core.months import Period
from vendors.models import Provider


class ReportKind(models.TextChoices):
    WORK_ITEMS = "work_items", "Work-item records"
    KPI_SUMMARY = "kpi_summary", "KPI summary"


class ReportLayout(TimeStampedModel):
    """How one vendor's files map onto the canonical fields; edited as new versions.

    ``provider`` is empty for shared layouts that any contract may use: the built-in
    canonical layouts, and templates for common formats that a provider copies
    (``services.layout_copy``) and then edits for its own files. Each save of the config
    creates a ``ReportLayoutVersion``; a report keeps the version it was read with.
    """

    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="report_layouts"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(default=False, editable=False)

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="layout_name_unique_per_provider"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(provider__isnull=True), name="shared_layout_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.provider_id is None else f"{self.name} ({self.provider})"

    @property
    def is_shared(self) -> bool:
        """Offered to every provider (a template to copy, or a built-in canonical layout)."""
        return self.provider_id is None

    def get_absolute_url(self) -> str:
        return reverse("reports:reportlayout", args=[self.pk])

    @property
    def current_version(self) -> "ReportLayoutVersion | None":
        # Through .all() so a prefetch of "versions" serves it without a query per layout.
        return max(self.versions.all(), key=lambda version: version.number, default=None)

    def delete(self, *args, **kwargs):
        if self.is_builtin:
            from django.core.exceptions import ValidationError

            raise ValidationError("Built-in layouts cannot be deleted.")
        return super().delete(*args, **kwargs)


class ReportLayoutVersion(models.Model):
    """An immutable snapshot of a layout's config."""

    layout = models.ForeignKey(ReportLayout, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    config = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["layout", "-number"]
        constraints = [models.UniqueConstraint(fields=["layout", "number"], name="layout_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.layout.name} v{self.number}"


def report_upload_path(report: "VendorReport", filename: str) -> str:
    # By the contract's id, not its reference: a reference is free text and may hold "/" or "..".
    return f"reports/contract-{report.contract_id}/{report.period_start:%Y-%m}/{report.sha256[:12]}-{filename}"


def rejected_rows_path(report: "VendorReport", filename: str) -> str:
    return f"rejected/contract-{report.contract_id}/{report.pk}-{filename}"


# What an import updates as it runs: kept out of the audit trail, which records what people
# and the portal decided (upload, status, supersede, reinstate), not every progress tick.
REPORT_PROGRESS_FIELDS = [
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "errors",
    "started_at",
    "attempts",
    "heartbeat_at",
    "dispatch_pending",
    "compliance_pending_since",
]


class VendorReport(TimeStampedModel):
    """One uploaded vendor file for a contract, process and period, and its import status."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Superseded"

    class Source(models.TextChoices):
        BROWSER = "browser", "Browser"
        API = "api", "REST API"
        CLI = "cli", "Command line"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reports")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(help_text="First day covered (in the contract's time zone).")
    period_end = models.DateField(help_text="Last day covered, inclusive.")
    layout_version = models.ForeignKey(ReportLayoutVersion, on_delete=models.PROTECT, related_name="reports")

    file = models.FileField(upload_to=report_upload_path, max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.BROWSER)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows_read = models.PositiveBigIntegerField(default=0)
    rows_accepted = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="The first 100 row errors.")
    failure_reason = models.TextField(blank=True)
    rejected_rows_file = models.FileField(upload_to=rejected_rows_path, max_length=500, blank=True)
    import_lane = models.CharField(
        max_length=200,
        blank=True,
        help_text="How the rows were read: “sql” (PostgreSQL judged them), or “python (why)” for the parser.",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    reinstated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a user brought this superseded report back; it then counts as newer than its replacement.",
    )

    # Every create, change and delete, with who and what before/after (core.audit).
    history = HistoricalRecords(excluded_fields=REPORT_PROGRESS_FIELDS)

    # Recovery (see reports.heartbeat and services.requeue_stalled_imports): the import writes
    # heartbeat_at every few seconds from outside its transaction, so a dead worker shows
    # within a minute; dispatch_pending marks an import whose task never reached the broker;
    # compliance_pending_since marks a completed import whose compliance recompute has not
    # finished yet (set in the import's transaction, cleared by the recompute).
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatch_pending = models.BooleanField(default=False, editable=False)
    compliance_pending_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
            # The same file for the same contract and period is refused (a failed one may be retried).
            models.UniqueConstraint(
                fields=["contract", "process", "period_start", "period_end", "sha256"],
                condition=~Q(status="failed"),
                name="report_same_file_once",
            ),
        ]
        indexes = [models.Index(fields=["contract", "process", "kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.contract.reference}, {self.period_label})"

    def get_absolute_url(self) -> str:
        return reverse("reports:vendorreport", args=[self.pk])

    @property
    def period_label(self) -> str:
        whole_month = self.period_start.day == 1 and (self.period_end + dt.timedelta(days=1)).day == 1
        if whole_month and self.period_start.month == self.period_end.month:
            return f"{self.period_start:%Y-%m}"
        return f"{self.period_start} – {self.period_end}"

    @property
    def period(self) -> Period:
        """The covered interval as aware datetimes in the contract's time zone."""
        from core.months import local_period

        return local_period(self.period_start, self.period_end, str(self.contract.time_zone))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.FAILED, self.Status.SUPERSEDED)


class WorkItem(models.Model):
    """One call, chat, email, ticket or transaction a vendor handled, in canonical form.

    ``contract`` and ``process`` repeat the report's so metric queries need no join; they
    carry no database foreign key so the bulk ``COPY`` of millions of rows checks nothing
    per row (the loader writes them from the report itself).
    """

    class Outcome(models.TextChoices):
        HANDLED = "handled", "Handled"
        ABANDONED = "abandoned", "Abandoned"
        SELF_SERVICE = "self_service", "Self-service"
        IGNORED = "ignored", "Ignored"

    report = models.ForeignKey(VendorReport, on_delete=models.CASCADE, related_name="work_items", db_constraint=False)
    contract = models.ForeignKey(Contract, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    process = models.ForeignKey(Process, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    source_row = models.PositiveIntegerField(help_text="Line or row number in the vendor's file.")
    item_id = models.CharField(max_length=200)
    channel = models.CharField(max_length=100, null=True, blank=True)
    queue = models.CharField(max_length=100, null=True, blank=True)
    received_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.FloatField(null=True, blank=True)
    handle_seconds = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    resolved_first_contact = models.BooleanField(null=True, blank=True)
    csat = models.FloatField(null=True, blank=True)
    csat_scale_max = models.FloatField(null=True, blank=True)
    quality_score = models.FloatField(null=True, blank=True)
    accurate = models.BooleanField(null=True, blank=True)
    agent = models.CharField(max_length=100, null=True, blank=True)
    extras = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["report", "item_id"], name="workitem_report_item"),
            models.Index(fields=["contract", "process", "received_at"], name="workitem_contract_time"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} ({self.outcome})"


class KpiClaim(models.Model):
    """A figure a vendor claims for a metric and month in a KPI summary report."""

    report = models.ForeignKey(VendorReport, on_delete=models.CASCADE, related_name="kpi_claims")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    source_row = models.PositiveIntegerField()
    metric = models.CharField(max_length=40)
    period = models.DateField(help_text="First day of the month the figure is for.")
    value = models.FloatField()
    volume = models.BigIntegerField(null=True, blank=True)
    invoiced_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["period", "metric"]
        constraints = [models.UniqueConstraint(fields=["report", "metric", "period"], name="kpi_claim_once_per_report")]

    def __str__(self) -> str:
        return f"{self.metric} {self.period:%Y-%m} = {self.value}"
