"""Recomputing scorecards: read the inputs in bulk, run ``scorecards.scoring``, store them.

Inputs, all already stored by the apps below: the month's compliance results (``slas``: each
measured service level's actual against its minimum and expected level, chronic breaches,
discrepancies between claims and records), its savings results (``savings``: realised and
projected savings, invoice discrepancies), the provider's certifications (``vendors``), and
the reviewers' manual ratings. Called after every compliance recomputation (the
``compliance_recomputed`` signal, after savings, in the same transaction) and by
``manage.py recompute_scorecards``. Idempotent: scorecards are upserted by (provider, month,
template version), process scorecards by (provider, process, month, version), roll-ups by
(provider, version, quarter or year).

Set-based, so that 200 providers × 36 months cost a handful of queries, not thousands
(``manage.py bench_scorecards``): every input of every provider and month asked for is read
in one query per kind, scored in memory, and written with one upsert per model. After the
scores come what depends on other months and other providers (``scorecards.trends``): the
change against the previous month and the overall score of the months that follow a
changed one, the rank of every provider of the category in the changed months, and the
quarter and year roll-ups. Those are stored with the scorecards being written, and the
few other rows whose rank or trend moved are updated beside them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from contracts.models import Contract
from core.catalogue import get_metric
from core.months import month_end, month_start
from savings.models import SavingsResult
from scorecards import scoring, trends
from scorecards.models import (
    ManualRating,
    ProcessScorecard,
    Scorecard,
    ScorecardCriterion,
    ScorecardRollup,
    ScorecardTemplate,
    ScorecardTemplateVersion,
)
from slas.models import ComplianceResult, ComplianceStatus, ServiceLevel
from vendors.certifications import certification_problems, required_certifications
from vendors.models import Provider

# Compliance results that measured something (an actual value to score).
MEASURED = (ComplianceStatus.MET, ComplianceStatus.AT_RISK, ComplianceStatus.BREACHED)

STORED_FIELDS = ["score", "standing", "breakdown", "note", "computed_at"]
TREND_FIELDS = ["category", "rank", "rank_of", "change", "overall_score", "overall_weights"]
BATCH = 2000


def default_version() -> ScorecardTemplateVersion | None:
    """The latest version of the default template (what the recomputation scores with)."""
    template = ScorecardTemplate.objects.filter(is_default=True).first()
    return template.current_version if template else None


# --- Inputs, read in bulk ----------------------------------------------------------------


@dataclass(frozen=True)
class LevelMonth:
    """One compliance result as the scoring reads it."""

    process_id: int
    status: str
    actual: float | None
    expected_level: float
    minimum_level: float
    chronic: bool
    discrepancy: bool
    name: str
    metric: str
    weight: float
    process: str = ""
    contract: str = ""

    @property
    def measured(self) -> bool:
        return self.status in MEASURED and self.actual is not None


@dataclass(frozen=True)
class SavingsMonth:
    """One contract-month's savings as the cost criterion reads it."""

    contract_id: int
    ok: bool
    savings: Decimal | None
    projected: Decimal | None
    invoice_discrepancy: bool
    currency: str = ""


@dataclass
class ProviderInputs:
    """Everything one provider's months are scored from."""

    provider: Provider
    levels: dict[dt.date, list[LevelMonth]] = field(default_factory=lambda: defaultdict(list))
    savings: dict[dt.date, list[SavingsMonth]] = field(default_factory=lambda: defaultdict(list))
    ratings: dict[tuple[dt.date, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    links: list[trends.ProcessLink] = field(default_factory=list)

    def active_months(self) -> list[dt.date]:
        """The months with anything to score: compliance or savings results, or ratings."""
        return sorted(set(self.levels) | set(self.savings) | {month for month, _ in self.ratings})

    def score(self, month: dt.date, criteria: list["ScorecardCriterion"], bands: list[scoring.Band]) -> dict[str, Any]:
        """The month's stored fields (score, standing, breakdown, note) from these inputs."""
        return month_fields(
            self.provider,
            month,
            self.levels.get(month, []),
            self.savings.get(month, []),
            self.ratings,
            criteria,
            bands,
        )


def _scoped(queryset: QuerySet, path: str, provider_ids: list[int] | None, months: list[dt.date] | None) -> QuerySet:
    if provider_ids is not None:
        queryset = queryset.filter(**{f"{path}__in": provider_ids})
    if months is not None:
        queryset = queryset.filter(period__in=months)
    return queryset


def read_inputs(provider_ids: list[int] | None, months: list[dt.date] | None) -> dict[int, ProviderInputs]:
    """The inputs of ``provider_ids`` (default all) for ``months`` (default all), in six queries."""
    providers = Provider.objects.prefetch_related("certifications").order_by("pk")
    if provider_ids is not None:
        providers = providers.filter(pk__in=provider_ids)
    inputs = {p.pk: ProviderInputs(p) for p in providers}
    levels = _scoped(
        ComplianceResult.objects.all(), "service_level__contract__provider_id", provider_ids, months
    ).values_list(
        "service_level__contract__provider_id",
        "period",
        "service_level__process_id",
        "status",
        "actual",
        "expected_level",
        "minimum_level",
        "chronic",
        "discrepancy",
        "service_level__name",
        "service_level__metric",
        "service_level__weight",
        "service_level_id",
        "service_level__parameters",
        "service_level__process__name",
        "service_level__contract__reference",
    )
    # A level is named as everywhere else in the portal ("Turnaround within 24 h"), not by the
    # catalogue's placeholder ("… within H hours"): once per service level, not per month.
    names: dict[int, str] = {}
    for provider_id, period, *row in levels.order_by("service_level_id").iterator(chunk_size=BATCH):
        (
            process_id,
            status,
            actual,
            expected,
            minimum,
            chronic,
            discrepancy,
            name,
            metric,
            weight,
            level_id,
            params,
            process_name,
            contract_reference,
        ) = row
        if level_id not in names:
            names[level_id] = ServiceLevel(name=name, metric=metric, parameters=params).display_name
        name = names[level_id]
        inputs[provider_id].levels[period].append(
            LevelMonth(
                process_id,
                status,
                float(actual) if actual is not None else None,
                float(expected),
                float(minimum),
                chronic,
                discrepancy,
                name,
                metric,
                float(weight),
                process_name or "",
                contract_reference or "",
            )
        )
    savings = _scoped(SavingsResult.objects.all(), "contract__provider_id", provider_ids, months).values_list(
        "contract__provider_id",
        "period",
        "contract_id",
        "status",
        "savings",
        "projected_savings",
        "invoice_discrepancy",
        "reporting_currency",
    )
    for provider_id, period, contract_id, status, amount, projected, invoice_discrepancy, currency in savings.order_by(
        "contract_id"
    ).iterator(chunk_size=BATCH):
        inputs[provider_id].savings[period].append(
            SavingsMonth(
                contract_id, status == SavingsResult.Status.OK, amount, projected, invoice_discrepancy, currency
            )
        )
    ratings = _scoped(ManualRating.objects.all(), "provider_id", provider_ids, months).values_list(
        "provider_id", "period", "criterion", "rating"
    )
    for provider_id, period, criterion, rating in ratings.iterator(chunk_size=BATCH):
        inputs[provider_id].ratings[(period, criterion)].append(float(rating))
    links = Contract.processes.through.objects.all()
    if provider_ids is not None:
        links = links.filter(contract__provider_id__in=provider_ids)
    for provider_id, contract_id, process_id, category_id, category_name, start, end in links.values_list(
        "contract__provider_id",
        "contract_id",
        "process_id",
        "process__category_id",
        "process__category__name",
        "contract__start_date",
        "contract__end_date",
    ).order_by("contract_id", "process_id"):
        inputs[provider_id].links.append(
            trends.ProcessLink(contract_id, process_id, category_id, category_name, start, end)
        )
    return inputs


# --- Scoring a month ---------------------------------------------------------------------


def month_fields(
    provider: Provider,
    month: dt.date,
    levels: list[LevelMonth],
    savings: list[SavingsMonth],
    ratings: dict[tuple[dt.date, str], list[float]],
    criteria: list[ScorecardCriterion],
    bands: list[scoring.Band],
) -> dict[str, Any]:
    """The stored fields (score, standing, breakdown, note) of one provider-month from its inputs."""
    measured = [level for level in levels if level.measured]
    computed_savings = [s for s in savings if s.ok and s.savings is not None]
    active = bool(measured or computed_savings)
    scores: dict[str, scoring.CriterionScore | None] = {}
    for criterion in criteria:
        if criterion.kind == ScorecardCriterion.Kind.SLA:
            scores[criterion.code] = scoring.sla_criterion([_level_input(level) for level in measured])
        elif criterion.kind == ScorecardCriterion.Kind.COST:
            scores[criterion.code] = _cost(computed_savings, savings)
        elif criterion.kind == ScorecardCriterion.Kind.RISK:
            scores[criterion.code] = _risk(provider, month, levels, measured)
        else:
            scores[criterion.code] = scoring.manual_criterion(ratings.get((month, criterion.code), []))
    plain_criteria = [scoring.Criterion(c.code, c.name, float(c.weight)) for c in criteria]
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
        "standing": _standing(float(score), bands),
        "breakdown": {"criteria": breakdown.rows, "left_out": breakdown.left_out},
        "note": note,
    }


def _standing(score: float, bands: list[scoring.Band]) -> str:
    """``scoring.standing_for`` over bands already validated and sorted (not again per month)."""
    return next(band.standing for band in bands if score >= band.lower)


def _level_input(level: LevelMonth) -> scoring.ServiceLevelInput:
    metric = get_metric(level.metric)
    assert level.actual is not None
    return scoring.ServiceLevelInput(
        name=level.name or metric.name,
        actual=level.actual,
        # The levels the result was judged against (stored with it), not today's.
        expected_level=level.expected_level,
        minimum_level=level.minimum_level,
        higher_is_better=metric.higher_is_better,
        weight=level.weight,
        process=level.process,
        contract=level.contract,
    )


def _cost(computed: list[SavingsMonth], all_savings: list[SavingsMonth]) -> scoring.CriterionScore | None:
    if not computed:
        return None
    realised = float(sum((s.savings for s in computed if s.savings is not None), Decimal("0")))
    projections = [s.projected for s in computed if s.projected is not None]
    projected = float(sum(projections, Decimal("0"))) if projections else None
    discrepancies = sum(1 for s in all_savings if s.invoice_discrepancy)
    # Every savings result is in the portal's reporting currency (savings.services); say which.
    currency = next((s.currency for s in computed if s.currency), settings.REPORTING_CURRENCY)
    return scoring.cost_criterion(realised, projected, invoice_discrepancies=discrepancies, currency=currency)


def _risk(
    provider: Provider, month: dt.date, levels: list[LevelMonth], measured: list[LevelMonth]
) -> scoring.CriterionScore | None:
    problems = certification_problems(provider, on=month_end(month))
    return scoring.risk_criterion(
        scoring.RiskInput(
            required_certifications=len(required_certifications(provider)),
            certification_problems=tuple(p.label for p in problems),
            chronic_breaches=sum(1 for level in levels if level.chronic),
            open_discrepancies=sum(1 for level in levels if level.discrepancy),
            measured_service_levels=len(measured),
        )
    )


def process_month_fields(
    inputs: ProviderInputs,
    month: dt.date,
    criteria: list[ScorecardCriterion],
    bands: list[scoring.Band],
    provider_fields: dict[str, Any] | None = None,
) -> dict[int, dict[str, Any]]:
    """Per process the provider worked on in ``month``, the month scored on that process alone.

    A process's inputs: the compliance results of its service levels and the savings of the
    provider's contracts that include it; certifications and ratings are the provider's.
    A process appears when it has a compliance result or one of its contracts has savings.
    ``provider_fields`` (the provider's month, already scored) is reused for a process whose
    inputs are all of the month's.
    """
    levels = inputs.levels.get(month, [])
    savings = inputs.savings.get(month, [])
    contracts_of: dict[int, set[int]] = defaultdict(set)
    for link in inputs.links:
        contracts_of[link.process_id].add(link.contract_id)
    with_savings = {s.contract_id for s in savings}
    processes = {level.process_id for level in levels} | {
        process_id for process_id, contracts in contracts_of.items() if contracts & with_savings
    }
    scored: dict[int, dict[str, Any]] = {}
    for process_id in sorted(processes):
        own_levels = [level for level in levels if level.process_id == process_id]
        own_savings = [s for s in savings if s.contract_id in contracts_of[process_id]]
        if provider_fields is not None and len(own_levels) == len(levels) and len(own_savings) == len(savings):
            scored[process_id] = provider_fields  # the provider's only process: the same inputs, the same score
            continue
        scored[process_id] = month_fields(
            inputs.provider, month, own_levels, own_savings, inputs.ratings, criteria, bands
        )
    return scored


def preview_scores(
    criteria: list[ScorecardCriterion], bands: list[scoring.Band], *, months: Iterable[dt.date]
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """What ``criteria`` and ``bands`` would store for every provider's active months among ``months``.

    Nothing is stored: the criteria may be unsaved (a candidate template version being
    back-tested). Same inputs and arithmetic as ``recompute_scorecards`` (read in bulk).
    """
    window = sorted({month_start(m) for m in months})
    bands = scoring.validate_bands(bands)
    preview: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for provider_id, inputs in read_inputs(None, window).items():
        for month in inputs.active_months():
            preview[(provider_id, month)] = inputs.score(month, criteria, bands)
    return preview


def score_provider(
    provider: Provider,
    months: list[dt.date],
    criteria: list[ScorecardCriterion],
    bands: list[scoring.Band],
) -> dict[dt.date, dict[str, Any]]:
    """Each month's stored fields (score, standing, breakdown, note) for one provider (not stored)."""
    inputs = read_inputs([provider.pk], months)[provider.pk]
    inputs.provider = provider
    return {month: inputs.score(month, criteria, bands) for month in months}


# --- Writing in bulk ---------------------------------------------------------------------


def upsert_rows(
    model: type[models.Model], rows: list[dict[str, Any]], *, unique: list[str], update: list[str]
) -> list[tuple[Any, ...]]:
    """Insert or update ``rows`` (column → value) of ``model``'s table; the ids and ``unique`` values back.

    On PostgreSQL the rows go through ``COPY`` into a temporary table and one
    ``INSERT … SELECT … ON CONFLICT DO UPDATE``: Django's ``bulk_create`` spends most of its
    time building and escaping parameters (the JSON breakdowns above all), several times what
    the database needs. Elsewhere (SQLite, the embedded mode) ``bulk_create`` does it.
    """
    if not rows:
        return []
    columns = list(rows[0])
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create(
            [model(**row) for row in rows],
            batch_size=500,
            update_conflicts=True,
            unique_fields=unique,
            update_fields=update,
        )
        return [(obj.pk, *(getattr(obj, name) for name in unique)) for obj in objs]
    from psycopg.types.json import Jsonb

    table = model._meta.db_table
    temporary = f"upsert_{table}"
    quoted = ", ".join(f'"{c}"' for c in columns)
    json_columns = {
        f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField) and f.column in columns
    }
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{temporary}"')
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{temporary}" ON COMMIT DROP AS SELECT {quoted} FROM "{table}" WITH NO DATA'
        )
    with connection.connection.cursor() as raw, raw.copy(f'COPY "{temporary}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(row[c]) if c in json_columns else row[c] for c in columns])
    assignments = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in update)
    returned = ", ".join(f'"{c}"' for c in ["id", *unique])
    conflict = ", ".join(f'"{c}"' for c in unique)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{temporary}" '
            f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments} "
            f"RETURNING {returned}"
        )
        found = cursor.fetchall()
        cursor.execute(f'DROP TABLE "{temporary}"')
    return [tuple(row) for row in found]


# --- Recomputing and storing -------------------------------------------------------------


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
    so), never a default 0 or 100. Also stores each month's per-process scores, and brings
    the ranks, changes, overall scores and roll-ups that depend on these months up to date.
    """
    version = version or default_version()
    if version is None:
        return []
    criteria = list(version.criteria.all())
    bands = scoring.validate_bands(version.band_list())
    ids = sorted(set(provider_ids)) if provider_ids is not None else None
    wanted = sorted({month_start(m) for m in months}) if months is not None else None
    inputs = read_inputs(ids, wanted)
    now = timezone.now()
    fields: dict[tuple[int, dt.date], dict[str, Any]] = {}
    process_rows: list[dict[str, Any]] = []
    for provider_id, provider_inputs in inputs.items():
        for month in wanted if wanted is not None else provider_inputs.active_months():
            provider_fields = fields[(provider_id, month)] = provider_inputs.score(month, criteria, bands)
            by_process = process_month_fields(provider_inputs, month, criteria, bands, provider_fields)
            for process_id, process_fields in by_process.items():
                process_rows.append(
                    {
                        "provider_id": provider_id,
                        "process_id": process_id,
                        "period": month,
                        "template_version_id": version.pk,
                        "computed_at": now,
                        **process_fields,
                    }
                )
    if not fields:
        return []
    touched_providers = sorted({provider_id for provider_id, _ in fields})
    touched_months = sorted({month for _, month in fields})
    # A month's process scores are replaced as a whole: a process no longer worked on goes.
    stale = ProcessScorecard.objects.filter(template_version=version, period__in=touched_months)
    if ids is not None:
        stale = stale.filter(provider_id__in=touched_providers)
    stale.delete()
    upsert_rows(
        ProcessScorecard,
        process_rows,
        unique=["provider_id", "process_id", "period", "template_version_id"],
        update=["score", "standing", "breakdown", "note", "computed_at"],
    )
    derived = _derive(version, inputs, fields, now)
    rows = [
        {
            "provider_id": provider_id,
            "period": month,
            "template_version_id": version.pk,
            "computed_at": now,
            **values,
            **derived.pop((provider_id, month)),
        }
        for (provider_id, month), values in sorted(fields.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    ids_by_key = {
        (provider_id, period): pk
        for pk, provider_id, period, _ in upsert_rows(
            Scorecard,
            rows,
            unique=["provider_id", "period", "template_version_id"],
            update=[*STORED_FIELDS, *(f"{name}_id" if name == "category" else name for name in TREND_FIELDS)],
        )
    }
    _update_others(derived)
    stored = []
    for row in rows:
        card = Scorecard(**row)
        card.pk = ids_by_key.get((row["provider_id"], row["period"]))
        card.template_version = version  # read by what follows, without a query per card
        card._state.adding = False
        stored.append(card)
    _after_store(stored)
    return stored


def _after_store(stored: list[Scorecard]) -> None:
    """What follows storing scorecards: propose the consequences their standing bands carry."""
    from scorecards.review_services import propose_consequences

    propose_consequences(stored)


@dataclass
class _Row:
    """A stored scorecard's trend fields, as read before the recomputation writes."""

    pk: int
    provider_id: int
    period: dt.date
    score: Decimal | None
    values: dict[str, Any]


def _derive(
    version: ScorecardTemplateVersion,
    inputs: dict[int, ProviderInputs],
    fields: dict[tuple[int, dt.date], dict[str, Any]],
    now: dt.datetime,
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Trend fields of the recomputed rows, and of stored rows they moved, keyed (provider, month).

    A stored row's entry has ``pk`` and only the fields that changed; the recomputed rows'
    entries have every trend field. Also upserts the roll-ups of the spans touched.
    """
    touched_providers = sorted({provider_id for provider_id, _ in fields})
    touched_months = sorted({month for _, month in fields})
    trend_columns = [f"{name}_id" if name == "category" else name for name in TREND_FIELDS]
    columns = ["pk", "provider_id", "period", "score", *trend_columns]

    def rows(queryset: QuerySet) -> list[_Row]:
        found = []
        for values in queryset.values_list(*columns).iterator(chunk_size=BATCH):
            named = dict(zip(columns, values, strict=True))
            found.append(
                _Row(
                    named.pop("pk"),
                    named.pop("provider_id"),
                    named.pop("period"),
                    named.pop("score"),
                    {("category" if k == "category_id" else k): v for k, v in named.items()},
                )
            )
        return found

    stored = Scorecard.objects.filter(template_version=version)
    own = {(r.provider_id, r.period): r for r in rows(stored.filter(provider_id__in=touched_providers))}
    # Every provider's score per month, the recomputed ones winning.
    scores: dict[int, dict[dt.date, Decimal | None]] = defaultdict(dict)
    for (provider_id, month), row in own.items():
        scores[provider_id][month] = row.score
    for (provider_id, month), values in fields.items():
        scores[provider_id][month] = values["score"]
    result: dict[tuple[int, dt.date], dict[str, Any]] = {}

    # Change and overall: the recomputed months, and the stored months within 12 after one.
    reach = {
        (provider_id, trends.add_months(month, age))
        for provider_id, month in fields
        for age in range(scoring.RECENCY_PERIODS)
    }
    for key in sorted(reach):
        provider_id, month = key
        if key not in fields and key not in own:
            continue
        by_month = scores[provider_id]
        overall, weights = trends.overall(by_month, month)
        values = {"change": trends.change(by_month, month), "overall_score": overall, "overall_weights": weights}
        if key in fields:
            category = trends.ranking_category(inputs[provider_id].links, month)
            result[key] = {"category_id": category, **values}
        else:
            row = own[key]
            moved = {name: value for name, value in values.items() if row.values[name] != value}
            if moved:
                _stored_entry(result, key, row).update(moved)

    # Rank: every category-month a recomputed row is in, or was in before.
    groups: dict[tuple[int, dt.date], dict[int | tuple[int, dt.date], Decimal | None]] = defaultdict(dict)
    for (provider_id, month), values in result.items():
        if (provider_id, month) in fields and values["category_id"] is not None:
            groups[(values["category_id"], month)][(provider_id, month)] = fields[(provider_id, month)]["score"]
    old_groups = {(row.values["category"], row.period) for key, row in own.items() if key in fields}
    wanted_groups = set(groups) | {group for group in old_groups if group[0] is not None}
    peers: dict[tuple[int, dt.date], _Row] = {}
    if wanted_groups:
        for row in rows(
            stored.filter(
                period__in=touched_months, category_id__in={category for category, _ in wanted_groups}
            ).exclude(provider_id__in=touched_providers)
        ):
            if (row.values["category"], row.period) in wanted_groups:
                peers[(row.provider_id, row.period)] = row
                groups[(row.values["category"], row.period)][row.pk] = row.score
        # The touched providers' stored months outside ``fields`` keep their category too.
        for key, row in own.items():
            if key not in fields and (row.values["category"], row.period) in wanted_groups:
                peers[key] = row
                groups[(row.values["category"], row.period)][row.pk] = row.score
    by_pk = {row.pk: key for key, row in peers.items()}
    for members in groups.values():
        for member, (rank, rank_of) in trends.ranks(members).items():
            if isinstance(member, tuple):
                result[member].update(rank=rank, rank_of=rank_of)
            else:
                key = by_pk[member]
                row = peers[key]
                if (row.values["rank"], row.values["rank_of"]) != (rank, rank_of):
                    _stored_entry(result, key, row).update(rank=rank, rank_of=rank_of)
    for key in fields:
        if result[key]["category_id"] is None:
            result[key].update(rank=None, rank_of=None)

    _store_rollups(version, scores, fields, now)
    return result


def _stored_entry(result: dict[tuple[int, dt.date], dict[str, Any]], key: tuple[int, dt.date], row: _Row) -> dict:
    """The entry of a stored row that is not recomputed, holding every trend field (as stored until
    changed), so that one ``bulk_update`` of all the trend fields writes each row right."""
    if key not in result:
        stored = {("category_id" if name == "category" else name): value for name, value in row.values.items()}
        result[key] = {"pk": row.pk, **stored}
    return result[key]


def _update_others(derived: dict[tuple[int, dt.date], dict[str, Any]]) -> None:
    """Write the moved trend fields of stored rows that were not recomputed (few: the months after
    a changed one, the category peers whose rank moved)."""
    cards = []
    for values in derived.values():
        card = Scorecard(pk=values["pk"])
        for name, value in values.items():
            if name != "pk":
                setattr(card, name, value)
        cards.append(card)
    if cards:
        Scorecard.objects.bulk_update(cards, TREND_FIELDS, batch_size=500)


def _store_rollups(
    version: ScorecardTemplateVersion,
    scores: dict[int, dict[dt.date, Decimal | None]],
    fields: dict[tuple[int, dt.date], dict[str, Any]],
    now: dt.datetime,
) -> None:
    bands = version.band_list()
    touched: dict[int, set[dt.date]] = defaultdict(set)
    for provider_id, month in fields:
        touched[provider_id].add(month)
    rollups = [
        {
            "provider_id": provider_id,
            "template_version_id": version.pk,
            "span": rollup.span,
            "period": rollup.period,
            "score": rollup.score,
            "standing": scoring.standing_for(float(rollup.score), bands) if rollup.score is not None else "",
            "months_scored": rollup.months_scored,
            "months": rollup.months,
            "computed_at": now,
        }
        for provider_id, months in sorted(touched.items())
        for rollup in trends.rollups(months, scores[provider_id])
    ]
    upsert_rows(
        ScorecardRollup,
        rollups,
        unique=["provider_id", "template_version_id", "span", "period"],
        update=["score", "standing", "months_scored", "months", "computed_at"],
    )


def recompute_for_contract(*, contract_id: int, months: Iterable[dt.date]) -> list[Scorecard]:
    """The scorecards of the contract's provider for ``months`` (after the contract's recomputation)."""
    provider_id = Provider.objects.filter(contracts=contract_id).values_list("pk", flat=True).first()
    if provider_id is None:
        return []
    return recompute_scorecards(provider_ids=[provider_id], months=list(months))
