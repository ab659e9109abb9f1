"""The SQL path equals the Python reference on random work items and parameters (PostgreSQL only)."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalogue import CATALOGUE
from reports.models import WorkItem
from slas.metrics import MetricRequest, compute_python, compute_sql
from tests.slas.helpers import OCTOBER, add_items, item, make_report, raw_rows, same

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="compute_sql needs PostgreSQL"),
]

START, END = OCTOBER.start, OCTOBER.end
TICK = dt.timedelta(microseconds=1)


@st.composite
def parameters_for(draw: st.DrawFn, code: str) -> dict[str, Any]:
    """Random valid parameters for a catalogue metric (defaults left out half the time)."""
    drawn: dict[str, Any] = {}
    for param in CATALOGUE[code].parameters:
        if not param.required and draw(st.booleans()):
            continue
        if param.choices:
            drawn[param.name] = draw(st.sampled_from(param.choices))
        elif param.name == "threshold_seconds":
            drawn[param.name] = draw(st.one_of(st.sampled_from([10, 20]), st.integers(1, 60)))
        elif param.name == "short_abandon_seconds":
            drawn[param.name] = draw(st.sampled_from([0, 5, 10, 20]))
        elif param.name == "hours":
            drawn[param.name] = draw(st.one_of(st.just(24), st.integers(1, 72)))
        elif param.name == "top_box_threshold":
            drawn[param.name] = draw(st.sampled_from([0.0, 3.0, 4.0, 4.5, 8.0, 9.0, 10.0]))
        else:
            raise AssertionError(f"no strategy for {code}.{param.name}")
    return drawn


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[MetricRequest], list[dict[str, Any]]]:
    """Requests for every catalogue metric (some twice, some sharing parameters) and items around them."""
    requests: list[MetricRequest] = []
    for code in CATALOGUE:
        for copy in range(draw(st.integers(1, 3))):
            requests.append(MetricRequest(f"{code}#{copy}", code, draw(parameters_for(code))))
    # Waits and durations on the parameters' edges, so "≤ T", "> T" and "< S" are all tested at equality.
    thresholds = sorted({r.parameters.get("threshold_seconds", 20) for r in requests})
    shorts = sorted({r.parameters.get("short_abandon_seconds", 0) for r in requests})
    hours = sorted({r.parameters.get("hours", 24) for r in requests})
    top_boxes = sorted({r.parameters.get("top_box_threshold", 4.0) for r in requests if r.code == "csat"})
    edges = [float(edge) for edge in thresholds + shorts]
    near_edges = [edge + delta for edge in edges for delta in (-1, -0.5, 0.5, 1) if edge + delta >= 0]
    seconds = st.one_of(
        st.none(),
        st.just(0.0),
        st.sampled_from(edges),
        st.sampled_from(edges),
        st.sampled_from(near_edges),
        st.floats(0, 900, allow_nan=False, allow_infinity=False),
        st.integers(0, 4000).map(float),
    )
    received = st.one_of(
        st.sampled_from([START, START + TICK, START - TICK, END - TICK, END, END - dt.timedelta(hours=3)]),
        st.datetimes(
            min_value=dt.datetime(2026, 9, 30, 12), max_value=dt.datetime(2026, 11, 1, 12), timezones=st.just(dt.UTC)
        ),
    )

    @st.composite
    def work_item(draw: st.DrawFn) -> dict[str, Any]:
        at = draw(received)
        completion = draw(
            st.one_of(
                st.none(),
                st.sampled_from([dt.timedelta(hours=h) + d for h in hours for d in (-TICK, dt.timedelta(0), TICK)]),
                st.timedeltas(dt.timedelta(seconds=-60), dt.timedelta(days=4)),
                st.sampled_from(["end-", "end", "end+"]),
            )
        )
        if completion in ("end-", "end", "end+"):
            completed = END + {"end-": -TICK, "end": dt.timedelta(0), "end+": TICK}[completion]
        else:
            completed = None if completion is None else at + completion
        scale = draw(st.sampled_from([None, 5.0, 10.0, 0.0]))
        scores = st.one_of(
            st.none(),
            st.integers(0, int(scale or 0)).map(float),
            st.sampled_from([t for t in top_boxes if t <= (scale or 0)] or [0.0]),  # scores on the top-box edge
        )
        score = None if scale is None else draw(scores)
        flag = st.sampled_from([None, True, False])
        return item(
            at,
            draw(st.sampled_from(["handled", "handled", "abandoned", "abandoned", "self_service", "ignored"])),
            started_at=None,
            completed_at=completed,
            wait_seconds=draw(seconds),
            handle_seconds=draw(seconds),
            resolved_first_contact=draw(flag),
            csat=score,
            csat_scale_max=scale if draw(st.integers(0, 9)) else None,
            quality_score=draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
            accurate=draw(flag),
        )

    # Drawing the length first gives lists of all lengths up to 40 (st.lists alone favours very short ones).
    size = draw(st.integers(0, 40))
    return requests, draw(st.lists(work_item(), min_size=size, max_size=size))


@pytest.fixture
def report():
    return make_report()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_sql_equals_python_reference(report, scenario):
    requests, rows = scenario
    WorkItem.objects.filter(report=report).delete()
    add_items(report, rows)
    by_sql = compute_sql(
        contract_id=report.contract_id, process_id=report.process_id, period=OCTOBER, requests=requests
    )
    # The generated rows themselves (Berlin and UTC datetimes), not what the database gave back.
    by_python = compute_python(rows, requests, period=OCTOBER)
    assert compute_python(raw_rows(report), requests, period=OCTOBER).keys() == by_python.keys()
    assert by_sql.keys() == by_python.keys() == {r.key for r in requests}
    for request in requests:
        assert same(by_sql[request.key], by_python[request.key]), (request, by_sql[request.key], by_python[request.key])
