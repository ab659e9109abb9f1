"""The package's public entry points: parse_file and make_parser pick the parser by layout kind."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

import reports.parsing as parsing
from reports.parsing import FileError, KpiParser, Layout, WorkItemParser, make_parser, parse_file
from tests.parsing.helpers import MINIMAL, OCTOBER_2026, csv_bytes


def test_public_names_are_exported():
    for name in parsing.__all__:
        assert hasattr(parsing, name), name


def test_parse_file_for_work_items_is_lazy_and_streams():
    data = csv_bytes("id,ts,outcome", *(f"A{i},2026-10-05T08:00:00Z,handled" for i in range(5)))
    rows = parse_file(io.BytesIO(data), filename="r.csv", layout=Layout.from_config(MINIMAL), period=OCTOBER_2026)
    first = next(rows)
    assert first.accepted and first.record["item_id"] == "A0" and first.raw.number == 2
    assert [r.record["item_id"] for r in rows] == ["A1", "A2", "A3", "A4"]


def test_parse_file_for_kpis_needs_no_period():
    data = json.dumps([{"metric": "asa", "period": "2026-10", "value": 21}]).encode()
    rows = list(
        parse_file(
            io.BytesIO(data),
            filename="k.json",
            layout=Layout.canonical("kpi_summary"),
            period=None,
            metric_codes=frozenset({"asa"}),
        )
    )
    assert rows[0].record == {
        "metric": "asa",
        "period": dt.date(2026, 10, 1),
        "value": 21.0,
        "volume": None,
        "invoiced_amount": None,
    }


def test_kpi_rows_the_reader_could_not_split_are_row_errors():
    data = json.dumps([{"metric": "asa", "period": "2026-10", "value": 21}, "oops"]).encode()
    rows = list(parse_file(io.BytesIO(data), filename="k.json", layout=Layout.canonical("kpi_summary"), period=None))
    assert rows[1].record is None and rows[1].errors[0].reason == "element 2 is a string, not an object"
    assert rows[1].errors[0].value == '"oops"'


def test_file_errors_surface_on_first_iteration():
    rows = parse_file(io.BytesIO(b""), filename="r.csv", layout=Layout.from_config(MINIMAL), period=OCTOBER_2026)
    with pytest.raises(FileError, match="the file is empty"):
        next(rows)


def test_make_parser():
    assert isinstance(make_parser(Layout.from_config(MINIMAL), period=OCTOBER_2026), WorkItemParser)
    assert isinstance(make_parser(Layout.canonical("kpi_summary")), KpiParser)
    with pytest.raises(ValueError, match="needs the report period"):
        make_parser(Layout.from_config(MINIMAL))
