"""Every metric on small fixtures whose numbers are worked out by hand in the comments.

``measure`` runs ``compute`` (SQL on PostgreSQL, the Python reference on SQLite) and also
checks the Python reference over the raw rows, so on PostgreSQL each case holds both paths.
"""

import datetime as dt

import pytest
from django.db import connection

from core.catalogue import CATALOGUE
from slas.metrics import (
    PYTHON_FORMULAS,
    SQL_FORMULAS,
    MetricRequest,
    MetricValue,
    build_query,
    compute_python,
    compute_sql,
    metric_formula,
    percentile_cont,
)
from tests.slas.helpers import BERLIN, OCTOBER, add_items, item, make_report, measure

pytestmark = pytest.mark.django_db

START, END = OCTOBER.start, OCTOBER.end
HOUR = dt.timedelta(hours=1)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=BERLIN)


def req(key: str, code: str | None = None, **parameters) -> MetricRequest:
    return MetricRequest(key, code or key, parameters)


def pct(value: float) -> pytest.approx:
    return pytest.approx(value, rel=1e-12, abs=1e-12)


# Twelve rows; items 1–9 count, 10 is ignored, 11 and 12 fall just outside October.
CALL_CENTRE = [
    # 1: on the period's first instant (included).
    item(START, "handled", wait_seconds=10, handle_seconds=100, resolved_first_contact=True, csat=5,
         csat_scale_max=5, quality_score=90, accurate=True, completed_at=START + HOUR),
    # 2: answered at exactly T = 20; completed exactly 24 h later, which is the period's end.
    item(END - 24 * HOUR, "handled", wait_seconds=20, handle_seconds=200, resolved_first_contact=False, csat=3,
         csat_scale_max=5, quality_score=70, accurate=False, completed_at=END),
    # 3: completed 25 h after receipt, 23 h after the period's end.
    item(END - 2 * HOUR, "handled", wait_seconds=30, handle_seconds=300, csat=8, csat_scale_max=10,
         accurate=True, completed_at=END + 23 * HOUR),
    # 4: handled with nothing recorded.
    item(at(10), "handled", resolved_first_contact=True),
    # 5–8: abandons after 3 s (short when S = 5), 25 s (beyond T), unknown and 15 s (within T).
    item(at(10, 10), "abandoned", wait_seconds=3),
    item(at(10, 11), "abandoned", wait_seconds=25),
    item(at(10, 12), "abandoned"),
    item(at(10, 13), "abandoned", wait_seconds=15),
    # 9: self-service: not offered, but rated, checked and completed at once.
    item(at(12), "self_service", handle_seconds=50, csat=10, csat_scale_max=10, accurate=True, completed_at=at(12)),
    # 10: ignored; 11: a microsecond before October; 12: on November's first instant.
    item(at(12, 10), "ignored", wait_seconds=1, handle_seconds=1000, csat=1, csat_scale_max=5, quality_score=0,
         accurate=False, resolved_first_contact=False),
    item(START - dt.timedelta(microseconds=1), "handled", wait_seconds=0, handle_seconds=5000, csat=1,
         csat_scale_max=5, quality_score=0, accurate=False, resolved_first_contact=False),
    item(END, "handled", wait_seconds=0, handle_seconds=5000, csat=1, csat_scale_max=5, quality_score=0,
         accurate=False, resolved_first_contact=False, completed_at=END),
]  # fmt: skip


@pytest.fixture
def call_centre():
    report = make_report()
    add_items(report, CALL_CENTRE)
    # Another contract's rows in the same month must not leak in.
    add_items(make_report(), [item(at(5), "handled", wait_seconds=999, handle_seconds=999, accurate=False)])
    return report


def test_means_and_percentiles(call_centre):
    values = measure(
        call_centre,
        [
            req("aht"),
            req("asa"),
            req("p90", "handle_time_percentile", percentile=90),
            req("p50", "handle_time_percentile", percentile=50),
            req("quality_score"),
        ],
    )
    # Handled in October with a handle time: items 1–3 (4 has none; 11, 12 outside; 10 ignored).
    assert values["aht"] == MetricValue((100 + 200 + 300) / 3, 3)  # 200
    assert values["asa"] == MetricValue((10 + 20 + 30) / 3, 3)  # 20
    # [100, 200, 300]: rank 0.9 × 2 = 1.8 → 200 + 0.8 × (300 − 200) = 280; rank 0.5 × 2 = 1 → 200.
    assert values["p90"].value == pct(280.0) and values["p90"].sample_size == 3
    assert values["p50"] == MetricValue(200.0, 3)
    # Items 1 and 2 have a score: (90 + 70) / 2.
    assert values["quality_score"] == MetricValue(80.0, 2)


def test_service_level_variants(call_centre):
    values = measure(
        call_centre,
        [
            req("standard", "service_level", threshold_seconds=20, variant="standard", short_abandon_seconds=5),
            req("short", "service_level", threshold_seconds=20, variant="short_abandon", short_abandon_seconds=5),
            req("exclude", "service_level", threshold_seconds=20, variant="exclude_abandons_within_threshold"),
            req("partial", "service_level", threshold_seconds=20),  # variant and S completed with the defaults
        ],
    )
    # Answered within 20 s: items 1 (10 s) and 2 (20 s = T); 3 waited 30 s; 4 has no wait, so it is not.
    # standard: offered = handled 1–4 + abandoned 5–8 = 8 → 2 / 8; S is not used by this variant.
    assert values["standard"] == MetricValue(25.0, 8, 2.0, 8.0)
    assert values["partial"] == values["standard"]
    # short_abandon, S = 5: item 5 (3 s) leaves offered; 7 (unknown wait) stays → 2 / 7.
    assert values["short"] == MetricValue(pct(200 / 7), 7, 2.0, 7.0)
    # exclude: handled 4 + abandoned beyond 20 s (item 6; not 5, 8, nor 7 of unknown wait) → 2 / 5.
    assert values["exclude"] == MetricValue(40.0, 5, 2.0, 5.0)


def test_abandon_rate(call_centre):
    values = measure(
        call_centre,
        [req("all", "abandon_rate"), req("zero", "abandon_rate", short_abandon_seconds=0),
         req("short", "abandon_rate", short_abandon_seconds=5)],
    )  # fmt: skip
    # 4 abandoned of 8 offered (self-service item 9 is not offered).
    assert values["all"] == values["zero"] == MetricValue(50.0, 8, 4.0, 8.0)
    # S = 5: item 5 (3 s) leaves both sides; item 7 (unknown wait) counts → 3 / 7.
    assert values["short"] == MetricValue(pct(300 / 7), 7, 3.0, 7.0)


def test_flags_and_csat(call_centre):
    values = measure(
        call_centre,
        [req("fcr"), req("accuracy"), req("mean", "csat"), req("top", "csat", mode="top_box", top_box_threshold=4)],
    )
    # Handled with the flag: 1 (true), 2 (false), 4 (true); 3 has none → 2 / 3.
    assert values["fcr"] == MetricValue(pct(200 / 3), 3, 2.0, 3.0)
    # Any outcome with the flag: 1, 3, 9 true, 2 false → 3 / 4.
    assert values["accuracy"] == MetricValue(75.0, 4, 3.0, 4.0)
    # Rated: 1 (5/5 → 100), 2 (3/5 → 60), 3 (8/10 → 80), 9 (10/10 → 100) → 340 / 4.
    assert values["mean"].value == pct(85.0) and values["mean"].sample_size == 4
    # Raw score ≥ 4: items 1 (5), 3 (8), 9 (10); not 2 (3) → 3 / 4.
    assert values["top"] == MetricValue(75.0, 4, 3.0, 4.0)


def test_turnaround_backlog_volume(call_centre):
    values = measure(
        call_centre, [req("turnaround", hours=24), req("turnaround_26", "turnaround", hours=26), req("backlog"),
                      req("volume"), req("uptime")],
    )  # fmt: skip
    # All items 1–9. Within 24 h: 1 (1 h), 2 (exactly 24 h), 9 (0 h); 3 took 25 h; 4–8 never completed.
    assert values["turnaround"] == MetricValue(pct(100 / 3), 9, 3.0, 9.0)
    assert values["turnaround_26"] == MetricValue(pct(400 / 9), 9, 4.0, 9.0)  # item 3 as well
    # Not completed: 4–8; completed at or after the period's end: 2 (at it) and 3 → 7 of 9.
    assert values["backlog"] == MetricValue(7.0, 9, 7.0, 9.0)
    assert values["volume"] == MetricValue(8.0, 8)
    assert values["uptime"] == MetricValue(None, 0)


def test_turnaround_counts_real_hours_across_the_dst_change():
    report = make_report()
    received = dt.datetime(2026, 10, 24, 12, tzinfo=BERLIN)  # CEST, UTC+2
    rows = [
        # 25 Oct 11:30 CET (UTC+1) is 24.5 real hours later, although the clock moved 23.5 hours.
        item(received, completed_at=dt.datetime(2026, 10, 25, 11, 30, tzinfo=BERLIN)),
        # 25 Oct 10:30 CET is 23.5 real hours later.
        item(received, completed_at=dt.datetime(2026, 10, 25, 10, 30, tzinfo=BERLIN)),
    ]
    add_items(report, rows)
    expected = MetricValue(50.0, 2, 1.0, 2.0)
    assert measure(report, [req("turnaround", hours=24)])["turnaround"] == expected
    # The reference itself, given Berlin datetimes rather than the UTC ones the database returns.
    assert compute_python(rows, [req("turnaround", hours=24)], period=OCTOBER)["turnaround"] == expected


ALL_METRICS = [
    req("aht"),
    req("asa"),
    req("service_level", threshold_seconds=20),
    req("exclude", "service_level", threshold_seconds=20, variant="exclude_abandons_within_threshold"),
    req("abandon_rate"),
    req("short_abandon_rate", "abandon_rate", short_abandon_seconds=10),
    req("fcr"),
    req("csat"),
    req("top_box", "csat", mode="top_box"),
    req("quality_score"),
    req("accuracy"),
    req("turnaround", hours=24),
    req("backlog"),
    req("volume"),
    req("handle_time_percentile"),
    req("uptime"),
]


def test_empty_period_gives_no_value_and_no_division_by_zero():
    report = make_report()
    # Rows in September and ignored ones only: October has nothing to measure.
    add_items(report, [item(at(1) - 31 * 24 * HOUR, wait_seconds=5, handle_seconds=60), item(at(2), "ignored")])
    values = measure(report, ALL_METRICS)
    assert {key: (v.value, v.sample_size) for key, v in values.items()} == {r.key: (None, 0) for r in ALL_METRICS}


def test_all_abandoned_no_handled_items():
    report = make_report()
    add_items(report, [item(at(3), "abandoned", wait_seconds=5, completed_at=at(3)),
                       item(at(4), "abandoned", wait_seconds=40), item(at(5), "abandoned")])  # fmt: skip
    values = measure(report, ALL_METRICS)
    for key in ("aht", "asa", "fcr", "handle_time_percentile", "csat", "top_box", "quality_score", "accuracy"):
        assert values[key] == (
            MetricValue(None, 0, 0.0, 0.0) if key in ("fcr", "top_box", "accuracy") else MetricValue(None, 0)
        ), key
    # Nobody answered: 0 of 3 offered; exclude: 0 of the one abandon beyond 20 s (40 s).
    assert values["service_level"] == MetricValue(0.0, 3, 0.0, 3.0)
    assert values["exclude"] == MetricValue(0.0, 1, 0.0, 1.0)
    assert values["abandon_rate"] == MetricValue(100.0, 3, 3.0, 3.0)
    # S = 10 removes the 5 s abandon from both sides: 2 / 2.
    assert values["short_abandon_rate"] == MetricValue(100.0, 2, 2.0, 2.0)
    assert values["volume"] == MetricValue(3.0, 3)
    # One of three completed (the 5 s abandon, at once); two are still open.
    assert values["turnaround"] == MetricValue(pct(100 / 3), 3, 1.0, 3.0)
    assert values["backlog"] == MetricValue(2.0, 3, 2.0, 3.0)


def test_only_self_service_offers_nothing():
    report = make_report()
    add_items(report, [item(at(3), "self_service", wait_seconds=0, handle_seconds=30)] * 2)
    values = measure(report, ALL_METRICS)
    assert values["volume"] == MetricValue(None, 0)
    assert values["service_level"] == values["abandon_rate"] == MetricValue(None, 0, 0.0, 0.0)
    assert values["aht"] == MetricValue(None, 0)  # self-service handle time is no agent's
    assert values["backlog"] == MetricValue(2.0, 2, 2.0, 2.0)  # but the items exist and are open


def test_every_abandon_short():
    report = make_report()
    add_items(report, [item(at(3), "abandoned", wait_seconds=2), item(at(3), "abandoned", wait_seconds=4.999),
                       item(at(3), "abandoned", wait_seconds=5), item(at(3), "handled", wait_seconds=30)])  # fmt: skip
    values = measure(
        report,
        [req("rate", "abandon_rate", short_abandon_seconds=6),
         req("rate5", "abandon_rate", short_abandon_seconds=5),
         req("sl", "service_level", threshold_seconds=20, variant="short_abandon", short_abandon_seconds=6),
         req("standard", "service_level", threshold_seconds=20, short_abandon_seconds=6)],
    )  # fmt: skip
    # S = 6: all three abandons are short → 0 of the 1 handled.
    assert values["rate"] == MetricValue(0.0, 1, 0.0, 1.0)
    # S = 5: 2 s and 4.999 s are short; 5 s is not (wait < S) → 1 / 2.
    assert values["rate5"] == MetricValue(50.0, 2, 1.0, 2.0)
    # The handled item waited 30 s > T: 0 / 1, and 0 / 4 without the short-abandon rule.
    assert values["sl"] == MetricValue(0.0, 1, 0.0, 1.0)
    assert values["standard"] == MetricValue(0.0, 4, 0.0, 4.0)


def test_missing_flags_and_scales_give_none():
    report = make_report()
    add_items(report, [item(at(3), "handled", csat=4), item(at(3), "handled", csat=4, csat_scale_max=0),
                       item(at(3), "abandoned", resolved_first_contact=True, accurate=None)])  # fmt: skip
    values = measure(report, [req("fcr"), req("accuracy"), req("csat"), req("top", "csat", mode="top_box")])
    # fcr counts handled items only, so the abandon's flag does not count; no one has an accuracy flag.
    assert values["fcr"] == values["accuracy"] == values["top"] == MetricValue(None, 0, 0.0, 0.0)
    # A score without a scale, or on a zero scale, cannot be normalised.
    assert values["csat"] == MetricValue(None, 0)


@pytest.mark.parametrize("percentile", [50, 75, 90, 99])
def test_percentile_of_one_item_is_that_item(percentile):
    report = make_report()
    add_items(report, [item(at(3), handle_seconds=123.5), item(at(3), "abandoned", handle_seconds=1)])
    values = measure(report, [req("p", "handle_time_percentile", percentile=percentile)])
    assert values["p"] == MetricValue(123.5, 1)


@pytest.mark.parametrize(
    ("percentile", "expected"),
    # [100, 300]: rank p/100 × (2 − 1); 100 + rank × 200.
    [(50, 200.0), (75, 250.0), (90, 280.0), (95, 290.0), (99, 298.0)],
)
def test_percentile_of_two_items_interpolates(percentile, expected):
    report = make_report()
    add_items(report, [item(at(3), handle_seconds=300), item(at(4), handle_seconds=100), item(at(5))])
    values = measure(report, [req("p", "handle_time_percentile", percentile=percentile)])
    assert values["p"].value == pct(expected) and values["p"].sample_size == 2


def test_percentile_cont_by_hand():
    assert percentile_cont([], 0.9) is None
    assert percentile_cont([7.0], 0.99) == 7.0
    # [1, 2, 3, 4, 10]: rank 0.9 × 4 = 3.6 → 4 + 0.6 × (10 − 4) = 7.6; rank 0.75 × 4 = 3 → 4.
    assert percentile_cont([10, 3, 1, 4, 2], 0.9) == pytest.approx(7.6)
    assert percentile_cont([10, 3, 1, 4, 2], 0.75) == 4


def test_identical_requests_share_expressions_and_values(call_centre):
    one = [req("a", "service_level", threshold_seconds=20)]
    two = [*one, req("b", "service_level", threshold_seconds=20), req("volume")]
    sql_one, _, _ = build_query(contract_id=1, process_id=1, period=OCTOBER, requests=one)
    sql_two, _, _ = build_query(contract_id=1, process_id=1, period=OCTOBER, requests=two)
    assert sql_one == sql_two  # the second request and volume's offered count add no column
    values = measure(call_centre, two)
    assert values["a"] == values["b"] == MetricValue(25.0, 8, 2.0, 8.0)


def test_sql_binds_every_value():
    requests = [
        req("sl", "service_level", threshold_seconds=17, variant="short_abandon", short_abandon_seconds=7),
        req("ex", "service_level", threshold_seconds=19, variant="exclude_abandons_within_threshold"),
        req("ab", "abandon_rate", short_abandon_seconds=11),
        req("ta", "turnaround", hours=13),
        req("p", "handle_time_percentile", percentile=95),
        req("top", "csat", mode="top_box", top_box_threshold=8.5),
        req("backlog"),
    ]
    sql, params, _ = build_query(contract_id=4242, process_id=4343, period=OCTOBER, requests=requests)
    for literal in ("17", "7 ", "19", "11", "13", "0.95", "8.5", "4242", "4343", "2026"):
        assert literal not in sql
    assert {17, 7, 19, 11, 13, 0.95, 8.5, 4242, 4343, START, END} <= set(params)
    assert sql.count("%s") == len(params)
    assert sql.startswith("SELECT") and sql.count("SELECT") == 1 and ";" not in sql
    assert 'FROM "reports_workitem"\nWHERE contract_id = %s AND process_id = %s AND received_at >= %s' in sql


def test_every_catalogue_metric_has_both_formulas_and_a_definition():
    assert PYTHON_FORMULAS.keys() == SQL_FORMULAS.keys() == CATALOGUE.keys()
    for code in CATALOGUE:
        assert len(metric_formula(code)) > 20, code


def test_bad_requests_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        compute_python([], [req("aht"), req("aht")], period=OCTOBER)
    with pytest.raises(ValueError, match="unknown metric"):
        compute_python([], [req("x", "nps")], period=OCTOBER)
    with pytest.raises(ValueError, match="duplicate"):
        build_query(contract_id=1, process_id=1, period=OCTOBER, requests=[req("aht"), req("aht")])


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_compute_sql_is_postgresql_only():
    with pytest.raises(NotImplementedError):
        compute_sql(contract_id=1, process_id=1, period=OCTOBER, requests=[req("aht")])


def test_no_query_for_vendor_reported_metrics_only(django_assert_num_queries):
    with django_assert_num_queries(0):
        values = compute_python([], [req("uptime")], period=OCTOBER)
    assert values == {"uptime": MetricValue(None, 0)}
    if connection.vendor == "postgresql":
        with django_assert_num_queries(0):
            assert compute_sql(contract_id=1, process_id=1, period=OCTOBER, requests=[req("uptime")]) == values
