"""Recomputing savings: read a contract-month's inputs, run ``savings.computation``, store it.

Called after every compliance recomputation of the month (the ``compliance_recomputed``
signal, in the same transaction), and by ``manage.py recompute_savings``. Idempotent:
results are upserted by (contract, month). Only months inside the contract's term are
computed; a month's charges, credits and billable volume are read from its credit statement
(``slas``), so the pricing arithmetic happens once, in ``contracts.charges``.
"""

import bisect
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contracts.models import Contract
from core import versions
from core.months import add_months, month_end, month_start
from savings import computation
from savings.models import ExchangeRate, SavingsResult
from slas.models import CreditStatement


def process_baselines(contract: Contract) -> dict[int, list[computation.Baseline]]:
    """Every process's baselines: the original figure (from the beginning) and each revision."""
    baselines: dict[int, list[computation.Baseline]] = {}
    for process in contract.processes.all().prefetch_related("baselines"):
        found = [computation.Baseline(dt.date.min, process.baseline_cost_per_unit, process.currency)]
        found += [
            computation.Baseline(b.valid_from, b.cost_per_unit, b.currency)
            for b in process.baselines.all()
            if b.cost_per_unit is not None
        ]
        baselines[process.pk] = found
    return baselines


def expected_shares(contract: Contract) -> dict[int, Decimal]:
    """Each process's weight in the business case's expected volume: its own expected monthly
    volume, or the same weight for every process when none has one."""
    expected = dict(contract.processes.values_list("pk", "expected_monthly_volume"))
    if not any(expected.values()):
        return {pk: Decimal(1) for pk in expected}
    return {pk: Decimal(volume or 0) for pk, volume in expected.items()}


class RateTable:
    """Exchange rates to the reporting currency, read once per recomputation."""

    def __init__(self, currencies: Iterable[str]) -> None:
        self.by_currency: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for date, currency, rate in (
            ExchangeRate.objects.filter(currency__in=set(currencies))
            .order_by("date")
            .values_list("date", "currency", "rate")
        ):
            self.by_currency.setdefault(currency, []).append((date, rate))

    def __call__(self, currency: str, on: dt.date) -> Decimal | None:
        """The latest rate dated on or before ``on`` (the rows are in date order)."""
        rows = self.by_currency.get(currency, [])
        index = bisect.bisect_right(rows, on, key=lambda row: row[0])
        return rows[index - 1][1] if index else None


def last_day_of_service(contract: Contract) -> dt.date:
    """The term's end, or a terminated contract's last day of service when that came first."""
    if contract.status == Contract.Status.TERMINATED and contract.terminated_on is not None:
        return min(contract.end_date, contract.terminated_on)
    return contract.end_date


def months_in_term(contract: Contract, *, today: dt.date | None = None) -> list[dt.date]:
    """First days of the months of the contract's term (to its termination), up to the current month."""
    today = today or timezone.localdate()
    last = min(month_start(last_day_of_service(contract)), month_start(today))
    months, month = [], month_start(contract.start_date)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@transaction.atomic
def recompute_savings(*, contract_id: int, months: Iterable[dt.date] | None = None) -> list[SavingsResult]:
    """(Re)compute and store the savings of ``months`` (default: the whole term) of a contract."""
    contract = Contract.objects.get(pk=contract_id)
    # A shortened or terminated term takes the months outside it with it (as compliance does).
    SavingsResult.objects.filter(contract=contract).filter(
        Q(period__lt=month_start(contract.start_date)) | Q(period__gt=last_day_of_service(contract))
    ).delete()
    term = set(months_in_term(contract))
    wanted = sorted({month_start(m) for m in months} & term) if months is not None else sorted(term)
    if not wanted:
        return []
    baselines = process_baselines(contract)
    shares = expected_shares(contract)
    currencies = {contract.currency} | {b.currency for bs in baselines.values() for b in bs}
    rates = RateTable(currencies)
    statements = {s.period: s for s in CreditStatement.objects.filter(contract=contract, period__in=wanted)}
    now = timezone.now()
    results = [
        SavingsResult(
            contract=contract,
            period=month,
            **_stored_fields(
                computation.month_savings(
                    contract_month(contract, month, statements.get(month), baselines, shares),
                    reporting_currency=settings.REPORTING_CURRENCY,
                    rate=rates,
                ),
                now,
            ),
            **invoice_fields(contract, statements.get(month)),
        )
        for month in wanted
    ]
    # One upsert for all the months (not one query per month): the cost per contract stays
    # constant however long its term (see ``manage.py bench_savings``).
    saved = SavingsResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["contract", "period"],
        update_fields=STORED_FIELDS,
    )
    versions.bump(f"contract:{contract.pk}")  # bulk upserts send no signal: the dashboard's total changes
    return saved


def contract_month(
    contract: Contract,
    month: dt.date,
    statement: CreditStatement | None,
    baselines: dict[int, list[computation.Baseline]],
    shares: dict[int, Decimal] | None = None,
) -> computation.ContractMonth:
    """The computation's view of one contract-month, from the contract and the month's statement."""
    last_day = month_end(month)
    volumes = (statement.volumes or {}) if statement else {}
    processes = [
        computation.ProcessMonth(
            process_id=process_id,
            volume=volumes.get(str(process_id)),
            baseline=computation.baseline_for(process_baselines_list, last_day),
            expected_share=(shares or {}).get(process_id, Decimal(1)),
        )
        for process_id, process_baselines_list in sorted(baselines.items())
    ]
    start = month_start(contract.start_date)
    return computation.ContractMonth(
        month=month,
        month_end=last_day,
        currency=contract.currency,
        processes=processes,
        outsourced_cost=statement.charges if statement else None,
        outsourced_source=(statement.charges_source if statement else "") or "",
        service_credits=(statement.total_credit if statement else None) or Decimal("0"),
        retained_monthly_cost=contract.retained_monthly_cost,
        transition_cost=contract.transition_cost,
        transition_months=contract.transition_amortisation_months,
        months_since_start=(month.year - start.year) * 12 + month.month - start.month,
        expected_monthly_volume=contract.expected_monthly_volume,
        expected_savings_percent=contract.expected_savings_percent,
    )


# Every stored figure of a month: all the model's columns but its key (contract, month).
STORED_FIELDS = [f.name for f in SavingsResult._meta.concrete_fields if f.name not in ("id", "contract", "period")]


def invoice_fields(contract: Contract, statement: CreditStatement | None) -> dict:
    """The month's invoiced amount against its computed charges (contract currency), and whether
    the gap is an invoice discrepancy under the contract's tolerance (``computation.invoice_check``)."""
    breakdown = (statement.charges_breakdown or {}) if statement else {}

    def amount(key: str) -> Decimal | None:
        value = breakdown.get(key)
        return Decimal(value) if value not in (None, "") else None

    check = computation.invoice_check(amount("invoiced"), amount("computed"), contract.invoice_tolerance_percent)
    taken_from = breakdown.get("taken_from") or (
        "invoiced amount" if breakdown.get("source") == "invoiced" else "computed from prices" if breakdown else ""
    )
    return {
        "charges_taken_from": taken_from,
        "invoiced_amount": amount("invoiced"),
        "computed_charges": amount("computed"),
        "invoice_difference": check.difference if check else None,
        "invoice_difference_percent": check.difference_percent if check else None,
        "invoice_discrepancy": bool(check and check.discrepancy),
    }


def _stored_fields(figures: computation.MonthSavings, now: dt.datetime) -> dict:
    return {
        "status": figures.status,
        "reporting_currency": figures.reporting_currency,
        "volume": figures.volume,
        "baseline_cost": figures.baseline_cost,
        "outsourced_cost": figures.outsourced_cost,
        "outsourced_source": figures.outsourced_source,
        "service_credits": figures.service_credits,
        "retained_cost": figures.retained_cost,
        "transition_amortisation": figures.transition_amortisation,
        "net_cost": figures.net_cost,
        "savings": figures.savings,
        "savings_percent": figures.savings_percent,
        "projected_savings": figures.projected_savings,
        "rates": figures.rates,
        "inputs": figures.inputs,
        "note": figures.note,
        "computed_at": now,
    }


@transaction.atomic
def exchange_rates_save(rows: list[dict]) -> int:
    """Upsert rates by (date, currency); savings follow through the model's save signal."""
    for row in rows:
        ExchangeRate.objects.update_or_create(
            date=row["date"],
            currency=row["currency"],
            defaults={"rate": row["rate"], "source": row.get("source", "")},
        )
    return len(rows)


def contracts_using_currency(currency: str) -> list[int]:
    """Contracts whose amounts or whose processes' baselines are in ``currency``."""
    from django.db.models import Q

    return list(
        Contract.objects.filter(
            Q(currency=currency) | Q(processes__currency=currency) | Q(processes__baselines__currency=currency)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def recompute_all(*, contract_ids: Iterable[int] | None = None) -> int:
    """Recompute every month of the given contracts' terms (default: every contract)."""
    ids = list(contract_ids) if contract_ids is not None else list(Contract.objects.values_list("pk", flat=True))
    return sum(len(recompute_savings(contract_id=pk)) for pk in ids)
