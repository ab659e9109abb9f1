"""Editing scorecard templates: validate a candidate version, back-test it, save it, recompute history.

A template is never edited in place. A change is a *candidate* (criteria with weights summing
to 100, bands covering 0–100, a note); the back-test scores the last 12 months of every
provider under it without storing anything (``services.preview_scores``) and sets that beside
the stored scores of the current version (``scorecards.backtest``). Saving stores the
candidate as the next version and queues the recomputation of every stored month under it
(``tasks.recompute_template_history``, compute queue); the old version's scorecards stay
stored and readable under their own version.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.months import add_months, month_start
from core.tasks import enqueue_on_commit
from savings.models import SavingsResult
from scorecards import backtest, scoring
from scorecards.models import Scorecard, ScorecardCriterion, ScorecardTemplate, ScorecardTemplateVersion
from scorecards.services import preview_scores, recompute_scorecards
from slas.models import ComplianceResult
from vendors.models import Provider

BACKTEST_MONTHS = 12


@dataclass(frozen=True)
class CriterionSpec:
    """A candidate criterion: its code (what manual ratings name), name, kind (scoring rule) and weight."""

    code: str
    name: str
    kind: str
    weight: Decimal


@dataclass(frozen=True)
class Candidate:
    """A template version not saved yet: what the edit form and the API send."""

    criteria: list[CriterionSpec]
    bands: list[dict[str, Any]]
    note: str = ""

    def unsaved_criteria(self) -> list[ScorecardCriterion]:
        return [ScorecardCriterion(code=c.code, name=c.name, kind=c.kind, weight=c.weight) for c in self.criteria]

    def band_list(self) -> list[scoring.Band]:
        return [
            scoring.Band(str(b["standing"]).strip(), float(b["lower"]), str(b.get("consequence") or ""))
            for b in self.bands
        ]

    def stored_bands(self) -> list[dict[str, Any]]:
        """The bands as the version stores them, highest first."""
        return [
            {"standing": b.standing, "lower": b.lower, "consequence": b.consequence}
            for b in scoring.validate_bands(self.band_list())
        ]


def candidate_from_version(version: ScorecardTemplateVersion) -> Candidate:
    """A stored version as a candidate (the starting point of an edit)."""
    return Candidate(
        criteria=[
            CriterionSpec(c.code, c.name, c.kind, c.weight) for c in version.criteria.order_by("-weight", "code")
        ],
        bands=[
            {"standing": b.standing, "lower": b.lower, "consequence": b.consequence}
            for b in sorted(version.band_list(), key=lambda b: b.lower, reverse=True)
        ],
        note="",
    )


def validate_candidate(candidate: Candidate) -> None:
    """Weights sum to 100, codes are distinct slugs with a known kind, bands cover 0–100.

    Raises ``ValidationError`` keyed by ``criteria`` and ``bands`` with every problem found.
    """
    errors: dict[str, list[str]] = {}
    criteria = candidate.criteria
    criteria_errors: list[str] = []
    if not criteria:
        criteria_errors.append("A template version needs at least one criterion.")
    codes = [c.code for c in criteria]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        criteria_errors.append(f"Each criterion needs its own code; repeated: {', '.join(duplicates)}.")
    kinds = set(ScorecardCriterion.Kind.values)
    for criterion in criteria:
        if criterion.kind not in kinds:
            criteria_errors.append(f"“{criterion.code}” has an unknown kind “{criterion.kind}”.")
    if criteria:
        try:
            scoring.validate_weights([float(c.weight) for c in criteria])
        except ValueError as error:
            criteria_errors.append(str(error))
    if criteria_errors:
        errors["criteria"] = criteria_errors
    try:
        scoring.validate_bands(candidate.band_list())
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as error:
        errors["bands"] = [str(error) if not isinstance(error, KeyError) else f"A band lacks {error}."]
    if errors:
        raise ValidationError(errors)


def backtest_months(count: int = BACKTEST_MONTHS, *, until: dt.date | None = None) -> list[dt.date]:
    """The ``count`` months ending with the latest month anything was measured or saved in (oldest first).

    Without any result yet, the months ending with the current one.
    """
    if until is None:
        latest = [
            ComplianceResult.objects.aggregate(latest=Max("period"))["latest"],
            SavingsResult.objects.aggregate(latest=Max("period"))["latest"],
        ]
        known = [m for m in latest if m is not None]
        until = max(known) if known else timezone.localdate()
    last = month_start(until)
    return [add_months(last, -offset) for offset in range(count - 1, -1, -1)]


def template_backtest(
    template: ScorecardTemplate, candidate: Candidate, *, months: Iterable[dt.date] | None = None
) -> backtest.Backtest:
    """What saving ``candidate`` would do to the last 12 months of every provider; stores nothing.

    Old: the scorecards stored under the template's current version. New: the candidate's
    scores from the same inputs. ``validate_candidate`` first (``ValidationError``).
    """
    validate_candidate(candidate)
    window = list(months) if months is not None else backtest_months()
    current = template.current_version
    new_bands = candidate.band_list()
    new = {
        key: backtest.Outcome(float(fields["score"]) if fields["score"] is not None else None, fields["standing"])
        for key, fields in preview_scores(candidate.unsaved_criteria(), new_bands, months=window).items()
    }
    old: dict[backtest.Key, backtest.Outcome] = {}
    old_bands: Sequence[scoring.Band] = new_bands
    if current is not None:
        old_bands = current.band_list()
        for provider_id, period, score, standing in Scorecard.objects.filter(
            template_version=current, period__in=window
        ).values_list("provider_id", "period", "score", "standing"):
            old[(provider_id, period)] = backtest.Outcome(float(score) if score is not None else None, standing)
    ids = {key[0] for key in old} | {key[0] for key in new}
    names: Mapping[int, str] = dict(Provider.objects.filter(pk__in=ids).values_list("pk", "name"))
    return backtest.backtest(old, new, provider_names=names, old_bands=old_bands, new_bands=new_bands)


def _store_version(
    template: ScorecardTemplate, candidate: Candidate, user: User | AnonymousUser | None
) -> ScorecardTemplateVersion:
    number = (template.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ScorecardTemplateVersion(
        template=template,
        number=number,
        note=candidate.note,
        bands=candidate.stored_bands(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    version.full_clean()
    version.save()
    for spec in candidate.criteria:
        criterion = ScorecardCriterion(
            version=version, code=spec.code, name=spec.name, kind=spec.kind, weight=spec.weight
        )
        criterion.full_clean()
        criterion.save()
    version.validate_criteria()
    from scorecards.tasks import recompute_template_history

    enqueue_on_commit(recompute_template_history, version.pk)
    return version


@transaction.atomic
def template_version_create(
    template: ScorecardTemplate, candidate: Candidate, *, user: User | AnonymousUser | None = None
) -> ScorecardTemplateVersion:
    """Store ``candidate`` as the template's next version and queue the recomputation of history under it.

    The template row is locked so two editors saving at once get versions N and N+1, never
    the same number. The previous versions and their scorecards are left as they are.
    """
    validate_candidate(candidate)
    locked = ScorecardTemplate.objects.select_for_update().get(pk=template.pk)
    return _store_version(locked, candidate, user)


@transaction.atomic
def template_create(
    *, name: str, description: str, candidate: Candidate, user: User | AnonymousUser | None = None
) -> ScorecardTemplate:
    """A new (not default) template with ``candidate`` as its version 1."""
    validate_candidate(candidate)
    template = ScorecardTemplate(name=name, description=description, is_default=False)
    template.full_clean()
    template.save()
    _store_version(template, candidate, user)
    return template


def recompute_template_history(version_id: int) -> int:
    """Recompute every provider's stored months under the version (idempotent); the count stored.

    Every month a provider has results or ratings for is scored under this version; the
    scorecards of earlier versions are not touched, so they stay readable.
    """
    version = ScorecardTemplateVersion.objects.filter(pk=version_id).first()
    if version is None:
        return 0
    stored = recompute_scorecards(version=version)
    ScorecardTemplateVersion.objects.filter(pk=version_id).update(history_recomputed_at=timezone.now())
    return len(stored)
