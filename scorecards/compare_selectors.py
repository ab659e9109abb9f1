"""Reads for the provider comparison page, scoped to the requesting user.

Everything compared is already stored by the apps below: monthly scorecards (this app, under
the default template's current version, as the provider page shows them), savings per
contract-month (``savings``: amounts in the reporting currency, converted there), compliance
results per service level and month (``slas``) and the credit statements' billable volume per
process. The arithmetic that decides anything (averages, normalisation, quadrants, frontier,
cost per unit) is ``scorecards.comparison``; this module only gathers plain numbers for it.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Max, Q, QuerySet, Sum

from contracts.models import Contract, Process, ServiceCategory
from core.catalogue import get_metric
from core.months import add_months, month_end
from core.scoping import visible_to
from savings.models import SavingsResult
from savings.selectors import savings_list
from scorecards import comparison, scoring
from scorecards.models import Scorecard
from scorecards.selectors import scorecard_list
from scorecards.services import MEASURED, default_version
from slas.models import ComplianceResult, CreditStatement, ServiceLevel
from slas.selectors import compliance_list
from vendors.models import Provider

DEFAULT_MONTHS = 12


def provider_choices(*, user: User | AnonymousUser) -> QuerySet[Provider]:
    """The providers the user may compare, by name."""
    return visible_to(Provider.objects.order_by("name"), user, provider_path="")


def category_choices(*, user: User | AnonymousUser) -> QuerySet[ServiceCategory]:
    return visible_to(ServiceCategory.objects.order_by("name"), user, provider_path=None)


def category_providers(*, user: User | AnonymousUser, category: ServiceCategory) -> list[Provider]:
    """The providers with a contract for a process of ``category`` (as the scorecard filter reads a category)."""
    return list(provider_choices(user=user).filter(contracts__processes__category=category).distinct())


def default_range(*, provider_ids: list[int]) -> tuple[dt.date, dt.date] | None:
    """The last ``DEFAULT_MONTHS`` months up to the latest month with a scorecard for any of the providers.

    Never today's month: the data may have ended years ago. Without any scorecard, the latest
    month with savings or compliance results; without those either, ``None``.
    """
    latest = Scorecard.objects.filter(provider_id__in=provider_ids).aggregate(m=Max("period"))["m"]
    if latest is None:
        candidates = [
            SavingsResult.objects.filter(contract__provider_id__in=provider_ids).aggregate(m=Max("period"))["m"],
            ComplianceResult.objects.filter(service_level__contract__provider_id__in=provider_ids).aggregate(
                m=Max("period")
            )["m"],
        ]
        found = [m for m in candidates if m is not None]
        if not found:
            return None
        latest = max(found)
    return add_months(latest, -(DEFAULT_MONTHS - 1)), latest


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass
class ProviderFigures:
    """One provider's column of the comparison."""

    provider: Provider
    scores: list[float | None] = field(default_factory=list)  # one per month of the range
    score: comparison.Average = field(default_factory=lambda: comparison.Average(None, 0, 0))
    criteria: dict[str, comparison.Average] = field(default_factory=dict)
    savings: Decimal | None = None
    spend: Decimal | None = None
    credits: Decimal | None = None
    savings_months: int = 0
    savings_months_without: int = 0
    metrics: dict[str, float] = field(default_factory=dict)  # metric code → mean measured value
    quadrant: str | None = None


def compare(*, user: User | AnonymousUser, providers: list[Provider], first: dt.date, last: dt.date) -> dict[str, Any]:
    """Everything the comparison page shows for ``providers`` over ``first``…``last`` (months)."""
    months = months_between(first, last)
    figures = {p.pk: ProviderFigures(provider=p) for p in providers}
    ids = list(figures)
    version = default_version()
    criteria = [(c.code, c.name) for c in version.criteria.all()] if version else []
    _scores(user, figures, months, criteria, version)
    _savings(user, figures, first, last)
    metrics = _common_metrics(user, figures, first, last)
    split = comparison.assign_quadrants(
        {pk: (float(f.spend) if f.spend is not None else None, f.score.value) for pk, f in figures.items()}
    )
    for pk, f in figures.items():
        f.quadrant = split.quadrants.get(pk)
    return {
        "providers": [figures[pk] for pk in ids],
        "months": months,
        "criteria": criteria,
        "template_version": version,
        "currency": settings.REPORTING_CURRENCY,
        "metrics": metrics,
        "quadrants": split,
        "processes": _shared_processes(user, figures, first, last),
    }


def _scores(
    user: User | AnonymousUser,
    figures: dict[int, ProviderFigures],
    months: list[dt.date],
    criteria: list[tuple[str, str]],
    version: Any,
) -> None:
    if version is None:
        for f in figures.values():
            f.scores = [None] * len(months)
            f.score = comparison.average(f.scores)
        return
    cards: dict[tuple[int, dt.date], Scorecard] = {
        (card.provider_id, card.period): card
        for card in scorecard_list(user=user).filter(
            provider_id__in=list(figures), template_version=version, period__range=(months[0], months[-1])
        )
    }
    for pk, f in figures.items():
        scored = [cards.get((pk, m)) for m in months]
        f.scores = [float(c.score) if c is not None and c.score is not None else None for c in scored]
        f.score = comparison.average(f.scores)
        points: dict[str, list[float | None]] = {code: [] for code, _ in criteria}
        for card in scored:
            if card is None or card.score is None:
                continue
            rows = {row.get("code"): row for row in (card.breakdown or {}).get("criteria", [])}
            for code in points:
                value = rows.get(code, {}).get("points")
                points[code].append(float(value) if value is not None else None)
        f.criteria = {code: comparison.average(values) for code, values in points.items()}


def _savings(user: User | AnonymousUser, figures: dict[int, ProviderFigures], first: dt.date, last: dt.date) -> None:
    """Σ savings, spend (outsourced cost) and credits of the months with figures, in the reporting currency.

    As on the savings page: a contract-month without figures (no volume, baseline, cost, or a
    missing exchange rate) is left out and counted, never taken as 0.
    """
    computed = Q(status=SavingsResult.Status.OK)
    rows = (
        savings_list(user=user)
        .filter(contract__provider_id__in=list(figures), period__range=(first, last))
        .order_by()
        .values("contract__provider_id")
        .annotate(
            savings=Sum("savings", filter=computed),
            spend=Sum("outsourced_cost", filter=computed),
            credits=Sum("service_credits", filter=computed),
            with_data=Count("pk", filter=computed),
            without=Count("pk", filter=~computed),
        )
    )
    for row in rows:
        f = figures[row["contract__provider_id"]]
        f.savings, f.spend, f.credits = row["savings"], row["spend"], row["credits"]
        f.savings_months, f.savings_months_without = row["with_data"], row["without"]


def _measured(user: User | AnonymousUser, provider_ids: list[int], first: dt.date, last: dt.date) -> QuerySet:
    return compliance_list(user=user).filter(
        service_level__contract__provider_id__in=provider_ids,
        period__range=(first, last),
        status__in=MEASURED,
        actual__isnull=False,
    )


def _common_metrics(
    user: User | AnonymousUser, figures: dict[int, ProviderFigures], first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """The metrics every compared provider was measured on, each provider's mean and its min–max place."""
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    # Named as the rest of the portal names a level ("Service level within 20 s"), not by the
    # catalogue's placeholder ("… (answered within T s)"); levels of different thresholds list each.
    labels: dict[str, set[str]] = defaultdict(set)
    for provider_id, metric, parameters, actual in _measured(user, list(figures), first, last).values_list(
        "service_level__contract__provider_id", "service_level__metric", "service_level__parameters", "actual"
    ):
        values[(provider_id, metric)].append(actual)
        labels[metric].add(ServiceLevel(metric=metric, parameters=parameters).display_name)
    for (provider_id, metric), measured in values.items():
        figures[provider_id].metrics[metric] = statistics.fmean(measured)
    common = set.intersection(*(set(f.metrics) for f in figures.values())) if figures else set()
    rows = []
    for code in sorted(common, key=lambda c: get_metric(c).name):
        metric = get_metric(code)
        normalised = comparison.min_max(
            {pk: f.metrics[code] for pk, f in figures.items()}, higher_is_better=metric.higher_is_better
        )
        rows.append(
            {
                "code": code,
                "name": " / ".join(sorted(labels[code])) or metric.name,
                "direction": metric.direction,
                "higher_is_better": metric.higher_is_better,
                "cells": [{"value": figures[pk].metrics[code], "normalised": normalised[pk]} for pk in figures],
            }
        )
    return rows


def _shared_processes(
    user: User | AnonymousUser, figures: dict[int, ProviderFigures], first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """Per process run by two or more of the providers in the range: cost per unit, quality and the frontier.

    Quality is the weighted attainment (0–100) of the process's measured service levels over
    the range (``scoring.sla_criterion`` over every measured month): the SLA criterion of the
    scorecard, restricted to the process. Cost per unit: ``comparison.cost_per_unit``.
    """
    contracts = visible_to(
        Contract.objects.filter(provider_id__in=list(figures), start_date__lte=month_end(last), end_date__gte=first),
        user,
        provider_path="provider",
    )
    runs: dict[int, set[int]] = defaultdict(set)  # process → providers
    contract_provider: dict[int, int] = {}
    for contract_id, provider_id, process_id in contracts.values_list("pk", "provider_id", "processes"):
        if process_id is not None:
            runs[process_id].add(provider_id)
            contract_provider[contract_id] = provider_id
    shared = {process: providers for process, providers in runs.items() if len(providers) >= 2}
    if not shared:
        return []
    # Cost: each contract-month's outsourced cost and volume, with the process's own volume.
    volumes = {
        (contract_id, period): vols or {}
        for contract_id, period, vols in CreditStatement.objects.filter(
            contract_id__in=list(contract_provider), period__range=(first, last)
        ).values_list("contract_id", "period", "volumes")
    }
    costs: dict[tuple[int, int], list[comparison.ProcessMonthCost]] = defaultdict(list)  # (provider, process)
    for contract_id, period, cost, volume in (
        savings_list(user=user)
        .filter(
            contract_id__in=list(contract_provider),
            period__range=(first, last),
            status=SavingsResult.Status.OK,
            outsourced_cost__isnull=False,
        )
        .values_list("contract_id", "period", "outsourced_cost", "volume")
    ):
        for process_id, process_volume in volumes.get((contract_id, period), {}).items():
            if cost is not None and int(process_id) in shared and process_volume and volume:
                costs[(contract_provider[contract_id], int(process_id))].append(
                    comparison.ProcessMonthCost(cost, int(volume), int(process_volume))
                )
    # Quality: the measured service levels of the process.
    levels: dict[tuple[int, int], list[scoring.ServiceLevelInput]] = defaultdict(list)
    for result in (
        _measured(user, list(figures), first, last)
        .filter(service_level__process_id__in=list(shared))
        .select_related("service_level__contract")
    ):
        level = result.service_level
        metric = get_metric(level.metric)
        levels[(level.contract.provider_id, level.process_id)].append(
            scoring.ServiceLevelInput(
                name=level.display_name,
                actual=float(result.actual),
                expected_level=float(result.expected_level),
                minimum_level=float(result.minimum_level),
                higher_is_better=metric.higher_is_better,
                weight=float(level.weight),
            )
        )
    names = dict(Process.objects.filter(pk__in=list(shared)).values_list("pk", "name"))
    units = dict(Process.objects.filter(pk__in=list(shared)).values_list("pk", "unit_of_work"))
    out = []
    for process_id in sorted(shared, key=lambda pk: names[pk]):
        rows: list[dict[str, Any]] = []
        for provider_id in [pk for pk in figures if pk in shared[process_id]]:
            unit_cost = comparison.cost_per_unit(costs.get((provider_id, process_id), []))
            quality = scoring.sla_criterion(levels.get((provider_id, process_id), []))
            rows.append(
                {
                    "provider": figures[provider_id].provider,
                    "cost_per_unit": unit_cost,
                    "quality": quality.points if quality else None,
                }
            )
        points = {
            row["provider"].pk: (float(row["cost_per_unit"]), row["quality"])
            for row in rows
            if row["cost_per_unit"] is not None and row["quality"] is not None
        }
        beaten = comparison.dominators(points)
        frontier = comparison.pareto_frontier(points)
        for row in rows:
            pk = row["provider"].pk
            row["on_frontier"] = pk in frontier
            row["beaten_by"] = [figures[other].provider.name for other in beaten.get(pk, [])]
            row["complete"] = pk in points
        out.append(
            {
                "process_id": process_id,
                "name": names[process_id],
                "unit": Process.UnitOfWork(units[process_id]).label.lower(),
                "rows": rows,
                "frontier": [figures[pk].provider.name for pk in frontier],
            }
        )
    return out
