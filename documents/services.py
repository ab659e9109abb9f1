"""Uploading and deleting documents: the one path the browser and the API share."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contracts.models import Contract
from core.services import model_delete
from documents import filetypes
from documents.models import Document
from vendors.models import Provider

# A multipart body carries the file plus the form's other fields and boundaries.
MULTIPART_ALLOWANCE_BYTES = 64 * 1024


class DocumentTooLargeError(ValidationError):
    def __init__(self, size: int, *, what: str = "file") -> None:
        limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
        super().__init__(
            {"file": [f"The {what} is {size:,} bytes; documents may be at most {limit:,} bytes."]}, code="too_large"
        )


class DuplicateDocumentError(ValidationError):
    """The same file (by SHA-256) is already attached to this contract or provider."""

    def __init__(self, existing: Document) -> None:
        self.existing = existing
        super().__init__(
            f"This file is already attached to {existing.owner} as “{existing.title}” (document #{existing.pk}).",
            code="duplicate",
        )


def check_declared_upload_size(content_length: str | None) -> None:
    """Refuse an upload by its ``Content-Length``, before a byte of the body is read
    (``documents.middleware``; the API's create). The stored size is checked again."""
    try:
        declared = int(content_length or 0)
    except ValueError:
        declared = 0
    if declared > settings.DOCUMENT_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE_BYTES:
        raise DocumentTooLargeError(declared, what="upload")


@dataclass
class DocumentUpload:
    """What an upload says, from the browser form or the API."""

    owner: Contract | Provider
    upload: Any  # a Django UploadedFile: .name, .size, .chunks(), .seek()
    kind: str = Document.Kind.OTHER
    title: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    user: User | None = None


def _digest(upload: Any) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(filetypes.SNIFF_BYTES)
    upload.seek(0)
    return bytes(head)


def document_upload(submission: DocumentUpload) -> Document:
    """Store an uploaded file as a document of its contract or provider.

    Refused with a ``ValidationError`` naming the reason: larger than
    ``DOCUMENT_MAX_UPLOAD_BYTES``, a type that is not accepted or whose content does not
    match its name (``documents.filetypes``), or invalid dates; ``DuplicateDocumentError``
    when the same file is already attached to the same object.
    """
    upload = submission.upload
    if upload.size > settings.DOCUMENT_MAX_UPLOAD_BYTES:
        raise DocumentTooLargeError(upload.size)
    original_name = (upload.name or "document").rsplit("/", 1)[-1][:255]
    try:
        content_type = filetypes.content_type_for(original_name, _head(upload))
    except filetypes.FileTypeError as exc:
        raise ValidationError({"file": [str(exc)]}, code="file_type") from exc
    owner = submission.owner
    document = Document(
        contract=owner if isinstance(owner, Contract) else None,
        provider=owner if isinstance(owner, Provider) else None,
        kind=submission.kind,
        title=(submission.title or "").strip() or original_name.rsplit(".", 1)[0][:200],
        original_name=original_name,
        sha256=_digest(upload),
        size=upload.size,
        content_type=content_type,
        valid_from=submission.valid_from,
        valid_until=submission.valid_until,
        uploaded_by=submission.user,
    )
    existing = _existing(document)
    if existing is not None:
        raise DuplicateDocumentError(existing)
    document.full_clean(exclude=["file"])  # the file is stored below, once the row is known to be valid
    document._history_user = submission.user  # type: ignore[attr-defined]  # simple-history's hook
    try:
        with transaction.atomic():
            document.file.save(original_name, upload, save=False)
            document.save()
    except Exception as exc:
        document.file.delete(save=False)  # no stored file without its row
        existing = _existing(document) if isinstance(exc, IntegrityError) else None
        if existing is not None:  # uploaded by another request at the same moment
            raise DuplicateDocumentError(existing) from None
        raise
    return document


def _existing(document: Document) -> Document | None:
    owner = {"contract_id": document.contract_id} if document.contract_id else {"provider_id": document.provider_id}
    return Document.objects.filter(sha256=document.sha256, **owner).first()


def document_delete(document: Document, *, user: User | None = None) -> None:
    """Delete a document and, once the deletion is committed, its stored file."""
    storage, name = document.file.storage, document.file.name
    document._history_user = user  # type: ignore[attr-defined]  # simple-history's hook
    model_delete(document)
    if name:
        transaction.on_commit(lambda: storage.delete(name))
