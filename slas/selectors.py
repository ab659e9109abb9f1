"""Reads of service levels, scoped to the requesting user."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from contracts.models import Contract
from core.months import month_start
from core.scoping import visible_to
from slas.models import ComplianceResult, ComplianceStatus, CreditStatement, ServiceLevel
from slas.periods import MonthWindow, default_window, requested_window, term_window


def service_level_list(*, user: User | AnonymousUser) -> QuerySet[ServiceLevel]:
    queryset = ServiceLevel.objects.select_related("contract__provider", "process")
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
    now = now or timezone.now()
    last_with_data = (
        ComplianceResult.objects.filter(
            service_level__contract=OuterRef("pk"),
            period__gte=TruncMonth("service_level__contract__start_date"),
            period__lte=F("service_level__contract__end_date"),
        )
        .exclude(status=ComplianceStatus.NO_DATA)
        .order_by("-period")
        .values("period")[:1]
    )
    rows = (
        Contract.objects.filter(pk__in=contract_ids)
        .annotate(last_with_data=Subquery(last_with_data))
        .values_list("pk", "start_date", "end_date", "time_zone", "last_with_data")
    )
    return {
        pk: default_window(term_window(start, end), last, current_month=month_start(now.astimezone(zone).date()))
        for pk, start, end, zone, last in rows
    }


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
