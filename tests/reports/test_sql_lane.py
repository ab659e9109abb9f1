"""The SQL lane of the import against the Python parser, the reference, on random files.

Both lanes read the same random file (valid rows and malformed ones: bad values, null
markers, edge spaces, wrong field counts, blank lines, non-ASCII text, days that do not
exist, clocks past 23:59, rows outside the period): they must load the same rows with the
same values and reject the same rows with the same row, column, value and reason.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import services, sqllane
from reports.models import ReportKind, VendorReport, WorkItem
from reports.parsing import ANONYMOUS_BANK_LAYOUT, FileError, Layout, parse_file
from reports.parsing.types import WORK_ITEM_FIELDS
from reports.rejects import RejectedRows
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

CANONICAL = Layout.canonical(ReportKind.WORK_ITEMS)
NATIVE = Layout.from_config(ANONYMOUS_BANK_LAYOUT)
# The same columns read as UTC: date and clock columns give instants directly (``wall``).
NATIVE_UTC = Layout.from_config({**ANONYMOUS_BANK_LAYOUT, "timezone": "UTC"})
NATIVE_HEADER = [
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
    "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
]  # fmt: skip

# Values every field may meet besides its valid ones: the edges of each recogniser.
ODD = [
    "", " ", "NULL", "N/A", "x", " 7 ", "é", "٣", "1e5", "-1", "+3", ".5", "5.", "-0", "inf", "nan", "1_000",
    "0", "1", "true", "Y", "no", "TRUE", "HANDLED", " handled", "abandoned ", "self_service", "A" * 101,
    "2026-02-29T10:00:00", "2026-10-31T24:00:00", "2026-10-01T10:00:60", "2026-10-01 10:00", "2026-10-01",
    "2026-13-01T00:00:00", "0000-10-01T00:00:00", " 2026-10-05T10:00:00 ", "2026-10-05T10:00:00+16:00",
    "2026-10-05T10:00:00.1234567", "2026-09-30T23:59:59Z", "2026-11-01T00:00:00+01:00", "2026-10-31T23:59:59.999999",
    "990229", "990230", "990231", "000101", "690101", "991301", "7:2:3", "24:00:00", "23:59:60", "0:00:00",
    "AGENT", "HANG", "PHANTOM", "NO_SERVER", "12:5", "1:02:03:04", "AA01-1",
]  # fmt: skip


def _canonical_value(field: str) -> st.SearchStrategy[str]:
    day = st.integers(1, 31)
    moment = st.builds(
        lambda d, h, m, s, us, fmt: _iso(dt.datetime(2026, 10, d, h, m, s, us), fmt),
        day,
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(0, 59),
        st.sampled_from([0, 0, 123456, 500000]),
        st.sampled_from(["T", " ", "Z", "+00:00", "+05:30", "-03:00", "date"]),
    )
    number = st.one_of(
        st.integers(0, 500).map(str), st.floats(0, 1000, allow_nan=False).map(lambda f: f"{f:.3f}"), st.just("")
    )
    valid: dict[str, st.SearchStrategy[str]] = {
        "item_id": st.from_regex(r"[A-Z]{2}-[0-9]{1,4}", fullmatch=True),
        "channel": st.sampled_from(["voice", "chat", "", "Voice Line"]),
        "queue": st.sampled_from(["billing", "cards", ""]),
        "received_at": moment,
        "started_at": st.one_of(moment, st.just("")),
        "completed_at": st.one_of(moment, st.just("")),
        "wait_seconds": number,
        "handle_seconds": number,
        "outcome": st.sampled_from(["handled", "abandoned", "Handled", "ignored", "self_service"]),
        "resolved_first_contact": st.sampled_from(["true", "false", "", "1", "no"]),
        "csat": st.sampled_from(["", "1", "4", "5", "7", "4.5"]),
        "csat_scale_max": st.sampled_from(["", "5", "10", "0"]),
        "quality_score": st.sampled_from(["", "90", "100", "101", "55.5"]),
        "accurate": st.sampled_from(["", "true", "n"]),
        "agent": st.sampled_from(["A001", "", "B 2"]),
    }
    return st.one_of(valid[field], valid[field], valid[field], st.sampled_from(ODD))


def _iso(moment: dt.datetime, fmt: str) -> str:
    if fmt == "date":
        return moment.date().isoformat()
    if fmt in ("T", " "):
        return moment.isoformat(sep=fmt)
    text = moment.isoformat()
    return text + fmt


def _native_value(column: str) -> st.SearchStrategy[str]:
    minutes = st.integers(0, 59)
    clock = st.builds(lambda h, m, s: f"{h}:{m:02d}:{s:02d}", st.integers(0, 23), minutes, minutes)
    valid: dict[str, st.SearchStrategy[str]] = {
        "vru+line": st.sampled_from(["AA0101", "AA0102", "BB0201"]),
        "call_id": st.integers(1, 99999).map(str),
        "customer_id": st.sampled_from(["0", "23317894", ""]),
        "priority": st.sampled_from(["0", "1", "2"]),
        "type": st.sampled_from(["PS", "NW", "PE"]),
        "date": st.builds(lambda d: f"9902{d:02d}", st.integers(1, 28)),
        "vru_entry": clock,
        "vru_exit": clock,
        "vru_time": st.integers(0, 60).map(str),
        "q_start": st.one_of(st.just("0:00:00"), clock),
        "q_exit": st.one_of(st.just("0:00:00"), clock),
        "q_time": st.integers(0, 900).map(str),
        "outcome": st.sampled_from(["AGENT", "HANG", "PHANTOM"]),
        "ser_start": st.one_of(st.just("0:00:00"), clock),
        "ser_exit": st.one_of(st.just("0:00:00"), clock),
        "ser_time": st.integers(0, 900).map(str),
        "server": st.sampled_from(["DORIT", "NO_SERVER", "TOVA"]),
    }
    return st.one_of(valid[column], valid[column], valid[column], st.sampled_from(ODD))


@st.composite
def _files(draw: Any, header: list[str], value: Any, delimiter: str) -> bytes:
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["row"] * 8 + ["short", "long", "blank", "padded"]))
        cells = [draw(value(column)) for column in header]
        if kind == "short":
            cells = cells[: draw(st.integers(0, len(cells) - 1))]
        elif kind == "long":
            cells.append(draw(st.sampled_from(["x", ""])))
        elif kind == "blank":
            cells = [" "] * draw(st.sampled_from([0, len(header)]))
        elif kind == "padded":
            cells += ["", ""]
        lines.append(delimiter.join(cells))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return (ending.join(lines) + draw(st.sampled_from([ending, ""]))).encode()


@pytest.fixture
def reports():
    """A canonical report (October 2026, UTC), a native one (February 1999, Jerusalem) and a
    native one in UTC."""
    canonical = ContractFactory(reference="SQL-LANE-1")
    native = ContractFactory(reference="SQL-LANE-2", time_zone="Asia/Jerusalem", start_date=dt.date(1999, 1, 1))
    native_utc = ContractFactory(reference="SQL-LANE-4", start_date=dt.date(1999, 1, 1))
    made = {}
    for key, contract, start, end in (
        ("canonical", canonical, dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("native", native, dt.date(1999, 2, 1), dt.date(1999, 2, 28)),
        ("native_utc", native_utc, dt.date(1999, 2, 1), dt.date(1999, 2, 28)),
    ):
        made[key] = VendorReport.objects.create(
            contract=contract,
            process=contract.processes.get(),
            kind=ReportKind.WORK_ITEMS,
            period_start=start,
            period_end=end,
            layout_version=services.builtin_layout(ReportKind.WORK_ITEMS).current_version,
            original_name="report.csv",
            sha256="0" * 64,
            size=1,
        )
    return made


def _python_lane(report: VendorReport, layout: Layout, content: bytes) -> tuple[int, list[tuple], list[dict]]:
    loaded, errors, read = [], [], 0
    for parsed in parse_file(io.BytesIO(content), filename="report.csv", layout=layout, period=report.period):
        read += 1
        if parsed.accepted:
            assert parsed.record is not None
            loaded.append(_row(parsed.raw.number, parsed.record, parsed.extras))
        else:
            errors.extend(e.as_dict() for e in parsed.errors)
    return read, loaded, errors


def _sql_lane(
    report: VendorReport, layout: Layout, content: bytes, *, by_sql: list[int] | None = None
) -> tuple[int, list[tuple], list[dict]]:
    rejected = RejectedRows()
    with transaction.atomic():
        result = sqllane.load(report, layout, io.BytesIO(content), rejected, on_bytes=lambda *_: None)
        if by_sql is not None:
            by_sql.append(result.bulk)
        rows = WorkItem.objects.filter(report=report).order_by("source_row")
        loaded = [_row(r.source_row, {f: getattr(r, f) for f in WORK_ITEM_FIELDS}, r.extras) for r in rows]
        transaction.set_rollback(True)
    rejected.close()
    return result.read, loaded, rejected.sample


def _row(number: int, record: dict[str, Any], extras: dict[str, Any]) -> tuple:
    values = []
    for field in WORK_ITEM_FIELDS:
        value = record[field]
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        if isinstance(value, float) and value == 0:
            value = math.copysign(0.0, 1.0) if value == 0 else value  # -0.0 and 0.0 load alike
        values.append(value)
    return (number, *values, tuple(sorted((extras or {}).items())))


def _same(report: VendorReport, layout: Layout, content: bytes) -> None:
    try:
        expected = _python_lane(report, layout, content)
    except FileError as exc:
        with pytest.raises(FileError, match=str(exc)[:40].replace("(", r"\(").replace(")", r"\)")):
            _sql_lane(report, layout, content)
        return
    try:
        got = _sql_lane(report, layout, content)
    except sqllane.Fallback as exc:  # allowed, but not for these files
        pytest.fail(f"the SQL lane fell back: {exc}")
    assert got[0] == expected[0], "rows read"
    assert got[1] == expected[1], "loaded rows"
    assert got[2] == expected[2], "rejected rows"


LANE_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@LANE_SETTINGS
@given(content=_files(list(WORK_ITEM_FIELDS), _canonical_value, ","))
def test_canonical_files_load_alike_in_both_lanes(reports, content):
    _same(reports["canonical"], CANONICAL, content)


@LANE_SETTINGS
@given(content=_files(NATIVE_HEADER, _native_value, "\t"))
def test_native_files_load_alike_in_both_lanes(reports, content):
    _same(reports["native"], NATIVE, content)


@LANE_SETTINGS
@given(content=_files(NATIVE_HEADER, _native_value, "\t"))
def test_native_files_read_as_utc_load_alike_in_both_lanes(reports, content):
    _same(reports["native_utc"], NATIVE_UTC, content)


def test_the_sql_lane_takes_the_native_and_canonical_layouts(reports):
    """The two layouts of the benchmark compile (no silent fallback to the Python lane)."""
    content = b"\t".join(c.encode() for c in NATIVE_HEADER) + (
        b"\nAA0101\t34536\t0\t0\tPS\t990205\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT\n"
    )
    by_sql: list[int] = []
    read, loaded, errors = _sql_lane(reports["native"], NATIVE, content, by_sql=by_sql)
    assert (read, len(loaded), errors, by_sql) == (1, 1, [], [1])
    _same(reports["native"], NATIVE, content)


def test_canonical_rows_are_loaded_by_sql(reports):
    content = (
        ",".join(WORK_ITEM_FIELDS) + "\n"
        "A-1,voice,billing,2026-10-05T10:00:00+00:00,2026-10-05T10:00:07.5+00:00,,,120.5,handled,true,4,,,,A01\n"
        "A-2,chat,,2026-10-05 11:00,,,3,,abandoned,,,,,,\n"
        "A-3,chat,,2026-11-05 11:00,,,3,,abandoned,,,,,,\n"
    ).encode()
    by_sql: list[int] = []
    read, loaded, errors = _sql_lane(reports["canonical"], CANONICAL, content, by_sql=by_sql)
    assert (read, len(loaded), by_sql) == (3, 2, [2])
    assert errors[0]["row"] == 4 and "outside the report period" in errors[0]["reason"]
    _same(reports["canonical"], CANONICAL, content)


def test_a_quoted_file_falls_back_to_the_python_lane(reports):
    content = b'item_id,received_at,outcome\n"A-1",2026-10-05T10:00:00,handled\n'
    with pytest.raises(sqllane.Fallback, match="quotes"):
        _sql_lane(reports["canonical"], CANONICAL, content)


def test_a_carriage_return_inside_a_line_falls_back_to_the_python_lane(reports):
    content = b"item_id,received_at,outcome\nA-1,2026-10-05T10:00:00,hand\rled\n"
    with pytest.raises(sqllane.Fallback, match="carriage return"):
        _sql_lane(reports["canonical"], CANONICAL, content)


def test_an_import_says_its_lane(contract_for_lane, imported):
    from tests.reports.helpers import canonical_csv, work_item

    report = imported(contract_for_lane, canonical_csv([work_item(n) for n in range(5)]))
    assert (report.status, report.import_lane, report.rows_accepted) == ("completed", "sql", 5)
    quoted = canonical_csv([work_item(n, agent="Smith, J") for n in range(5, 10)])
    report = imported(contract_for_lane, quoted, name="quoted.csv")
    assert report.status == "completed"
    assert report.import_lane == "python (the file quotes values)"


@pytest.fixture
def contract_for_lane():
    return ContractFactory(reference="SQL-LANE-3")


STRPTIME_UTC = Layout.from_config(
    {
        "kind": "work_items",
        "delimiter": ",",
        "fields": {
            "item_id": {"columns": ["site", "ref"], "separator": "-"},
            "received_at": {"column": "when", "format": "%Y%m%dT%H:%M"},
            "completed_at": {"column": "done", "format": "%y%m%d%H%M%S"},
            "handle_seconds": {"column": "minutes", "unit": "minutes"},
            "outcome": {"column": "outcome"},
        },
    }
)


def test_strptime_date_times_of_a_utc_layout_load_alike_in_both_lanes(reports):
    """Date-times in strptime formats become instants directly in a UTC layout (``wall``);
    an id joined from two columns keeps its length check."""
    lines = [
        "site,ref,when,done,minutes,outcome",
        "AA,1,20261005T10:00,261005103000,2.5,handled",
        "AA,2,20261031T23:59,261101000100,,abandoned",
        "AA,3,20261101T00:00,,1,handled",
        "AA,4,20260930T23:59,690101000000,0,handled",
        "AA,5,20261005T10:00,681231235959,0,handled",
        f"{'S' * 100},{'R' * 100},20261005T10:00,,,handled",
        f"{'S' * 100},{'R' * 99},20261005T10:00,,,handled",
        "AA,6,20260229T10:00,,,handled",
    ]
    content = ("\n".join(lines) + "\n").encode()
    by_sql: list[int] = []
    _sql_lane(reports["canonical"], STRPTIME_UTC, content, by_sql=by_sql)
    assert by_sql and by_sql[0] >= 4
    _same(reports["canonical"], STRPTIME_UTC, content)
