"""Streaming readers: a vendor file (CSV, XLSX, JSON, NDJSON) → its header and raw rows.

Files can be large (a month of calls), so nothing here loads a whole file: CSV goes through
``io.TextIOWrapper`` and ``csv.reader``, XLSX through openpyxl's read-only mode, JSON
through ``ijson``, NDJSON line by line. Values are handed on as found (text, or the cell's
own type for XLSX and JSON); interpreting them is the row parsers' job.

The one entry point is ``RawReader``:

    with RawReader(binary_file, filename="calls.csv", layout=layout) as reader:
        reader.columns          # the header, as the file spells it
        for raw in reader:      # RawRow(number, values), blank rows skipped
            ...

Constructing it reads the header and the first data row, so the problems that make the
whole file useless (empty, no data rows, wrong delimiter, missing columns, a refused XLSX)
raise ``FileError`` before any row is processed. A few problems only show up later in the
stream (undecodable bytes, malformed JSON); they raise ``FileError`` during iteration, and
the caller must then discard what it has loaded from the file.

Rows the reader can split but not line up with the header (a CSV row with the wrong
number of fields, a JSON element that is not an object) are still yielded, with the key
``ROW_PROBLEM`` in ``values`` holding ``(reason, raw_text)``; the parsers turn that into a
row error, so one bad row does not stop a file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from types import TracebackType
from typing import IO, Any

import ijson

from core.jsondepth import MAX_JSON_DEPTH, JsonDepthScanner, JsonTooDeepError, check_json_depth
from reports.parsing.layout import Layout
from reports.parsing.types import FileError, RawRow

ROW_PROBLEM = "__row_problem__"
DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# What one row may cost, whatever the file says: an import or a preview then allocates at
# most about one row's worth at a time (a few MB), so no upload can exhaust a worker or the
# web server. Real rows are a few hundred bytes and a few dozen columns.
MAX_COLUMNS = 1000
MAX_LINE_CHARS = 1 << 20  # one CSV/TSV line, in characters (a quoted cell may span lines)
MAX_ROW_BYTES = 1 << 20  # one NDJSON line, or one element of a JSON array, in bytes
MAX_CELL_CHARS = 128 * 1024  # one CSV cell (the csv module's default field limit, set explicitly)
csv.field_size_limit(MAX_CELL_CHARS)
MAX_COMPRESSION_RATIO = 100
# Small members legitimately compress very well (a styles part of repeated XML); the ratio
# test is for members large enough to hurt when inflated.
RATIO_CHECK_MIN_BYTES = 1 << 20
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
CANDIDATE_DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "cp1252 (Windows-1252)", "latin-1": "Latin-1"}
_CHUNK = 1 << 16
_SHOWN_COLUMNS = 40
_SHOWN_TEXT = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


def resolve_format(filename: str, layout: Layout) -> str:
    """The reader to use: the layout's format, or (``auto``) the file name's extension."""
    if layout.format != "auto":
        return layout.format
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix == ".xls":
        raise FileError("old Excel .xls files are not supported; save the file as .xlsx or CSV")
    known = ", ".join(EXTENSIONS)
    raise FileError(f"cannot tell the format of {filename!r} from its name; expected one of {known}")


class RawReader:
    """A vendor file's header (``columns``) and its data rows (iterate the reader once).

    See the module docstring for what is checked when. ``close()`` (or leaving the ``with``
    block) releases the workbook or text wrapper; the binary file itself is left open, as
    it belongs to the caller.
    """

    def __init__(
        self,
        binary_file: IO[bytes],
        *,
        filename: str,
        layout: Layout,
        max_xlsx_uncompressed_bytes: int = DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES,
    ) -> None:
        self.filename = filename
        self.layout = layout
        self.format = resolve_format(filename, layout)
        self._source: Iterator[Any] = _source(binary_file, self.format, layout, max_xlsx_uncompressed_bytes)
        try:
            self.columns: list[str] = next(self._source)
            self._check_columns()
            first = next(self._source, None)
            if first is None:
                raise FileError("the file has a header but no data rows")
        except BaseException:
            self.close()
            raise
        self._rows: Iterator[RawRow] = itertools.chain((first,), self._source)

    def _check_columns(self) -> None:
        if len(self.columns) > MAX_COLUMNS:
            raise FileError(f"the header has {len(self.columns):,} columns; at most {MAX_COLUMNS:,} are read")
        present = set(self.columns)
        missing = [c for c in self.layout.ordered_required_columns() if c not in present]
        if missing:
            shown = ", ".join(c for c in self.columns[:_SHOWN_COLUMNS])
            if len(self.columns) > _SHOWN_COLUMNS:
                shown += ", …"
            raise FileError(f"missing required columns: {', '.join(missing)} (found: {shown or 'no columns'})")

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> RawReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _source(binary_file: IO[bytes], file_format: str, layout: Layout, max_xlsx_bytes: int) -> Iterator[Any]:
    """The generator of one format: it yields the header, then the RawRows."""
    if file_format == "csv":
        return _csv_source(binary_file, layout)
    if file_format == "xlsx":
        return _xlsx_source(binary_file, layout, max_xlsx_bytes)
    if file_format == "json":
        return _json_source(binary_file)
    return _ndjson_source(binary_file)


def read_header(
    binary_file: IO[bytes],
    *,
    filename: str,
    layout: Layout,
    max_xlsx_uncompressed_bytes: int = DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES,
) -> list[str]:
    """The column names of a sample file, read with the layout's file options only.

    Unlike ``RawReader`` it does not require the layout's columns to be there: the layout
    editor offers these names to choose the columns from. (JSON's names come from the
    first element.) Raises ``FileError`` like the reader does.
    """
    source = _source(binary_file, resolve_format(filename, layout), layout, max_xlsx_uncompressed_bytes)
    try:
        return list(next(source))
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def iter_raw_rows(
    binary_file: IO[bytes],
    *,
    filename: str,
    layout: Layout,
    max_xlsx_uncompressed_bytes: int = DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES,
) -> Iterator[RawRow]:
    """The data rows of a vendor file (a generator over ``RawReader``)."""
    with RawReader(
        binary_file, filename=filename, layout=layout, max_xlsx_uncompressed_bytes=max_xlsx_uncompressed_bytes
    ) as reader:
        yield from reader


# -- shared helpers ------------------------------------------------------------------------


def _header_names(cells: list[Any] | tuple[Any, ...]) -> list[str]:
    """Header cells as column names: trimmed text, duplicates refused (they would collide)."""
    names = []
    for cell in cells:
        if cell is None:
            names.append("")
        elif isinstance(cell, float) and cell.is_integer():
            names.append(str(int(cell)))
        else:
            names.append(str(cell).strip())
    if names:
        names[0] = names[0].lstrip("\ufeff")
    seen: set[str] = set()
    duplicates = []
    for name in names:
        if name and name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise FileError(
            f"the header repeats the column name(s) {', '.join(duplicates)}; each column needs its own name"
        )
    return names


def _show_delimiter(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_TEXT else text[: _SHOWN_TEXT - 1] + "…"


def _seekable(binary: IO[bytes]) -> IO[bytes]:
    """A seekable view of ``binary``: itself, or a spooled copy (zip files need seeking)."""
    seekable = getattr(binary, "seekable", None)
    if seekable is not None and seekable():
        return binary
    spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 - closed by the caller's GC
    while chunk := binary.read(_CHUNK):
        spool.write(chunk)
    spool.seek(0)
    return spool


# -- CSV -----------------------------------------------------------------------------------


def _tell(binary: IO[bytes]) -> int | None:
    try:
        return binary.tell() if binary.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _detect_encoding(binary: IO[bytes], start: int) -> str:
    """``auto``: UTF-8 when every byte decodes as UTF-8, else cp1252.

    The file is scanned in full (streamed, constant memory) and rewound, because a stray
    cp1252 byte can sit anywhere. Only called for seekable files; a stream that cannot
    rewind is read as UTF-8 and fails with the usual message if it is not.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := binary.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", True)
        result = "utf-8"
    except UnicodeDecodeError:
        result = "cp1252"
    binary.seek(start)
    return result


def _undecodable_position(binary: IO[bytes], start: int, encoding: str) -> tuple[int, int] | None:
    """(0-based byte offset, 1-based line) of the first byte ``encoding`` cannot decode."""
    codec = "utf-8" if encoding.startswith("utf-8") else encoding
    try:
        binary.seek(start)
    except (OSError, ValueError):
        return None
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    newlines = 0
    while True:
        chunk = binary.read(_CHUNK)
        pending = len(decoder.getstate()[0]) if hasattr(decoder, "getstate") else 0
        try:
            decoder.decode(chunk, not chunk)
        except UnicodeDecodeError as exc:
            # exc.start indexes the bytes held over from the last chunk plus this one; the
            # held-over bytes are the start of a multi-byte character, never a newline.
            position = offset - pending + exc.start
            newlines += chunk[: max(0, position - offset)].count(b"\n")
            return position, newlines + 1
        if not chunk:
            return None
        offset += len(chunk)
        newlines += chunk.count(b"\n")


_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _encoding_advice(binary: IO[bytes], start: int, *, tried: str) -> str | None:
    """What the file's bytes actually are, and the layout encoding that reads them.

    Scans the file once (streamed) with each supported encoding in turn of preference:
    UTF-8, then cp1252 (what Windows exports use), then Latin-1 (which decodes any byte,
    so it is the last resort and said so). A UTF-16/32 byte-order mark is named as such,
    since no layout encoding reads those.
    """
    try:
        binary.seek(start)
        head = binary.read(4)
    except (OSError, ValueError):
        return None
    if any(head.startswith(bom) for bom in _UTF16_BOMS):
        width = "UTF-32" if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) else "UTF-16"
        return f"it starts with a {width} byte-order mark, which no layout encoding reads: save it as UTF-8"
    candidates = [c for c in ("utf-8", "cp1252") if c != ("utf-8" if tried.startswith("utf-8") else tried)]
    decoders = {c: codecs.getincrementaldecoder(c)() for c in candidates}
    binary.seek(start)
    while decoders:
        chunk = binary.read(_CHUNK)
        for codec, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk, not chunk)
            except UnicodeDecodeError:
                del decoders[codec]
        if not chunk:
            break
    binary.seek(start)
    for codec in candidates:
        if codec in decoders:
            return f"it reads as {_ENCODING_NAMES[codec]}: set the layout's encoding to {codec}"
    return (
        "it is neither UTF-8 nor cp1252 (Windows-1252); Latin-1 reads any byte, so set the layout's encoding "
        "to latin-1 only if that is what the vendor exports"
    )


def _csv_source(binary: IO[bytes], layout: Layout) -> Iterator[Any]:
    """Yields the header, then RawRows. See RawReader."""
    start = _tell(binary)
    encoding = layout.encoding
    if encoding == "auto":
        encoding = _detect_encoding(binary, start) if start is not None else "utf-8"
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    text = io.TextIOWrapper(binary, encoding=codec, newline="", errors="strict")
    try:
        yield from _csv_rows(text, layout)
    except UnicodeDecodeError:
        name = _ENCODING_NAMES.get(encoding, encoding)
        if layout.encoding == "auto":
            name = f"UTF-8 nor {name}"  # auto tried UTF-8 first, found it was not, and fell back
        position = _undecodable_position(binary, start, encoding) if start is not None else None
        where = f" at byte {position[0] + 1} (line {position[1]})" if position else ""
        advice = _encoding_advice(binary, start, tried=encoding) if start is not None else None
        advice = advice or "check the layout's encoding"
        raise FileError(f"the file is not valid {name}{where}; {advice}") from None
    finally:
        with contextlib.suppress(ValueError):
            text.detach()  # leave the caller's binary file open


def _csv_rows(text: io.TextIOWrapper, layout: Layout) -> Iterator[Any]:
    # Find the header: the first non-blank physical line at or after header_row.
    line_number = 0
    header_line = ""
    seen_content = False
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            break
        line_number += 1
        _check_line_length(line, line_number)
        if line.strip("\r\n\t \ufeff"):
            seen_content = True
            if line_number >= layout.header_row:
                header_line = line
                break
    if not header_line:
        if not seen_content:
            raise FileError("the file is empty")
        raise FileError(
            f"no header found: the file has {line_number} line(s), the header should be on line {layout.header_row}"
        )

    delimiter = choose_delimiter(header_line, layout)
    base = line_number - 1  # csv.reader counts lines from the header line
    reader = csv.reader(
        itertools.chain((header_line,), _bounded_lines(text, line_number)),
        delimiter=delimiter,
        quotechar=layout.quotechar,
    )
    try:
        header = _header_names(next(reader))
        _check_delimiter(header, delimiter, layout)
        yield header
        width = len(header)
        previous = reader.line_num
        for fields in reader:
            number = base + previous + 1
            previous = reader.line_num
            if len(fields) == width and fields[0].strip():
                yield RawRow(number, dict(zip(header, fields, strict=True)))
                continue
            raw = csv_fields_row(number, fields, header, delimiter)
            if raw is not None:
                yield raw
    except csv.Error as exc:
        near = base + reader.line_num
        raise FileError(
            f"the file cannot be split into fields near line {near} ({exc}); check the quoting "
            f"(quote character {layout.quotechar})"
        ) from None


def choose_delimiter(header_line: str, layout: Layout) -> str:
    """The layout's delimiter, or (``auto``) the candidate the header line holds most of."""
    delimiter = layout.delimiter
    if delimiter == "auto":
        counts = {d: header_line.count(d) for d in CANDIDATE_DELIMITERS}
        best = max(counts.values())
        delimiter = next(d for d in CANDIDATE_DELIMITERS if counts[d] == best) if best else ","
    return delimiter


def csv_fields_row(number: int, fields: list[str], header: list[str], delimiter: str) -> RawRow | None:
    """The RawRow of one split CSV record (None for a blank line, which is skipped).

    Shared with the SQL lane (``reports.sqllane``), which hands the lines it cannot judge
    to the row parser through here, so both lanes see the same rows.
    """
    width = len(header)
    count = len(fields)
    if not any(f.strip() for f in fields):
        return None  # a blank line, or one with only delimiters
    if count == width:
        return RawRow(number, dict(zip(header, fields, strict=True)))
    if count > width and not any(f.strip() for f in fields[width:]):
        # Trailing empty fields (Excel pads rows that once had formatting) carry nothing.
        return RawRow(number, dict(zip(header, fields[:width], strict=True)))
    values: dict[str, Any] = dict(zip(header, fields, strict=False))
    values[ROW_PROBLEM] = (
        f"row has {count} fields, the header has {width}",
        _shorten(delimiter.join(fields)),
    )
    return RawRow(number, values)


def _check_line_length(line: str, number: int) -> None:
    if len(line) > MAX_LINE_CHARS:
        raise FileError(
            f"line {number} is longer than {MAX_LINE_CHARS:,} characters; is this a text file with one row per line?"
        )


def _bounded_lines(text: io.TextIOWrapper, number: int) -> Iterator[str]:
    """The remaining lines of ``text``, refusing one longer than ``MAX_LINE_CHARS``.

    Iterating a text file reads a whole line whatever its length; a file without line
    breaks would be read into memory at once.
    """
    readline = text.readline
    while line := readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            _check_line_length(line, number)
        yield line


def _check_delimiter(header: list[str], delimiter: str, layout: Layout) -> None:
    """A header that comes out as one column while the layout needs several: wrong delimiter."""
    required = layout.required_columns()
    if len(header) != 1 or len(required) < 2 or header[0] in required:
        return
    counts = {d: header[0].count(d) for d in CANDIDATE_DELIMITERS if d != delimiter}
    best = max(counts.values())
    if best == 0:
        return
    guess = next(d for d in CANDIDATE_DELIMITERS if counts.get(d) == best)
    raise FileError(
        f"the header has a single column {_shorten(header[0])!r}; "
        f"is the delimiter {_show_delimiter(guess)} rather than {_show_delimiter(delimiter)}?"
    )


# -- XLSX ----------------------------------------------------------------------------------


def check_xlsx_archive(binary: IO[bytes], max_uncompressed_bytes: int) -> None:
    """Refuse an XLSX before openpyxl inflates anything: not a zip, macros, or a zip bomb.

    The sizes checked are the ones the zip declares; ``zipfile`` never inflates a member
    beyond its declared size (it fails the CRC instead), so they bound the work.
    """
    start = binary.tell()
    head = binary.read(8)
    binary.seek(start)
    if head == _OLE_MAGIC:
        raise FileError("not a valid XLSX file: it is an old Excel 97-2003 (.xls) file; save it as .xlsx or CSV")
    try:
        with zipfile.ZipFile(binary) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileError("not a valid XLSX file") from None
    finally:
        binary.seek(start)
    names = {m.filename.lower() for m in members}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise FileError("XLSX files with macros are refused; save the workbook without macros (.xlsx)")
    if "[content_types].xml" not in names:
        raise FileError("not a valid XLSX file")
    total = sum(m.file_size for m in members)
    if total > max_uncompressed_bytes:
        raise FileError(
            f"the XLSX file is too large once unpacked ({total:,} bytes, the limit is "
            f"{max_uncompressed_bytes:,} bytes); split it or send CSV"
        )
    for member in members:
        if member.file_size >= RATIO_CHECK_MIN_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise FileError(
                f"the XLSX file is refused: its part {member.filename} is compressed more than "
                f"{MAX_COMPRESSION_RATIO} to 1, as in a zip bomb"
            )


def _openpyxl() -> Any:
    """openpyxl, imported on the first XLSX (not with every process: it takes a quarter second).

    openpyxl parses the workbook's XML with defusedxml only when it is installed; without it a
    crafted XLSX (billion laughs, external entities) could hurt the server: refuse to read.
    """
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - depends on the environment
        raise ImportError("openpyxl must use defusedxml to read vendor XLSX files: install defusedxml")
    return openpyxl


def _xlsx_source(binary: IO[bytes], layout: Layout, max_uncompressed_bytes: int) -> Iterator[Any]:
    """Yields the header, then RawRows. Row numbers are the sheet's own row numbers."""
    binary = _seekable(binary)
    check_xlsx_archive(binary, max_uncompressed_bytes)
    openpyxl = _openpyxl()
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        raise FileError("not a valid XLSX file") from None
    try:
        if layout.sheet is None:
            if not workbook.worksheets:
                raise FileError("the workbook has no worksheets")
            sheet = workbook.worksheets[0]
        elif layout.sheet in workbook.sheetnames:
            sheet = workbook[layout.sheet]
        else:
            raise FileError(f"the workbook has no sheet {layout.sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        if not hasattr(sheet, "iter_rows"):
            raise FileError(f"the sheet {sheet.title!r} is a chart, not a worksheet")
        # Dimensions recorded by some writers are wrong (e.g. "A1"); read every row there is.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header: list[str] | None = None
        number = 0
        seen_content = False
        for number, cells in enumerate(rows, start=1):
            if _blank_cells(cells):
                continue
            seen_content = True
            if number >= layout.header_row:
                header = _header_names(cells)
                break
        if header is None:
            if not seen_content:
                raise FileError("the file is empty" if layout.sheet is None else f"the sheet {sheet.title!r} is empty")
            raise FileError(f"no header found: the sheet has no row at or after row {layout.header_row}")
        while header and not header[-1]:
            header.pop()  # the used range often runs past the last titled column
        yield header
        width = len(header)
        first_data_row = number + 1
        for number, cells in enumerate(rows, start=first_data_row):
            if _blank_cells(cells):
                continue
            if len(cells) < width:
                cells = (*cells, *([None] * (width - len(cells))))
            elif len(cells) > width and any(c is not None and c != "" for c in cells[width:]):
                count = max(i for i, c in enumerate(cells) if c is not None and c != "") + 1
                values: dict[str, Any] = dict(zip(header, cells, strict=False))
                values[ROW_PROBLEM] = (
                    f"row has {count} cells, the header has {width}",
                    _shorten("\t".join("" if c is None else str(c) for c in cells[:count])),
                )
                yield RawRow(number, values)
                continue
            yield RawRow(number, dict(zip(header, cells, strict=False)))
    finally:
        workbook.close()


def _blank_cells(cells: tuple[Any, ...]) -> bool:
    return all(c is None or (c.__class__ is str and not c.strip()) for c in cells)


# -- JSON and NDJSON -----------------------------------------------------------------------


class _Replay:
    """A binary stream with some already-read bytes put back in front (for peeking)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


class _BoundedJson:
    """Hands the bytes of a JSON array to ijson only after checking their nesting depth.

    ijson never sees a byte nested deeper than ``MAX_JSON_DEPTH`` (its memory grows with
    the square of the depth), nor more than about ``MAX_ROW_BYTES`` of one element.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._scanner = JsonDepthScanner(MAX_JSON_DEPTH)
        self._inside = 0  # bytes read since the scan last stood between two elements

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        try:
            at_top = self._scanner.feed(data)
        except JsonTooDeepError as exc:
            raise FileError(f"{exc}; a report is an array of flat objects") from None
        self._inside = 0 if at_top else self._inside + len(data)
        if self._inside > MAX_ROW_BYTES:
            raise FileError(
                f"an element of the JSON array near byte {self._scanner.offset:,} is larger than "
                f"{MAX_ROW_BYTES:,} bytes; each element must be one row"
            )
        return data


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return "a number"


def _json_position_message(exc: Exception, elements: int) -> str:
    """ijson's message, reduced to its reason and the text it points at."""
    detail = exc.args[0] if exc.args else str(exc)
    if isinstance(detail, bytes):  # yajl reports invalid UTF-8 with the raw bytes
        detail = detail.decode("utf-8", "replace")
    lines = [line for line in str(detail).splitlines() if line.strip()]
    reason = lines[0].strip().rstrip(".") if lines else exc.__class__.__name__
    near = lines[1].strip() if len(lines) >= 3 and "right here" in lines[-1] else ""
    where = f"after element {elements}" if elements else "before the first element"
    return f"the file is not valid JSON {where}: {reason}" + (f", near {_shorten(near)!r}" if near else "")


def _json_source(binary: IO[bytes]) -> Iterator[Any]:
    """Yields the keys of the first object, then one RawRow per element of the top array."""
    head = b""
    while True:
        chunk = binary.read(_CHUNK)
        head += chunk
        stripped = head.removeprefix(codecs.BOM_UTF8).lstrip()
        if stripped or not chunk:
            break
    if not stripped:
        raise FileError("the file is empty")
    if stripped[:1] != b"[":
        found = "an object" if stripped[:1] == b"{" else repr(stripped[:20].decode("utf-8", "replace"))
        raise FileError(
            f"a JSON report must be an array of objects ([{{...}}, {{...}}]); this file starts with {found}"
        )
    stream = _BoundedJson(_Replay(head.removeprefix(codecs.BOM_UTF8), binary))
    count = 0
    try:
        for count, item in enumerate(ijson.items(stream, "item", use_float=True), start=1):
            if count == 1:
                if not isinstance(item, dict):
                    raise FileError(f"the first element of the JSON array is {_kind_of(item)}, not an object")
                yield list(item)
            if isinstance(item, dict):
                yield RawRow(count, item)
            else:
                reason = f"element {count} is {_kind_of(item)}, not an object"
                yield RawRow(count, {ROW_PROBLEM: (reason, _shorten(json.dumps(item, default=str)))})
    except ijson.JSONError as exc:
        raise FileError(_json_position_message(exc, count)) from None
    except UnicodeDecodeError:
        raise FileError(f"the file is not valid UTF-8 (after element {count}); JSON files must be UTF-8") from None
    if count == 0:
        raise FileError("the JSON array is empty: the file has no data rows")


def _ndjson_source(binary: IO[bytes]) -> Iterator[Any]:
    """Yields the keys of the first object, then one RawRow per non-blank line."""
    header_sent = False
    for number, line in enumerate(iter(lambda: binary.readline(MAX_ROW_BYTES + 1), b""), start=1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if len(line) > MAX_ROW_BYTES:
            raise FileError(f"line {number} is longer than {MAX_ROW_BYTES:,} bytes; each line must be one row")
        if not line.strip():
            continue
        try:
            check_json_depth(line)
        except JsonTooDeepError as exc:
            raise FileError(f"line {number}: {exc}; each line must be one flat object") from None
        try:
            item = json.loads(line)
        except UnicodeDecodeError:
            problem = "is not valid UTF-8"
            item = None
        except ValueError as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            column = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            problem = f"is not valid JSON ({detail}{column})"
            item = None
        else:
            problem = "" if isinstance(item, dict) else f"is {_kind_of(item)}, not an object"
        if not header_sent:
            if problem:
                raise FileError(f"line {number} {problem}; each line of an NDJSON file must be one JSON object")
            header_sent = True
            yield list(item)
        if problem:
            text = _shorten(line.decode("utf-8", "replace").strip())
            yield RawRow(number, {ROW_PROBLEM: (f"line {number} {problem}", text)})
        else:
            yield RawRow(number, item)
    if not header_sent:
        raise FileError("the file is empty")
