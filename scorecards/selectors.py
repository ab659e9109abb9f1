"""Reads of scorecards, scoped to the requesting user."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.months import current_month_in
from core.scoping import visible_to
from scorecards import trends
from scorecards.models import (
    ManualRating,
    ProcessScorecard,
    Scorecard,
    ScorecardRollup,
    ScorecardTemplate,
    ScorecardTemplateVersion,
)

TREND_PERIODS = 12


def open_months(provider_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, dt.date]:
    """Per provider, the first month that is not closed yet: its scorecard is provisional.

    A provider's month is scored over all its contracts, so it is closed only once it has ended in
    every contract's time zone: the earliest of the contracts' running months (the portal's zone
    for a provider without contracts). Two queries' worth of data for any number of providers.
    """
    from contracts.models import Contract

    now = now or timezone.now()
    ids = set(provider_ids)
    fallback = current_month_in(settings.TIME_ZONE, now)
    result = dict.fromkeys(ids, fallback)
    seen: set[int] = set()
    zones = Contract.objects.filter(provider_id__in=ids).values_list("provider_id", "time_zone").distinct()
    for provider_id, zone in zones:
        running = current_month_in(str(zone), now)
        result[provider_id] = running if provider_id not in seen else min(result[provider_id], running)
        seen.add(provider_id)
    return result


def is_provisional(card: Scorecard, now: dt.datetime | None = None) -> bool:
    """Whether ``card``'s month is still running (a month in progress: its score may still move)."""
    return card.period >= open_months([card.provider_id], now)[card.provider_id]


def scorecard_list(*, user: User | AnonymousUser) -> QuerySet[Scorecard]:
    queryset = Scorecard.objects.select_related("provider", "template_version__template", "category").order_by(
        "-period", "provider__name", "-template_version__number"
    )
    return visible_to(queryset, user, provider_path="provider")


def provider_scorecards(*, user: User | AnonymousUser, provider_id: int, months: int = 12) -> list[Scorecard]:
    """The provider's latest ``months`` scorecards under the default template's current version, latest first."""
    from scorecards.services import default_version

    version = default_version()
    if version is None:
        return []
    queryset = scorecard_list(user=user).filter(provider_id=provider_id, template_version=version)
    return list(queryset.order_by("-period")[:months])


@dataclass
class TrendMonth:
    """One calendar month of a provider's trend; ``card`` is None for a month without a scorecard."""

    month: dt.date
    card: Scorecard | None

    @property
    def score(self) -> Decimal | None:
        return self.card.score if self.card else None


@dataclass
class Trend:
    """A provider's last ``TREND_PERIODS`` calendar months (oldest first) up to ``until``, and the
    overall recency-weighted score at ``until`` with the weight each month got (latest first)."""

    until: dt.date | None
    months: list[TrendMonth] = field(default_factory=list)
    overall_score: Decimal | None = None
    overall_weights: list[dict[str, Any]] = field(default_factory=list)

    def chart(self) -> dict[str, Any]:
        """The sparkline's data for ``json_script``: labels, scores (null = no score), standings."""
        return {
            "labels": [f"{m.month:%Y-%m}" for m in self.months],
            "scores": [float(m.score) if m.score is not None else None for m in self.months],
            "standings": [m.card.standing if m.card else "" for m in self.months],
        }


def provider_trend(
    *,
    user: User | AnonymousUser,
    provider_id: int,
    version: ScorecardTemplateVersion | None = None,
    until: dt.date | None = None,
    periods: int = TREND_PERIODS,
) -> Trend:
    """The provider's trend under ``version`` (default: the default template's current version),
    ending at ``until`` (default: its latest scorecard's month)."""
    from scorecards.services import default_version

    version = version or default_version()
    if version is None:
        return Trend(None)
    cards = scorecard_list(user=user).filter(provider_id=provider_id, template_version=version)
    if until is None:
        latest = cards.order_by("-period").values_list("period", flat=True).first()
        if latest is None:
            return Trend(None)
        until = latest
    first = trends.add_months(until, -(periods - 1))
    by_month = {card.period: card for card in cards.filter(period__gte=first, period__lte=until)}
    months = [TrendMonth(m, by_month.get(m)) for m in (trends.add_months(first, n) for n in range(periods))]
    last = by_month.get(until)
    return Trend(
        until,
        months,
        last.overall_score if last else None,
        list(last.overall_weights) if last else [],
    )


def scorecard_rollups(card: Scorecard) -> list[ScorecardRollup]:
    """The quarter and the year the scorecard's month is in (those stored), quarter first."""
    quarter = Q(span=ScorecardRollup.Span.QUARTER, period=trends.quarter_start(card.period))
    year = Q(span=ScorecardRollup.Span.YEAR, period=trends.year_start(card.period))
    return list(
        ScorecardRollup.objects.filter(provider_id=card.provider_id, template_version_id=card.template_version_id)
        .filter(quarter | year)
        .order_by("span")
    )


def provider_rollups(*, provider_id: int, version: ScorecardTemplateVersion, until: dt.date) -> list[ScorecardRollup]:
    """The provider's quarters of the last 12 months to ``until`` and the years they touch, latest first."""
    first = trends.add_months(until, -(TREND_PERIODS - 1))
    return list(
        ScorecardRollup.objects.filter(
            provider_id=provider_id,
            template_version=version,
            period__gte=trends.year_start(first),
            period__lte=until,
        )
        .exclude(span=ScorecardRollup.Span.QUARTER, period__lt=trends.quarter_start(first))
        .order_by("span", "-period")
    )


def process_scorecards(card: Scorecard) -> list[ProcessScorecard]:
    """The scorecard's month scored per process, by process name."""
    return list(
        ProcessScorecard.objects.filter(
            provider_id=card.provider_id, period=card.period, template_version_id=card.template_version_id
        )
        .select_related("process", "process__category")
        .order_by("process__name")
    )


# --- Templates and manual ratings (issue #11: template editing, back-test, ratings) -----


def template_list(*, user: User | AnonymousUser) -> QuerySet[ScorecardTemplate]:
    """Templates are reference data: every signed-in user with the view permission reads them all."""
    return visible_to(ScorecardTemplate.objects.order_by("-is_default", "name"), user, provider_path=None)


def template_version_list(*, user: User | AnonymousUser, template_id: int) -> QuerySet[ScorecardTemplateVersion]:
    queryset = (
        ScorecardTemplateVersion.objects.filter(template_id=template_id)
        .select_related("template", "created_by")
        .prefetch_related("criteria")
        .order_by("-number")
    )
    return visible_to(queryset, user, provider_path=None)


def manual_rating_list(*, user: User | AnonymousUser) -> QuerySet[ManualRating]:
    queryset = ManualRating.objects.select_related("provider", "reviewer").order_by(
        "-period", "provider__name", "criterion", "reviewer__username"
    )
    return visible_to(queryset, user, provider_path="provider")
