"""Layout configs: every validation message, the canonical layouts, required columns, round trips."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reports.parsing import ANONYMOUS_BANK_LAYOUT, KPI_FIELDS, WORK_ITEM_FIELDS, Layout, LayoutError
from tests.parsing.helpers import MINIMAL, config


def messages(cfg: dict[str, Any]) -> list[str]:
    with pytest.raises(LayoutError) as caught:
        Layout.from_config(cfg)
    assert str(caught.value) == "; ".join(caught.value.messages)
    return caught.value.messages


def test_minimal_layout_compiles_with_defaults():
    layout = Layout.from_config(MINIMAL)
    assert layout.kind == "work_items"
    assert (layout.format, layout.delimiter, layout.quotechar, layout.encoding) == ("auto", ",", '"', "utf-8")
    assert layout.header_row == 1 and layout.sheet is None and layout.timezone == "UTC"
    assert layout.decimal_comma is False
    assert layout.null_values == frozenset({"", "NULL", "N/A"})
    assert list(layout.fields) == ["item_id", "received_at", "outcome"]
    assert layout.required_columns() == {"id", "ts", "outcome"}


def test_kind_missing_and_unknown():
    assert messages({"fields": {}}) == ["kind: required (one of work_items, kpi_summary)"]
    assert messages({"kind": "invoices"}) == ["kind: must be one of work_items, kpi_summary"]


def test_unknown_top_level_key():
    assert messages(config(colour="red"))[0].startswith("colour: unknown key (known: kind, format, delimiter")


def test_unknown_canonical_field():
    msgs = messages(config(fields={"wait_time": {"column": "w"}}))
    assert msgs == [f"fields.wait_time: unknown field (fields of work_items: {', '.join(WORK_ITEM_FIELDS)})"]


def test_field_without_a_source():
    assert messages(config(fields={"channel": {"null_values": ["-"]}})) == [
        "fields.channel: needs one of column, columns, constant"
    ]
    assert messages(config(fields={"started_at": {"format": "iso"}})) == [
        "fields.started_at: needs one of column, columns, constant, date_column"
    ]


def test_field_with_two_sources():
    assert messages(config(fields={"channel": {"column": "c", "constant": "voice"}})) == [
        "fields.channel: give only one of column, constant"
    ]


def test_bad_unit():
    assert messages(config(fields={"wait_seconds": {"column": "q", "unit": "hours"}})) == [
        "fields.wait_seconds.unit: must be one of seconds, minutes, hms"
    ]


def test_option_not_allowed_for_the_field_type():
    msgs = messages(config(fields={"channel": {"column": "c", "unit": "seconds"}}))
    assert len(msgs) == 1 and msgs[0].startswith("fields.channel.unit: unknown option for a text field")


def test_bad_rule_op_and_rule_outcome():
    rules = [{"when": [{"column": "x", "op": "startswith", "value": "A"}], "outcome": "dropped"}]
    assert messages(config(outcome_rules=rules)) == [
        "outcome_rules[0].outcome: must be one of handled, abandoned, self_service, ignored",
        "outcome_rules[0].when[0].op: must be one of equals, not_equals, in, is_empty, is_zero",
    ]


def test_rule_values_checked_per_op():
    rules = [
        {
            "when": [
                {"column": "a", "op": "equals"},
                {"column": "b", "op": "in", "value": "X"},
                {"column": "c", "op": "is_empty", "value": "X"},
                {"op": "is_zero"},
            ],
            "outcome": "handled",
        },
        {"when": [], "outcome": "handled"},
    ]
    assert messages(config(outcome_rules=rules)) == [
        "outcome_rules[0].when[0].value: required for equals (a text or number)",
        "outcome_rules[0].when[1].value: must be a non-empty list of values for in",
        "outcome_rules[0].when[2].value: not used by is_empty",
        "outcome_rules[0].when[3].column: must be a column name",
        "outcome_rules[1].when: must be a non-empty list of conditions",
    ]


def test_map_values_must_be_outcomes():
    cfg = config(fields={"outcome": {"column": "o", "map": {"AGENT": "handled", "PHANTOM": "dropped"}}})
    assert messages(cfg) == [
        "fields.outcome.map.PHANTOM: 'dropped' must be one of handled, abandoned, self_service, ignored"
    ]


def test_constant_outcome_is_checked_once_at_layout_time():
    msgs = messages(config(fields={"outcome": {"constant": "done"}}))
    assert msgs == [
        "fields.outcome.constant: outcome 'done' is not one of handled, abandoned, self_service, ignored ('done')"
    ]
    assert Layout.from_config(config(fields={"outcome": {"constant": "handled"}})).fields["outcome"].has_constant


def test_invalid_timezone():
    assert messages(config(timezone="Mars/Olympus")) == [
        "timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Paris)"
    ]


def test_bad_strptime_formats():
    msgs = messages(
        config(
            fields={
                "received_at": {"column": "ts", "format": "%d/%m/%Y %Q"},
                "started_at": {"column": "s", "format": "dd/mm/yyyy"},
            }
        )
    )
    assert msgs[0].startswith("fields.received_at.format: not a valid strptime format '%d/%m/%Y %Q'")
    assert (
        msgs[1]
        == "fields.started_at.format: must be \"iso\" or a strptime format such as %d/%m/%Y %H:%M, not 'dd/mm/yyyy'"
    )


def test_delimiter_and_other_top_level_values():
    msgs = messages(
        config(
            delimiter=":",
            format="xls",
            encoding="utf-16",
            header_row=0,
            quotechar="''",
            decimal_comma="yes",
            null_values="NULL",
            max_csat_scale=-1,
        )
    )
    assert msgs == [
        "format: must be one of auto, csv, xlsx, json, ndjson",
        "delimiter: must be one of ',', '\\t', ';', '|', 'auto'",
        "quotechar: must be a single character",
        "encoding: must be one of utf-8, utf-8-sig, latin-1, cp1252, auto",
        "header_row: must be a whole number of at least 1",
        "decimal_comma: must be true or false",
        "null_values: must be a list of strings",
        "max_csat_scale: must be a positive number or null",
    ]


def test_encoding_aliases_are_normalised():
    assert Layout.from_config(config(encoding="windows-1252")).encoding == "cp1252"
    assert Layout.from_config(config(encoding="latin1")).encoding == "latin-1"
    assert Layout.from_config(config(encoding="UTF8")).encoding == "utf-8"
    assert Layout.from_config(config(encoding="auto")).encoding == "auto"


def test_required_fields_of_each_kind():
    assert messages({"kind": "work_items", "fields": {"channel": {"constant": "voice"}}}) == [
        "fields.item_id: required for work_items",
        "fields.received_at: required for work_items",
        "fields.outcome: required for work_items",
    ]
    assert messages({"kind": "kpi_summary"}) == [
        "fields.metric: required for kpi_summary",
        "fields.period: required for kpi_summary",
        "fields.value: required for kpi_summary",
    ]


def test_outcome_may_come_from_rules_alone():
    cfg = copy.deepcopy(MINIMAL)
    del cfg["fields"]["outcome"]
    cfg["outcome_rules"] = [{"when": [{"column": "status", "op": "equals", "value": "ok"}], "outcome": "handled"}]
    assert Layout.from_config(cfg).required_columns() == {"id", "ts", "status"}


def test_after_must_name_another_mapped_datetime_with_time_columns():
    date_time = {"date_column": "d", "time_column": "t"}
    assert messages(config(fields={"completed_at": {**date_time, "after": "started_at"}})) == [
        "fields.completed_at.after: must name another mapped date-time field (received_at)"
    ]
    assert messages(config(fields={"completed_at": {"column": "c", "after": "received_at"}})) == [
        "fields.completed_at.after: only allowed with date_column and time_column (time-of-day clocks)"
    ]
    cycle = {
        "started_at": {**date_time, "after": "completed_at"},
        "completed_at": {**date_time, "after": "started_at"},
    }
    assert messages(config(fields=cycle)) == [
        "fields.started_at.after: the after references form a cycle",
        "fields.completed_at.after: the after references form a cycle",
    ]


def test_time_column_needs_date_column():
    assert messages(config(fields={"started_at": {"column": "s", "time_column": "t"}})) == [
        "fields.started_at.time_column: only allowed together with date_column"
    ]


def test_boolean_and_csat_options():
    msgs = messages(
        config(
            fields={
                "accurate": {"column": "a", "true_values": ["Y"], "false_values": ["y"]},
                "csat": {"column": "c", "scale_max": 0},
            }
        )
    )
    assert msgs == [
        "fields.accurate: values both true and false: y",
        "fields.csat.scale_max: must be a positive number",
    ]


def test_outcome_rules_not_for_kpi_layouts():
    cfg = {
        "kind": "kpi_summary",
        "fields": {"metric": {"column": "m"}, "period": {"column": "p"}, "value": {"column": "v"}},
        "outcome_rules": [{"when": [{"column": "x", "op": "is_empty"}], "outcome": "handled"}],
    }
    assert messages(cfg) == ["outcome_rules: only for work_items layouts"]


def test_all_messages_at_once():
    cfg = config(
        fields={"wait_seconds": {"column": "q", "unit": "hours"}, "agent": {}},
        timezone="Nowhere/Land",
        delimiter="#",
    )
    del cfg["kind"]
    assert len(messages(cfg)) == 3  # kind, delimiter, timezone (fields are not checked without a kind)
    cfg["kind"] = "work_items"
    assert len(messages(cfg)) == 4  # delimiter, timezone, unit, agent without source


def test_required_columns_cover_fields_rules_and_extras_but_not_optional_fields():
    layout = Layout.from_config(
        config(
            fields={
                "item_id": {"columns": ["vru", "call"], "separator": "-"},
                "received_at": {"date_column": "date", "time_column": "time"},
                "channel": {"constant": "voice"},
                "queue": {"column": "q", "optional": True},
            },
            outcome_rules=[{"when": [{"column": "q_start", "op": "is_zero"}], "outcome": "self_service"}],
            extras=["priority"],
        )
    )
    assert layout.required_columns() == {"vru", "call", "date", "time", "outcome", "q_start", "priority"}
    assert layout.ordered_required_columns() == ("vru", "call", "date", "time", "outcome", "q_start", "priority")


def test_to_config_round_trips():
    for cfg in (MINIMAL, ANONYMOUS_BANK_LAYOUT):
        layout = Layout.from_config(cfg)
        exported = layout.to_config()
        assert {k: exported[k] for k in cfg} == cfg
        again = Layout.from_config(exported)
        assert again == layout and again.to_config() == exported
    exported["fields"]["item_id"]["separator"] = "/"  # a copy: the layout is unaffected
    assert Layout.from_config(ANONYMOUS_BANK_LAYOUT).fields["item_id"].separator == "-"


def test_canonical_layouts():
    work = Layout.canonical("work_items")
    assert tuple(work.fields) == WORK_ITEM_FIELDS
    assert all(spec.column == name for name, spec in work.fields.items())
    assert work.required_columns() == {"item_id", "received_at", "outcome"}
    assert work.timezone == "UTC" and work.delimiter == "auto"
    kpi = Layout.canonical("kpi_summary")
    assert tuple(kpi.fields) == KPI_FIELDS
    assert kpi.required_columns() == {"metric", "period", "value"}
    assert Layout.from_config(work.to_config()) == work
    with pytest.raises(LayoutError):
        Layout.canonical("invoices")


def test_layout_is_built_only_through_its_constructors():
    with pytest.raises(TypeError):
        Layout()


def test_anonymous_bank_layout_is_valid():
    layout = Layout.from_config(ANONYMOUS_BANK_LAYOUT)
    assert layout.delimiter == "\t" and layout.timezone == "Asia/Jerusalem"
    assert layout.fields["completed_at"].after == "started_at"
    assert layout.required_columns() == {
        "vru+line", "call_id", "type", "date", "vru_entry", "ser_start", "ser_exit", "q_time", "ser_time",
        "server", "outcome", "q_start", "customer_id", "priority", "vru_time",
    }  # fmt: skip
