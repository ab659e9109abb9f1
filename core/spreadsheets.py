"""CSV cells that a spreadsheet will not run as formulas.

Vendor data flows into CSV files our users open in Excel; a value such as ``=HYPERLINK(…)``
would run as a formula there. Text starting with a formula character gets a leading
apostrophe, which spreadsheets show as plain text.
"""

import csv
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)  # a plain negative number such as -30 stays a number
            return value
        except ValueError:
            return "'" + value
    return value


def safe_row(values: tuple | list) -> list:
    return [safe_cell(v) for v in values]


class _Echo:
    """A file-like object whose ``write`` returns the line, for ``csv.writer`` in a stream."""

    def write(self, value: str) -> str:
        return value


def streamed_csv(rows: Iterable[tuple | list], filename: str) -> StreamingHttpResponse:
    """A CSV download written row by row as ``rows`` yields them (a list may be millions of
    rows), each cell formula-safe."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(safe_row(row)) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
