"""Metrics of the real "Anonymous Bank" call records (Feb 1999), against the raw file read with the csv module.

The file is imported exactly as ``tests/reports/test_anonymous_bank.py`` does it; the
expected numbers come from the tab-separated text alone, by the dataset's documentation:
AGENT → handled, HANG before queueing (q_start 0:00:00) → self-service, other HANG →
abandoned, PHANTOM → ignored; wait = q_time, handle = ser_time; rows with a negative
q_time or ser_time are rejected by the import and left out here too.
"""

import csv
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from slas.metrics import MetricRequest, MetricValue, compute
from tests.reports.test_anonymous_bank import FIXTURE, FULL, _import

pytestmark = pytest.mark.django_db

REQUESTS = [
    MetricRequest("asa", "asa", {}),
    MetricRequest("aht", "aht", {}),
    MetricRequest("service_level", "service_level", {"threshold_seconds": 20, "variant": "standard"}),
    MetricRequest("abandon_rate", "abandon_rate", {}),
    MetricRequest("p90", "handle_time_percentile", {"percentile": 90}),
]


@dataclass
class Calls:
    waits: list[int] = field(default_factory=list)  # of handled calls
    handles: list[int] = field(default_factory=list)  # of handled calls
    abandoned: int = 0
    rejected: int = 0


def read_calls(path: Path) -> Calls:
    calls = Calls()
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            wait, talk = int(row["q_time"]), int(row["ser_time"])
            if wait < 0 or talk < 0:
                calls.rejected += 1
            elif row["outcome"] == "AGENT":
                calls.waits.append(wait)
                calls.handles.append(talk)
            elif row["outcome"] == "HANG" and row["q_start"] != "0:00:00":
                calls.abandoned += 1
    return calls


def expected_values(calls: Calls) -> dict[str, MetricValue]:
    handled = len(calls.waits)
    offered = handled + calls.abandoned
    answered = sum(1 for wait in calls.waits if wait <= 20)
    # statistics' "inclusive" method is linear interpolation at rank p/100 × (n − 1), which is
    # percentile_cont's definition; cut point 90 of 100 is the 90th percentile.
    p90 = statistics.quantiles(calls.handles, n=100, method="inclusive")[89]
    return {
        "asa": MetricValue(sum(calls.waits) / handled, handled),
        "aht": MetricValue(sum(calls.handles) / handled, handled),
        "service_level": MetricValue(answered / offered * 100, offered, answered, offered),
        "abandon_rate": MetricValue(calls.abandoned / offered * 100, offered, calls.abandoned, offered),
        "p90": MetricValue(p90, handled),
    }


def check(path: Path, django_capture_on_commit_callbacks) -> dict[str, MetricValue]:
    report = _import(path, django_capture_on_commit_callbacks)
    calls = read_calls(path)
    assert report.rows_rejected == calls.rejected
    values = compute(
        contract_id=report.contract_id, process_id=report.process_id, period=report.period, requests=REQUESTS
    )
    expected = expected_values(calls)
    for key, want in expected.items():
        got = values[key]
        assert got.sample_size == want.sample_size, key
        assert math.isclose(got.value, want.value, rel_tol=1e-9, abs_tol=1e-9), (key, got.value, want.value)
        for part in ("numerator", "denominator"):
            assert getattr(got, part) == getattr(want, part), (key, part)
    return values


def test_sample_slice_metrics(django_capture_on_commit_callbacks):
    values = check(FIXTURE, django_capture_on_commit_callbacks)
    assert values["aht"].sample_size > 300  # the slice is mostly answered calls


@pytest.mark.skipif(not FULL.exists(), reason="../shared dataset not present")
def test_full_month_metrics(django_capture_on_commit_callbacks):
    values = check(FULL, django_capture_on_commit_callbacks)
    assert values["aht"].sample_size > 27_000
