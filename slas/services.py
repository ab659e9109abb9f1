"""Computing compliance: results per service level and month, credits, reconciliation.

``recompute_compliance`` is the one entry point: the Celery task after every import, the
nightly schedule and the ``recompute_compliance`` command all call it. It is idempotent
(results and statements are upserted by their natural keys), so running it twice changes
nothing and a redelivered task is harmless.
"""

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from contracts.charges import ChargesUnavailable, PricingTerms, period_charges
from contracts.models import Contract, Invoice
from core import versions
from core.catalogue import CATALOGUE
from core.months import Period, add_months, local_period, month_end, month_start
from core.tasks import enqueue_on_commit
from reports.models import KpiClaim, VendorReport
from slas import credits as credit_rules
from slas.metrics import MetricRequest, MetricValue, compute
from slas.models import ComplianceResult, CreditStatement, RecomputeRun, ServiceLevel
from slas.reconciliation import is_discrepancy
from slas.signals import compliance_recomputed
from slas.status import compliance_status, projected_value

logger = logging.getLogger(__name__)
HISTORY_MONTHS = 12


# What a recomputation writes of a result, named one by one: a field added to the model later
# (a note, an acknowledgement) is kept by a recomputation unless it is added here.
RESULT_FIELDS = [
    "period_closed",
    "actual",
    "sample_size",
    "numerator",
    "denominator",
    "source",
    "expected_level",
    "minimum_level",
    "parameters",
    "status",
    "claimed_value",
    "discrepancy",
    "credit_amount",
    "credit_trigger",
    "credit_breakdown",
    "earned_back",
    "chronic",
    "computed_at",
]


def month_period(contract: Contract, first: dt.date) -> Period:
    """The calendar month starting ``first`` as aware datetimes in the contract's zone."""
    return local_period(first, month_end(first), str(contract.time_zone))


def months_touched(report: VendorReport) -> list[dt.date]:
    first, last = month_start(report.period_start), month_start(report.period_end)
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    return months


@transaction.atomic
def recompute_compliance(*, contract: Contract, month: dt.date, now: dt.datetime | None = None) -> CreditStatement:
    """(Re)compute every monthly service level of ``contract`` for ``month``, and its credits.

    Later months' earn-back and chronic flags depend on this one, so callers recomputing a
    past month should recompute the months after it too (``recompute_from``).
    """
    now = now or timezone.now()
    # Lock the contract: two recomputes of it (two imports finishing together) take turns,
    # and the terms are read as stored (Decimals), whatever the caller holds.
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    month = month_start(month)
    period = month_period(contract, month)
    closed = now >= period.end
    elapsed = max(0.0, min(1.0, (now - period.start) / (period.end - period.start)))
    service_levels = list(
        contract.service_levels.filter(measurement_period=ServiceLevel.Period.MONTHLY).select_related("process")
    )
    values = _measure(contract, service_levels, period)
    claims = _claims(contract, month)
    reports = list(
        VendorReport.objects.filter(
            contract=contract,
            status=VendorReport.Status.COMPLETED,
            period_start__lt=add_months(month, 1),
            period_end__gte=month,
        )
    )
    # Earn-back decisions already taken for this month's credits stand (the months after decide them).
    earned_back = dict(
        ComplianceResult.objects.filter(service_level__in=service_levels, period=month).values_list(
            "service_level_id", "earned_back"
        )
    )
    results = []
    for sla in service_levels:
        info = CATALOGUE[sla.metric]
        measured = values.get(str(sla.pk), MetricValue(None, 0))
        claimed = claims.get((sla.process_id, sla.metric))
        source = ComplianceResult.Source.RECORDS
        if info.vendor_reported or (measured.sample_size == 0 and claimed is not None):
            measured = MetricValue(claimed.value if claimed else None, 1 if claimed else 0)
            source = ComplianceResult.Source.VENDOR_REPORTED
        judged = measured.value if closed else projected_value(sla.metric, measured.value, elapsed_fraction=elapsed)
        status = compliance_status(
            judged,
            sample_size=measured.sample_size,
            minimum_sample_size=sla.minimum_sample_size if source == ComplianceResult.Source.RECORDS else 0,
            expected=sla.expected_level,
            minimum=sla.minimum_level,
            higher_is_better=info.higher_is_better,
            period_closed=closed,
        )
        results.append(
            ComplianceResult(
                service_level=sla,
                period=month,
                period_closed=closed,
                actual=measured.value,
                sample_size=measured.sample_size,
                numerator=measured.numerator,
                denominator=measured.denominator,
                source=source,
                expected_level=sla.expected_level,
                minimum_level=sla.minimum_level,
                parameters=sla.parameters,
                status=status,
                claimed_value=claimed.value if claimed else None,
                discrepancy=source == ComplianceResult.Source.RECORDS
                and is_discrepancy(claimed.value if claimed else None, measured.value, unit=info.unit),
                earned_back=earned_back.get(sla.pk),
                computed_at=now,
            )
        )
    statement = _credit_statement(contract, month, results, values, claims, now, closed=closed)
    # The month's results in one statement, credits included: an upsert by (service level,
    # period) keeps each result's id (and its links) across recomputations. Nothing listens
    # to their saves.
    ComplianceResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["service_level", "period"],
        update_fields=RESULT_FIELDS,
    )
    if any(result.pk is None for result in results):
        # The upsert returns the ids where the database can (PostgreSQL; SQLite from 3.35);
        # Django supports SQLite from 3.31.
        ids = dict(
            ComplianceResult.objects.filter(service_level__in=service_levels, period=month).values_list(
                "service_level_id", "pk"
            )
        )
        for result in results:
            result.pk = ids[result.service_level_id]
    _link_reports(results, reports)
    CreditStatement.objects.filter(contract=contract, period=month).delete()
    statement.save()
    if contract.earn_back:
        # After the month's results are stored: they decide the earlier months' earn-back.
        _settle_earn_back(contract, month)
    # Last, so the version row is locked for as short a time as possible (core.versions).
    versions.bump(f"contract:{contract.pk}")
    compliance_recomputed.send(sender=ComplianceResult, contract_id=contract.pk, months=[month])
    return statement


def _link_reports(results: list[ComplianceResult], reports: list[VendorReport]) -> None:
    """Each result's evidence: the month's completed reports of its process.

    What ``result.reports.set(...)`` per result did, in one read and at most two writes for
    the month (per result it cost a read and a write each: most of a month's queries).
    """
    through = ComplianceResult.reports.through
    wanted = {
        (result.pk, report.pk)
        for result in results
        for report in reports
        if report.process_id == result.service_level.process_id
    }
    existing = set(
        through.objects.filter(complianceresult_id__in=[r.pk for r in results]).values_list(
            "complianceresult_id", "vendorreport_id"
        )
    )
    stale = existing - wanted
    if stale:
        for result_id in {result_id for result_id, _ in stale}:
            through.objects.filter(
                complianceresult_id=result_id,
                vendorreport_id__in=[report_id for r_id, report_id in stale if r_id == result_id],
            ).delete()
    links = [through(complianceresult_id=result, vendorreport_id=report) for result, report in wanted - existing]
    through.objects.bulk_create(links)


def _measure(contract: Contract, service_levels: list[ServiceLevel], period: Period) -> dict[str, MetricValue]:
    """All metrics of the month: one query per process (each process has its own items)."""
    by_process: dict[int, list[MetricRequest]] = defaultdict(list)
    for sla in service_levels:
        by_process[sla.process_id].append(MetricRequest(str(sla.pk), sla.metric, sla.parameters))
    for process in contract.processes.all():
        # The month's volume drives per-unit charges, whether or not an SLA measures it.
        # Counted on the contract's billing basis (handled, offered or received items).
        by_process[process.pk].append(
            MetricRequest(f"volume:{process.pk}", "volume", {"basis": contract.billing_basis})
        )
    values: dict[str, MetricValue] = {}
    for process_id, requests in by_process.items():
        values.update(compute(contract_id=contract.pk, process_id=process_id, period=period, requests=requests))
    return values


def _claims(contract: Contract, month: dt.date) -> dict[tuple[int, str], KpiClaim]:
    claims = KpiClaim.objects.filter(
        contract=contract, period=month, report__status=VendorReport.Status.COMPLETED
    ).order_by("report__created_at")
    return {(c.process_id, c.metric): c for c in claims}  # the newest report's claim wins


def _credit_statement(
    contract: Contract,
    month: dt.date,
    results: list[ComplianceResult],
    values: dict[str, MetricValue],
    claims: dict[tuple[int, str], KpiClaim],
    now: dt.datetime,
    *,
    closed: bool,
) -> CreditStatement:
    """The month's credit statement (unsaved), and each result's credit, trigger and chronic flag.

    Works on the results in memory, before they are stored: ``recompute_compliance`` stores
    them once, credits included.
    """
    volume = _volume(values, claims)
    # One invoiced amount per process (a vendor may repeat it on every metric row).
    invoiced_by_process: dict[int, Decimal] = {}
    for (process_id, _metric), claim in claims.items():
        if claim.invoiced_amount is not None:
            invoiced_by_process.setdefault(process_id, claim.invoiced_amount)
    invoiced = list(invoiced_by_process.values())
    # A recorded invoice for the month wins over the vendor's KPI claims (and over our arithmetic).
    # ``taken_from`` says which one the month's charges are: shown beside them, kept in savings.
    taken_from = "vendor KPI summary" if invoiced else "computed from prices"
    recorded = Invoice.objects.filter(contract=contract, period=month).values_list("amount", "reference").first()
    if recorded is not None:
        invoiced = [recorded[0]]
        taken_from = f"invoice {recorded[1]}".strip() if recorded[1] else "invoice (no reference)"
    statement = CreditStatement(
        contract=contract, period=month, volume=volume, volumes=_process_volumes(values), computed_at=now
    )
    histories = _histories(results, month)
    try:
        charges = period_charges(
            PricingTerms(
                pricing_model=contract.pricing_model,
                unit_price=contract.unit_price,
                fte_rate=contract.fte_rate,
                fixed_monthly_fee=contract.fixed_monthly_fee,
                fte_count=contract.fte_count,
                currency=contract.currency,
            ),
            volume=volume,
            invoiced_amount=sum(invoiced, Decimal("0")) if invoiced else None,
        )
    except ChargesUnavailable as exc:
        statement.note = f"No credits computed: {exc}."
        charges = None
    if charges is not None:
        charges.breakdown.update(taken_from=taken_from, billing_basis=contract.billing_basis)
    if charges is not None and not closed:
        statement.charges, statement.charges_source = charges.amount, charges.source
        statement.charges_breakdown = charges.breakdown
        statement.note = "The month is still running: credits are settled when it closes."
    lines_by_sla = {}
    if charges is not None and closed:
        outcome = credit_rules.period_credits(
            histories,
            charges=charges.amount,
            terms=credit_rules.CreditTerms(
                at_risk_percent=contract.at_risk_percent,
                credit_cap=contract.credit_cap,
                earn_back=contract.earn_back,
                consecutive_miss_periods=contract.consecutive_miss_periods,
                earn_back_periods=contract.earn_back_periods,
                chronic_breach_count=contract.chronic_breach_count,
            ),
        )
        statement.charges, statement.charges_source = charges.amount, charges.source
        statement.charges_breakdown = charges.breakdown
        statement.at_risk_amount, statement.cap = outcome.at_risk_amount, outcome.cap
        statement.uncapped_total, statement.total_credit = outcome.uncapped_total, outcome.total
        statement.cap_applied = outcome.cap_applied
        lines_by_sla = {line.service_level_id: line for line in outcome.lines}
    chronic = {
        h.service_level_id: credit_rules.is_chronic(
            h.statuses, count=contract.chronic_breach_count, window=HISTORY_MONTHS
        )
        for h in histories
    }
    for result in results:
        line = lines_by_sla.get(result.service_level_id)
        result.credit_amount = line.amount if line else Decimal("0")
        result.credit_trigger = (line.trigger or "") if line else ""
        result.credit_breakdown = line.breakdown if line else {}
        if not result.credit_amount or not contract.earn_back:
            result.earned_back = None
        result.chronic = chronic.get(result.service_level_id, False)
    return statement


def _process_volumes(values: dict[str, MetricValue]) -> dict[str, int | None]:
    """Each process's billable volume from records (None: no records), for savings per process."""
    return {
        key.split(":", 1)[1]: (int(value.value or 0) if value.sample_size else None)
        for key, value in values.items()
        if key.startswith("volume:")
    }


def _volume(values: dict[str, MetricValue], claims: dict[tuple[int, str], KpiClaim]) -> int | None:
    """Billable items of the month over all processes: from records, else the vendor's claim.

    None when neither shows any: "no evidence" must not price the month at zero.
    """
    total, known = 0, False
    for key, value in values.items():
        if key.startswith("volume:") and value.sample_size:
            total, known = total + int(value.value or 0), True
    if known:
        return total
    claimed = [c.volume for (_, metric), c in claims.items() if c.volume is not None]
    claimed += [int(c.value) for (_, metric), c in claims.items() if metric == "volume"]
    return sum(claimed) if claimed else None


def _histories(results: list[ComplianceResult], month: dt.date) -> list[credit_rules.ServiceLevelHistory]:
    """Each SLA's statuses for the 12 months ending with ``month`` (missing months: no_data)."""
    first = add_months(month, -(HISTORY_MONTHS - 1))
    previous: defaultdict[int, dict[dt.date, str]] = defaultdict(dict)
    for sla_id, period, status in ComplianceResult.objects.filter(
        service_level_id__in=[r.service_level_id for r in results], period__gte=first, period__lt=month
    ).values_list("service_level_id", "period", "status"):
        previous[sla_id][period] = status
    histories = []
    for result in results:
        sla = result.service_level
        earlier = [previous[sla.pk].get(add_months(first, i), "no_data") for i in range(HISTORY_MONTHS - 1)]
        statuses = (*earlier, result.status)
        histories.append(
            credit_rules.ServiceLevelHistory(
                service_level_id=sla.pk,
                critical=sla.kind == ServiceLevel.Kind.CRITICAL,
                allocation_percent=sla.credit_allocation_percent,
                statuses=statuses,
            )
        )
    return histories


def _settle_earn_back(contract: Contract, month: dt.date) -> None:
    """Decide earn-back for the credits of the months before ``month`` (closed months only)."""
    horizon = contract.earn_back_periods
    for credited in ComplianceResult.objects.filter(
        service_level__contract=contract,
        credit_amount__gt=0,
        period__gte=add_months(month, -horizon),
        period__lt=month,
    ):
        after = list(
            ComplianceResult.objects.filter(
                service_level_id=credited.service_level_id,
                period__gt=credited.period,
                period__lte=add_months(credited.period, horizon),
                period_closed=True,  # a running month decides nothing
            )
            .order_by("period")
            .values_list("status", flat=True)
        )
        decision = credit_rules.earned_back(after, periods=horizon)
        if decision != credited.earned_back:
            credited.earned_back = decision
            credited.save(update_fields=["earned_back"])


def current_month(contract: Contract, now: dt.datetime | None = None) -> dt.date:
    """The month running now in the contract's time zone."""
    now = now or timezone.now()
    return month_start(timezone.localtime(now, zoneinfo.ZoneInfo(str(contract.time_zone))).date())


def term_months(contract: Contract, *, now: dt.datetime | None = None) -> list[dt.date]:
    """The months results may exist for: the contract's term, up to the current month."""
    first = month_start(contract.start_date)
    last = min(month_start(contract.end_date), current_month(contract, now))
    return _month_range(first, last)


def _month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months: list[dt.date] = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def dependent_horizon(contract: Contract) -> int:
    """How many later months a month's statuses feed into: the chronic and consecutive-miss
    window (``HISTORY_MONTHS``) and, with earn-back, the months that can return its credit."""
    horizon = HISTORY_MONTHS - 1
    if contract.earn_back:
        horizon = max(horizon, contract.earn_back_periods)
    return horizon


def affected_months(contract: Contract, changed: Iterable[dt.date], *, now: dt.datetime | None = None) -> list[dt.date]:
    """The months to recompute when ``changed`` months' inputs changed.

    Those months and the later ones whose credits and flags depend on them, bounded by the
    contract's term and the current month: nothing before the term, after it or in the future.
    """
    term = term_months(contract, now=now)
    # A month outside the term (or not begun) has no result, so it can change no later one.
    changed = [m for m in {month_start(m) for m in changed} if term and term[0] <= m <= term[-1]]
    if not changed:
        return []
    first = min(changed)
    last = min(add_months(max(changed), dependent_horizon(contract)), term[-1])
    return _month_range(first, last)


def recompute_months(*, contract: Contract, months: list[dt.date], now: dt.datetime | None = None) -> int:
    """Recompute ``months`` in order (earlier months' statuses feed later months' credits)."""
    now = now or timezone.now()
    for month in sorted(months):
        recompute_compliance(contract=contract, month=month, now=now)
    return len(months)


def recompute_from(*, contract: Contract, month: dt.date, now: dt.datetime | None = None) -> int:
    """Recompute ``month`` and every later month of the term up to now."""
    months = [m for m in term_months(contract, now=now) if m >= month_start(month)]
    return recompute_months(contract=contract, months=months, now=now)


# --- recompute runs: what triggered a recomputation, and what it changed ----------------------


def _snapshot(contract: Contract) -> dict[tuple[int, dt.date], tuple[str, Decimal]]:
    return {
        (sla_id, period): (status, credit)
        for sla_id, period, status, credit in ComplianceResult.objects.filter(
            service_level__contract=contract
        ).values_list("service_level_id", "period", "status", "credit_amount")
    }


def _differences(contract: Contract, before: dict, after: dict) -> list[dict[str, Any]]:
    """Per service level and month whose status or credit moved: the old and the new value."""
    names = {sla.pk: sla.display_name for sla in ServiceLevel.objects.filter(contract=contract)}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[0])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        sla_id, period = key
        changes.append(
            {
                "service_level": sla_id,
                "service_level_name": names.get(sla_id, f"#{sla_id}"),
                "month": f"{period:%Y-%m}",
                "old_status": old[0] if old else None,
                "new_status": new[0] if new else None,
                "old_credit": str(old[1]) if old else None,
                "new_credit": str(new[1]) if new else None,
            }
        )
    return changes


def delete_outside_term(
    *, contract_ids: Iterable[int] | None = None, result_model: Any = None, statement_model: Any = None
) -> tuple[int, int]:
    """Delete compliance results and credit statements for months outside their contract's term.

    A month belongs to the term when it overlaps it (the month of the start date through the
    month of the end date). The data migration calls this with its historical models.
    """
    result_model = result_model or ComplianceResult
    statement_model = statement_model or CreditStatement
    results = result_model.objects.annotate(
        term_start=TruncMonth("service_level__contract__start_date", output_field=DateField())
    ).filter(Q(period__lt=F("term_start")) | Q(period__gt=F("service_level__contract__end_date")))
    statements = statement_model.objects.annotate(
        term_start=TruncMonth("contract__start_date", output_field=DateField())
    ).filter(Q(period__lt=F("term_start")) | Q(period__gt=F("contract__end_date")))
    if contract_ids is not None:
        ids = list(contract_ids)
        results = results.filter(service_level__contract_id__in=ids)
        statements = statements.filter(contract_id__in=ids)
    # Delete by id: a delete() of an annotated queryset with joins is not portable.
    result_ids = list(results.values_list("pk", flat=True))
    statement_ids = list(statements.values_list("pk", flat=True))
    _, results_by_model = result_model.objects.filter(pk__in=result_ids).delete()
    _, statements_by_model = statement_model.objects.filter(pk__in=statement_ids).delete()
    return results_by_model.get(result_model._meta.label, 0), statements_by_model.get(statement_model._meta.label, 0)


def _delete_after_term(contract: Contract) -> None:
    """A shortened term takes its later months' results with it.

    Only the end is enforced at run time (a start date moved by hand keeps the months before
    it). A renewal never moves a term's dates: it is a new contract, the next term
    (``contracts.lifecycle``), so each term keeps its own results. The data migration cleared
    what lay before the start once.
    """
    deleted, _ = ComplianceResult.objects.filter(
        service_level__contract=contract, period__gt=contract.end_date
    ).delete()
    deleted_statements, _ = CreditStatement.objects.filter(contract=contract, period__gt=contract.end_date).delete()
    if deleted or deleted_statements:
        versions.bump(f"contract:{contract.pk}")


def _new_run(
    contract: Contract, trigger: str, changed: Iterable[dt.date] | None, now: dt.datetime | None, **fields: Any
) -> RecomputeRun:
    """An unsaved run over ``changed`` months and their dependents (default: the term so far)."""
    months = term_months(contract, now=now) if changed is None else affected_months(contract, changed, now=now)
    user = fields.pop("user", None)
    return RecomputeRun(
        contract=contract,
        trigger=trigger,
        requested_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
        **fields,
    )


def request_recompute(
    *,
    contract: Contract,
    trigger: str,
    changed: Iterable[dt.date] | None = None,
    reason: str = "",
    user: Any = None,
    service_level: ServiceLevel | None = None,
    now: dt.datetime | None = None,
) -> RecomputeRun:
    """Record a recompute run and queue it once the caller's transaction commits.

    ``changed`` are the months whose inputs changed (default: the whole term so far); the
    run also covers the later months that depend on them. In the embedded mode (eager
    tasks) the run has finished when the transaction commits.
    """
    run = _new_run(contract, trigger, changed, now, reason=reason, user=user, service_level=service_level)
    run.save()
    from slas.tasks import perform_recompute_run

    enqueue_on_commit(perform_recompute_run, run.pk)
    return run


def perform_recompute_run(run_id: int, *, now: dt.datetime | None = None) -> RecomputeRun | None:
    """The queued half of ``request_recompute``: recompute the run's months, record the changes."""
    run = RecomputeRun.objects.select_related("contract").filter(pk=run_id).first()
    if run is None or run.finished_at is not None:
        return run  # gone with its contract, or a redelivered task of a finished run
    _execute(run, now=now)
    return run


def resume_unfinished_runs(
    *, older_than: dt.timedelta = dt.timedelta(minutes=2), now: dt.datetime | None = None
) -> int:
    """Queue again the recompute runs that never finished: their worker died in flight, or
    the task was lost before it ran. ``perform_recompute_run`` is idempotent (a finished run
    is left alone), so a run still going when this fires costs one redundant pass at most."""
    from slas.tasks import perform_recompute_run

    cutoff = (now or timezone.now()) - older_than
    stale = list(
        RecomputeRun.objects.filter(finished_at__isnull=True, requested_at__lt=cutoff).values_list("pk", flat=True)
    )
    for run_id in stale:
        enqueue_on_commit(perform_recompute_run, run_id)
    return len(stale)


def recompute_contract(
    *,
    contract: Contract,
    trigger: str,
    changed: Iterable[dt.date] | None = None,
    reason: str = "",
    user: Any = None,
    report: VendorReport | None = None,
    now: dt.datetime | None = None,
    keep_if_unchanged: bool = True,
) -> RecomputeRun:
    """Recompute here and now (a worker's task, the command, the nightly close) and record it."""
    run = _new_run(contract, trigger, changed, now, reason=reason, user=user, report=report)
    _execute(run, now=now, keep_if_unchanged=keep_if_unchanged)
    return run


def _execute(run: RecomputeRun, *, now: dt.datetime | None = None, keep_if_unchanged: bool = True) -> None:
    contract = run.contract
    before = _snapshot(contract)
    _delete_after_term(contract)
    recompute_months(contract=contract, months=run.months, now=now)
    run.changes = _differences(contract, before, _snapshot(contract))
    run.finished_at = timezone.now()
    if keep_if_unchanged or run.changes or run.pk:
        run.save()


def recompute_for_report(report_id: int, superseded_ids: Iterable[int] = ()) -> int:
    """After an import ends: recompute the months it (and the reports it replaced) changed.

    A failed import loaded nothing, so it changes nothing; a report superseded again by the
    time this runs leaves the work to its successor's own run.
    """
    report = VendorReport.objects.select_related("contract").filter(pk=report_id).first()
    if report is None or report.status != VendorReport.Status.COMPLETED:
        return 0
    changed = set(months_touched(report))
    for older in VendorReport.objects.filter(pk__in=list(superseded_ids)):
        changed.update(months_touched(older))
    run = recompute_contract(
        contract=report.contract,
        trigger=RecomputeRun.Trigger.IMPORT,
        changed=changed,
        report=report,
        reason=f"Report #{report.pk} ({report.original_name}, {report.period_label}) imported.",
    )
    return run.month_count


def close_finished_periods(*, now: dt.datetime | None = None) -> int:
    """Nightly: settle last month and refresh this month so far, for contracts running then.

    Only contracts whose term overlaps last month or this month: one that ended long ago has
    nothing left to close.
    """
    now = now or timezone.now()
    count = 0
    this_month = month_start(now.date())
    # A day's margin either side: each contract's own time zone decides its months below.
    running = Contract.objects.exclude(status=Contract.Status.DRAFT).filter(
        start_date__lte=add_months(this_month, 1) + dt.timedelta(days=1),
        end_date__gte=add_months(this_month, -1) - dt.timedelta(days=1),
    )
    for contract in running:
        local = current_month(contract, now)
        run = recompute_contract(
            contract=contract,
            trigger=RecomputeRun.Trigger.NIGHTLY,
            changed=[add_months(local, -1), local],
            now=now,
            keep_if_unchanged=False,
        )
        count += run.month_count
    return count
