"""The audit trail: who created, changed or deleted what, and the values before and after.

The records are django-simple-history's (a ``history = HistoricalRecords()`` on each audited
model, the request's user filled in by its middleware). This module turns them into what a
page or the API shows: one entry per change with the fields that changed. Entries are
append-only: nothing in the portal edits or deletes them; only a superuser can, in the admin.
"""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditEntry:
    id: int
    when: Any
    who: str | None
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def is_audited(model: type[models.Model]) -> bool:
    return hasattr(model, "history")


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(cast("models.Field[Any, Any]", model._meta.get_field(name)).verbose_name)
    except Exception:  # a field that no longer exists on the model
        return name


def _shown(value: Any) -> Any:
    """Values as a page or JSON can show them (many-to-many diffs come as lists of dicts)."""
    if isinstance(value, list):
        return [next(iter(v.values())) if isinstance(v, dict) and len(v) == 1 else v for v in value]
    return value


def audit_entries(obj: models.Model, *, limit: int = 50) -> list[AuditEntry]:
    """The newest ``limit`` changes of ``obj``, newest first, each with its changed fields."""
    records = list(
        cast(Any, obj).history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                FieldChange(c.field, _label(model, c.field), _shown(c.old), _shown(c.new))
                for c in sorted(delta.changes, key=lambda c: c.field)
            ]
        entries.append(
            AuditEntry(
                id=record.history_id,
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else None,
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def record_event(obj: models.Model, reason: str) -> None:
    """Add an entry for a change made with ``QuerySet.update`` (which records nothing itself).

    Used for what the portal does to rows in bulk (a report superseded or reinstated): the
    stored row is read back and saved (only its ``updated_at``, so nothing a concurrent
    writer changed is overwritten), which makes django-simple-history record it with ``reason``.
    """
    fresh: Any = type(obj)._default_manager.get(pk=obj.pk)  # gains _change_reason, read by simple-history
    fresh._change_reason = reason
    fresh.save(update_fields=["updated_at"])
