"""The real "Anonymous Bank" call-centre records (Feb 1999) through ANONYMOUS_BANK_LAYOUT.

Everything expected is computed here from the raw columns with the csv module, following
the dataset's README, independently of the layout and the parser: the outcome of each row,
which rows must be rejected (a negative or non-numeric q_time/ser_time, a call received
outside February 1999) and the values of the accepted records. The 400-row fixture always
runs; the full month runs when ``../shared`` is present beside the project.
"""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reports.parsing import ANONYMOUS_BANK_LAYOUT, Layout, ParsedRow, Period, RawReader, parse_file

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "anonymous_bank_sample.tsv"
FULL = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "datasets"
    / "anonymous-bank-callcenter-1999"
    / "february_1999.txt"
)
ISRAEL = zoneinfo.ZoneInfo("Asia/Jerusalem")
FEBRUARY_1999 = Period(dt.datetime(1999, 2, 1, tzinfo=ISRAEL), dt.datetime(1999, 3, 1, tzinfo=ISRAEL))
HEADER = [
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
    "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
]  # fmt: skip


def _seconds(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def expected_rows(path: Path) -> dict[int, dict[str, Any]]:
    """Per physical line number: the expected outcome, or why the row must be rejected."""
    expected: dict[int, dict[str, Any]] = {}
    with path.open(newline="", encoding="ascii") as handle:
        rows = csv.reader(handle, delimiter="\t")
        assert next(rows) == HEADER
        for line, row in enumerate(rows, start=2):
            raw = dict(zip(HEADER, row, strict=True))
            problems = []
            for column in ("q_time", "ser_time"):
                seconds = _seconds(raw[column])
                if seconds is None or seconds < 0:
                    problems.append(column)
            received = dt.datetime.strptime(raw["date"] + " " + raw["vru_entry"], "%y%m%d %H:%M:%S")
            received = received.replace(tzinfo=ISRAEL)
            if not (dt.datetime(1999, 2, 1, tzinfo=ISRAEL) <= received < dt.datetime(1999, 3, 1, tzinfo=ISRAEL)):
                problems.append("date, vru_entry")
            if raw["outcome"] == "AGENT":
                outcome = "handled"
            elif raw["outcome"] == "PHANTOM":
                outcome = "ignored"
            elif raw["outcome"] == "HANG":
                outcome = "self_service" if raw["q_start"] == "0:00:00" else "abandoned"
            else:
                outcome = None
                problems.append("outcome")
            expected[line] = {"raw": raw, "outcome": outcome, "problems": problems, "received": received}
    return expected


def parse_path(path: Path) -> list[ParsedRow]:
    with path.open("rb") as handle:
        return list(
            parse_file(
                handle, filename=path.name, layout=Layout.from_config(ANONYMOUS_BANK_LAYOUT), period=FEBRUARY_1999
            )
        )


def check_against_raw(path: Path) -> tuple[list[ParsedRow], dict[int, dict[str, Any]]]:
    expected = expected_rows(path)
    parsed = parse_path(path)
    assert [p.raw.number for p in parsed] == list(expected)

    rejected = {p.raw.number: sorted({e.column for e in p.errors}) for p in parsed if not p.accepted}
    assert rejected == {line: sorted(e["problems"]) for line, e in expected.items() if e["problems"]}

    accepted_outcomes = Counter(p.record["outcome"] for p in parsed if p.accepted)
    assert accepted_outcomes == Counter(e["outcome"] for e in expected.values() if not e["problems"])

    for p in parsed:
        if not p.accepted:
            continue
        raw = expected[p.raw.number]["raw"]
        record = p.record
        assert record["item_id"] == f"{raw['vru+line']}-{raw['call_id']}"
        assert record["channel"] == "voice" and record["queue"] == raw["type"]
        assert record["received_at"] == expected[p.raw.number]["received"]
        assert record["wait_seconds"] == float(raw["q_time"])
        assert record["handle_seconds"] == float(raw["ser_time"])
        assert record["agent"] == (None if raw["server"] == "NO_SERVER" else raw["server"])
        assert (record["started_at"] is None) == (raw["ser_start"] == "0:00:00")
        assert (record["completed_at"] is None) == (raw["ser_exit"] == "0:00:00")
        if record["started_at"] is not None:
            # Service never starts before the call arrived, nor ends before it started: the
            # midnight rule moved the clocks that wrapped to the next day.
            assert record["received_at"] <= record["started_at"] <= record["completed_at"]
            assert record["started_at"] - record["received_at"] < dt.timedelta(hours=12)
            # ...and so the clocks agree with the talk seconds, also for the 16 calls whose
            # clocks wrap at midnight (the README's "ser_time differs" rows).
            served = (record["completed_at"] - record["started_at"]).total_seconds()
            assert served == float(raw["ser_time"])
        assert p.extras == {"customer_id": raw["customer_id"], "priority": raw["priority"], "vru_time": raw["vru_time"]}
    return parsed, expected


def test_fixture_is_a_byte_exact_slice_of_the_full_file():
    data = FIXTURE.read_bytes()
    assert data.count(b"\r\n") == 401 and data.count(b"\n") == 401  # header + 400 rows, CRLF only
    assert data.splitlines()[0].decode() == "\t".join(HEADER)
    if FULL.exists():
        with FULL.open("rb") as handle:
            assert handle.read(len(data)) == data


def test_fixture_outcomes_and_rejections_match_the_raw_columns():
    parsed, expected = check_against_raw(FIXTURE)
    assert len(parsed) == 400
    first = parsed[0]
    assert first.raw.number == 2
    assert first.record == {
        "item_id": "AA0101-34536",
        "channel": "voice",
        "queue": "PS",
        "received_at": dt.datetime(1999, 2, 1, 7, 2, 47, tzinfo=ISRAEL),
        "started_at": dt.datetime(1999, 2, 1, 7, 2, 55, tzinfo=ISRAEL),
        "completed_at": dt.datetime(1999, 2, 1, 7, 5, 41, tzinfo=ISRAEL),
        "wait_seconds": 0.0,
        "handle_seconds": 166.0,
        "outcome": "handled",
        "resolved_first_contact": None,
        "csat": None,
        "csat_scale_max": None,
        "quality_score": None,
        "accurate": None,
        "agent": "DORIT",
    }
    assert first.record["received_at"].astimezone(dt.UTC) == dt.datetime(1999, 2, 1, 5, 2, 47, tzinfo=dt.UTC)
    assert parsed[1].record["agent"] is None  # NO_SERVER
    # The slice covers every outcome, so the rules and the map are all exercised.
    assert {e["outcome"] for e in expected.values()} == {"handled", "abandoned", "self_service", "ignored"}


def test_fixture_columns_through_the_raw_reader():
    with (
        FIXTURE.open("rb") as handle,
        RawReader(handle, filename=FIXTURE.name, layout=Layout.from_config(ANONYMOUS_BANK_LAYOUT)) as reader,
    ):
        assert reader.columns == HEADER
        numbers = [raw.number for raw in reader]
    assert numbers == list(range(2, 402))


def test_a_row_outside_the_period_and_a_negative_duration_are_rejected(tmp_path):
    lines = FIXTURE.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b"\t990201\t", b"\t990301\t")
    cells = lines[2].split(b"\t")
    cells[HEADER.index("ser_time")] = b"-5"
    lines[2] = b"\t".join(cells)
    path = tmp_path / "edited.tsv"
    path.write_bytes(b"\r\n".join(lines))
    parsed, _ = check_against_raw(path)
    assert [e.as_dict() for e in parsed[0].errors] == [
        {
            "row": 2,
            "column": "date, vru_entry",
            "value": "990301 7:02:47",
            "reason": "received_at 1999-03-01T07:02:47+02:00 is outside the report period 1999-02-01 – 1999-02-28",
        }
    ]
    assert [e.as_dict() for e in parsed[1].errors] == [
        {"row": 3, "column": "ser_time", "value": "-5", "reason": "negative duration"}
    ]


@pytest.mark.skipif(not FULL.exists(), reason=f"the full dataset is not present at {FULL}")
def test_full_february_file_matches_the_raw_columns():
    parsed, expected = check_against_raw(FULL)
    assert len(parsed) == len(expected) == 33_344
    # What the dataset's README documents, as a cross-check of the independent computation.
    outcomes = Counter(p.record["outcome"] for p in parsed if p.accepted)
    assert outcomes == {"handled": 27_162, "abandoned": 3_963, "self_service": 1_941, "ignored": 278}
    wrapped = [
        p
        for p in parsed
        if p.accepted and p.record["completed_at"] and p.record["completed_at"].date() > p.record["received_at"].date()
    ]
    assert wrapped, "the month has calls served across midnight"
