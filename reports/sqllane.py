"""The SQL lane of the work-item import: PostgreSQL converts and loads the rows, Python only checks shapes.

Per row, the Python lane costs about 25 µs (csv splitting, the layout's steps, COPY
formatting), three times what PostgreSQL needs to load the row. This lane takes Python off
the rows:

1. the header is read by the ordinary reader (the same ``FileError`` messages);
2. the data lines are read in batches of about ``BATCH_BYTES``; each line is checked in
   Python against the plan's line pattern (``reports.parsing.sqlplan``: one regular
   expression, C speed, ~2.5 µs a line); a line that does not match is set aside for the
   parser and replaced by a placeholder, so line numbers follow the staging ``seq``;
3. each batch goes by ``COPY`` into a small temporary staging table of text columns, then
   one ``INSERT … SELECT`` applies the layout compiled to SQL and inserts every row SQL
   accepts (on a helper thread: meanwhile this thread checks the next batch); the lines
   SQL refuses are noted, the staging table emptied; progress is reported per batch;
4. the lines set aside and the lines refused are handed, in file order, to the Python
   parser, the reference, which accepts or rejects them with its own messages; accepted
   ones are written through the usual ``COPY`` writer.

The duplicate check, the tolerance, the rejected-rows file and the all-or-nothing
transaction are the caller's, shared with the Python lane. Anything this lane meets that
it does not handle (quoted values, carriage returns inside lines, a line over 128 KiB,
bytes the encoding refuses, a layout feature not compiled) raises ``Fallback`` *before* a
row is judged: the caller rolls back to its savepoint and runs the Python lane.
"""

from __future__ import annotations

import array
import codecs
import csv
import heapq
import io
import logging
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any

import psycopg
from django.db import connection

from reports.loaders import COPY_COLUMNS, work_item_writer
from reports.models import VendorReport, WorkItem
from reports.parsing import Layout, RawReader, WorkItemParser
from reports.parsing.readers import MAX_CELL_CHARS, _header_names, choose_delimiter, csv_fields_row, resolve_format
from reports.parsing.sqlplan import UTC_NAMES, SqlPlan, compile_work_items, zone_samples
from reports.parsing.types import WORK_ITEM_FIELDS
from reports.rejects import RejectedRows

logger = logging.getLogger(__name__)

SQL_LANE = "sql"
CHUNK_BYTES = 1 << 20
# Per COPY and INSERT … SELECT; progress is reported between batches. 8 MB rather than 2 MB:
# fewer statements (each plans the layout's SQL and truncates the staging table) took ~10 %
# off a 1M-row import, for ~25 MB more peak RSS.
BATCH_BYTES = 8 << 20
# The first batch is one small chunk, the next ones twice the last up to BATCH_BYTES:
# PostgreSQL waits for Python's check of the first batch (nothing else to do yet), and an
# 8 MB first batch kept it idle for ~0.3 s, most of a 100k-row file's checking.
FIRST_CHUNK_BYTES = 256 << 10
_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "auto": "UTF8", "latin-1": "LATIN1"}


class Fallback(Exception):
    """This file goes through the Python lane instead; the message says why."""


@dataclass
class LaneResult:
    read: int
    bulk: int  # rows inserted by SQL
    handed: int  # lines handed to the Python parser
    set_aside: int  # of which lines never sent to PostgreSQL (field count, non-ASCII text)


def unsupported(layout: Layout, filename: str) -> str | None:
    """Why the SQL lane cannot take this report at all (None when it may try)."""
    if connection.vendor != "postgresql":
        return "the database is not PostgreSQL"
    try:
        file_format = resolve_format(filename, layout)
    except Exception:
        return "the format is not known"
    if file_format != "csv":
        return f"{file_format.upper()} files are read by the Python lane"
    if layout.encoding not in _ENCODINGS:
        return f"the {layout.encoding} encoding is read by the Python lane"
    return None


def load(
    report: VendorReport,
    layout: Layout,
    handle: IO[bytes],
    rejected: RejectedRows,
    *,
    on_bytes: Callable[[int, int], None],
) -> LaneResult:
    """Load the report's work items; ``Fallback`` (before any row is judged) to use the Python lane.

    ``on_bytes(bytes_read, rows_loaded)`` is called after every batch.
    Must run inside a transaction (savepoint) the caller rolls back on ``Fallback``.
    """
    header, delimiter, header_line, data_start = _read_header(report, layout, handle)
    stage = f"report_stage_{report.pk}"
    plan = compile_work_items(layout, header=header, delimiter=delimiter, period=report.period, stage=stage)
    if isinstance(plan, str):
        raise Fallback(plan)
    raw = connection.connection
    with raw.cursor() as cursor:
        try:
            cursor.execute(f"SELECT now() AT TIME ZONE {_literal(layout.timezone)}")
        except Exception as exc:
            raise Fallback(f"PostgreSQL does not know the time zone {layout.timezone}") from exc
        # Naive ISO text of a UTC layout is read as UTC by the casts (Django's session zone
        # already is UTC; said again for this transaction).
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        # The same statement runs once per batch: compiling it (JIT) every time costs more
        # than it saves on a batch's rows.
        cursor.execute("SET LOCAL jit = off")
        if layout.timezone not in UTC_NAMES:
            samples = zone_samples(layout.tzinfo, report.period)
            values = ", ".join(
                f"(timestamp '{wall:%Y-%m-%d %H:%M:%S}', timestamptz '{utc.isoformat()}')" for wall, utc in samples
            )
            zone = _literal(layout.timezone)
            cursor.execute(f"SELECT bool_and((wall AT TIME ZONE {zone}) = utc) FROM (VALUES {values}) v (wall, utc)")
            if not cursor.fetchone()[0]:
                raise Fallback(f"PostgreSQL's rules for {layout.timezone} differ from Python's")
        columns = ", ".join(f"c{i} text" for i in range(1, len(header) + 1))
        # A report imported twice in one transaction (a reinstatement in a test) finds it still there.
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(f"CREATE TEMP TABLE {stage} (seq bigint GENERATED ALWAYS AS IDENTITY, {columns}) ON COMMIT DROP")
    with tempfile.SpooledTemporaryFile(max_size=16 << 20, mode="w+b") as aside:
        started = time.perf_counter()
        lines, set_aside, bulk, refused = _stream(
            raw, report, layout, plan, stage, handle, data_start, header, delimiter, header_line, aside, on_bytes
        )
        logger.info(
            "report %s: %s lines in %.2f s (%s set aside), %s rows loaded by SQL",
            report.pk,
            lines,
            time.perf_counter() - started,
            set_aside,
            bulk,
        )
        with raw.cursor() as cursor:
            cursor.execute(f"DROP TABLE {stage}")
        read, handed = lines, 0
        if bulk < lines:
            aside.seek(0)
            skipped, handed = _hand_over(
                report, layout, handle, data_start, header, delimiter, header_line, rejected, aside, refused
            )
            read -= skipped
    return LaneResult(read=read, bulk=bulk, handed=handed, set_aside=set_aside)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_header(report: VendorReport, layout: Layout, handle: IO[bytes]) -> tuple[list[str], str, int, int]:
    """(columns, delimiter, header line number, byte offset of the first data line)."""
    start = handle.tell()
    with RawReader(handle, filename=report.original_name, layout=layout) as reader:
        columns = reader.columns  # FileError here is the Python lane's own, raised as it would be
    handle.seek(start)
    codec = "utf-8-sig" if layout.encoding in ("utf-8", "utf-8-sig", "auto") else layout.encoding
    decoder = codecs.getincrementaldecoder(codec)()
    number = 0
    while True:
        line = handle.readline(1 << 20)
        body = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        if not line.endswith(b"\n") or b"\r" in body:
            raise Fallback("the lines before the data do not end with plain line breaks")
        number += 1
        try:
            text = decoder.decode(line)
        except UnicodeDecodeError as exc:
            raise Fallback("the header does not decode") from exc
        if text.strip("\r\n\t \ufeff") and number >= layout.header_row:
            break
    delimiter = choose_delimiter(text, layout)
    parsed = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quotechar=layout.quotechar), [])
    if _header_names(parsed) != columns or layout.quotechar in text:
        raise Fallback("the header is quoted")
    return columns, delimiter, number, handle.tell()


@dataclass
class _Batch:
    """The next lines for COPY: the bytes (set-aside lines replaced by placeholders) and counts."""

    payload: bytes
    lines: int
    bytes_read: int
    set_aside: int


def _batches(
    layout: Layout,
    plan: SqlPlan,
    handle: IO[bytes],
    data_start: int,
    width: int,
    delimiter: str,
    aside: IO[bytes],
) -> Generator[_Batch, None, None]:
    """The data lines, a batch at a time, each checked against the plan's line pattern.

    A line that does not match is set aside for the parser (number and text, as CSV in
    ``aside``) and replaced by a placeholder of empty fields, so that line numbers still
    follow the staging table's ``seq``.
    """
    sep = delimiter.encode()
    quote = layout.quotechar.encode()
    placeholder = sep * (width - 1)
    handle.seek(data_start - 2)
    ending = b"\r\n" if handle.read(2) == b"\r\n" else b"\n"  # the header line's (COPY wants one kind)
    match = plan.line.fullmatch
    codec = _codec(layout)
    aside_text = io.TextIOWrapper(aside, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(aside_text)
    staged = 0
    tail = b""
    sent = data_start
    try:
        while True:
            chunk = handle.read(CHUNK_BYTES if staged else FIRST_CHUNK_BYTES)
            sent += len(chunk)
            buffer = tail + chunk
            if not chunk:
                if not buffer:
                    return
                buffer += ending  # the last line had none: give it the file's own
            if quote in buffer:
                raise Fallback("the file quotes values")  # a quoted value may span lines
            lines = buffer.split(b"\n")
            tail = lines.pop()
            end = len(buffer) - len(tail)
            if b"\r" in buffer and buffer.count(b"\r", 0, end) != buffer.count(b"\r\n", 0, end):
                raise Fallback("a carriage return inside a line")  # the reader would end the line there
            if len(tail) > MAX_CELL_CHARS or max(map(len, lines), default=0) > MAX_CELL_CHARS:
                raise Fallback("a line is longer than the SQL lane takes")
            matched = list(map(match, lines))
            if all(matched):
                payload = buffer[: len(buffer) - len(tail)]
            else:
                out = []
                for line, found in zip(lines, matched, strict=True):
                    if found:
                        out.append(line)
                        continue
                    cr = b"\r" if line.endswith(b"\r") else b""
                    try:
                        text = line.removesuffix(b"\r").decode(codec)
                    except UnicodeDecodeError as exc:
                        raise Fallback("a line does not decode") from exc
                    writer.writerow((staged + len(out) + 1, text))
                    out.append(placeholder + cr)  # the file's own line ending: COPY wants one kind
                payload = b"\n".join(out) + b"\n"
            staged += len(lines)
            yield _Batch(payload, len(lines), sent, len(lines) - sum(map(bool, matched)))
            if not chunk:
                return
    finally:
        aside_text.detach()  # the spooled file stays open for the hand-over


def _stream(
    raw: Any,
    report: VendorReport,
    layout: Layout,
    plan: SqlPlan,
    stage: str,
    handle: IO[bytes],
    data_start: int,
    header: list[str],
    delimiter: str,
    header_line: int,
    aside: IO[bytes],
    on_bytes: Callable[[int, int], None],
) -> tuple[int, int, int, array.array[int]]:
    """COPY the lines into the staging table and INSERT … SELECT them, batch after batch.

    While PostgreSQL inserts one batch (on a helper thread that only waits for the server),
    this thread checks the next batch's lines, so the per-line Python work hides behind
    the database's. Returns (lines, lines set aside, rows inserted, the lines (``seq``) SQL
    refused).
    """
    width = len(header)
    encoding = _ENCODINGS[layout.encoding]
    delimiter_sql = "E'\\t'" if delimiter == "\t" else _literal(delimiter)
    columns = ", ".join(f"c{i}" for i in range(1, width + 1))
    copy_sql = (
        f"COPY {stage} ({columns}) FROM STDIN (FORMAT csv, DELIMITER {delimiter_sql}, QUOTE E'\\x02', "
        f"ENCODING '{encoding}')"
    )
    table = WorkItem._meta.db_table
    insert_columns = ", ".join(COPY_COLUMNS)
    prefix = f"{int(report.pk)}, {int(report.contract_id)}, {int(report.process_id)}, seq + {int(header_line)}"
    fields = ", ".join(WORK_ITEM_FIELDS)
    counts = {"inserted": 0}
    refused = array.array("q")

    def insert(candidates: int) -> None:
        """Load the staged batch, note the lines SQL refused, and empty the staging table
        (kept small, it stays in the session's buffers).

        One statement judges each line once: the judged lines (a CTE read twice, so
        PostgreSQL keeps them in a tuple store) are inserted where ``ok`` and their
        ``seq`` returned where not. Judging the batch again to find the refused lines, as
        a second ``SELECT``, cost a sixth of a native import whose batches each have a few.
        """
        with raw.cursor() as cursor:
            cursor.execute(
                f"WITH judged AS (SELECT * FROM ({plan.judged('true')}) judged WHERE NOT placeholder), "
                f"loaded AS (INSERT INTO {table} ({insert_columns}) SELECT {prefix}, {fields}, extras "
                "FROM judged WHERE ok) "
                "SELECT seq FROM judged WHERE ok IS NOT TRUE ORDER BY seq"
            )
            seqs = [row[0] for row in cursor.fetchall()]
            refused.extend(seqs)
            # Every line staged but a placeholder is judged: those not refused were inserted.
            counts["inserted"] += candidates - len(seqs)
            cursor.execute(f"TRUNCATE {stage}")

    staged = set_aside = 0
    timings = {"COPY": 0.0, "waiting for INSERT": 0.0}
    pending: Future[None] | None = None
    batches = _batches(layout, plan, handle, data_start, width, delimiter, aside)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"import-{report.pk}") as pool:
        try:
            for batch in _grouped(batches):
                if pending is not None:
                    waiting = time.perf_counter()
                    _finished(pending)  # the connection is free again
                    timings["waiting for INSERT"] += time.perf_counter() - waiting
                    on_bytes(batch.bytes_read, counts["inserted"])
                copying = time.perf_counter()
                try:
                    with raw.cursor() as cursor:
                        with cursor.copy(copy_sql) as copy:
                            copy.write(batch.payload)
                        copied = cursor.rowcount
                except psycopg.Error as exc:  # the encoding, a stray carriage return: the Python lane says it
                    raise Fallback(f"COPY refused the lines ({type(exc).__name__}: {_first_line(exc)})") from exc
                timings["COPY"] += time.perf_counter() - copying
                if copied != batch.lines:
                    raise Fallback(f"COPY read {copied} lines where the file has {batch.lines}")
                set_aside += batch.set_aside
                staged += batch.lines
                pending = pool.submit(insert, batch.lines - batch.set_aside)
            if pending is not None:
                waiting = time.perf_counter()
                _finished(pending)
                timings["waiting for INSERT"] += time.perf_counter() - waiting
        finally:
            if pending is not None and not pending.done():
                pending.exception()  # wait: the connection must be idle before a rollback
            # Finish the reader now, while the file it writes set-aside lines to is open (left
            # to the garbage collector, after a failure, it would find that file closed).
            batches.close()
    on_bytes(report.size, counts["inserted"])
    logger.info("report %s: %s", report.pk, ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return staged, set_aside, counts["inserted"], refused


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0]


def _finished(pending: Future[None]) -> None:
    """Wait for an INSERT … SELECT; a statement PostgreSQL refused sends the report to the Python lane."""
    try:
        pending.result()
    except (psycopg.OperationalError, psycopg.InterfaceError):
        raise  # the database went away: the task retries
    except psycopg.Error as exc:
        logger.exception("the SQL lane's INSERT failed")
        raise Fallback(f"the SQL lane's INSERT failed ({type(exc).__name__}: {_first_line(exc)})") from exc


def _grouped(batches: Iterator[_Batch], size: int = BATCH_BYTES) -> Iterator[_Batch]:
    """The first chunk alone (the database starts on it early), then chunks joined into
    batches of twice the last batch's bytes, up to ``size`` (fewer, larger statements)."""
    parts: list[bytes] = []
    lines = total = aside = last = 0
    target = 0
    for batch in batches:
        parts.append(batch.payload)
        lines += batch.lines
        aside += batch.set_aside
        total += len(batch.payload)
        last = batch.bytes_read
        if total >= target:
            target = min(max(total, CHUNK_BYTES) * 2, size)
            yield _Batch(b"".join(parts), lines, last, aside)
            parts, lines, total, aside = [], 0, 0, 0
    if parts:
        yield _Batch(b"".join(parts), lines, last, aside)


def _codec(layout: Layout) -> str:
    return "utf-8" if layout.encoding in ("utf-8", "utf-8-sig", "auto") else layout.encoding


def _file_lines(handle: IO[bytes], data_start: int, wanted: array.array[int], codec: str) -> Iterator[tuple[int, str]]:
    """(seq, text) of the wanted data lines (sorted seqs), read again from the stored file."""
    if not wanted:
        return
    handle.seek(data_start)
    targets = iter(wanted)
    target = next(targets)
    for seq, line in enumerate(iter(handle.readline, b""), start=1):  # not iter(handle): Django's rewinds
        if seq == target:
            yield seq, line.rstrip(b"\r\n").decode(codec)
            target = next(targets, 0)
            if not target:
                return


def _hand_over(
    report: VendorReport,
    layout: Layout,
    handle: IO[bytes],
    data_start: int,
    header: list[str],
    delimiter: str,
    header_line: int,
    rejected: RejectedRows,
    aside: IO[bytes],
    refused: array.array[int],
) -> tuple[int, int]:
    """Parse what SQL did not accept with the Python parser, in file order.

    Two sources, merged by line number: the lines set aside while copying, and the lines
    SQL refused (read again from the file). Returns (blank lines skipped, lines handed over).
    """
    parser = WorkItemParser(layout, report.period)
    skipped = handed = 0
    aside_rows = ((int(seq), line) for seq, line in csv.reader(io.TextIOWrapper(aside, encoding="utf-8", newline="")))
    merged = heapq.merge(aside_rows, _file_lines(handle, data_start, refused, _codec(layout)))
    with work_item_writer(report) as writer:
        for seq, line in merged:
            handed += 1
            parsed_raw = csv_fields_row(header_line + seq, line.split(delimiter), header, delimiter)
            if parsed_raw is None:
                skipped += 1
                continue
            parsed = parser.parse(parsed_raw)
            if parsed.record is not None and not parsed.errors:
                writer.write(parsed_raw.number, parsed.record, parsed.extras)
            else:
                rejected.add_row(parsed)
    return skipped, handed
