"""Reminders: each deadline warning, sent once by email and listed until someone acknowledges it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from contracts.models import Contract
from vendors.models import Certification, Provider


class Reminder(models.Model):
    """One reminder of one deadline at one threshold, for a contract or a certification.

    Created by the daily run (``reminders.services.send_reminders``) when a threshold is
    reached; the unique constraints make a second run create (and send) nothing. ``due_on``
    is part of the key, so a contract whose end date moves gets its reminders afresh.
    """

    class Kind(models.TextChoices):
        NOTICE_DEADLINE = "notice_deadline", "Notice deadline approaching"
        CONTRACT_ENDING = "contract_ending", "Contract ending"
        CERTIFICATION_EXPIRING = "certification_expiring", "Certification expiring"
        REPORT_MISSING = "report_missing", "Monthly report missing"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="reminders")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders")
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_on = models.DateField(help_text="The deadline: notice by, end date, expiry, or the day the report was due.")
    threshold = models.CharField(
        max_length=20,
        help_text="Which reminder of the deadline: “90 days” before it, or the month (YYYY-MM) of a report.",
    )
    subject = models.CharField(max_length=300)
    message = models.TextField()
    recipients = models.JSONField(default=list, blank=True, help_text="The addresses the email went to.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email went out (empty: not yet, it is retried on the next run)."
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract__isnull=False, certification__isnull=True)
                | Q(contract__isnull=True, certification__isnull=False),
                name="reminder_is_about_a_contract_or_a_certification",
            ),
            models.UniqueConstraint(
                fields=["kind", "contract", "due_on", "threshold"],
                condition=Q(contract__isnull=False),
                name="reminder_once_per_contract_deadline_and_threshold",
            ),
            models.UniqueConstraint(
                fields=["kind", "certification", "due_on", "threshold"],
                condition=Q(certification__isnull=False),
                name="reminder_once_per_certification_expiry_and_threshold",
            ),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "due_on"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        """The page of what the reminder is about (a certification is shown on its provider's page)."""
        if self.contract_id:
            return reverse("contracts:contract", args=[self.contract_id])
        return reverse("vendors:provider", args=[self.provider_id])

    @property
    def subject_object(self) -> Contract | Certification | None:
        return self.contract if self.contract_id else self.certification

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
