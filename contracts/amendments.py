"""A contract's amendment history: its audit trail (``core.audit``) as rows a reader follows.

One row per changed term (its label, the value before and after, in words: "Active", a
provider's name, the processes' names), with who, when and why (the change reason the
lifecycle records: "Terminated as of …: …", "Renewed as …", an override of an expired
certification). A change that touched no term but has a reason (e.g. a renewal that leaves the
term active until its end) is a row of its own.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from contracts.models import Contract, Process
from core.audit import audit_entries
from vendors.models import Provider


@dataclass(frozen=True)
class Amendment:
    when: dt.datetime
    who: str | None
    action: str
    field: str
    label: str
    before: str
    after: str
    reason: str


def _words(name: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    if value is None or value == "":
        return "—"
    if name == "processes":
        ids = [v.get("process") if isinstance(v, dict) else v for v in value]
        return ", ".join(sorted(names["processes"].get(i, f"#{i}") for i in ids)) or "—"
    if name in names:
        return names[name].get(value, str(value))
    try:
        field = Contract._meta.get_field(name)
    except Exception:  # a field the model no longer has
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    return str(value)


def contract_amendments(contract: Contract, *, limit: int = 50) -> list[Amendment]:
    """The newest ``limit`` entries of the contract's history, one row per changed term, newest first."""
    entries = audit_entries(contract, limit=limit)
    process_ids: set[Any] = set()
    provider_ids: set[Any] = set()
    term_ids: set[Any] = set()
    for entry in entries:
        for change in entry.changes:
            for value in (change.before, change.after):
                if change.field == "processes" and value:
                    process_ids |= {v.get("process") if isinstance(v, dict) else v for v in value}
                elif change.field == "provider" and value is not None:
                    provider_ids.add(value)
                elif change.field == "previous_term" and value is not None:
                    term_ids.add(value)
    names: dict[str, dict[Any, str]] = {
        "processes": dict(Process.objects.filter(pk__in=process_ids).values_list("pk", "name")),
        "provider": dict(Provider.objects.filter(pk__in=provider_ids).values_list("pk", "name")),
        "previous_term": dict(Contract.objects.filter(pk__in=term_ids).values_list("pk", "reference")),
    }
    rows = []
    for entry in entries:
        changes = [c for c in entry.changes if c.field != "updated_at"]
        if not changes:
            rows.append(Amendment(entry.when, entry.who, entry.action, "", "", "", "", entry.reason))
        for change in changes:
            rows.append(
                Amendment(
                    when=entry.when,
                    who=entry.who,
                    action=entry.action,
                    field=change.field,
                    label=change.label,
                    before=_words(change.field, change.before, names),
                    after=_words(change.field, change.after, names),
                    reason=entry.reason,
                )
            )
    return rows
