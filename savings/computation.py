"""What outsourcing saves: the in-house baseline against what the provider costs, per month.

Pure functions over plain dataclasses (no database): the recomputation service copies the
month's inputs in and stores what comes out, and tests check hand-computed scenarios.

For one contract and month, in the reporting currency::

    baseline cost  = Σ over the contract's processes of  billable volume × baseline cost per unit
    net cost       = outsourced cost − service credits + retained cost + transition amortisation
    savings        = baseline cost − net cost
    savings %      = savings ÷ baseline cost × 100

- *billable volume* is the month's volume on the contract's billing basis (handled, offered
  or received items), the same volume the per-unit charge uses, so a change in volume moves
  the baseline and the cost together and never reads as a saving or a loss;
- *baseline cost per unit* is the process's in-house cost valid in that month (a revised
  baseline applies from its date on and never rewrites earlier months);
- *outsourced cost* is the recorded invoice when there is one, else the charges computed by
  ``contracts.charges`` from the contract's prices (one pricing computation, not two);
- *retained cost* is what the company still spends managing the vendor each month;
  *transition amortisation* is the one-time transition cost ÷ the amortisation months, in
  each of the first that many months of the contract;
- **projected** savings (the business case) = expected monthly volume × baseline cost per
  unit × expected savings % ÷ 100, the expected volume shared among the contract's processes
  in proportion to each process's own expected volume (equally when none is set), each share
  priced at its process's baseline.

Money is ``Decimal`` throughout. Amounts are converted to the reporting currency with the
rate valid on the month's last day (amount × rate, the rate being units of reporting currency
per unit of the foreign currency) and rounded to cents, half up, once per figure; sums are
of rounded figures. A month without billable volume has no savings ("no data"), never 0 or
100 %; a currency without a rate has none either ("missing rate"), never a silent 1.0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

OK = "ok"
NO_DATA = "no_data"  # no billable volume in the month
NO_BASELINE = "no_baseline"  # a process without an in-house cost for the month
NO_COST = "no_cost"  # neither an invoice nor computable charges
MISSING_RATE = "missing_rate"  # an amount in a currency without an exchange rate for the month
STATUSES = (OK, NO_DATA, NO_BASELINE, NO_COST, MISSING_RATE)

# rate(currency, on) -> units of reporting currency per unit of ``currency``, or None.
RateLookup = Callable[[str, dt.date], Decimal | None]


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Baseline:
    """A process's in-house cost per unit of work, valid from ``valid_from`` on."""

    valid_from: dt.date
    cost_per_unit: Decimal
    currency: str


def baseline_for(baselines: Iterable[Baseline], month_end: dt.date) -> Baseline | None:
    """The baseline in force on ``month_end``: the latest whose ``valid_from`` is on or before it."""
    valid = [b for b in baselines if b.valid_from <= month_end]
    return max(valid, key=lambda b: b.valid_from) if valid else None


def derived_cost_per_unit(cost_per_fte_month: Decimal, units_per_fte_month: Decimal) -> Decimal:
    """An in-house cost per unit from what an FTE costs and handles in a month (4 decimals)."""
    if units_per_fte_month <= 0:
        raise ValueError("Units per FTE-month must be positive to derive a cost per unit.")
    return (cost_per_fte_month / units_per_fte_month).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProcessMonth:
    """One process of the contract in the month: its billable volume and its baseline."""

    process_id: int
    volume: int | None
    baseline: Baseline | None
    expected_share: Decimal = Decimal(1)  # its weight in the contract's expected volume


@dataclass(frozen=True)
class ContractMonth:
    """A contract's month as the savings need it; amounts in the contract's ``currency``."""

    month: dt.date  # first day
    month_end: dt.date
    currency: str
    processes: Sequence[ProcessMonth]
    outsourced_cost: Decimal | None  # invoice, else computed charges; None: neither
    outsourced_source: str  # "invoiced" | "computed" | ""
    service_credits: Decimal = ZERO
    retained_monthly_cost: Decimal = ZERO
    transition_cost: Decimal = ZERO
    transition_months: int = 0
    months_since_start: int = 0  # 0 for the contract's first month
    expected_monthly_volume: int | None = None
    expected_savings_percent: Decimal | None = None


@dataclass
class MonthSavings:
    """The month's figures in the reporting currency, with the inputs that made them."""

    status: str
    reporting_currency: str
    volume: int | None = None
    baseline_cost: Decimal | None = None
    outsourced_cost: Decimal | None = None
    outsourced_source: str = ""
    service_credits: Decimal | None = None
    retained_cost: Decimal | None = None
    transition_amortisation: Decimal | None = None
    net_cost: Decimal | None = None
    savings: Decimal | None = None
    savings_percent: Decimal | None = None
    projected_savings: Decimal | None = None
    rates: dict[str, str] = field(default_factory=dict)  # currency -> rate used
    note: str = ""
    inputs: dict[str, str] = field(default_factory=dict)


def transition_amortisation(cost: Decimal, months: int, months_since_start: int) -> Decimal:
    """The month's share of the one-time transition cost: cost ÷ months in each of the first ``months``."""
    if cost <= 0 or months <= 0 or not 0 <= months_since_start < months:
        return ZERO
    return cost / months


def month_savings(month: ContractMonth, *, reporting_currency: str, rate: RateLookup) -> MonthSavings:
    """The savings of one contract-month (see the module docstring for the formula)."""
    result = MonthSavings(status=OK, reporting_currency=reporting_currency)
    rates: dict[str, Decimal] = {}

    def convert(amount: Decimal, currency: str) -> Decimal | None:
        if currency == reporting_currency:
            return cents(amount)
        if currency not in rates:
            found = rate(currency, month.month_end)
            if found is None:
                return None
            rates[currency] = found
        return cents(amount * rates[currency])

    missing: set[str] = set()

    def money(amount: Decimal, currency: str) -> Decimal | None:
        converted = convert(amount, currency)
        if converted is None:
            missing.add(currency)
        return converted

    volumes = [p.volume for p in month.processes if p.volume is not None]
    result.volume = sum(volumes) if volumes else None

    # Projected savings need only the business case and the baselines, not the month's data.
    priced = [p for p in month.processes if p.baseline is not None]
    weights = sum((p.expected_share for p in priced), ZERO)
    if month.expected_monthly_volume and month.expected_savings_percent is not None and priced and weights > 0:
        projected_parts = []
        for process in priced:
            assert process.baseline is not None
            share = Decimal(month.expected_monthly_volume) * process.expected_share / weights
            amount = share * process.baseline.cost_per_unit * month.expected_savings_percent / HUNDRED
            projected_parts.append(money(amount, process.baseline.currency))
        if all(part is not None for part in projected_parts):
            result.projected_savings = sum((part for part in projected_parts if part is not None), ZERO)

    if not result.volume:
        result.status, result.note = NO_DATA, "No billable volume in the month: nothing to compare."
        return _finish(result, rates, missing)
    baseline_total = ZERO
    for process in month.processes:
        if not process.volume:
            continue
        if process.baseline is None:
            result.status = NO_BASELINE
            result.note = f"Process {process.process_id} has no in-house baseline valid in {month.month:%Y-%m}."
            return _finish(result, rates, missing)
        cost = money(process.volume * process.baseline.cost_per_unit, process.baseline.currency)
        if cost is not None:
            baseline_total += cost
        result.inputs[f"process {process.process_id}"] = (
            f"{process.volume} × {process.baseline.cost_per_unit} {process.baseline.currency}"
        )
    if month.outsourced_cost is None:
        result.status, result.note = NO_COST, "Neither an invoice nor the contract's prices give the month's cost."
        return _finish(result, rates, missing)

    amortised = transition_amortisation(month.transition_cost, month.transition_months, month.months_since_start)
    outsourced = money(month.outsourced_cost, month.currency)
    credits = money(month.service_credits, month.currency)
    retained = money(month.retained_monthly_cost, month.currency)
    transition = money(amortised, month.currency)
    if missing:
        return _finish(result, rates, missing)
    assert outsourced is not None and credits is not None and retained is not None and transition is not None
    result.baseline_cost = baseline_total
    result.outsourced_cost, result.service_credits = outsourced, credits
    result.outsourced_source = month.outsourced_source
    result.retained_cost, result.transition_amortisation = retained, transition
    result.net_cost = outsourced - credits + retained + transition
    result.savings = baseline_total - result.net_cost
    result.savings_percent = (
        (result.savings / baseline_total * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) if baseline_total else None
    )
    result.inputs["outsourced"] = f"{month.outsourced_cost} {month.currency} ({month.outsourced_source})"
    return _finish(result, rates, missing)


def _finish(result: MonthSavings, rates: dict[str, Decimal], missing: set[str]) -> MonthSavings:
    result.rates = {currency: format(value, "f") for currency, value in sorted(rates.items())}
    if missing:
        result.status = MISSING_RATE
        result.note = f"No exchange rate to {result.reporting_currency} for {', '.join(sorted(missing))}."
        result.savings = result.savings_percent = result.net_cost = result.baseline_cost = None
    return result


@dataclass(frozen=True)
class SavingsTotal:
    """A roll-up over months (and contracts): sums of the months that have figures."""

    baseline_cost: Decimal
    net_cost: Decimal
    savings: Decimal
    projected_savings: Decimal
    savings_percent: Decimal | None
    months_with_data: int
    months_without_data: int


def total(months: Iterable[MonthSavings]) -> SavingsTotal:
    """Σ of the months with figures; the percentage is Σ savings ÷ Σ baseline (not a mean of %)."""
    baseline = net = savings = projected = ZERO
    with_data = without = 0
    for m in months:
        if m.projected_savings is not None:
            projected += m.projected_savings
        if m.status != OK or m.savings is None or m.baseline_cost is None or m.net_cost is None:
            without += 1
            continue
        with_data += 1
        baseline += m.baseline_cost
        net += m.net_cost
        savings += m.savings
    percent = (savings / baseline * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) if baseline else None
    return SavingsTotal(baseline, net, savings, projected, percent, with_data, without)
