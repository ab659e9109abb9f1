"""Data shapes shared by the report readers, the layout and the row parsers.

The parsing package is pure Python (no Django models), so it can be tested on files alone
and reused by the import task, the preview and the CLI alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.months import Period as Period  # periods live with months; re-exported for the parsers

# The canonical fields of a work-item record, in the order of the WorkItem table's columns.
WORK_ITEM_FIELDS: tuple[str, ...] = (
    "item_id",
    "channel",
    "queue",
    "received_at",
    "started_at",
    "completed_at",
    "wait_seconds",
    "handle_seconds",
    "outcome",
    "resolved_first_contact",
    "csat",
    "csat_scale_max",
    "quality_score",
    "accurate",
    "agent",
)
# Canonical outcome values.
OUTCOMES: tuple[str, ...] = ("handled", "abandoned", "self_service", "ignored")
# The canonical fields of a KPI summary row.
KPI_FIELDS: tuple[str, ...] = ("metric", "period", "value", "volume", "invoiced_amount")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row of a vendor file before interpretation.

    ``number`` is the 1-based line (CSV), row (XLSX) or element (JSON) number as the vendor
    would find it in the file; ``values`` maps the file's own column names to raw text
    (XLSX and JSON cells are given as found: str, int, float, bool, datetime or None).
    """

    number: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row (or the whole file, when ``row`` is None) could not be loaded."""

    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass(slots=True)
class ParsedRow:
    """A raw row and its interpretation: ``record`` when accepted, ``errors`` otherwise."""

    raw: RawRow
    record: dict[str, Any] | None
    errors: list[RowError] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.record is not None and not self.errors


class FileError(Exception):
    """The file as a whole cannot be read (empty, wrong delimiter, missing columns, ...).

    The message is written for the person who uploaded the file and names what is wrong.
    """
