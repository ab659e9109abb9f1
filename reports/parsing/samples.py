"""Layouts for real-world files, kept as plain config dicts so that the Django side can
store them as vendor layouts and the tests can parse the real data with them.
"""

from __future__ import annotations

from typing import Any

# The "Anonymous Bank" call centre (Israel, 1999; Technion, Avi Mandelbaum and Ilan Guedj):
# tab-separated, one row per call, time-of-day clocks with the date in a separate YYMMDD
# column. "0:00:00" marks a clock that never started (no queue, no service) and NO_SERVER a
# call no agent took. HANG splits in two: hung up in the voice menu before queueing is a
# self-service exit, hung up while queueing is an abandon; PHANTOM calls are to be ignored.
# The seconds columns (q_time, ser_time) are authoritative: the clocks wrap at midnight.
ANONYMOUS_BANK_LAYOUT: dict[str, Any] = {
    "kind": "work_items",
    "format": "csv",
    "delimiter": "\t",
    "encoding": "utf-8",
    "header_row": 1,
    "timezone": "Asia/Jerusalem",
    "fields": {
        "item_id": {"columns": ["vru+line", "call_id"], "separator": "-"},
        "channel": {"constant": "voice"},
        "queue": {"column": "type"},
        "received_at": {
            "date_column": "date",
            "date_format": "%y%m%d",
            "time_column": "vru_entry",
            "time_format": "%H:%M:%S",
        },
        "started_at": {
            "date_column": "date",
            "date_format": "%y%m%d",
            "time_column": "ser_start",
            "time_format": "%H:%M:%S",
            "null_values": ["0:00:00"],
            "after": "received_at",
        },
        "completed_at": {
            "date_column": "date",
            "date_format": "%y%m%d",
            "time_column": "ser_exit",
            "time_format": "%H:%M:%S",
            "null_values": ["0:00:00"],
            "after": "started_at",
        },
        "wait_seconds": {"column": "q_time", "unit": "seconds"},
        "handle_seconds": {"column": "ser_time", "unit": "seconds"},
        "agent": {"column": "server", "null_values": ["NO_SERVER"]},
        "outcome": {"column": "outcome", "map": {"AGENT": "handled", "HANG": "abandoned", "PHANTOM": "ignored"}},
    },
    "outcome_rules": [
        {
            "when": [
                {"column": "outcome", "op": "equals", "value": "HANG"},
                {"column": "q_start", "op": "equals", "value": "0:00:00"},
            ],
            "outcome": "self_service",
        },
        {"when": [{"column": "outcome", "op": "equals", "value": "HANG"}], "outcome": "abandoned"},
    ],
    "extras": ["customer_id", "priority", "vru_time"],
}
