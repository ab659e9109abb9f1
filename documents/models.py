"""Documents kept with a contract or a provider: the signed contract, amendments, certificates.

A ``Document`` belongs to exactly one object, a ``Contract`` or a ``Provider`` (two foreign
keys and a check constraint, so the database itself refuses a document of neither or both).
The file is stored as uploaded, never altered, with its SHA-256, size and the content type
its first bytes showed (``documents.filetypes``); the same file twice for the same object is
refused (a unique constraint per object and hash). Who uploaded or deleted what is kept in
the audit trail (simple-history).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models import Contract
from vendors.models import Provider


def document_upload_path(document: "Document", filename: str) -> str:
    # By the owner's id, not its reference or name: those are free text and may hold "/" or "..".
    owner = f"contract-{document.contract_id}" if document.contract_id else f"provider-{document.provider_id}"
    return f"documents/{owner}/{document.sha256[:12]}-{filename}"


class Document(models.Model):
    """A file attached to one contract or one provider."""

    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed_contract", "Signed contract"
        AMENDMENT = "amendment", "Amendment"
        CERTIFICATE = "certificate", "Certificate"
        OTHER = "other", "Other"

    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_path, max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    content_type = models.CharField(max_length=150, editable=False, help_text="As its first bytes show.")
    valid_from = models.DateField(null=True, blank=True, help_text="E.g. a certificate's issue date.")
    valid_until = models.DateField(null=True, blank=True, help_text="E.g. a certificate's expiry date.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, editable=False)

    # Every upload and delete, with who and when (core.audit).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract__isnull=False, provider__isnull=True)
                | Q(contract__isnull=True, provider__isnull=False),
                name="document_belongs_to_one_contract_or_provider",
                violation_error_message="A document belongs to one contract or one provider, not both or neither.",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="document_validity_in_order",
                violation_error_message="“Valid until” cannot be before “valid from”.",
            ),
            models.UniqueConstraint(
                fields=["contract", "sha256"], condition=Q(contract__isnull=False), name="document_unique_per_contract"
            ),
            models.UniqueConstraint(
                fields=["provider", "sha256"], condition=Q(provider__isnull=False), name="document_unique_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document", args=[self.pk])

    @property
    def owner(self) -> Contract | Provider:
        """The contract or provider the document belongs to."""
        owner = self.contract if self.contract_id else self.provider
        assert owner is not None  # the check constraint guarantees one of them
        return owner

    @property
    def download_url(self) -> str:
        return reverse("documents:document_file", args=[self.pk])
