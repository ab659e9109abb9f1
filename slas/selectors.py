"""Reads of service levels, scoped to the requesting user."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, QuerySet

from core.scoping import visible_to
from slas.models import ComplianceResult, ComplianceStatus, CreditStatement, ServiceLevel


def service_level_list(*, user: User | AnonymousUser) -> QuerySet[ServiceLevel]:
    queryset = ServiceLevel.objects.select_related("contract__provider", "process")
    return visible_to(queryset, user, provider_path="contract__provider")


def compliance_list(*, user: User | AnonymousUser) -> QuerySet[ComplianceResult]:
    queryset = ComplianceResult.objects.select_related(
        "service_level__contract__provider", "service_level__process"
    ).order_by("-period", "service_level__contract__reference", "service_level_id")
    return visible_to(queryset, user, provider_path="service_level__contract__provider")


def sla_status_list(*, user: User | AnonymousUser, trend_periods: int = 6) -> QuerySet[ServiceLevel]:
    """Service levels with their latest ``trend_periods`` results prefetched (newest first).

    One query for the page of service levels and one for all their recent results, however
    many service levels the page holds.
    """
    recent = ComplianceResult.objects.order_by("-period")[:trend_periods]  # sliced per service level
    return service_level_list(user=user).prefetch_related(
        Prefetch("results", queryset=recent, to_attr="recent_results")
    )


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


def contract_compliance(*, contract_id: int, months: int = 12) -> list[tuple[ServiceLevel, list[ComplianceResult]]]:
    """Each service level of a contract with its last ``months`` results, oldest first."""
    recent = ComplianceResult.objects.order_by("-period")[:months]  # sliced per service level
    service_levels = list(
        ServiceLevel.objects.filter(contract_id=contract_id)
        .select_related("process")
        .prefetch_related(Prefetch("results", queryset=recent, to_attr="recent_results"))
    )
    return [(sla, list(reversed(sla.recent_results))) for sla in service_levels]


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
