"""Small builders shared by the parsing tests (pure Python: no database, no Django models)."""

from __future__ import annotations

import copy
import datetime as dt
import io
from typing import Any

from reports.parsing import Layout, ParsedRow, Period, RawReader, parse_file

UTC = dt.UTC
OCTOBER_2026 = Period(dt.datetime(2026, 10, 1, tzinfo=UTC), dt.datetime(2026, 11, 1, tzinfo=UTC))

MINIMAL: dict[str, Any] = {
    "kind": "work_items",
    "fields": {
        "item_id": {"column": "id"},
        "received_at": {"column": "ts"},
        "outcome": {"column": "outcome"},
    },
}


def config(*, fields: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """MINIMAL with extra/overridden fields and top-level keys."""
    result = copy.deepcopy(MINIMAL)
    result["fields"].update(copy.deepcopy(fields or {}))
    result.update(copy.deepcopy(top))
    return result


def layout(**kwargs: Any) -> Layout:
    return Layout.from_config(config(**kwargs))


def csv_bytes(*lines: str, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return "".join(line + newline for line in lines).encode(encoding)


def parse(
    data: bytes,
    the_layout: Layout | dict[str, Any],
    *,
    filename: str = "report.csv",
    period: Period = OCTOBER_2026,
    metric_codes: frozenset[str] | None = None,
) -> list[ParsedRow]:
    if isinstance(the_layout, dict):
        the_layout = Layout.from_config(the_layout)
    return list(
        parse_file(io.BytesIO(data), filename=filename, layout=the_layout, period=period, metric_codes=metric_codes)
    )


def one(data: bytes, the_layout: Layout | dict[str, Any], **kwargs: Any) -> ParsedRow:
    rows = parse(data, the_layout, **kwargs)
    assert len(rows) == 1, rows
    return rows[0]


def reader(data: bytes, the_layout: Layout | dict[str, Any], *, filename: str = "report.csv") -> RawReader:
    if isinstance(the_layout, dict):
        the_layout = Layout.from_config(the_layout)
    return RawReader(io.BytesIO(data), filename=filename, layout=the_layout)


def reasons(row: ParsedRow) -> list[str]:
    return [e.reason for e in row.errors]
