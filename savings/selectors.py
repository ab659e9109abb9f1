"""Reads of savings, scoped to the requesting user, and their roll-ups."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Abs

from core.scoping import visible_to
from savings.models import ExchangeRate, SavingsResult


def savings_list(*, user: User | AnonymousUser) -> QuerySet[SavingsResult]:
    queryset = SavingsResult.objects.select_related("contract__provider").order_by("-period", "contract__reference")
    return visible_to(queryset, user, provider_path="contract__provider")


def exchange_rate_list(*, user: User | AnonymousUser) -> QuerySet[ExchangeRate]:
    return visible_to(ExchangeRate.objects.all(), user, provider_path=None)


def savings_totals(results: QuerySet[SavingsResult]) -> dict:
    """Σ over the months with figures (status ok); the % is Σ savings ÷ Σ baseline, not a mean of %.

    One aggregate query whatever the number of months; ``months_without_data`` counts the
    months left out (no volume, no baseline, no cost, or a missing rate).
    """
    computed = Q(status=SavingsResult.Status.OK)
    sums = results.aggregate(
        baseline_cost=Sum("baseline_cost", filter=computed),
        net_cost=Sum("net_cost", filter=computed),
        outsourced_cost=Sum("outsourced_cost", filter=computed),
        service_credits=Sum("service_credits", filter=computed),
        savings=Sum("savings", filter=computed),
        projected_savings=Sum("projected_savings", filter=computed),
        months_with_data=Count("pk", filter=computed),
        months_without_data=Count("pk", filter=~computed),
    )
    baseline = sums["baseline_cost"]
    sums["savings_percent"] = (
        (sums["savings"] / baseline * 100).quantize(Decimal("0.01"))
        if baseline and sums["savings"] is not None
        else None
    )
    return sums


def savings_by_contract(results: QuerySet[SavingsResult]) -> list[dict]:
    """Σ per contract over the months with figures (one grouped query)."""
    computed = Q(status=SavingsResult.Status.OK)
    rows = (
        results.order_by()
        .values("contract_id", "contract__reference")
        .annotate(
            baseline_cost=Sum("baseline_cost", filter=computed),
            savings=Sum("savings", filter=computed),
            months_with_data=Count("pk", filter=computed),
        )
        .order_by("contract__reference")
    )
    out = []
    for row in cast("Iterable[dict[str, Any]]", rows):  # values() rows: plain dicts
        baseline, saved = row["baseline_cost"], row["savings"]
        percent = (saved / baseline * 100).quantize(Decimal("0.01")) if baseline and saved is not None else None
        out.append({**row, "savings_percent": percent})
    return out


def portfolio_savings(*, user: User | AnonymousUser) -> dict | None:
    """The whole portfolio's savings for the dashboard, or None for a user who may not see them."""
    if not user.has_perm("savings.view_savingsresult"):
        return None
    from django.conf import settings

    return {"currency": settings.REPORTING_CURRENCY, **savings_totals(savings_list(user=user))}


def invoice_discrepancy_list(*, user: User | AnonymousUser) -> QuerySet[SavingsResult]:
    """Contract-months whose invoiced amount is beyond the contract's tolerance, worst first.

    Worst = the largest gap as a share of the computed charges (a gap on charges of 0 first).
    """
    return (
        savings_list(user=user)
        .filter(invoice_discrepancy=True)
        .select_related("contract__provider")
        .annotate(gap_percent=Abs("invoice_difference_percent"))
        .order_by(F("gap_percent").desc(nulls_first=True), "-period", "contract__reference")
    )


def dashboard_invoice_discrepancies(*, user: User | AnonymousUser, worst: int = 5) -> dict | None:
    """The dashboard's invoice discrepancies: how many, and the worst few; None without permission."""
    if not user.has_perm("savings.view_savingsresult"):
        return None
    found = invoice_discrepancy_list(user=user)
    return {"count": found.count(), "worst": list(found[:worst])}
