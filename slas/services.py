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
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contracts.charges import ChargesUnavailable, PricingTerms, period_charges
from contracts.models import Contract, Invoice
from core.catalogue import CATALOGUE
from core.months import Period, add_months, local_period, month_end, month_start
from reports.models import KpiClaim, VendorReport
from slas import credits as credit_rules
from slas.metrics import MetricRequest, MetricValue, compute
from slas.models import ComplianceResult, CreditStatement, ServiceLevel
from slas.reconciliation import is_discrepancy
from slas.signals import compliance_recomputed
from slas.status import compliance_status, projected_value

logger = logging.getLogger(__name__)
HISTORY_MONTHS = 12


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
        result, _ = ComplianceResult.objects.update_or_create(
            service_level=sla,
            period=month,
            defaults={
                "period_closed": closed,
                "actual": measured.value,
                "sample_size": measured.sample_size,
                "numerator": measured.numerator,
                "denominator": measured.denominator,
                "source": source,
                "expected_level": sla.expected_level,
                "minimum_level": sla.minimum_level,
                "parameters": sla.parameters,
                "status": status,
                "claimed_value": claimed.value if claimed else None,
                "discrepancy": source == ComplianceResult.Source.RECORDS
                and is_discrepancy(claimed.value if claimed else None, measured.value, unit=info.unit),
                "computed_at": now,
            },
        )
        result.reports.set([r for r in reports if r.process_id == sla.process_id])
        results.append(result)
    statement = _apply_credits(contract, month, results, values, claims, now, closed=closed)
    compliance_recomputed.send(sender=ComplianceResult, contract_id=contract.pk, months=[month])
    return statement


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


def _apply_credits(
    contract: Contract,
    month: dt.date,
    results: list[ComplianceResult],
    values: dict[str, MetricValue],
    claims: dict[tuple[int, str], KpiClaim],
    now: dt.datetime,
    *,
    closed: bool,
) -> CreditStatement:
    volume = _volume(values, claims)
    # One invoiced amount per process (a vendor may repeat it on every metric row).
    invoiced_by_process: dict[int, Decimal] = {}
    for (process_id, _metric), claim in claims.items():
        if claim.invoiced_amount is not None:
            invoiced_by_process.setdefault(process_id, claim.invoiced_amount)
    invoiced = list(invoiced_by_process.values())
    # A recorded invoice for the month wins over the vendor's KPI claims (and over our arithmetic).
    recorded = Invoice.objects.filter(contract=contract, period=month).values_list("amount", flat=True).first()
    if recorded is not None:
        invoiced = [recorded]
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
        result.save(update_fields=["credit_amount", "credit_trigger", "credit_breakdown", "chronic", "earned_back"])
    CreditStatement.objects.filter(contract=contract, period=month).delete()
    statement.save()
    if contract.earn_back:
        _settle_earn_back(contract, month)
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
    previous = defaultdict(dict)
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


def recompute_from(*, contract: Contract, month: dt.date, now: dt.datetime | None = None) -> int:
    """Recompute ``month`` and every later month up to now (later flags depend on it)."""
    now = now or timezone.now()
    current = month_start(timezone.localtime(now, zoneinfo.ZoneInfo(str(contract.time_zone))).date())
    month, count = month_start(month), 0
    while month <= current:
        recompute_compliance(contract=contract, month=month, now=now)
        month, count = add_months(month, 1), count + 1
    return count


def recompute_for_report(report_id: int) -> int:
    """After an import ends: recompute the months its contract and period touched."""
    report = VendorReport.objects.select_related("contract").get(pk=report_id)
    return recompute_from(contract=report.contract, month=months_touched(report)[0])


def close_finished_periods(*, now: dt.datetime | None = None) -> int:
    """Nightly: recompute last month (now closed) and this month so far, for active contracts."""
    now = now or timezone.now()
    count = 0
    last_month_start = add_months(month_start(now.date()), -1)
    # Contracts that ended last month still need that month closed.
    running = Contract.objects.filter(Q(status=Contract.Status.ACTIVE) | Q(end_date__gte=last_month_start))
    for contract in running.exclude(status=Contract.Status.DRAFT):
        zone = zoneinfo.ZoneInfo(str(contract.time_zone))
        this_month = month_start(timezone.localtime(now, zone).date())
        count += recompute_from(contract=contract, month=add_months(this_month, -1), now=now)
    return count
