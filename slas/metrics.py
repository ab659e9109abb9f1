"""SLA metrics over a period's work items: one SQL query on PostgreSQL, a plain-Python reference elsewhere.

The items of a period are the ``WorkItem`` rows of one contract and process with
``period.start <= received_at < period.end`` and an outcome other than ``ignored``
(``period_items``). Rows of failed or superseded reports never exist in the table (a failed
import loads nothing; a superseding import replaces its predecessor's rows in the same
transaction), so no join on the report is needed.

Two implementations compute the same numbers from the same rows. ``compute_python`` is the
readable reference: one function per metric over a list of mappings. ``compute_sql`` asks
PostgreSQL for every requested metric in ONE ``SELECT`` of ``count(*) FILTER (…)``,
``avg(…) FILTER (…)`` and ``percentile_cont(…) WITHIN GROUP (…) FILTER (…)`` aggregates, so a
month of millions of calls is one index range scan, never a transfer of the rows. The
property test in ``tests/slas`` holds the two equal on random data. Aggregates are pure
counts, means and percentiles; every ratio is finished in Python by the same helper
(``_ratio``), so both paths divide the same integers the same way.

Definitions (percentages are 0–100; "handled" is outcome ``handled``, "abandoned" is outcome
``abandoned``, and **offered = handled + abandoned**: a ``self_service`` item never reached an
agent, so it is neither offered nor abandoned):

- ``aht``: mean ``handle_seconds`` of handled items with a handle time.
- ``asa``: mean ``wait_seconds`` of handled items with a wait.
- ``service_level`` (T = ``threshold_seconds``, S = ``short_abandon_seconds``):
  ``standard`` = handled with wait ≤ T ÷ offered × 100; ``short_abandon`` = the same with
  abandons of wait < S removed from offered; ``exclude_abandons_within_threshold`` = handled
  with wait ≤ T ÷ (handled + abandoned with wait > T) × 100. A handled item with no wait
  recorded counts as not answered within T; an abandon with no wait recorded is never a
  short abandon and never "beyond T" (nothing shows it waited that long).
- ``abandon_rate`` (S, default 0): abandoned ÷ offered × 100, where with S > 0 abandons of
  wait < S are removed from both numerator and denominator.
- ``fcr``: handled with ``resolved_first_contact`` true ÷ handled with the flag recorded × 100.
- ``csat`` (``mode``, ``top_box_threshold``): over items with ``csat`` and a positive
  ``csat_scale_max``, ``mean`` = mean of csat ÷ scale × 100, ``top_box`` = share with
  csat ≥ the threshold (a raw score) × 100.
- ``quality_score``: mean ``quality_score`` of items that have one.
- ``accuracy``: items with ``accurate`` true ÷ items with the flag recorded × 100.
- ``turnaround`` (H = ``hours``): items completed (``completed_at`` set) with
  completed_at − received_at ≤ H hours, in seconds, ÷ all items × 100.
- ``backlog``: the number of items with no ``completed_at`` or one at or after
  ``period.end``; the sample is all items.
- ``volume`` (``basis``): the number of offered items (default), of handled items, or of
  every item received (all items).
- ``handle_time_percentile`` (p = ``percentile``): the linear-interpolated p-th percentile of
  handle seconds of handled items, PostgreSQL's ``percentile_cont(p / 100)``.
- ``uptime``: vendor-reported, not computable from records: ``MetricValue(None, 0)``.

Empty sample → ``value`` None and ``sample_size`` 0, for counts as well: "no items" is no
evidence, and the compliance service reports it as no data rather than judging a 0.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from core.catalogue import CATALOGUE
from core.months import Period
from reports.models import WorkItem
from reports.parsing.types import WORK_ITEM_FIELDS

HANDLED = WorkItem.Outcome.HANDLED.value
ABANDONED = WorkItem.Outcome.ABANDONED.value
IGNORED = WorkItem.Outcome.IGNORED.value

# The WorkItem fields the formulas read (all canonical fields but the descriptive ones);
# ``compute`` loads exactly these for the Python path.
ITEM_FIELDS: tuple[str, ...] = tuple(
    name for name in WORK_ITEM_FIELDS if name not in ("item_id", "channel", "queue", "agent")
)


@dataclass(frozen=True)
class MetricRequest:
    """One metric to compute: ``key`` is the caller's (e.g. ``str(service_level.pk)``)."""

    key: str
    code: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class MetricValue:
    """A measured value and what it rests on.

    ``sample_size`` is the number of items behind the value: the denominator of a ratio,
    the count averaged for a mean or percentile, the count itself for ``volume``, all items
    for ``backlog``. ``numerator`` and ``denominator`` are the two counts of a ratio metric
    (and backlog ÷ items for ``backlog``), None for means, percentiles and ``volume``.
    """

    value: float | None
    sample_size: int
    numerator: float | None = None
    denominator: float | None = None


Item = Mapping[str, Any]


# --- finishing: shared by both paths, so a ratio is the same division of the same integers ---


def _ratio(numerator: int, denominator: int) -> MetricValue:
    """``numerator ÷ denominator × 100``; an empty denominator is no evidence, not 0 % or an error."""
    if denominator == 0:
        return MetricValue(None, 0, float(numerator), 0.0)
    return MetricValue(100.0 * numerator / denominator, denominator, float(numerator), float(denominator))


def _statistic(value: float | None, count: int) -> MetricValue:
    """A mean or percentile over ``count`` items (None over none)."""
    return MetricValue(None, 0) if count == 0 or value is None else MetricValue(float(value), count)


def _count(count: int) -> MetricValue:
    return MetricValue(None, 0) if count == 0 else MetricValue(float(count), count)


def _backlog(pending: int, items: int) -> MetricValue:
    if items == 0:
        return MetricValue(None, 0, 0.0, 0.0)
    return MetricValue(float(pending), items, float(pending), float(items))


# --- the plain-Python reference: one function per metric; its docstring is the definition ---

PythonFormula = Callable[[list[Item], dict[str, Any], Period], MetricValue]


def _handled(item: Item) -> bool:
    return item["outcome"] == HANDLED


def _abandoned(item: Item) -> bool:
    return item["outcome"] == ABANDONED


def _short_abandon(item: Item, short_abandon_seconds: int) -> bool:
    """An abandon quicker than S (S > 0): a caller who hung up before anyone could answer.

    An abandon with no recorded wait is not short: nothing shows the caller gave up quickly.
    """
    wait = item["wait_seconds"]
    return short_abandon_seconds > 0 and _abandoned(item) and wait is not None and wait < short_abandon_seconds


def _answered_within(item: Item, threshold: int) -> bool:
    """Handled with wait ≤ T. A handled item with no recorded wait is not answered within T."""
    wait = item["wait_seconds"]
    return _handled(item) and wait is not None and wait <= threshold


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, as PostgreSQL's ``timestamptz`` always is.

    Python compares and subtracts two datetimes that share a tzinfo by wall clock, which is
    wrong across a DST change, so the reference brings every moment to UTC first. (The
    database's moments are in UTC already: no conversion for them, a tenth of a second per
    100,000 rows.)
    """
    return moment if moment.tzinfo is dt.UTC else moment.astimezone(dt.UTC)


def _fmean(values: list[float]) -> MetricValue:
    return _statistic(math.fsum(values) / len(values) if values else None, len(values))


def percentile_cont(values: Iterable[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont(fraction)``: linear interpolation between closest ranks.

    Sort the n values; the rank is ``fraction × (n − 1)`` (0-based); the result is the value
    at ``floor(rank)`` plus ``(rank − floor(rank)) × (value at ceil(rank) − value at
    floor(rank))``. One value → that value; none → None. The arithmetic is PostgreSQL's
    (``orderedsetaggs.c`` and ``float8_lerp``) step by step, so the two agree to the bit.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    if high == low:
        return ordered[low]
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def aht(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Average handle time: the mean handle time, in seconds, of handled items that have one recorded."""
    return _fmean([i["handle_seconds"] for i in items if _handled(i) and i["handle_seconds"] is not None])


def asa(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Average speed of answer: the mean wait in seconds before an agent answered, of handled items with a wait."""
    return _fmean([i["wait_seconds"] for i in items if _handled(i) and i["wait_seconds"] is not None])


def service_level(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items answered within T seconds ÷ items offered × 100.

    Answered within T seconds: handled after a wait of at most T seconds. Offered: handled
    plus abandoned. Short-abandon variant: items abandoned after a wait of less than S
    seconds are left out of the items offered. Variant excluding abandons within the
    threshold: the items offered are the handled ones plus those abandoned after a wait of
    more than T seconds, so whoever gave up before T seconds were over counts neither way.
    A handled item with no wait recorded is not answered within T seconds; an abandon with
    no wait recorded is neither a short abandon nor one beyond T seconds.
    """
    threshold, variant = params["threshold_seconds"], params["variant"]
    short = params["short_abandon_seconds"] if variant == "short_abandon" else 0
    answered = sum(1 for i in items if _answered_within(i, threshold))
    if variant == "exclude_abandons_within_threshold":
        offered = sum(
            1
            for i in items
            if _handled(i) or (_abandoned(i) and i["wait_seconds"] is not None and i["wait_seconds"] > threshold)
        )
    else:
        offered = sum(1 for i in items if (_handled(i) or _abandoned(i)) and not _short_abandon(i, short))
    return _ratio(answered, offered)


def abandon_rate(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items abandoned ÷ items offered × 100 (offered: handled plus abandoned).

    Items abandoned after a wait of less than S seconds (short abandons) are left out of both
    counts; an abandon with no wait recorded always counts.
    """
    short = params["short_abandon_seconds"]
    abandoned = sum(1 for i in items if _abandoned(i) and not _short_abandon(i, short))
    handled = sum(1 for i in items if _handled(i))
    return _ratio(abandoned, handled + abandoned)


def fcr(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """First-contact resolution: handled items resolved at first contact ÷ handled items where it was noted × 100."""
    flags = [i["resolved_first_contact"] for i in items if _handled(i) and i["resolved_first_contact"] is not None]
    return _ratio(sum(1 for flag in flags if flag), len(flags))


def csat(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Customer satisfaction over items with a score and a scale maximum above 0 (any outcome).

    Mean mode: the mean of score ÷ scale maximum × 100, so scores on 5- and 10-point scales
    mix on one 0–100 scale. Top-box mode: items scored at or above the top-box threshold (a
    raw score) ÷ items scored × 100.
    """
    rated = [i for i in items if i["csat"] is not None and i["csat_scale_max"] is not None and i["csat_scale_max"] > 0]
    if params["mode"] == "top_box":
        return _ratio(sum(1 for i in rated if i["csat"] >= params["top_box_threshold"]), len(rated))
    return _fmean([i["csat"] / i["csat_scale_max"] * 100.0 for i in rated])


def quality_score(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """The mean quality-assurance score (0–100) of items that have one (any outcome)."""
    return _fmean([i["quality_score"] for i in items if i["quality_score"] is not None])


def accuracy(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items processed without error ÷ items checked for errors × 100 (any outcome)."""
    flags = [i["accurate"] for i in items if i["accurate"] is not None]
    return _ratio(sum(1 for flag in flags if flag), len(flags))


def turnaround(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items completed within H hours of receipt ÷ items received × 100.

    Completed within H hours: the item has a completion time, and completion time − receipt
    time, in seconds, is at most H × 3600. Items not completed count against the share,
    whenever in the period they were received.
    """
    # The SQL compares extract(epoch from completed_at - received_at) with the same limit.
    limit = params["hours"] * 3600

    def within(item: Item) -> bool:
        done = item["completed_at"]
        return done is not None and (_utc(done) - _utc(item["received_at"])).total_seconds() <= limit

    return _ratio(sum(1 for i in items if within(i)), len(items))


def backlog(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items received in the period and not completed by its end (no completion time, or one at or after the end).

    The value is that count; the sample is every item received in the period.
    """
    end = _utc(period.end)
    pending = sum(1 for i in items if i["completed_at"] is None or _utc(i["completed_at"]) >= end)
    return _backlog(pending, len(items))


def volume(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """Items counted on the contract's basis: offered (handled plus abandoned; self-service items
    never reached an agent) by default, handled only, or every item received."""
    basis = params.get("basis", "offered")
    if basis == "received":
        return _count(len(items))
    if basis == "handled":
        return _count(sum(1 for i in items if _handled(i)))
    return _count(sum(1 for i in items if _handled(i) or _abandoned(i)))


def handle_time_percentile(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """The p-th percentile of handle times, in seconds, of handled items, interpolated linearly between ranks."""
    values = [i["handle_seconds"] for i in items if _handled(i) and i["handle_seconds"] is not None]
    return _statistic(percentile_cont(values, params["percentile"] / 100), len(values))


def uptime(items: list[Item], params: dict[str, Any], period: Period) -> MetricValue:
    """System availability: the vendor reports it; the records of the work done cannot show it."""
    return MetricValue(None, 0)


PYTHON_FORMULAS: dict[str, PythonFormula] = {
    "aht": aht,
    "asa": asa,
    "service_level": service_level,
    "abandon_rate": abandon_rate,
    "fcr": fcr,
    "csat": csat,
    "quality_score": quality_score,
    "accuracy": accuracy,
    "turnaround": turnaround,
    "backlog": backlog,
    "volume": volume,
    "handle_time_percentile": handle_time_percentile,
    "uptime": uptime,
}


# The symbols the definitions use, and the parameter each stands for.
FORMULA_SYMBOLS: dict[str, str] = {
    "T": "threshold_seconds",
    "S": "short_abandon_seconds",
    "H": "hours",
    "p": "percentile",
}


def metric_formula(code: str, parameters: Mapping[str, Any] | None = None, noun: str | None = None) -> str:
    """The definition of a metric as plain text, for the evidence pages (the reference's docstring).

    The docstrings are written in a manager's words, not field names, so the page shows the
    very definition the reference computes. Given a service level's ``parameters``, the
    symbols T, S, H and p read as their values ("within 20 seconds"); given a ``noun`` for
    the unit of work (e.g. "call"), "item" reads as that noun ("calls offered").
    """
    text = inspect.getdoc(PYTHON_FORMULAS[code]) or ""
    # The docstring's lines are wrapped for the source: a paragraph reads as one line on the page.
    text = "\n\n".join(" ".join(paragraph.split()) for paragraph in text.split("\n\n"))
    for symbol, name in FORMULA_SYMBOLS.items():
        value = (parameters or {}).get(name)
        if value is None or isinstance(value, bool):
            continue
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        pattern = r"\bp-th\b" if symbol == "p" else rf"\b{symbol}\b"
        text = re.sub(pattern, f"{shown}th" if symbol == "p" else shown, text)
    if noun:
        for word, replacement in (("item", noun), ("items", f"{noun}s")):
            text = re.sub(rf"\b{word}\b", replacement, text)
            text = re.sub(rf"\b{word.capitalize()}\b", replacement.capitalize(), text)
    return text


def _clean(request: MetricRequest) -> dict[str, Any]:
    """The request's parameters completed with defaults (idempotent on already-clean ones).

    Both paths clean the same way, so a caller's partial dict cannot make them disagree.
    """
    if request.code not in CATALOGUE or request.code not in PYTHON_FORMULAS:
        raise ValueError(f"unknown metric code {request.code!r} (request {request.key!r})")
    return CATALOGUE[request.code].clean_parameters(request.parameters)


def _check_keys(requests: Sequence[MetricRequest]) -> None:
    keys = [r.key for r in requests]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate request keys: {sorted({k for k in keys if keys.count(k) > 1})}")


def compute_python(
    items: Iterable[Item], requests: Sequence[MetricRequest], *, period: Period
) -> dict[str, MetricValue]:
    """The reference: every request over the raw rows of one contract and process.

    ``items`` are mappings with the WorkItem field names (``ITEM_FIELDS``). The period and
    ``ignored`` filter is applied here, so this function and ``compute_sql`` take the same
    raw rows.
    """
    _check_keys(requests)
    cleaned = [(request, _clean(request)) for request in requests]
    start, end = _utc(period.start), _utc(period.end)
    rows = [i for i in items if start <= _utc(i["received_at"]) < end and i["outcome"] != IGNORED]
    return {request.key: PYTHON_FORMULAS[request.code](rows, params, period) for request, params in cleaned}


# --- the SQL path: per metric, aggregate expressions and how to finish their values ---


@dataclass(frozen=True)
class _Aggregate:
    """One select-list expression and its bound parameters; equal ones are computed once."""

    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class _Plan:
    aggregates: tuple[_Aggregate, ...]
    finish: Callable[..., MetricValue]


SqlFormula = Callable[[dict[str, Any], Period], _Plan]

_HANDLED_SQL = f"outcome = '{HANDLED}'"
_ABANDONED_SQL = f"outcome = '{ABANDONED}'"
_OFFERED_SQL = f"outcome IN ('{HANDLED}', '{ABANDONED}')"
_ALL = _Aggregate("count(*)")


def _count_where(condition: str, *params: Any) -> _Aggregate:
    return _Aggregate(f"count(*) FILTER (WHERE {condition})", params)


def _avg_where(expression: str, condition: str, *params: Any) -> _Aggregate:
    return _Aggregate(f"avg({expression}) FILTER (WHERE {condition})", params)


def _offered_sql(short_abandon_seconds: int) -> tuple[str, tuple[Any, ...]]:
    """Offered, less short abandons when S > 0 (an abandon with a NULL wait is kept)."""
    if short_abandon_seconds <= 0:
        return _OFFERED_SQL, ()
    return (
        f"({_HANDLED_SQL} OR ({_ABANDONED_SQL} AND (wait_seconds IS NULL OR wait_seconds >= %s)))",
        (short_abandon_seconds,),
    )


def _mean_sql(column: str, condition: str) -> _Plan:
    return _Plan((_avg_where(column, condition), _count_where(condition)), _statistic)


def _aht_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _mean_sql("handle_seconds", f"{_HANDLED_SQL} AND handle_seconds IS NOT NULL")


def _asa_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _mean_sql("wait_seconds", f"{_HANDLED_SQL} AND wait_seconds IS NOT NULL")


def _service_level_sql(params: dict[str, Any], period: Period) -> _Plan:
    threshold, variant = params["threshold_seconds"], params["variant"]
    answered = _count_where(f"{_HANDLED_SQL} AND wait_seconds <= %s", threshold)
    if variant == "exclude_abandons_within_threshold":
        offered = _count_where(f"{_HANDLED_SQL} OR ({_ABANDONED_SQL} AND wait_seconds > %s)", threshold)
    else:
        condition, bound = _offered_sql(params["short_abandon_seconds"] if variant == "short_abandon" else 0)
        offered = _count_where(condition, *bound)
    return _Plan((answered, offered), _ratio)


def _abandon_rate_sql(params: dict[str, Any], period: Period) -> _Plan:
    short = params["short_abandon_seconds"]
    if short > 0:
        abandoned = _count_where(f"{_ABANDONED_SQL} AND (wait_seconds IS NULL OR wait_seconds >= %s)", short)
    else:
        abandoned = _count_where(_ABANDONED_SQL)
    condition, bound = _offered_sql(short)
    return _Plan((abandoned, _count_where(condition, *bound)), _ratio)


def _fcr_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _Plan(
        (
            _count_where(f"{_HANDLED_SQL} AND resolved_first_contact IS TRUE"),
            _count_where(f"{_HANDLED_SQL} AND resolved_first_contact IS NOT NULL"),
        ),
        _ratio,
    )


def _csat_sql(params: dict[str, Any], period: Period) -> _Plan:
    rated = "csat IS NOT NULL AND csat_scale_max > 0"
    if params["mode"] == "top_box":
        return _Plan(
            (_count_where(f"{rated} AND csat >= %s", params["top_box_threshold"]), _count_where(rated)), _ratio
        )
    return _mean_sql("csat / csat_scale_max * 100.0::double precision", rated)


def _quality_score_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _mean_sql("quality_score", "quality_score IS NOT NULL")


def _accuracy_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _Plan((_count_where("accurate IS TRUE"), _count_where("accurate IS NOT NULL")), _ratio)


def _turnaround_sql(params: dict[str, Any], period: Period) -> _Plan:
    within = _count_where(
        "completed_at IS NOT NULL AND extract(epoch FROM completed_at - received_at) <= %s * 3600", params["hours"]
    )
    return _Plan((within, _ALL), _ratio)


def _backlog_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _Plan((_count_where("completed_at IS NULL OR completed_at >= %s", period.end), _ALL), _backlog)


def _volume_sql(params: dict[str, Any], period: Period) -> _Plan:
    basis = params.get("basis", "offered")
    condition = {"received": "TRUE", "handled": _HANDLED_SQL}.get(basis, _OFFERED_SQL)
    return _Plan((_count_where(condition),), _count)


def _handle_time_percentile_sql(params: dict[str, Any], period: Period) -> _Plan:
    condition = f"{_HANDLED_SQL} AND handle_seconds IS NOT NULL"
    percentile = _Aggregate(
        f"percentile_cont(%s::double precision) WITHIN GROUP (ORDER BY handle_seconds) FILTER (WHERE {condition})",
        # The fraction is computed in Python and bound, so SQL and the reference use the same double.
        (params["percentile"] / 100,),
    )
    return _Plan((percentile, _count_where(condition)), _statistic)


def _uptime_sql(params: dict[str, Any], period: Period) -> _Plan:
    return _Plan((), lambda: MetricValue(None, 0))


SQL_FORMULAS: dict[str, SqlFormula] = {
    "aht": _aht_sql,
    "asa": _asa_sql,
    "service_level": _service_level_sql,
    "abandon_rate": _abandon_rate_sql,
    "fcr": _fcr_sql,
    "csat": _csat_sql,
    "quality_score": _quality_score_sql,
    "accuracy": _accuracy_sql,
    "turnaround": _turnaround_sql,
    "backlog": _backlog_sql,
    "volume": _volume_sql,
    "handle_time_percentile": _handle_time_percentile_sql,
    "uptime": _uptime_sql,
}


def build_query(
    *, contract_id: int, process_id: int, period: Period, requests: Sequence[MetricRequest]
) -> tuple[str | None, list[Any], dict[str, tuple[_Plan, tuple[int, ...]]]]:
    """The one ``SELECT``, its parameters, and per request key its plan and select-list positions.

    Identical aggregates (same SQL and parameters: the offered count shared by volume and
    the service level, or two requests with the same code and parameters) are selected once.
    The SQL is None when no request needs the table (only vendor-reported metrics).
    """
    _check_keys(requests)
    columns: dict[_Aggregate, int] = {}
    plans: dict[str, tuple[_Plan, tuple[int, ...]]] = {}
    for request in requests:
        plan = SQL_FORMULAS[request.code](_clean(request), period)
        positions = tuple(columns.setdefault(aggregate, len(columns)) for aggregate in plan.aggregates)
        plans[request.key] = (plan, positions)
    if not columns:
        return None, [], plans
    select = ",\n  ".join(aggregate.sql for aggregate in columns)
    sql = (
        f"SELECT\n  {select}\nFROM {connection.ops.quote_name(WorkItem._meta.db_table)}\n"
        "WHERE contract_id = %s AND process_id = %s AND received_at >= %s AND received_at < %s"
        f" AND outcome <> '{IGNORED}'"
    )
    params = [p for aggregate in columns for p in aggregate.params]
    params += [contract_id, process_id, period.start, period.end]
    return sql, params, plans


def compute_sql(
    *, contract_id: int, process_id: int, period: Period, requests: Sequence[MetricRequest]
) -> dict[str, MetricValue]:
    """Every request in one aggregate query over ``reports_workitem`` (PostgreSQL only).

    ``FILTER`` and ``percentile_cont … WITHIN GROUP`` are PostgreSQL's; on other databases
    use ``compute``, which falls back to the Python reference.
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError(f"compute_sql needs PostgreSQL, not {connection.vendor}; use compute()")
    sql, params, plans = build_query(contract_id=contract_id, process_id=process_id, period=period, requests=requests)
    row: Sequence[Any] = ()
    if sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return {key: plan.finish(*(row[p] for p in positions)) for key, (plan, positions) in plans.items()}


def period_items(contract_id: int, process_id: int, period: Period) -> QuerySet[WorkItem]:
    """The work items a period's metrics are computed over (also the evidence CSV), unordered.

    Received in ``[period.start, period.end)`` for the contract and process, not ``ignored``.
    No join on the report: rows of failed or superseded reports are never in the table.
    """
    return WorkItem.objects.filter(
        contract_id=contract_id,
        process_id=process_id,
        received_at__gte=period.start,
        received_at__lt=period.end,
    ).exclude(outcome=IGNORED)


def compute(
    *, contract_id: int, process_id: int, period: Period, requests: Sequence[MetricRequest]
) -> dict[str, MetricValue]:
    """The requested metrics of a contract, process and period: SQL on PostgreSQL, else the Python reference."""
    if connection.vendor == "postgresql":
        return compute_sql(contract_id=contract_id, process_id=process_id, period=period, requests=requests)
    items = period_items(contract_id, process_id, period).values(*ITEM_FIELDS)
    return compute_python(items.iterator(chunk_size=5000), requests, period=period)
