"""Reads of service levels, scoped to the requesting user."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Count, DateField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from contracts.models import Contract
from core.months import month_start
from core.scoping import visible_to
from slas.models import ComplianceResult, ComplianceStatus, CreditStatement, ServiceLevel
from slas.periods import MonthWindow, default_window, requested_window, term_window


def service_level_list(*, user: User | AnonymousUser) -> QuerySet[ServiceLevel]:
    # The id last: two service levels of one contract, process and metric (other parameters)
    # must not swap places between two reads of a list, or a page would repeat or skip one.
    queryset = ServiceLevel.objects.select_related("contract__provider", "process").order_by(
        *(ServiceLevel._meta.ordering or ()), "pk"
    )
    return visible_to(queryset, user, provider_path="contract__provider")


def compliance_list(*, user: User | AnonymousUser) -> QuerySet[ComplianceResult]:
    queryset = ComplianceResult.objects.select_related(
        "service_level__contract__provider", "service_level__process"
    ).order_by("-period", "service_level__contract__reference", "service_level_id")
    return visible_to(queryset, user, provider_path="service_level__contract__provider")


#: The fields of a service level, its contract, provider and process that sla-status shows.
SLA_STATUS_FIELDS = (
    "name",
    "metric",
    "parameters",
    "expected_level",
    "minimum_level",
    "contract__reference",
    "contract__currency",
    "contract__provider__name",
    "process__name",
)

#: The fields of a result that ``with_period_results`` loads (what sla-status shows of it).
PERIOD_RESULT_FIELDS = (
    "service_level_id",
    "period",
    "period_closed",
    "actual",
    "status",
    "credit_amount",
    "earned_back",
    "chronic",
    "discrepancy",
    "claimed_value",
)


class PeriodPoint(NamedTuple):
    """A result of the period as sla-status reads it (:data:`PERIOD_RESULT_FIELDS`, in order).

    650 of them make a page of 50 service levels: a tuple, not a model instance (or even a
    namespace), is what keeps that page cheap.
    """

    service_level_id: int
    period: dt.date
    period_closed: bool
    actual: float | None
    status: str
    #: A ``Decimal`` as the ORM reads it, or its text as :func:`period_results_sql` reads it
    #: (read through :attr:`credit_owed`, a ``Decimal`` either way).
    credit_amount: Decimal | str
    earned_back: bool | None
    chronic: bool
    discrepancy: bool
    claimed_value: float | None

    @property
    def credit_owed(self) -> Decimal:
        """``ComplianceResult.credit_owed``: the credit, or 0 once earned back."""
        return Decimal("0") if self.earned_back else Decimal(self.credit_amount)


def with_period_results(
    service_levels: QuerySet[ServiceLevel], *, period_from: dt.date | None = None, period_to: dt.date | None = None
) -> QuerySet[ServiceLevel]:
    """``service_levels`` with their results in the period, newest first, and the latest's status.

    The period is ``period_from``…``period_to`` when either is given, else each contract's
    default window (:func:`slas.periods.default_window`). ``recent_results`` holds the
    results, ``latest_status`` the status of the newest (``no_data`` when there is none), so
    a status filter runs in SQL before pagination. One query for the windows, one for the
    page, one for all its results.
    """
    window = requested_window(period_from, period_to)
    if window is not None:
        in_period = Q(period__range=(window.first, window.last))
    else:
        in_period = _in_windows(default_windows(contract_ids=service_levels.values("contract")))
    results = ComplianceResult.objects.filter(in_period).order_by("-period")
    latest_status = Subquery(results.filter(service_level=OuterRef("pk")).values("status")[:1])
    # Only what the status and its trend show: not the JSON breakdowns and timestamps of
    # every result of the period (decoding those was most of a page's time).
    shown = results.only(*PERIOD_RESULT_FIELDS)
    return (
        service_levels.only(*SLA_STATUS_FIELDS)
        .annotate(latest_status=Coalesce(latest_status, Value(ComplianceStatus.NO_DATA)))
        .prefetch_related(Prefetch("results", queryset=shown, to_attr="recent_results"))
    )


def default_windows(
    *, contract_ids: Iterable[int] | QuerySet, now: dt.datetime | None = None
) -> dict[int, MonthWindow]:
    """Each contract's default window: the last 12 months of its term up to its last month with data.

    "With data" is a result other than ``no_data`` inside the term; one query for all contracts.
    """
    return windows_from_terms(window_terms(contract_ids=contract_ids), now=now)


def window_terms(*, contract_ids: Iterable[int] | QuerySet) -> QuerySet:
    """(id, start date, end date, time zone, last month with data) of each contract: what a default window needs.

    The last month with data is a result other than ``no_data`` inside the term: the latest
    of each service level's (one probe of the ``(service_level, period)`` index each, newest
    first), then the latest of those, rather than a sort of all the contract's results.
    The probes read the term from the contract itself (no join back to it per service level)
    and its first month as a ``date`` (a ``timestamptz`` bound would make PostgreSQL convert
    it in the session's time zone at every probe).
    """
    latest_of_service_level = (
        ComplianceResult.objects.filter(
            service_level=OuterRef("pk"),
            period__gte=OuterRef(OuterRef("term_first")),
            period__lte=OuterRef(OuterRef("end_date")),
        )
        .exclude(status=ComplianceStatus.NO_DATA)
        .order_by("-period")
        .values("period")[:1]
    )
    last_with_data = (
        ServiceLevel.objects.filter(contract=OuterRef("pk"))
        .order_by()  # not Meta.ordering's joins
        .annotate(latest=Subquery(latest_of_service_level))
        .values("contract")
        .annotate(last=Max("latest"))
        .values("last")
    )
    return (
        Contract.objects.filter(pk__in=contract_ids)
        .order_by()
        .annotate(term_first=Cast(TruncMonth("start_date"), DateField()))
        .annotate(last_with_data=Subquery(last_with_data))
        .values_list("pk", "start_date", "end_date", "time_zone", "last_with_data")
    )


def windows_from_terms(
    rows: Iterable[tuple[int, dt.date, dt.date, Any, dt.date | None]], *, now: dt.datetime | None = None
) -> dict[int, MonthWindow]:
    """The default windows of :func:`window_terms`' rows (the current month in each contract's zone)."""
    now = now or timezone.now()
    return {
        pk: default_window(term_window(start, end), last, current_month=month_start(now.astimezone(zone).date()))
        for pk, start, end, zone, last in rows
    }


def period_results_sql(fields: Iterable[str] = PERIOD_RESULT_FIELDS) -> str:
    """The results of given service levels inside given windows, newest first: ``with_period_results``' prefetch in SQL.

    Three array parameters, one element per service level: ids, first months, last months.
    For the cold path of ``/api/v1/sla-status/`` (``slas.api.views``), which knows each
    service level's window only once the page is read, so the ORM cannot compile it ahead.

    Meant to be read in binary format (``coldpath.fetch_rows(binary=True)``): its floats and
    dates decode several times faster than from text. A ``numeric`` is the exception (psycopg
    builds a ``Decimal`` from binary digits at twice the cost of parsing its text, 600 times a
    page), so the one numeric, ``credit_amount``, comes as its text: ``PeriodPoint.credit_owed``
    makes the ``Decimal`` of the one result a page shows it for, the latest.
    """
    meta = ComplianceResult._meta
    quote = connection.ops.quote_name
    column_of = {field.attname: quote(str(field.column)) for field in meta.concrete_fields}
    as_text = {field.attname for field in meta.concrete_fields if field.get_internal_type() == "DecimalField"}
    columns = ", ".join(f"r.{column_of[name]}::text" if name in as_text else f"r.{column_of[name]}" for name in fields)
    # One index range scan per service level (``one_result_per_sla_and_period``): no scan
    # of other service levels' results, whatever the statistics say.
    return (
        f"SELECT {columns} FROM unnest(%s::bigint[], %s::date[], %s::date[]) "
        "AS w (service_level_id, first, last) "
        f"CROSS JOIN LATERAL (SELECT * FROM {quote(meta.db_table)} inner_r "
        f"WHERE inner_r.{column_of['service_level_id']} = w.service_level_id "
        f"AND inner_r.{column_of['period']} BETWEEN w.first AND w.last) r "
        f"ORDER BY r.{column_of['period']} DESC"
    )


def contract_window(
    *, contract: Contract, period_from: dt.date | None = None, period_to: dt.date | None = None
) -> MonthWindow:
    """The months a contract's page shows: those asked for, else the contract's default window."""
    requested = requested_window(period_from, period_to)
    if requested is not None:
        term = term_window(contract.start_date, contract.end_date)
        return MonthWindow(term.clamp(requested.first), term.clamp(requested.last))
    return default_windows(contract_ids=[contract.pk])[contract.pk]


def _in_windows(windows: dict[int, MonthWindow]) -> Q:
    """Results inside their contract's window: one condition per distinct window, not per contract."""
    contracts_by_window: dict[MonthWindow, list[int]] = defaultdict(list)
    for contract_id, window in windows.items():
        contracts_by_window[window].append(contract_id)
    condition = Q(pk__in=[])
    for window, contract_ids in contracts_by_window.items():
        condition |= Q(service_level__contract__in=contract_ids, period__range=(window.first, window.last))
    return condition


def credit_statement(*, user: User | AnonymousUser, contract_id: int, month) -> tuple[CreditStatement | None, list]:
    """A contract's statement for ``month`` and its per-SLA credit lines."""
    statement = (
        CreditStatement.objects.filter(contract_id=contract_id, period=month, contract__in=_contracts(user))
        .select_related("contract")
        .first()
    )
    lines = list(compliance_list(user=user).filter(service_level__contract_id=contract_id, period=month))
    return statement, lines


def _contracts(user: User | AnonymousUser) -> QuerySet:
    from contracts.selectors import contract_list

    return contract_list(user=user).values("pk")


def dashboard_compliance(*, user: User | AnonymousUser, months: list) -> dict:
    """For the dashboard: problems first (breached, at risk), credits, discrepancies, chronic."""
    results = compliance_list(user=user).filter(period__in=months)
    problems = results.filter(status__in=["breached", "at_risk"]).order_by("status", "-period")
    by_status = {month: dict.fromkeys(ComplianceStatus.values, 0) for month in months}
    for month, status, n in results.values_list("period", "status").annotate(n=Count("pk")).order_by():
        by_status[month][status] = n
    for counts in by_status.values():
        counts["without_data"] = counts["insufficient_data"] + counts["no_data"]
    credits = (
        CreditStatement.objects.filter(period__in=months, contract__in=_contracts(user))
        .select_related("contract__provider")
        .filter(total_credit__gt=0)
        .order_by("-period", "-total_credit")
    )
    return {
        "months": months,
        "status_counts": by_status,
        "problems": problems[:50],
        "credits": credits,
        "credit_total": _credits_owed(results, months),
        "discrepancies": results.filter(discrepancy=True)[:20],
        "chronic": compliance_list(user=user).filter(chronic=True, period__in=months)[:20],
    }


def contract_compliance(*, contract_id: int, window: MonthWindow) -> list[tuple[ServiceLevel, list[ComplianceResult]]]:
    """Each service level of a contract with its results in ``window``, oldest first."""
    in_window = ComplianceResult.objects.filter(period__range=(window.first, window.last)).order_by("period")
    service_levels = (
        ServiceLevel.objects.filter(contract_id=contract_id)
        .select_related("process")
        .prefetch_related(Prefetch("results", queryset=in_window, to_attr="window_results"))
    )
    return [(sla, sla.window_results) for sla in service_levels]


def contract_credit_statements(*, contract_id: int, window: MonthWindow) -> QuerySet[CreditStatement]:
    """A contract's credit statements in ``window``, newest first."""
    return CreditStatement.objects.filter(contract_id=contract_id, period__range=(window.first, window.last)).order_by(
        "-period"
    )


def _credits_owed(results: QuerySet[ComplianceResult], months: list) -> dict[Any, dict[str, Decimal]]:
    """Credits owed per month and currency: earned credits less those returned by earn-back.

    Per currency, because contracts in different currencies cannot be added up.
    """
    owed: dict[Any, dict[str, Decimal]] = {month: {} for month in months}
    rows = (
        results.filter(credit_amount__gt=0)
        .exclude(earned_back=True)
        .values_list("period", "service_level__contract__currency", "credit_amount")
    )
    for period, currency, amount in rows:
        owed[period][currency] = owed[period].get(currency, Decimal("0")) + amount
    return owed
