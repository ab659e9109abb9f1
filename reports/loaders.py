"""Writing accepted rows into the database, as fast as the database allows.

On PostgreSQL rows stream through psycopg 3 ``COPY … FROM STDIN`` on the connection of
the surrounding transaction; elsewhere (the embedded SQLite mode) they go in batched
``INSERT``s. Either way nothing is visible until the import's transaction commits.
"""

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import connection
from django.db.models import Count, Field

from reports.models import KpiClaim, VendorReport, WorkItem
from reports.parsing.types import WORK_ITEM_FIELDS, RowError

COPY_COLUMNS = ("report_id", "contract_id", "process_id", "source_row", *WORK_ITEM_FIELDS, "extras")
BATCH_SIZE = 5000


class RowWriter(Protocol):
    def write(self, source_row: int, record: dict[str, Any], extras: dict[str, Any]) -> None: ...


class _CopyWorkItems:
    """Streams rows into ``COPY``; psycopg buffers and sends them in large chunks."""

    def __init__(self, copy: Any, report: VendorReport) -> None:
        self._copy = copy
        self._prefix = (report.pk, report.contract_id, report.process_id)
        self._fields = WORK_ITEM_FIELDS

    def write(self, source_row: int, record: dict[str, Any], extras: dict[str, Any]) -> None:
        self._copy.write_row(
            (*self._prefix, source_row, *[record[f] for f in self._fields], json.dumps(extras) if extras else "{}")
        )


class _BatchWorkItems:
    """Batched ``executemany`` for databases without ``COPY`` (the embedded SQLite mode).

    Each value goes through its field's ``get_db_prep_save``, as ``bulk_create`` would, but
    without building a model instance and compiling an ``INSERT`` per batch of 47 rows
    (SQLite's 999 parameters): that overhead was most of an embedded import's time.
    """

    def __init__(self, report: VendorReport) -> None:
        self._prefix = (report.pk, report.contract_id, report.process_id)
        fields = [WorkItem._meta.get_field(column) for column in COPY_COLUMNS]
        self._fields = [field for field in fields if isinstance(field, Field)]
        assert len(self._fields) == len(COPY_COLUMNS)  # every column is a concrete field
        self._batch: list[tuple[Any, ...]] = []
        quote = connection.ops.quote_name
        self._sql = (
            f"INSERT INTO {quote(WorkItem._meta.db_table)} ({', '.join(quote(c) for c in COPY_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(COPY_COLUMNS))})"
        )

    def write(self, source_row: int, record: dict[str, Any], extras: dict[str, Any]) -> None:
        values = (*self._prefix, source_row, *[record[f] for f in WORK_ITEM_FIELDS], extras)
        self._batch.append(
            tuple(field.get_db_prep_save(value, connection) for field, value in zip(self._fields, values, strict=True))
        )
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            with connection.cursor() as cursor:
                cursor.executemany(self._sql, self._batch)
        self._batch.clear()


@contextmanager
def work_item_writer(report: VendorReport) -> Iterator[RowWriter]:
    """A writer for the report's work items; must be used inside ``transaction.atomic``."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = WorkItem._meta.db_table
        sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            yield _CopyWorkItems(copy, report)
    else:
        writer = _BatchWorkItems(report)
        yield writer
        writer.flush()


def remove_duplicate_items(report: VendorReport) -> list[RowError]:
    """Delete every repeat of an item id in the report, keeping its first row.

    Done in SQL after loading so that memory stays flat however many rows there are (only
    the repeated rows are read back). Each repeat becomes a row error that names the row
    where the id was first seen.
    """
    rows = _repeated_rows_postgresql(report) if connection.vendor == "postgresql" else _repeated_rows(report)
    errors: list[RowError] = []
    to_delete: list[int] = []
    first_row: dict[str, int] = {}
    for pk, item_id, source_row in sorted(rows, key=lambda row: (row[1], row[2])):
        if item_id not in first_row:
            first_row[item_id] = source_row
            continue
        to_delete.append(pk)
        errors.append(
            RowError(source_row, "item_id", item_id, f"duplicate item id; first seen on row {first_row[item_id]}")
        )
    for start in range(0, len(to_delete), 10000):
        WorkItem.objects.filter(pk__in=to_delete[start : start + 10000])._raw_delete(connection.alias)
    return errors


# Planner settings for the duplicate check (see ``_repeated_rows_postgresql``): sorting the
# hashes of 1M rows takes ~25 MB; more rows spill to disk, still right.
DUPLICATE_CHECK_SETTINGS = {"work_mem": "32MB", "enable_hashagg": "off"}


def _repeated_rows_postgresql(report: VendorReport) -> list[tuple[int, str, int]]:
    """(pk, item id, row) of the rows whose item id may be repeated; usually none.

    The ids are grouped by a 64-bit hash (``hashtextextended``), sorted in memory: for 1M
    rows ~0.5 s where grouping the ids took 2 s. The planner, misled by the statistics of a
    table just filled in this transaction, walked the ``(report, item_id)`` index in id
    order, which visits the table's pages at random when the file's ids are not in order;
    a hash table of the hashes (its choice once the index is out of the way) needs 130 MB
    for 1M rows and took 0.8 s even then. The rows whose hash is repeated are read back;
    two ids with one hash are told apart by ``remove_duplicate_items``, which compares the
    ids themselves.
    """
    table = WorkItem._meta.db_table
    with connection.cursor() as cursor:
        names = list(DUPLICATE_CHECK_SETTINGS)
        cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
        previous = dict(zip(names, cursor.fetchone(), strict=True))
        for name, value in DUPLICATE_CHECK_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        try:
            cursor.execute(
                f"SELECT h FROM (SELECT hashtextextended(item_id, 0) AS h FROM {table} WHERE report_id = %s) ids "
                "GROUP BY h HAVING count(*) > 1",
                [report.pk],
            )
            hashes = [h for (h,) in cursor.fetchall()]
        finally:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        if not hashes:
            return []
        cursor.execute(
            f"SELECT id, item_id, source_row FROM {table} "
            "WHERE report_id = %s AND hashtextextended(item_id, 0) = ANY(%s::bigint[])",
            [report.pk, hashes],
        )
        return cursor.fetchall()


def _repeated_rows(report: VendorReport) -> Iterator[tuple[int, str, int]]:
    """(pk, item id, row) of the rows whose item id is repeated (the embedded SQLite mode)."""
    repeats = (
        WorkItem.objects.filter(report=report)
        .values("item_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("item_id", flat=True)
    )
    repeated = repeats.iterator(chunk_size=10000)
    while batch := list(itertools.islice(repeated, 10000)):
        yield from WorkItem.objects.filter(report=report, item_id__in=batch).values_list("pk", "item_id", "source_row")


def write_kpi_claims(report: VendorReport, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """KPI summaries are small (a row per metric and month): plain bulk insert."""
    KpiClaim.objects.bulk_create(
        KpiClaim(
            report=report,
            contract_id=report.contract_id,
            process_id=report.process_id,
            source_row=source_row,
            **record,
        )
        for source_row, record in rows
    )
