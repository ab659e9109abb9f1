"""Row parsers: conversions, rules, derived values and the row errors a vendor sees."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from reports.parsing import (
    WORK_ITEM_FIELDS,
    KpiParser,
    Layout,
    Period,
    RawRow,
    RowError,
    WorkItemParser,
)
from tests.parsing.helpers import OCTOBER_2026, UTC, csv_bytes, layout, one, parse, reasons

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def work(values: dict, the_layout: Layout | None = None, *, number: int = 2, period: Period = OCTOBER_2026):
    """Parse one raw row (values given as the reader would) with a work-item parser."""
    base = {"id": "A1", "ts": "2026-10-05T08:00:00Z", "outcome": "handled"}
    return WorkItemParser(the_layout or layout(), period).parse(RawRow(number, {**base, **values}))


def test_canonical_csv_row_to_a_complete_record():
    header = ",".join(WORK_ITEM_FIELDS)
    row = (
        "T1,chat,billing,2026-10-05T08:00:00+02:00,2026-10-05 08:00:30,2026-10-05T08:05:30Z,"
        "30,300,handled,Y,4,5,87.5,no,Zoé"
    )
    parsed = one(csv_bytes(header, row), Layout.canonical("work_items"))
    assert parsed.accepted and parsed.errors == []
    assert parsed.record == {
        "item_id": "T1",
        "channel": "chat",
        "queue": "billing",
        "received_at": dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "started_at": dt.datetime(2026, 10, 5, 8, 0, 30, tzinfo=UTC),
        "completed_at": dt.datetime(2026, 10, 5, 8, 5, 30, tzinfo=UTC),
        "wait_seconds": 30.0,
        "handle_seconds": 300.0,
        "outcome": "handled",
        "resolved_first_contact": True,
        "csat": 4.0,
        "csat_scale_max": 5.0,
        "quality_score": 87.5,
        "accurate": False,
        "agent": "Zoé",
    }


def test_canonical_csv_with_only_the_required_columns():
    parsed = one(
        csv_bytes("item_id,received_at,outcome", "T1,2026-10-05T08:00:00,abandoned"), Layout.canonical("work_items")
    )
    assert parsed.record["received_at"] == dt.datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # naive → UTC
    assert set(parsed.record) == set(WORK_ITEM_FIELDS)
    assert parsed.record["csat"] is None and parsed.record["csat_scale_max"] is None


def test_every_error_of_a_row_is_reported_with_column_value_and_reason():
    the_layout = layout(
        fields={
            "wait_seconds": {"column": "q"},
            "accurate": {"column": "acc"},
            "quality_score": {"column": "qa"},
        }
    )
    parsed = work({"id": " ", "outcome": "done", "q": "12s", "acc": "maybe", "qa": "120"}, the_layout, number=7)
    assert not parsed.accepted and parsed.record is None
    assert parsed.errors == [
        RowError(7, "id", " ", "required value is missing"),
        RowError(7, "q", "12s", "not a number"),
        RowError(7, "outcome", "done", "outcome 'done' is not one of handled, abandoned, self_service, ignored"),
        RowError(7, "qa", "120", "quality score 120 is outside 0–100"),
        RowError(7, "acc", "maybe", "not a recognised yes/no value (accepted: true, 1, yes, y, false, 0, no, n)"),
    ]


def test_missing_optional_values_and_null_markers():
    the_layout = layout(
        fields={"agent": {"column": "agent", "null_values": ["NO_SERVER"]}, "queue": {"column": "queue"}},
        null_values=["", "-", "NULL"],
    )
    for agent, queue in (("NO_SERVER", "-"), ("", "NULL"), (None, " ")):
        record = work({"agent": agent, "queue": queue}, the_layout).record
        assert record["agent"] is None and record["queue"] is None
    assert work({"agent": "IDIT", "queue": "PS"}, the_layout).record["agent"] == "IDIT"
    # A per-field marker is not global: "NO_SERVER" is a real queue name here.
    assert work({"agent": "IDIT", "queue": "NO_SERVER"}, the_layout).record["queue"] == "NO_SERVER"


def test_text_limits():
    the_layout = layout(fields={"channel": {"column": "c"}})
    assert reasons(work({"id": "x" * 201}, the_layout)) == ["longer than 200 characters"]
    assert work({"id": "x" * 200}, the_layout).accepted
    assert reasons(work({"c": "v" * 101}, the_layout)) == ["longer than 100 characters"]


def test_columns_joined_and_constants():
    the_layout = layout(
        fields={"item_id": {"columns": ["vru", "call"], "separator": "-"}, "channel": {"constant": "voice"}}
    )
    parsed = work({"vru": "AA0101", "call": 34536}, the_layout)
    assert parsed.record["item_id"] == "AA0101-34536" and parsed.record["channel"] == "voice"
    missing = work({"vru": "AA0101", "call": ""}, the_layout)
    assert missing.errors == [RowError(2, "call", "", "required value is missing")]


# -- numbers and durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "raw", "seconds"),
    [
        ("seconds", "42", 42.0),
        ("seconds", " 12.5 ", 12.5),
        ("seconds", 7, 7.0),
        ("minutes", "1.5", 90.0),
        ("minutes", "0", 0.0),
        ("hms", "0:01:30", 90.0),
        ("hms", "1:02:03", 3723.0),
        ("hms", "12:05", 725.0),
        ("hms", "75:30", 4530.0),
        ("hms", "0:00:00", 0.0),
        ("hms", dt.time(0, 2, 5), 125.0),
        ("hms", dt.timedelta(hours=30), 108000.0),
    ],
)
def test_durations(unit, raw, seconds):
    parsed = work({"q": raw}, layout(fields={"wait_seconds": {"column": "q", "unit": unit}}))
    assert parsed.accepted, parsed.errors
    assert parsed.record["wait_seconds"] == seconds


@pytest.mark.parametrize(
    ("unit", "raw", "reason"),
    [
        ("seconds", "-5", "negative duration"),
        ("minutes", "-0.5", "negative duration"),
        ("hms", "-0:00:57", "negative duration"),
        ("seconds", "abc", "not a number"),
        ("seconds", "nan", "not a number"),
        ("seconds", "inf", "not a number"),
        ("seconds", "1_000", "not a number"),
        ("seconds", True, "not a number"),
        ("hms", "1:75:00", "not a duration in H:MM:SS or MM:SS form"),
        ("hms", "90", "not a duration in H:MM:SS or MM:SS form"),
        ("hms", "a:bc", "not a duration in H:MM:SS or MM:SS form"),
    ],
)
def test_bad_durations(unit, raw, reason):
    parsed = work({"q": raw}, layout(fields={"wait_seconds": {"column": "q", "unit": unit}}))
    assert parsed.errors == [RowError(2, "q", str(raw) if raw is not True else "True", reason)]


def test_decimal_comma():
    the_layout = layout(
        fields={"handle_seconds": {"column": "h"}, "quality_score": {"column": "qa"}, "csat": {"column": "c"}},
        decimal_comma=True,
        delimiter=";",
    )
    data = csv_bytes("id;ts;outcome;h;qa;c", "A1;2026-10-05T08:00:00;handled;1.234,5;27,5;4,5")
    record = one(data, the_layout).record
    assert (record["handle_seconds"], record["quality_score"], record["csat"]) == (1234.5, 27.5, 4.5)
    assert work({"h": "1.234"}, the_layout).record["handle_seconds"] == 1234.0
    assert work({"h": "300"}, the_layout).record["handle_seconds"] == 300.0
    assert reasons(work({"h": "27.5"}, the_layout)) == ["not a number (this layout expects a decimal comma, e.g. 27,5)"]
    assert reasons(work({"h": "2,5,0"}, the_layout)) == ["not a number"]


def test_without_decimal_comma_a_comma_is_not_a_number():
    assert reasons(work({"h": "27,5"}, layout(fields={"handle_seconds": {"column": "h"}}))) == ["not a number"]


# -- booleans ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Y", True), (1, True), (True, True),
     ("false", False), ("0", False), ("No", False), ("n", False), (0, False), (False, False), ("", None)],
)  # fmt: skip
def test_default_booleans(raw, expected):
    assert (
        work({"fcr": raw}, layout(fields={"resolved_first_contact": {"column": "fcr"}})).record[
            "resolved_first_contact"
        ]
        is expected
    )


def test_custom_booleans_replace_the_defaults():
    the_layout = layout(fields={"accurate": {"column": "a", "true_values": ["OK"], "false_values": ["KO", "ERR"]}})
    assert work({"a": "ok"}, the_layout).record["accurate"] is True
    assert work({"a": "ERR"}, the_layout).record["accurate"] is False
    assert reasons(work({"a": "yes"}, the_layout)) == ["not a recognised yes/no value (accepted: OK, KO, ERR)"]


# -- date-times --------------------------------------------------------------------------------


def test_iso_timestamps_naive_get_the_layout_zone():
    the_layout = layout(timezone="Europe/Paris")
    assert work({"ts": "2026-10-05T08:00:00"}, the_layout).record["received_at"] == dt.datetime(
        2026, 10, 5, 8, 0, tzinfo=PARIS
    )
    assert work({"ts": "2026-10-05 08:00:00Z"}, the_layout).record["received_at"] == dt.datetime(
        2026, 10, 5, 8, 0, tzinfo=UTC
    )
    received = work({"ts": "2026-10-05"}, the_layout).record["received_at"]
    assert received == dt.datetime(2026, 10, 5, tzinfo=PARIS) and received.utcoffset() == dt.timedelta(hours=2)
    assert reasons(work({"ts": "05/10/2026"}, the_layout)) == [
        "not a date-time in the form ISO-8601, e.g. 2026-10-01T08:30:00"
    ]


@pytest.mark.parametrize(
    ("fmt", "raw", "expected"),
    [
        ("%d/%m/%Y %H:%M", "05/10/2026 08:30", dt.datetime(2026, 10, 5, 8, 30)),
        ("%d/%m/%y %H:%M", "05/10/26 08:30", dt.datetime(2026, 10, 5, 8, 30)),
        ("%Y-%m-%d %H:%M:%S", "2026-10-05 08:30:00", dt.datetime(2026, 10, 5, 8, 30)),
        ("%Y-%m-%d %H:%M:%S", "2026-10-5 8:30:00", dt.datetime(2026, 10, 5, 8, 30)),  # unpadded: strptime path
        ("%Y-%m-%dT%H:%M", "2026-10-05T08:30", dt.datetime(2026, 10, 5, 8, 30)),
        ("%m/%d/%Y %I:%M %p", "10/05/2026 08:30 PM", dt.datetime(2026, 10, 5, 20, 30)),
    ],
)
def test_strptime_formats(fmt, raw, expected):
    record = work({"ts": raw}, layout(fields={"received_at": {"column": "ts", "format": fmt}})).record
    assert record["received_at"] == expected.replace(tzinfo=UTC)


def test_strptime_fast_path_does_not_accept_what_the_format_does_not():
    the_layout = layout(fields={"received_at": {"column": "ts", "format": "%Y-%m-%d %H:%M:%S"}})
    assert reasons(work({"ts": "2026-10-05T08:30:00"}, the_layout)) == [
        "not a date-time in the form %Y-%m-%d %H:%M:%S (e.g. 2026-10-01 08:30:00)"
    ]
    assert reasons(work({"ts": "2026-02-30 08:30:00"}, the_layout)) == [
        "not a date-time in the form %Y-%m-%d %H:%M:%S (e.g. 2026-10-01 08:30:00)"
    ]


def test_two_digit_years_and_date_plus_time_columns():
    the_layout = layout(
        fields={
            "received_at": {"date_column": "d", "date_format": "%y%m%d", "time_column": "t", "time_format": "%H:%M:%S"}
        },
        timezone="Asia/Jerusalem",
    )
    period = Period(
        dt.datetime(1999, 2, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Jerusalem")),
        dt.datetime(1999, 3, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Jerusalem")),
    )
    record = work({"d": "990201", "t": "7:02:47"}, the_layout, period=period).record
    assert record["received_at"] == dt.datetime(1999, 2, 1, 7, 2, 47, tzinfo=zoneinfo.ZoneInfo("Asia/Jerusalem"))
    assert record["received_at"].astimezone(UTC) == dt.datetime(1999, 2, 1, 5, 2, 47, tzinfo=UTC)
    bad_time = work({"d": "990201", "t": "25:00:00"}, the_layout, period=period)
    assert bad_time.errors == [RowError(2, "t", "25:00:00", "not a time in the form %H:%M:%S (e.g. 08:30:00)")]
    bad_date = work({"d": "99-02-01", "t": "7:02:47"}, the_layout, period=period)
    assert bad_date.errors == [RowError(2, "d", "99-02-01", "not a date in the form %y%m%d (e.g. 261001)")]
    assert reasons(work({"d": "990201", "t": ""}, the_layout, period=period)) == ["required value is missing"]


def test_date_column_alone_is_midnight_and_iso_date_time_parts():
    the_layout = layout(
        fields={"received_at": {"date_column": "d"}, "started_at": {"date_column": "d", "time_column": "t"}}
    )
    record = work({"d": "2026-10-05", "t": "08:15"}, the_layout).record
    assert record["received_at"] == dt.datetime(2026, 10, 5, tzinfo=UTC)
    assert record["started_at"] == dt.datetime(2026, 10, 5, 8, 15, tzinfo=UTC)


def test_midnight_wrap_with_after():
    clocks = {"date_column": "d", "date_format": "%y%m%d", "time_format": "%H:%M:%S"}
    the_layout = layout(
        fields={
            "received_at": {**clocks, "time_column": "entry"},
            "started_at": {**clocks, "time_column": "start", "after": "received_at", "null_values": ["0:00:00"]},
            "completed_at": {**clocks, "time_column": "end", "after": "started_at", "null_values": ["0:00:00"]},
        }
    )
    record = work({"d": "261005", "entry": "23:59:54", "start": "0:00:26", "end": "0:01:33"}, the_layout).record
    assert record["received_at"] == dt.datetime(2026, 10, 5, 23, 59, 54, tzinfo=UTC)
    assert record["started_at"] == dt.datetime(2026, 10, 6, 0, 0, 26, tzinfo=UTC)
    assert record["completed_at"] == dt.datetime(2026, 10, 6, 0, 1, 33, tzinfo=UTC)
    # Derived from the wrapped clocks, as no duration column is mapped.
    assert (record["wait_seconds"], record["handle_seconds"]) == (32.0, 67.0)

    same_day = work({"d": "261005", "entry": "23:40:00", "start": "23:52:10", "end": "0:00:32"}, the_layout).record
    assert same_day["started_at"].day == 5 and same_day["completed_at"] == dt.datetime(
        2026, 10, 6, 0, 0, 32, tzinfo=UTC
    )
    assert same_day["handle_seconds"] == 502.0

    never_served = work({"d": "261005", "entry": "10:00:00", "start": "0:00:00", "end": "0:00:00"}, the_layout).record
    assert never_served["started_at"] is None and never_served["completed_at"] is None
    assert never_served["wait_seconds"] is None and never_served["handle_seconds"] is None


def test_derived_durations_only_when_not_given_and_not_negative():
    the_layout = layout(
        fields={
            "started_at": {"column": "s"},
            "completed_at": {"column": "c"},
            "handle_seconds": {"column": "h"},
        }
    )
    values = {"ts": "2026-10-05T08:00:00", "s": "2026-10-05T08:01:00", "c": "2026-10-05T08:03:00"}
    record = work({**values, "h": ""}, the_layout).record
    assert (record["wait_seconds"], record["handle_seconds"]) == (60.0, 120.0)
    assert work({**values, "h": "100"}, the_layout).record["handle_seconds"] == 100.0  # the vendor's figure wins
    backwards = work({**values, "h": "", "c": "2026-10-05T08:00:30"}, the_layout)
    assert backwards.accepted and backwards.record["handle_seconds"] is None


def test_received_at_outside_the_period():
    parsed = work({"ts": "2026-11-01T00:03:00Z"})
    assert parsed.errors == [
        RowError(
            2,
            "ts",
            "2026-11-01T00:03:00Z",
            "received_at 2026-11-01T00:03:00+00:00 is outside the report period 2026-10-01 – 2026-10-31",
        )
    ]
    assert reasons(work({"ts": "2026-09-30T23:59:59Z"})) == [
        "received_at 2026-09-30T23:59:59+00:00 is outside the report period 2026-10-01 – 2026-10-31"
    ]
    assert work({"ts": "2026-10-31T23:59:59Z"}).accepted and work({"ts": "2026-10-01T00:00:00Z"}).accepted
    # The period is in absolute time: 00:30 in Paris on 1 November is still 31 October in UTC.
    assert work({"ts": "2026-11-01T00:30:00+01:00"}).accepted


# -- outcomes ----------------------------------------------------------------------------------


def test_outcome_map_and_unmapped_values():
    the_layout = layout(fields={"outcome": {"column": "outcome", "map": {"AGENT": "handled", "PHANTOM": "ignored"}}})
    assert work({"outcome": "AGENT"}, the_layout).record["outcome"] == "handled"
    assert work({"outcome": " PHANTOM "}, the_layout).record["outcome"] == "ignored"
    parsed = work({"outcome": "XFER"}, the_layout)
    assert parsed.errors == [
        RowError(2, "outcome", "XFER", "outcome 'XFER' is not one of the mapped values AGENT, PHANTOM")
    ]


def test_canonical_outcomes_are_case_insensitive():
    assert work({"outcome": "Self_Service"}).record["outcome"] == "self_service"


def test_outcome_rules_first_match_wins_before_the_map():
    the_layout = layout(
        fields={"outcome": {"column": "outcome", "map": {"AGENT": "handled", "HANG": "abandoned"}}},
        outcome_rules=[
            {
                "when": [
                    {"column": "outcome", "op": "equals", "value": "HANG"},
                    {"column": "q_start", "op": "equals", "value": "0:00:00"},
                ],
                "outcome": "self_service",
            },
            {"when": [{"column": "outcome", "op": "equals", "value": "HANG"}], "outcome": "abandoned"},
            {"when": [{"column": "server", "op": "equals", "value": "NO_SERVER"}], "outcome": "ignored"},
        ],
    )
    cases = [
        ({"outcome": "HANG", "q_start": "0:00:00", "server": "NO_SERVER"}, "self_service"),
        ({"outcome": "HANG", "q_start": "7:10:00", "server": "NO_SERVER"}, "abandoned"),
        ({"outcome": "AGENT", "q_start": "0:00:00", "server": "NO_SERVER"}, "ignored"),
        ({"outcome": "AGENT", "q_start": "0:00:00", "server": "IDIT"}, "handled"),
    ]
    for values, outcome in cases:
        assert work(values, the_layout).record["outcome"] == outcome


def test_rule_ops_in_is_empty_is_zero_not_equals():
    def outcome_for(op_condition: dict, values: dict) -> str | None:
        the_layout = layout(outcome_rules=[{"when": [op_condition], "outcome": "ignored"}])
        return work(values, the_layout).record["outcome"]

    is_in = {"column": "code", "op": "in", "value": ["X1", "X2", 3]}
    assert [outcome_for(is_in, {"code": c}) for c in ("X2", " X1 ", 3, "3", "X3", None)] == [
        "ignored", "ignored", "ignored", "ignored", "handled", "handled",
    ]  # fmt: skip
    is_empty = {"column": "agent", "op": "is_empty"}
    assert [outcome_for(is_empty, {"agent": a}) for a in ("", "  ", "N/A", None, "IDIT")] == [
        "ignored", "ignored", "ignored", "ignored", "handled",
    ]  # fmt: skip
    assert outcome_for(is_empty, {}) == "ignored"  # the column is absent from the row
    is_zero = {"column": "q", "op": "is_zero"}
    zeros = ("0", "0.00", "-0", "0,0", "0:00:00", "00:00", 0, 0.0, dt.time(0, 0), dt.timedelta(0))
    assert {outcome_for(is_zero, {"q": z}) for z in zeros} == {"ignored"}
    non_zeros = ("1", "0:00:01", "", "zero", None, 0.5, False, dt.time(0, 0, 1))
    assert {outcome_for(is_zero, {"q": z}) for z in non_zeros} == {"handled"}
    not_equals = {"column": "server", "op": "not_equals", "value": "IDIT"}
    assert [outcome_for(not_equals, {"server": s}) for s in ("IDIT", "TOVA", None)] == ["handled", "ignored", "ignored"]


def test_rules_without_an_outcome_field():
    the_layout = Layout.from_config(
        {
            "kind": "work_items",
            "fields": {"item_id": {"column": "id"}, "received_at": {"column": "ts"}},
            "outcome_rules": [{"when": [{"column": "status", "op": "equals", "value": 200}], "outcome": "handled"}],
        }
    )
    assert work({"status": "200"}, the_layout).record["outcome"] == "handled"
    assert work({"status": 200.0}, the_layout).record["outcome"] == "handled"
    assert work({"status": "500"}, the_layout).errors == [
        RowError(2, "outcome", None, "no outcome rule matches this row")
    ]


def test_missing_outcome_is_required():
    assert work({"outcome": ""}).errors == [RowError(2, "outcome", "", "required value is missing")]


# -- CSAT and quality --------------------------------------------------------------------------


def test_csat_with_a_fixed_scale():
    the_layout = layout(fields={"csat": {"column": "score", "scale_max": 5}})
    record = work({"score": "4"}, the_layout).record
    assert (record["csat"], record["csat_scale_max"]) == (4.0, 5.0)
    assert work({"score": ""}, the_layout).record["csat_scale_max"] is None
    assert work({"score": "7"}, the_layout).errors == [RowError(2, "score", "7", "CSAT 7 is outside the scale 0–5")]
    assert reasons(work({"score": "-1"}, the_layout)) == ["CSAT -1 is outside the scale 0–5"]
    assert reasons(work({"score": "4.5"}, layout(fields={"csat": {"column": "score", "scale_max": 4}}))) == [
        "CSAT 4.5 is outside the scale 0–4"
    ]


def test_csat_scale_from_a_column_defaults_to_five_and_respects_the_maximum():
    the_layout = layout(fields={"csat": {"column": "csat"}, "csat_scale_max": {"column": "scale"}}, max_csat_scale=10)
    assert work({"csat": "9", "scale": "10"}, the_layout).record["csat_scale_max"] == 10.0
    assert work({"csat": "4", "scale": ""}, the_layout).record["csat_scale_max"] == 5.0
    assert reasons(work({"csat": "9", "scale": ""}, the_layout)) == ["CSAT 9 is outside the scale 0–5"]
    assert reasons(work({"csat": "9", "scale": "100"}, the_layout)) == [
        "CSAT scale 100 exceeds the layout's maximum 10"
    ]
    assert reasons(work({"csat": "1", "scale": "0"}, the_layout)) == ["a CSAT scale must be a positive number"]


def test_quality_score_range():
    the_layout = layout(fields={"quality_score": {"column": "qa"}})
    assert work({"qa": "100"}, the_layout).record["quality_score"] == 100.0
    assert reasons(work({"qa": "-0.5"}, the_layout)) == ["quality score -0.5 is outside 0–100"]


# -- extras and odd rows -----------------------------------------------------------------------


def test_extras_are_kept_verbatim_even_on_rejected_rows():
    the_layout = layout(extras=["priority", "vru+line"])
    parsed = work({"priority": " 2", "vru+line": "AA0101"}, the_layout)
    assert parsed.extras == {"priority": " 2", "vru+line": "AA0101"}
    rejected = work({"priority": "0", "vru+line": "AA0102", "outcome": "?"}, the_layout)
    assert rejected.record is None and rejected.extras == {"priority": "0", "vru+line": "AA0102"}


def test_parser_checks_the_layout_kind():
    with pytest.raises(ValueError, match="WorkItemParser needs a work_items layout, not kpi_summary"):
        WorkItemParser(Layout.canonical("kpi_summary"), OCTOBER_2026)
    with pytest.raises(ValueError, match="KpiParser needs a kpi_summary layout"):
        KpiParser(Layout.canonical("work_items"))


# -- KPI summaries -----------------------------------------------------------------------------

CODES = frozenset({"aht", "asa", "service_level", "uptime"})


def kpi(values: dict, the_layout: Layout | None = None):
    base = {"metric": "aht", "period": "2026-10", "value": "312.5"}
    return KpiParser(the_layout or Layout.canonical("kpi_summary"), metric_codes=CODES).parse(
        RawRow(2, {**base, **values})
    )


def test_kpi_canonical_rows():
    data = csv_bytes(
        "metric,period,value,volume,invoiced_amount",
        "AHT,2026-10,312.5,1200,15000.00",
        "uptime,2026-10-01,99.95,,",
    )
    rows = parse(data, Layout.canonical("kpi_summary"), metric_codes=CODES)
    assert [r.record for r in rows] == [
        {"metric": "aht", "period": dt.date(2026, 10, 1), "value": 312.5, "volume": 1200, "invoiced_amount": 15000.0},
        {"metric": "uptime", "period": dt.date(2026, 10, 1), "value": 99.95, "volume": None, "invoiced_amount": None},
    ]


def test_kpi_periods():
    for raw in ("2026-10", "2026-10-01", "2026-10-31", "2026-1O-01x"):
        parsed = kpi({"period": raw})
        if raw.endswith("x"):
            assert reasons(parsed) == ["not a month in the form YYYY-MM or YYYY-MM-DD"]
        else:
            assert parsed.record["period"] == dt.date(2026, 10, 1)
    assert kpi({"period": dt.datetime(2026, 10, 1)}).record["period"] == dt.date(2026, 10, 1)
    assert reasons(kpi({"period": "2026-13"})) == ["not a month in the form YYYY-MM or YYYY-MM-DD"]
    assert reasons(kpi({"period": "2026-02-30"})) == ["not a month in the form YYYY-MM or YYYY-MM-DD"]
    custom = Layout.from_config(
        {
            "kind": "kpi_summary",
            "fields": {
                "metric": {"column": "metric"},
                "period": {"column": "period", "format": "%m/%Y"},
                "value": {"column": "value"},
            },
        }
    )
    assert kpi({"period": "10/2026"}, custom).record["period"] == dt.date(2026, 10, 1)


def test_kpi_errors():
    parsed = kpi({"metric": "speed", "value": "fast", "volume": "12.5", "invoiced_amount": "abc"})
    assert parsed.errors == [
        RowError(2, "metric", "speed", "unknown metric 'speed' (known: aht, asa, service_level, uptime)"),
        RowError(2, "value", "fast", "not a number"),
        RowError(2, "volume", "12.5", "not a whole number"),
        RowError(2, "invoiced_amount", "abc", "not a number"),
    ]
    assert reasons(kpi({"volume": "-3"})) == ["must not be negative"]
    assert reasons(kpi({"value": ""})) == ["required value is missing"]


def test_kpi_decimal_comma_and_metric_map_and_any_code_without_a_catalogue():
    the_layout = Layout.from_config(
        {
            "kind": "kpi_summary",
            "delimiter": ";",
            "decimal_comma": True,
            "fields": {
                "metric": {"column": "KPI", "map": {"Average Handle Time": "aht"}},
                "period": {"column": "Month"},
                "value": {"column": "Result"},
                "invoiced_amount": {"column": "Amount"},
            },
        }
    )
    data = csv_bytes("KPI;Month;Result;Amount", "Average Handle Time;2026-10;312,5;1.234.567,89")
    record = one(data, the_layout, metric_codes=CODES).record
    assert record == {
        "metric": "aht",
        "period": dt.date(2026, 10, 1),
        "value": 312.5,
        "volume": None,
        "invoiced_amount": 1234567.89,
    }
    anything = KpiParser(the_layout).parse(RawRow(2, {"KPI": "Made_Up", "Month": "2026-10", "Result": "1"}))
    assert anything.record["metric"] == "made_up"
