"""Vendor report parsing: layouts, streaming readers and row parsers, in pure Python.

Nothing here touches Django models, so the same code serves the import task, the upload
preview and the CLI, and is tested on files alone. The usual call is ``parse_file``:

    layout = Layout.from_config(vendor_layout_config)
    for parsed in parse_file(upload, filename=upload.name, layout=layout, period=period):
        if parsed.accepted: ... parsed.record ...
        else: ... parsed.errors ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from reports.parsing.layout import KPI_SUMMARY, WORK_ITEMS, FieldSpec, Layout, LayoutError, canonical_config
from reports.parsing.readers import (
    DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES,
    ROW_PROBLEM,
    RawReader,
    iter_raw_rows,
    read_header,
    resolve_format,
)
from reports.parsing.records import KpiParser, WorkItemParser
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from reports.parsing.types import (
    KPI_FIELDS,
    OUTCOMES,
    WORK_ITEM_FIELDS,
    FileError,
    ParsedRow,
    Period,
    RawRow,
    RowError,
)

__all__ = [
    "ANONYMOUS_BANK_LAYOUT",
    "DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES",
    "KPI_FIELDS",
    "KPI_SUMMARY",
    "OUTCOMES",
    "ROW_PROBLEM",
    "WORK_ITEMS",
    "WORK_ITEM_FIELDS",
    "FieldSpec",
    "FileError",
    "KpiParser",
    "Layout",
    "LayoutError",
    "ParsedRow",
    "Period",
    "RawReader",
    "RawRow",
    "RowError",
    "WorkItemParser",
    "canonical_config",
    "iter_raw_rows",
    "make_parser",
    "parse_file",
    "read_header",
    "resolve_format",
]


def make_parser(
    layout: Layout, *, period: Period | None = None, metric_codes: frozenset[str] | None = None
) -> WorkItemParser | KpiParser:
    """The row parser for the layout's kind (work items need the report ``period``)."""
    if layout.kind == WORK_ITEMS:
        if period is None:
            raise ValueError("a work_items layout needs the report period")
        return WorkItemParser(layout, period)
    return KpiParser(layout, metric_codes=metric_codes)


def parse_file(
    binary_file: IO[bytes],
    *,
    filename: str,
    layout: Layout,
    period: Period | None,
    metric_codes: frozenset[str] | None = None,
    max_xlsx_uncompressed_bytes: int = DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES,
) -> Iterator[ParsedRow]:
    """Read and interpret a vendor file row by row.

    File-level problems raise ``FileError`` (most on the first ``next()``, a few mid-stream,
    see ``readers``); row-level problems come back as ``ParsedRow.errors``.
    """
    parser = make_parser(layout, period=period, metric_codes=metric_codes)
    parse = parser.parse
    for raw in iter_raw_rows(
        binary_file, filename=filename, layout=layout, max_xlsx_uncompressed_bytes=max_xlsx_uncompressed_bytes
    ):
        yield parse(raw)
