"""Recomputing scorecards: read a provider-month's inputs, run ``scorecards.scoring``, store it.

Inputs, all already stored by the apps below: the month's compliance results (``slas``: each
measured service level's actual against its minimum and expected level, chronic breaches,
discrepancies between claims and records), its savings results (``savings``: realised and
projected savings, invoice discrepancies), the provider's certifications (``vendors``), and
the reviewers' manual ratings. Called after every compliance recomputation (the
``compliance_recomputed`` signal, after savings, in the same transaction) and by
``manage.py recompute_scorecards``. Idempotent: scorecards are upserted by (provider, month,
template version).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.catalogue import get_metric
from core.months import month_end, month_start
from savings.models import SavingsResult
from scorecards import scoring
from scorecards.models import ManualRating, Scorecard, ScorecardCriterion, ScorecardTemplate, ScorecardTemplateVersion
from slas.models import ComplianceResult, ComplianceStatus
from vendors.certifications import certification_problems, required_certifications
from vendors.models import Provider

# Compliance results that measured something (an actual value to score).
MEASURED = (ComplianceStatus.MET, ComplianceStatus.AT_RISK, ComplianceStatus.BREACHED)

STORED_FIELDS = ["score", "standing", "breakdown", "note", "computed_at"]


def default_version() -> ScorecardTemplateVersion | None:
    """The latest version of the default template (what the recomputation scores with)."""
    template = ScorecardTemplate.objects.filter(is_default=True).first()
    return template.current_version if template else None


def active_months(provider_id: int) -> list[dt.date]:
    """The months with anything to score for the provider: compliance or savings results, or ratings."""
    months: set[dt.date] = set()
    months.update(
        ComplianceResult.objects.filter(service_level__contract__provider_id=provider_id).values_list(
            "period", flat=True
        )
    )
    months.update(SavingsResult.objects.filter(contract__provider_id=provider_id).values_list("period", flat=True))
    months.update(ManualRating.objects.filter(provider_id=provider_id).values_list("period", flat=True))
    return sorted(months)


@transaction.atomic
def recompute_scorecards(
    *,
    provider_ids: Iterable[int] | None = None,
    months: Iterable[dt.date] | None = None,
    version: ScorecardTemplateVersion | None = None,
) -> list[Scorecard]:
    """(Re)compute and store the scorecards of ``providers`` × ``months`` under ``version``.

    Defaults: every provider, every month each has results or ratings for, and the default
    template's current version. A month without activity is stored with no score (and says
    so), never a default 0 or 100.
    """
    version = version or default_version()
    if version is None:
        return []
    criteria = list(version.criteria.all())
    bands = scoring.validate_bands(version.band_list())
    providers = Provider.objects.prefetch_related("certifications").order_by("pk")
    if provider_ids is not None:
        providers = providers.filter(pk__in=list(provider_ids))
    wanted = sorted({month_start(m) for m in months}) if months is not None else None
    now = timezone.now()
    stored: list[Scorecard] = []
    for provider in providers:
        provider_months = wanted if wanted is not None else active_months(provider.pk)
        if not provider_months:
            continue
        cards = [
            Scorecard(provider=provider, period=month, template_version=version, computed_at=now, **fields)
            for month, fields in score_provider(provider, provider_months, criteria, bands).items()
        ]
        stored += Scorecard.objects.bulk_create(
            cards,
            update_conflicts=True,
            unique_fields=["provider", "period", "template_version"],
            update_fields=STORED_FIELDS,
        )
    _after_store(stored)
    return stored


def _after_store(stored: list[Scorecard]) -> None:
    """What follows storing scorecards: propose the consequences their standing bands carry."""
    from scorecards.review_services import propose_consequences

    propose_consequences(stored)


def recompute_for_contract(*, contract_id: int, months: Iterable[dt.date]) -> list[Scorecard]:
    """The scorecards of the contract's provider for ``months`` (after the contract's recomputation)."""
    provider_id = Provider.objects.filter(contracts=contract_id).values_list("pk", flat=True).first()
    if provider_id is None:
        return []
    return recompute_scorecards(provider_ids=[provider_id], months=list(months))


def preview_scores(
    criteria: list[ScorecardCriterion], bands: list[scoring.Band], *, months: Iterable[dt.date]
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """What ``criteria`` and ``bands`` would store for every provider's active months among ``months``.

    Nothing is stored: the criteria may be unsaved (a candidate template version being
    back-tested). Same inputs and arithmetic as ``recompute_scorecards``.
    """
    window = {month_start(m) for m in months}
    bands = scoring.validate_bands(bands)
    preview: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for provider in Provider.objects.prefetch_related("certifications").order_by("pk"):
        provider_months = [m for m in active_months(provider.pk) if m in window]
        if provider_months:
            for month, fields in score_provider(provider, provider_months, criteria, bands).items():
                preview[(provider.pk, month)] = fields
    return preview


def score_provider(
    provider: Provider,
    months: list[dt.date],
    criteria: list[ScorecardCriterion],
    bands: list[scoring.Band],
) -> dict[dt.date, dict[str, Any]]:
    """Each month's stored fields (score, standing, breakdown, note) for one provider.

    Reads the provider's results for all the months in three queries, then scores in memory.
    """
    results: dict[dt.date, list[ComplianceResult]] = defaultdict(list)
    for result in ComplianceResult.objects.filter(
        service_level__contract__provider=provider, period__in=months
    ).select_related("service_level"):
        results[result.period].append(result)
    savings: dict[dt.date, list[SavingsResult]] = defaultdict(list)
    for saving in SavingsResult.objects.filter(contract__provider=provider, period__in=months):
        savings[saving.period].append(saving)
    ratings: dict[tuple[dt.date, str], list[float]] = defaultdict(list)
    for period, criterion, rating in ManualRating.objects.filter(provider=provider, period__in=months).values_list(
        "period", "criterion", "rating"
    ):
        ratings[(period, criterion)].append(float(rating))
    plain_criteria = [scoring.Criterion(c.code, c.name, float(c.weight)) for c in criteria]
    return {
        month: _month_fields(provider, month, results[month], savings[month], ratings, criteria, plain_criteria, bands)
        for month in months
    }


def _month_fields(
    provider: Provider,
    month: dt.date,
    results: list[ComplianceResult],
    savings: list[SavingsResult],
    ratings: dict[tuple[dt.date, str], list[float]],
    criteria: list[ScorecardCriterion],
    plain_criteria: list[scoring.Criterion],
    bands: list[scoring.Band],
) -> dict[str, Any]:
    measured = [r for r in results if r.status in MEASURED and r.actual is not None]
    computed_savings = [s for s in savings if s.status == SavingsResult.Status.OK and s.savings is not None]
    active = bool(measured or computed_savings)
    scores: dict[str, scoring.CriterionScore | None] = {}
    for criterion in criteria:
        if criterion.kind == ScorecardCriterion.Kind.SLA:
            scores[criterion.code] = scoring.sla_criterion([_level_input(r) for r in measured])
        elif criterion.kind == ScorecardCriterion.Kind.COST:
            scores[criterion.code] = _cost(computed_savings, savings)
        elif criterion.kind == ScorecardCriterion.Kind.RISK:
            scores[criterion.code] = _risk(provider, month, results, measured)
        else:
            scores[criterion.code] = scoring.manual_criterion(ratings.get((month, criterion.code), []))
    breakdown = scoring.combine(plain_criteria, scores, active=active)
    if breakdown is None:
        note = "No activity in the month: no score." if not active else "No criterion has data: no score."
        return {"score": None, "standing": "", "breakdown": {"criteria": [], "left_out": []}, "note": note}
    score = Decimal(str(round(breakdown.score, 2)))
    left_out_names = [row["name"] for row in breakdown.rows if row["left_out"]]
    note = (
        f"Left out for lack of data: {', '.join(left_out_names)}; their weight is spread over the other criteria."
        if left_out_names
        else ""
    )
    return {
        "score": score,
        "standing": scoring.standing_for(float(score), bands),
        "breakdown": {"criteria": breakdown.rows, "left_out": breakdown.left_out},
        "note": note,
    }


def _level_input(result: ComplianceResult) -> scoring.ServiceLevelInput:
    level = result.service_level
    assert result.actual is not None
    return scoring.ServiceLevelInput(
        name=level.name or get_metric(level.metric).name,
        actual=float(result.actual),
        # The levels the result was judged against (stored with it), not today's.
        expected_level=float(result.expected_level),
        minimum_level=float(result.minimum_level),
        higher_is_better=get_metric(level.metric).higher_is_better,
        weight=float(level.weight),
    )


def _cost(computed: list[SavingsResult], all_savings: list[SavingsResult]) -> scoring.CriterionScore | None:
    if not computed:
        return None
    realised = float(sum((s.savings for s in computed if s.savings is not None), Decimal("0")))
    projections = [s.projected_savings for s in computed if s.projected_savings is not None]
    projected = float(sum(projections, Decimal("0"))) if projections else None
    discrepancies = sum(1 for s in all_savings if s.invoice_discrepancy)
    return scoring.cost_criterion(realised, projected, invoice_discrepancies=discrepancies)


def _risk(
    provider: Provider, month: dt.date, results: list[ComplianceResult], measured: list[ComplianceResult]
) -> scoring.CriterionScore | None:
    problems = certification_problems(provider, on=month_end(month))
    return scoring.risk_criterion(
        scoring.RiskInput(
            required_certifications=len(required_certifications(provider)),
            certification_problems=tuple(p.label for p in problems),
            chronic_breaches=sum(1 for r in results if r.chronic),
            open_discrepancies=sum(1 for r in results if r.discrepancy),
            measured_service_levels=len(measured),
        )
    )
