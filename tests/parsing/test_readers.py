"""Readers: CSV dialects and encodings, XLSX (and refused XLSX), JSON and NDJSON, file-level errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reports.parsing import ROW_PROBLEM, FileError, Layout, RawReader, iter_raw_rows
from reports.parsing.readers import resolve_format
from tests.parsing.helpers import MINIMAL, config, csv_bytes, layout, one, parse, reader

HEADER = "id,ts,outcome"
ROW = "A1,2026-10-05T08:00:00Z,handled"


def raw_rows(data: bytes, the_layout: Layout | dict, filename: str = "report.csv") -> list:
    if isinstance(the_layout, dict):
        the_layout = Layout.from_config(the_layout)
    return list(iter_raw_rows(io.BytesIO(data), filename=filename, layout=the_layout))


def file_error(data: bytes, the_layout: Layout | dict, filename: str = "report.csv") -> str:
    with pytest.raises(FileError) as caught:
        raw_rows(data, the_layout, filename)
    return str(caught.value)


# -- CSV dialects ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_configured_and_sniffed(delimiter):
    data = csv_bytes(HEADER.replace(",", delimiter), ROW.replace(",", delimiter))
    for setting in (delimiter, "auto"):
        rows = raw_rows(data, config(delimiter=setting))
        assert [r.values for r in rows] == [{"id": "A1", "ts": "2026-10-05T08:00:00Z", "outcome": "handled"}]
        assert rows[0].number == 2


def test_csv_quoting_and_embedded_newlines_keep_physical_line_numbers():
    data = csv_bytes(
        "id,ts,outcome,note",
        'A1,2026-10-05T08:00:00Z,handled,"two\r\nlines, and a comma"',
        'A2,2026-10-05T09:00:00Z,handled,"say ""hi"""',
    )
    rows = raw_rows(data, config(extras=["note"]))
    assert [(r.number, r.values["note"]) for r in rows] == [(2, "two\r\nlines, and a comma"), (4, 'say "hi"')]


def test_custom_quotechar():
    data = csv_bytes("id;ts;outcome", "'A;1';2026-10-05T08:00:00Z;handled")
    assert raw_rows(data, config(delimiter=";", quotechar="'"))[0].values["id"] == "A;1"


def test_crlf_lf_and_blank_lines():
    for newline in ("\r\n", "\n"):
        data = csv_bytes(HEADER, "", ROW, "   ", ",,", ROW.replace("A1", "A2"), "", newline=newline)
        rows = raw_rows(data, MINIMAL)
        assert [(r.number, r.values["id"]) for r in rows] == [(3, "A1"), (6, "A2")]
        assert all(not v.endswith("\r") for r in rows for v in r.values.values())


def test_header_row_skips_preamble_and_header_cells_are_trimmed():
    data = csv_bytes("Vendor report, October", "generated 2026-11-01", " id , ts ,outcome", ROW)
    rows = raw_rows(data, config(header_row=3))
    assert rows[0].number == 4 and rows[0].values["id"] == "A1"


def test_utf8_bom_is_stripped():
    data = b"\xef\xbb\xbf" + csv_bytes(HEADER, "Ré1,2026-10-05T08:00:00Z,handled")
    with reader(data, MINIMAL) as r:
        assert r.columns == ["id", "ts", "outcome"]
        assert [row.values["id"] for row in r] == ["Ré1"]
    assert raw_rows(data, config(encoding="utf-8-sig"))[0].values["id"] == "Ré1"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "auto"])
def test_latin1_and_cp1252_text(encoding):
    text = "Zoé" if encoding == "latin-1" else "Zoé €"
    data = csv_bytes("id,ts,outcome,agent", f"A1,2026-10-05T08:00:00Z,handled,{text}", encoding="cp1252")
    row = one(data, config(encoding=encoding, fields={"agent": {"column": "agent"}}))
    assert row.record["agent"] == text


def test_auto_encoding_keeps_utf8_files_utf8():
    data = csv_bytes("id,ts,outcome,agent", "A1,2026-10-05T08:00:00Z,handled,Zoé €")
    assert one(data, config(encoding="auto", fields={"agent": {"column": "agent"}})).record["agent"] == "Zoé €"


def test_undecodable_bytes_name_the_byte_and_line():
    data = csv_bytes(HEADER, ROW, "A2,2026-10-05T08:00:00Z,handled").replace(b"A2", b"A\xe92")
    position = data.index(b"\xe9") + 1
    message = file_error(data, MINIMAL)
    assert message == (
        f"the file is not valid UTF-8 at byte {position} (line 3); "
        "it reads as cp1252 (Windows-1252): set the layout's encoding to cp1252"
    )


def test_undecodable_bytes_far_into_a_large_file():
    lines = [HEADER] + [f"A{i},2026-10-05T08:00:00Z,handled" for i in range(20_000)]
    data = csv_bytes(*lines) + b"Q\x80\x81,2026-10-05T08:00:00Z,handled\r\n"
    message = file_error(data, MINIMAL)
    offset = data.index(b"\x80")
    assert offset > 700_000  # well past the first chunks read
    assert f"at byte {offset + 1} (line 20002)" in message


def test_cp1252_undefined_byte_is_reported():
    data = csv_bytes(HEADER, ROW).replace(b"A1", b"A\x81")
    assert file_error(data, config(encoding="cp1252")) == (
        "the file is not valid cp1252 (Windows-1252) at byte 17 (line 2); it is neither UTF-8 nor cp1252 "
        "(Windows-1252); Latin-1 reads any byte, so set the layout's encoding to latin-1 only if that is what "
        "the vendor exports"
    )


def test_the_encoding_advice_names_what_the_bytes_are():
    # "Á" is C3 81 in UTF-8; 81 is one of the five bytes cp1252 leaves undefined.
    utf8 = csv_bytes(HEADER, ROW, "ÁLVARO,2026-10-05T08:00:00Z,handled")
    assert file_error(utf8, config(encoding="cp1252")).endswith("it reads as UTF-8: set the layout's encoding to utf-8")
    utf16 = csv_bytes(HEADER, ROW, encoding="utf-16")
    assert file_error(utf16, MINIMAL).endswith(
        "it starts with a UTF-16 byte-order mark, which no layout encoding reads: save it as UTF-8"
    )
    neither = csv_bytes(HEADER, ROW).replace(b"A1", b"A\x81\xe9")
    message = file_error(neither, config(encoding="auto"))
    assert message.startswith("the file is not valid UTF-8 nor cp1252 (Windows-1252) at byte 17 (line 2); ")
    assert message.endswith("set the layout's encoding to latin-1 only if that is what the vendor exports")


def test_empty_files():
    assert file_error(b"", MINIMAL) == "the file is empty"
    assert file_error(b"\r\n\r\n  \r\n", MINIMAL) == "the file is empty"
    assert file_error(b"\xef\xbb\xbf", MINIMAL) == "the file is empty"


def test_header_only():
    assert file_error(csv_bytes(HEADER), MINIMAL) == "the file has a header but no data rows"
    assert file_error(csv_bytes(HEADER, "", ""), MINIMAL) == "the file has a header but no data rows"


def test_header_not_found_below_the_end():
    assert file_error(csv_bytes(HEADER, ROW), config(header_row=5)) == (
        "no header found: the file has 2 line(s), the header should be on line 5"
    )


def test_wrong_delimiter_is_named():
    data = csv_bytes("id;ts;outcome", "A1;2026-10-05T08:00:00Z;handled")
    assert (
        file_error(data, MINIMAL)
        == "the header has a single column 'id;ts;outcome'; is the delimiter ';' rather than ','?"
    )
    data = csv_bytes("id\tts\toutcome", "A1\t2026-10-05T08:00:00Z\thandled")
    assert file_error(data, config(delimiter="|")).endswith("is the delimiter tab rather than '|'?")


def test_missing_required_columns_are_all_named():
    data = csv_bytes("id,when,status", "A1,2026-10-05T08:00:00Z,handled")
    cfg = config(fields={"wait_seconds": {"column": "q_time"}}, extras=["priority"])
    assert file_error(data, cfg) == "missing required columns: ts, q_time, outcome, priority (found: id, when, status)"


def test_duplicate_header_names_are_refused():
    data = csv_bytes("id,ts,outcome,ts", "A1,2026-10-05T08:00:00Z,handled,x")
    assert file_error(data, MINIMAL) == "the header repeats the column name(s) ts; each column needs its own name"


def test_row_with_wrong_field_count_becomes_a_row_error():
    data = csv_bytes(HEADER, "A1,2026-10-05T08:00:00Z", ROW.replace("A1", "A2") + ",extra,more", ROW)
    rows = parse(data, MINIMAL)
    assert [r.accepted for r in rows] == [False, False, True]
    assert rows[0].errors[0].as_dict() == {
        "row": 2,
        "column": None,
        "value": "A1,2026-10-05T08:00:00Z",
        "reason": "row has 2 fields, the header has 3",
    }
    assert rows[1].errors[0].reason == "row has 5 fields, the header has 3"
    assert rows[0].raw.values["id"] == "A1" and ROW_PROBLEM in rows[0].raw.values


def test_trailing_empty_fields_are_tolerated():
    rows = parse(csv_bytes(HEADER, ROW + ",,"), MINIMAL)
    assert rows[0].accepted and rows[0].record["item_id"] == "A1"


def test_seventeen_column_message():
    header = ",".join(["id", "ts", "outcome", *(f"c{i}" for i in range(14))])
    row = parse(csv_bytes(header, "A1,2026-10-05T08:00:00Z,handled,1,2"), MINIMAL)[0]
    assert row.errors[0].reason == "row has 5 fields, the header has 17"


def test_unbalanced_quote_swallowing_the_file_is_a_file_error():
    import csv

    old = csv.field_size_limit(1000)
    try:
        data = csv_bytes(HEADER, 'A1,"2026-10-05T08:00:00Z,handled', *[ROW] * 100)
        assert file_error(data, MINIMAL).startswith("the file cannot be split into fields near line")
    finally:
        csv.field_size_limit(old)


def test_reader_exposes_columns_and_leaves_the_binary_file_open():
    stream = io.BytesIO(csv_bytes(HEADER, ROW))
    with RawReader(stream, filename="x.csv", layout=Layout.from_config(MINIMAL)) as r:
        assert r.columns == ["id", "ts", "outcome"] and r.format == "csv"
        assert len(list(r)) == 1
    assert not stream.closed


def test_format_from_file_name_and_layout():
    work = Layout.from_config(MINIMAL)
    names = ("a.CSV", "a.tsv", "a.txt", "a.xlsx", "a.json", "a.ndjson", "a.jsonl")
    assert [resolve_format(n, work) for n in names] == ["csv", "csv", "csv", "xlsx", "json", "ndjson", "ndjson"]
    assert resolve_format("a.dat", Layout.from_config(config(format="csv"))) == "csv"
    with pytest.raises(FileError, match=r"cannot tell the format of 'a\.pdf'"):
        resolve_format("a.pdf", work)
    with pytest.raises(FileError, match=r"old Excel \.xls files are not supported"):
        resolve_format("a.xls", work)


# -- XLSX ------------------------------------------------------------------------------------


def make_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def xlsx_rows(path: Path, cfg: dict, **kwargs) -> list:
    with path.open("rb") as handle:
        return list(iter_raw_rows(handle, filename=path.name, layout=Layout.from_config(cfg), **kwargs))


def xlsx_error(path: Path, cfg: dict = MINIMAL, **kwargs) -> str:
    with pytest.raises(FileError) as caught:
        xlsx_rows(path, cfg, **kwargs)
    return str(caught.value)


def test_xlsx_keeps_cell_types_and_sheet_row_numbers(tmp_path):
    received = dt.datetime(2026, 10, 5, 8, 30)
    path = make_xlsx(
        tmp_path / "calls.xlsx",
        {
            "Calls": [
                ["id", "ts", "outcome", "wait", "fcr"],
                ["A1", received, "handled", 42, True],
                [None, None, None, None, None],
                [1002, received, "abandoned", 12.5, False],
            ]
        },
    )
    rows = xlsx_rows(path, MINIMAL)
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {"id": "A1", "ts": received, "outcome": "handled", "wait": 42, "fcr": True}
    assert rows[1].values["id"] == 1002 and rows[1].values["wait"] == 12.5

    cfg = config(fields={"wait_seconds": {"column": "wait"}, "resolved_first_contact": {"column": "fcr"}})
    with path.open("rb") as handle:
        parsed = parse(handle.read(), cfg, filename="calls.xlsx")
    assert [p.record["item_id"] for p in parsed] == ["A1", "1002"]
    assert parsed[0].record["received_at"] == dt.datetime(2026, 10, 5, 8, 30, tzinfo=dt.UTC)
    assert [p.record["wait_seconds"] for p in parsed] == [42.0, 12.5]
    assert [p.record["resolved_first_contact"] for p in parsed] == [True, False]


def test_xlsx_sheet_by_name_and_header_row(tmp_path):
    path = make_xlsx(
        tmp_path / "book.xlsx",
        {
            "Summary": [["nothing here"]],
            "Detail": [["October report"], [], ["id", "ts", "outcome"], ["B7", "2026-10-06T10:00:00", "ignored"]],
        },
    )
    rows = xlsx_rows(path, config(sheet="Detail", header_row=3))
    assert [(r.number, r.values["id"]) for r in rows] == [(4, "B7")]
    assert xlsx_error(path, config(sheet="Missing")) == "the workbook has no sheet 'Missing' (sheets: Summary, Detail)"
    assert xlsx_error(path).startswith("missing required columns: id, ts, outcome (found: nothing here)")


def test_xlsx_time_and_duration_cells(tmp_path):
    path = make_xlsx(
        tmp_path / "t.xlsx",
        {
            "S": [
                ["id", "day", "clock", "outcome", "q"],
                ["A1", dt.date(2026, 10, 5), dt.time(23, 59, 1), "handled", dt.time(0, 1, 30)],
            ]
        },
    )
    cfg = config(
        fields={
            "received_at": {"date_column": "day", "time_column": "clock"},
            "wait_seconds": {"column": "q", "unit": "hms"},
        }
    )
    record = parse(path.read_bytes(), cfg, filename="t.xlsx")[0].record
    assert record["received_at"] == dt.datetime(2026, 10, 5, 23, 59, 1, tzinfo=dt.UTC)
    assert record["wait_seconds"] == 90.0


def test_xlsx_empty_and_header_only(tmp_path):
    assert xlsx_error(make_xlsx(tmp_path / "e.xlsx", {"S": []})) == "the file is empty"
    assert xlsx_error(make_xlsx(tmp_path / "h.xlsx", {"S": [["id", "ts", "outcome"]]})) == (
        "the file has a header but no data rows"
    )


def test_xlsx_row_longer_than_header_is_a_row_error(tmp_path):
    path = make_xlsx(
        tmp_path / "w.xlsx", {"S": [["id", "ts", "outcome"], ["A1", "2026-10-05T08:00:00", "handled", "stray"]]}
    )
    row = parse(path.read_bytes(), MINIMAL, filename="w.xlsx")[0]
    assert row.errors[0].reason == "row has 4 cells, the header has 3" and row.errors[0].row == 2


def test_xlsx_with_macros_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "m.xlsx", {"S": [["id", "ts", "outcome"], ["A1", "2026-10-05T08:00:00", "handled"]]})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    assert xlsx_error(path) == "XLSX files with macros are refused; save the workbook without macros (.xlsx)"


def test_xlsx_zip_bomb_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "b.xlsx", {"S": [["id", "ts", "outcome"], ["A1", "2026-10-05T08:00:00", "handled"]]})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(50_000_000))  # ~50 KB compressed: ratio ~1000
    assert xlsx_error(path) == (
        "the XLSX file is refused: its part xl/media/padding.bin is compressed more than 100 to 1, as in a zip bomb"
    )
    message = xlsx_error(path, max_xlsx_uncompressed_bytes=10_000_000)
    assert message.startswith("the XLSX file is too large once unpacked (50,0")
    assert "the limit is 10,000,000 bytes" in message


def test_non_zip_xlsx_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(csv_bytes(HEADER, ROW))
    assert xlsx_error(path) == "not a valid XLSX file"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert xlsx_error(path).startswith("not a valid XLSX file: it is an old Excel 97-2003 (.xls) file")
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")
    assert xlsx_error(other) == "not a valid XLSX file"


def test_openpyxl_parses_xml_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# -- JSON and NDJSON -------------------------------------------------------------------------

ITEMS = [
    {"id": "J1", "ts": "2026-10-05T08:00:00+02:00", "outcome": "handled", "wait": 12.5},
    {"id": "J2", "ts": "2026-10-05T09:00:00Z", "outcome": "abandoned", "wait": 3},
]


def test_json_array_of_objects():
    data = json.dumps(ITEMS).encode()
    rows = raw_rows(data, MINIMAL, "r.json")
    assert [(r.number, r.values) for r in rows] == [(1, ITEMS[0]), (2, ITEMS[1])]
    assert isinstance(rows[0].values["wait"], float)
    parsed = parse(b"\xef\xbb\xbf" + data, config(fields={"wait_seconds": {"column": "wait"}}), filename="r.json")
    assert [p.record["received_at"] for p in parsed] == [
        dt.datetime(2026, 10, 5, 6, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC),
    ]
    with reader(data, MINIMAL, filename="r.json") as r:
        assert r.columns == ["id", "ts", "outcome", "wait"]


def test_json_non_object_element_is_a_row_error():
    data = json.dumps([ITEMS[0], 42, ["x"], ITEMS[1]]).encode()
    rows = parse(data, MINIMAL, filename="r.json")
    assert [r.accepted for r in rows] == [True, False, False, True]
    assert [r.errors[0].reason for r in rows[1:3]] == [
        "element 2 is a number, not an object",
        "element 3 is a list, not an object",
    ]


def test_json_file_errors():
    assert file_error(b"", MINIMAL, "r.json") == "the file is empty"
    assert file_error(b"[]", MINIMAL, "r.json") == "the JSON array is empty: the file has no data rows"
    assert file_error(b'{"rows": []}', MINIMAL, "r.json").endswith("this file starts with an object")
    assert file_error(b"[1, 2]", MINIMAL, "r.json") == "the first element of the JSON array is a number, not an object"
    assert file_error(b'[{"id": "A"}]', MINIMAL, "r.json") == "missing required columns: ts, outcome (found: id)"


def test_malformed_json_names_the_position():
    data = json.dumps(ITEMS).encode()[:-1] + b", {oops}]"
    message = file_error(data, MINIMAL, "r.json")
    assert message.startswith("the file is not valid JSON after element 2: ")
    assert "oops" in message
    latin1 = b'[{"id": "Zo\xe9", "ts": "2026-10-05T08:00:00Z", "outcome": "handled"}]'
    assert file_error(latin1, MINIMAL, "r.json").startswith(
        "the file is not valid JSON before the first element: lexical error: invalid bytes in UTF8 string, near '"
    )
    truncated = json.dumps(ITEMS).encode()[:40]
    assert file_error(truncated, MINIMAL, "r.json").startswith("the file is not valid JSON before the first element")


def test_ndjson_lines():
    lines = [json.dumps(ITEMS[0]), "", json.dumps(ITEMS[1]), "[1]", "{broken", ""]
    data = "\n".join(lines).encode()
    rows = parse(data, MINIMAL, filename="r.ndjson")
    assert [(r.raw.number, r.accepted) for r in rows] == [(1, True), (3, True), (4, False), (5, False)]
    assert rows[2].errors[0].reason == "line 4 is a list, not an object"
    assert rows[3].errors[0].reason.startswith("line 5 is not valid JSON (")
    assert rows[3].errors[0].value == "{broken"


def test_ndjson_file_errors():
    assert file_error(b"\n\n", MINIMAL, "r.jsonl") == "the file is empty"
    assert file_error(b"nope\n", MINIMAL, "r.jsonl").startswith("line 1 is not valid JSON")
    # The first object gives the columns and is also the first data row.
    assert len(raw_rows(json.dumps(ITEMS[0]).encode() + b"\n", MINIMAL, "r.jsonl")) == 1


def test_non_seekable_stream_is_read():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = csv_bytes(HEADER, ROW, ROW.replace("A1", "A2"))
    stream = io.BufferedReader(Pipe(data))
    rows = list(iter_raw_rows(stream, filename="p.csv", layout=layout()))
    assert [r.values["id"] for r in rows] == ["A1", "A2"]


def test_a_missing_defusedxml_is_a_system_check_error_at_start(monkeypatch):
    import importlib.util

    from django.core import checks

    assert not [m for m in checks.run_checks() if m.id == "reports.E001"]
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "defusedxml" else real(name, *a))
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "reports.E001"] == ["reports.E001"]
