"""Service credits: what missing a service level costs the provider, as outsourcing contracts write them.

How such a contract reads, and how this module follows it:

- **At-risk amount.** The provider puts a share of each period's charges at risk
  (``at_risk_percent``, typically 10–15 %). That is the most it can lose in credits for
  the period: credits are a price adjustment that keeps the provider's attention on the
  service, not damages, and a provider will not sign a contract that can wipe out its fee.
- **Allocation.** Each *critical* service level takes a share of the at-risk amount
  (``allocation_percent``). The shares deliberately add up to more than 100 % (a pool,
  commonly 150–250 %, limited by the contract): the company can weight the service levels
  it cares about most heavily without one miss exhausting the pool, while a bad month
  across the board still reaches the full at-risk amount. A *key* measurement is tracked
  and reported but never earns a credit.
- **When a credit is earned.** A critical service level earns one credit in a period when
  it misses its minimum level (status ``breached``, trigger ``"breach"``), or when it has
  missed its expected level (``at_risk`` or ``breached``) in ``consecutive_miss_periods``
  periods in a row ending with this one (trigger ``"consecutive_misses"``): a provider that
  hovers just under the target month after month pays too. At most one credit per service
  level per period; when both apply the period's trigger is ``"breach"``.
- **The run of misses** counts every miss (breaches included) and starts again from zero
  once it reaches ``consecutive_miss_periods``, whichever trigger the period then records:
  the run has been answered by a credit, and counting on would charge the same run again
  in the next period. A run of six misses therefore earns at the third and the sixth.
- **Periods without evidence.** ``insufficient_data`` and ``no_data`` *break* a run (a
  period we cannot measure cannot count as a miss, and the run must be consecutive) and
  are not ``met`` either, so they also stop an earn-back.
- **The cap.** The period's credits total at most the at-risk amount, and at most
  ``credit_cap`` when the contract sets one; the lower wins. When the lines add up to more,
  each line is scaled down in proportion to its uncapped amount, so the cap costs every
  missed service level the same share and the allocations keep their relative weight.
  Rounding: each scaled line is quantised to cents (ROUND_HALF_UP); the leftover (cap minus
  the rounded lines, a cent or two) goes on the largest line (ties: the first given), so
  the lines add up exactly to the capped total. Should a negative leftover exceed the
  largest line (only with a cap of a few cents), it is taken from the next largest lines
  in turn, so no line ever goes below zero.
- **Earn-back.** If the contract grants it, a credit earned in a period is returned when
  the same service level then meets its expected level in each of the next
  ``earn_back_periods`` periods: the company wants the service fixed, not the money, and
  earn-back gives the provider a reason to recover quickly rather than write the month off.
- **Chronic.** A service level breached in at least ``chronic_breach_count`` of the last
  ``chronic_window`` periods (the current one included) is chronic; contracts attach
  escalation or termination rights to it, so it is flagged whether or not the period earns
  a credit, and for key measurements too (the flag is about performance, not money).

Pure functions over plain dataclasses: no database and no Django models, so a history can
be checked by hand. Money is in the contract's currency, quantised to cents ROUND_HALF_UP.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from contracts.charges import ZERO, plain, to_cents
from slas.status import AT_RISK, BREACHED, INSUFFICIENT_DATA, MET, MISSES, NO_DATA

STATUSES = (MET, AT_RISK, BREACHED, INSUFFICIENT_DATA, NO_DATA)

BREACH = "breach"
CONSECUTIVE_MISSES = "consecutive_misses"

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CreditTerms:
    """The service-credit terms of a contract, copied out of the model."""

    at_risk_percent: Decimal
    credit_cap: Decimal | None
    earn_back: bool
    consecutive_miss_periods: int = 3
    earn_back_periods: int = 3
    chronic_breach_count: int = 3
    chronic_window: int = 12

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.at_risk_percent <= HUNDRED:
            raise ValueError(f"The at-risk percentage must be from 0 to 100, not {self.at_risk_percent}.")
        if self.credit_cap is not None and self.credit_cap < 0:
            raise ValueError(f"The credit cap cannot be negative ({self.credit_cap}).")
        for name in ("consecutive_miss_periods", "earn_back_periods", "chronic_breach_count", "chronic_window"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}.")


@dataclass(frozen=True)
class ServiceLevelHistory:
    """One service level's statuses, oldest first, one per consecutive period.

    The last status is the period being computed; earlier ones are needed for runs of
    misses and the chronic flag (give at least ``chronic_window`` periods when there are).
    """

    service_level_id: int
    critical: bool
    allocation_percent: Decimal
    statuses: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.statuses:
            raise ValueError(f"Service level {self.service_level_id}: the history needs the period being computed.")
        _check_statuses(self.statuses)
        if self.allocation_percent < 0:
            raise ValueError(
                f"Service level {self.service_level_id}: the credit allocation cannot be negative "
                f"({self.allocation_percent})."
            )


@dataclass(frozen=True)
class CreditLine:
    """One service level's credit for the period (zero when it earned none).

    ``amount`` is after the cap. ``breakdown`` holds strings only (stored as JSON, shown to
    auditors): ``charges``, ``at_risk_percent``, ``at_risk_amount``, ``allocation_percent``,
    ``status``, ``trigger`` (``"none"`` without a credit), ``consecutive_misses`` (the run
    counted up to this period), ``uncapped``, ``cap``, ``cap_applied``, ``amount``,
    ``chronic``, ``breaches_in_window`` and a sentence in ``explanation``.
    """

    service_level_id: int
    amount: Decimal
    trigger: str | None
    chronic: bool
    breakdown: dict[str, str]


@dataclass(frozen=True)
class PeriodCredits:
    """A contract's credits for one period: the lines and how the cap treated them.

    ``cap`` is the effective cap (the lower of the at-risk amount and ``credit_cap``);
    ``lines`` has one line per service level given, in the order given, zero lines
    included so the audit trail shows every service level.
    """

    charges: Decimal
    at_risk_amount: Decimal
    cap: Decimal
    uncapped_total: Decimal
    total: Decimal
    cap_applied: bool
    lines: tuple[CreditLine, ...]


def credit_trigger(statuses: Sequence[str], *, consecutive_miss_periods: int) -> str | None:
    """What earns the last period of ``statuses`` a credit: ``"breach"``, ``"consecutive_misses"`` or None.

    Looks only at statuses: whether the service level is critical is the caller's concern.
    """
    trigger, _ = _assess(statuses, consecutive_miss_periods=consecutive_miss_periods)
    return trigger


def is_chronic(statuses: Sequence[str], *, count: int, window: int) -> bool:
    """Whether at least ``count`` of the last ``window`` statuses (the current one included) are breaches."""
    if count < 1 or window < 1:
        raise ValueError(f"The chronic count and window must be at least 1 (count {count}, window {window}).")
    return _breaches_in_window(statuses, window=window) >= count


def earned_back(statuses_after_credit: Sequence[str], *, periods: int) -> bool | None:
    """Whether a credit is returned, given the statuses of the periods after the one that earned it.

    True when the first ``periods`` statuses are all ``met``; False as soon as one of them
    is not (a miss, and also a period without data: earn-back needs shown performance);
    None while fewer than ``periods`` are known and all known ones are ``met``. Statuses
    beyond the first ``periods`` do not matter: the credit's fate is settled by then.
    """
    if periods < 1:
        raise ValueError(f"Earn-back needs at least one period, not {periods}.")
    window = list(statuses_after_credit)[:periods]
    _check_statuses(window)
    if any(status != MET for status in window):
        return False
    return True if len(window) == periods else None


def earn_back_outcome(statuses_after_credit: Sequence[str], *, terms: CreditTerms) -> bool | None:
    """:func:`earned_back` under a contract's terms: always False when the contract grants no earn-back."""
    if not terms.earn_back:
        return False
    return earned_back(statuses_after_credit, periods=terms.earn_back_periods)


def allocation_problems(allocations: Sequence[tuple[str, Decimal]], *, pool_limit_percent: Decimal) -> list[str]:
    """Validation messages for a contract's critical allocations (name, percent); empty when they fit the pool.

    The allocations may total more than 100 % (that is the pool), but not more than the
    contract's pool limit: beyond it the weights stop meaning anything, as every bad period
    would hit the cap anyway.
    """
    total = sum((percent for _, percent in allocations), Decimal(0))
    if total <= pool_limit_percent:
        return []
    shares = ", ".join(f"{name} {_percent(percent)} %" for name, percent in allocations)
    return [
        f"The credit allocations of the critical service levels total {_percent(total)} % ({shares}), "
        f"above the pool limit of {_percent(pool_limit_percent)} %."
    ]


def period_credits(histories: Sequence[ServiceLevelHistory], *, charges: Decimal, terms: CreditTerms) -> PeriodCredits:
    """A contract's service credits for the period that is the last status of every history.

    ``charges`` is the period's charges (see ``contracts.charges.period_charges``). Each
    critical service level that earns a credit gets at-risk amount × allocation %; the
    total is then capped and the lines scaled as the module docstring describes.
    """
    if charges < 0:
        raise ValueError(f"The period's charges cannot be negative ({charges}).")
    ids = [history.service_level_id for history in histories]
    duplicates = sorted({sl_id for sl_id in ids if ids.count(sl_id) > 1})
    if duplicates:
        raise ValueError(f"Service levels given more than once: {', '.join(map(str, duplicates))}.")

    charges = to_cents(charges)
    at_risk_amount = to_cents(charges * terms.at_risk_percent / HUNDRED)
    cap = at_risk_amount if terms.credit_cap is None else min(at_risk_amount, to_cents(terms.credit_cap))

    assessed = []
    for history in histories:
        trigger, run = _assess(history.statuses, consecutive_miss_periods=terms.consecutive_miss_periods)
        if not history.critical:
            trigger = None
        uncapped = to_cents(at_risk_amount * history.allocation_percent / HUNDRED) if trigger else ZERO
        assessed.append((history, trigger, run, uncapped))

    uncapped_amounts = [uncapped for *_, uncapped in assessed]
    uncapped_total = sum(uncapped_amounts, ZERO)
    cap_applied = uncapped_total > cap
    amounts = _scale(uncapped_amounts, cap) if cap_applied else uncapped_amounts

    lines = []
    for (history, trigger, run, uncapped), amount in zip(assessed, amounts, strict=True):
        breaches = _breaches_in_window(history.statuses, window=terms.chronic_window)
        chronic = breaches >= terms.chronic_breach_count
        explanation = _explain(
            history,
            trigger=trigger,
            run=run,
            terms=terms,
            at_risk_amount=at_risk_amount,
            uncapped=uncapped,
            amount=amount,
            uncapped_total=uncapped_total,
            cap=cap,
            cap_applied=cap_applied,
        )
        if chronic:
            explanation += f". Chronic: breached in {breaches} of the last {terms.chronic_window} periods"
        breakdown = {
            "charges": plain(charges),
            "at_risk_percent": plain(terms.at_risk_percent),
            "at_risk_amount": plain(at_risk_amount),
            "allocation_percent": plain(history.allocation_percent),
            "status": history.statuses[-1],
            "trigger": trigger or "none",
            "consecutive_misses": str(run),
            "uncapped": plain(uncapped),
            "cap": plain(cap),
            "cap_applied": _bool(cap_applied),
            "amount": plain(amount),
            "chronic": _bool(chronic),
            "breaches_in_window": str(breaches),
            "explanation": explanation,
        }
        lines.append(
            CreditLine(
                service_level_id=history.service_level_id,
                amount=amount,
                trigger=trigger,
                chronic=chronic,
                breakdown=breakdown,
            )
        )

    return PeriodCredits(
        charges=charges,
        at_risk_amount=at_risk_amount,
        cap=cap,
        uncapped_total=uncapped_total,
        total=sum(amounts, ZERO),
        cap_applied=cap_applied,
        lines=tuple(lines),
    )


def _check_statuses(statuses: Sequence[str]) -> None:
    unknown = sorted({status for status in statuses if status not in STATUSES})
    if unknown:
        raise ValueError(f"Unknown compliance status {', '.join(unknown)}; expected one of {', '.join(STATUSES)}.")


def _assess(statuses: Sequence[str], *, consecutive_miss_periods: int) -> tuple[str | None, int]:
    """The last period's trigger and the run of misses counted up to it (before any restart)."""
    if consecutive_miss_periods < 1:
        raise ValueError(f"consecutive_miss_periods must be at least 1, not {consecutive_miss_periods}.")
    if not statuses:
        raise ValueError("The statuses need at least the period being computed.")
    _check_statuses(statuses)
    run = counted = 0
    trigger: str | None = None
    for status in statuses:
        # Only a miss extends the run; met, insufficient_data and no_data all break it.
        run = run + 1 if status in MISSES else 0
        counted = run
        trigger = BREACH if status == BREACHED else None
        if run == consecutive_miss_periods:
            trigger = trigger or CONSECUTIVE_MISSES
            run = 0  # the run has earned its credit (or the breach credit took the period): count afresh
    return trigger, counted


def _breaches_in_window(statuses: Sequence[str], *, window: int) -> int:
    return sum(1 for status in list(statuses)[-window:] if status == BREACHED)


def _scale(amounts: list[Decimal], cap: Decimal) -> list[Decimal]:
    """Scale ``amounts`` down proportionally so they add up exactly to ``cap`` (see the module docstring)."""
    total = sum(amounts, ZERO)
    scaled = [to_cents(amount * cap / total) for amount in amounts]
    leftover = cap - sum(scaled, ZERO)
    largest_first = sorted(range(len(amounts)), key=lambda i: (-amounts[i], i))
    if leftover >= 0:
        scaled[largest_first[0]] += leftover
    else:
        for i in largest_first:
            taken = min(scaled[i], -leftover)
            scaled[i] -= taken
            leftover += taken
            if not leftover:
                break
    return scaled


def _explain(
    history: ServiceLevelHistory,
    *,
    trigger: str | None,
    run: int,
    terms: CreditTerms,
    at_risk_amount: Decimal,
    uncapped: Decimal,
    amount: Decimal,
    uncapped_total: Decimal,
    cap: Decimal,
    cap_applied: bool,
) -> str:
    """One sentence an auditor can check with a calculator."""
    status = history.statuses[-1]
    if not history.critical:
        return f"Key measurement ({status.replace('_', ' ')}): tracked, never earns a credit"
    if trigger is None:
        if status == AT_RISK:
            periods = "period" if run == 1 else "periods"
            return (
                f"Missed the expected level {run} {periods} running (a credit is earned at "
                f"{terms.consecutive_miss_periods}): no credit this period"
            )
        if status in (INSUFFICIENT_DATA, NO_DATA):
            return f"{status.replace('_', ' ').capitalize()}: no credit, and any run of misses starts again"
        return "Met the expected level: no credit"
    reason = "Breached the minimum level" if trigger == BREACH else f"Missed the expected level {run} periods running"
    text = (
        f"{reason}: {_percent(history.allocation_percent)} % of the at-risk amount "
        f"{_money(at_risk_amount)} = {_money(uncapped)}"
    )
    if cap_applied:
        text += (
            f"; scaled to {_money(amount)} because the period's credits ({_money(uncapped_total)}) "
            f"exceed the cap of {_money(cap)}"
        )
    return text


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _percent(value: Decimal) -> str:
    """A percentage without trailing zeros but with at least one decimal: 12.0, 12.5, 7.25."""
    text = plain(value.normalize())
    return text if "." in text else f"{text}.0"


def _bool(value: bool) -> str:
    return "true" if value else "false"
