"""The rejected-rows file: every row that did not load, with where and why."""

import csv
import io
import json
import tempfile
from typing import Any

from core.spreadsheets import safe_row
from reports.parsing.types import ParsedRow, RowError

HEADER = ("row", "column", "value", "reason", "raw_row")
SAMPLE_SIZE = 100


class RejectedRows:
    """Collects rejections into a temporary CSV (one line per error) and a short sample.

    Memory stays flat: only the first ``SAMPLE_SIZE`` errors are kept in memory; the rest
    go straight to the spooled file, which the import saves next to the report.
    """

    def __init__(self) -> None:
        # Lives across many calls; closed by close() once the import has stored it.
        self._file = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+b")  # noqa: SIM115
        self._text = io.TextIOWrapper(self._file, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._writer.writerow(HEADER)
        self.rows = 0
        self.errors = 0
        self.sample: list[dict[str, Any]] = []

    def add_row(self, parsed: ParsedRow) -> None:
        self.rows += 1
        raw = _raw_text(parsed.raw.values)
        for error in parsed.errors:
            self._add(error, raw)

    def add_file_error(self, error: RowError, *, raw: dict[str, Any] | None = None) -> None:
        """A problem found after parsing (e.g. a duplicate id); counts as one rejected row.

        ``raw`` is the row as the file has it, when the caller could find it again.
        """
        if error.row is not None:
            self.rows += 1
        self._add(error, _raw_text(raw) if raw is not None else "")

    def _add(self, error: RowError, raw: str) -> None:
        self.errors += 1
        self._writer.writerow(safe_row((error.row, error.column, error.value, error.reason, raw)))
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(error.as_dict())

    def content(self):
        """The CSV as a binary file positioned at its start (for Django's storage)."""
        self._text.flush()
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        self._text.close()


def _raw_text(values: dict[str, Any]) -> str:
    """The raw row as JSON (column → value as found), the ``raw_row`` column of the CSV."""
    return json.dumps(values, default=str, ensure_ascii=False)
