"""The demo data command: a believable portfolio with a year of reports, and idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from contracts.models import Contract, Invoice, Process, ProcessBaseline
from core.months import add_months
from reports.models import VendorReport
from savings.models import ExchangeRate, SavingsResult
from savings.services import months_in_term
from slas.models import ComplianceResult, CreditStatement, ServiceLevel
from vendors.models import Certification, Provider

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Provider.objects.count(),
        Process.objects.count(),
        Contract.objects.count(),
        ServiceLevel.objects.count(),
        VendorReport.objects.count(),
        ComplianceResult.objects.count(),
        Invoice.objects.count(),
        ProcessBaseline.objects.count(),
        ExchangeRate.objects.count(),
        Certification.objects.count(),
        SavingsResult.objects.count(),
    )


def _savings_figures() -> list[tuple]:
    return list(
        SavingsResult.objects.order_by("contract__reference", "period").values_list(
            "contract__reference", "period", "status", "savings", "projected_savings", "rates"
        )
    )


def test_seed_demo_builds_the_portfolio_and_is_idempotent():
    call_command("seed_demo", "--months", "3", "--rows", "150", verbosity=0)
    first = _counts()
    providers, processes, contracts, slas, reports, results, *_ = first
    assert results > 0
    assert providers >= 6 and processes >= 12 and contracts >= 10 and slas >= 30
    assert len({p.headquarters_country.code for p in Provider.objects.all()}) >= 4
    assert Process.objects.values("category").distinct().count() >= 6
    assert Contract.objects.values("pricing_model").distinct().count() == 4
    assert reports == VendorReport.objects.filter(status="completed").count() > 40
    statuses = set(ComplianceResult.objects.values_list("status", flat=True))
    assert {"met", "at_risk", "breached"} <= statuses
    assert CreditStatement.objects.filter(total_credit__gt=0).exists()
    assert ComplianceResult.objects.filter(discrepancy=True).exists()

    figures = _savings_figures()

    call_command("seed_demo", "--months", "3", "--rows", "150", verbosity=0)
    assert _counts() == first
    assert _savings_figures() == figures


def test_seed_demo_expected_volumes_match_the_generated_volumes():
    """Each process expects the volume its demo reports carry (not 42,000 against 900 generated)."""
    call_command("seed_demo", "--months", "2", "--rows", "120", verbosity=0)
    last_month = add_months(dt.date.today().replace(day=1), -1)
    generated = dict(
        VendorReport.objects.filter(status="completed", kind="work_items", period_start=last_month)
        .values_list("process__name")
        .annotate(items=Sum("rows_accepted"))
    )
    processes = {p.name: p.expected_monthly_volume for p in Process.objects.all()}
    assert generated and set(generated) <= set(processes)
    for name, items in generated.items():
        assert processes[name] == items, name
    assert processes["Retail customer care (voice)"] == 240  # delivered under two contracts


def test_the_demo_layouts_are_shared_templates():
    from overview.management.commands.seed_demo import SHARED_CALL_RECORDS_LAYOUT
    from reports.models import ReportLayout

    call_command("seed_demo", "--months", "0", "--rows", "10", verbosity=0)
    layout = ReportLayout.objects.get(name=SHARED_CALL_RECORDS_LAYOUT)
    assert layout.provider is None and not layout.is_builtin
    assert not ReportLayout.objects.filter(provider__isnull=False).exists()


def test_seed_demo_shows_savings_deadlines_an_invoice_gap_and_a_second_currency():
    """Every fact the demo is there to show, whatever today's date (the demo's dates follow it)."""
    call_command("seed_demo", "--months", "3", "--rows", "150", verbosity=0)
    today = dt.date.today()
    this_month = today.replace(day=1)
    demo = {c.reference: c for c in Contract.objects.filter(reference__startswith="MSA-2025-")}
    assert len(demo) == 15

    # Savings for every contract, every month of its term stored (months before the reports: no data).
    closed = SavingsResult.objects.filter(period__lt=this_month, status="ok")
    by_contract = dict(closed.values_list("contract__reference").annotate(total=Sum("savings")))
    assert set(by_contract) == set(demo)
    for contract in demo.values():
        stored = set(SavingsResult.objects.filter(contract=contract).values_list("period", flat=True))
        assert stored == set(months_in_term(contract)), contract.reference
        assert (
            SavingsResult.objects.filter(contract=contract, period__lt=add_months(this_month, -3))
            .exclude(status="no_data")
            .count()
            == 0
        ), contract.reference
        # A business case with volume and savings %, retained costs and a transition cost.
        assert contract.expected_monthly_volume and contract.expected_savings_percent, contract.reference
        assert contract.retained_monthly_cost > 0 and contract.transition_cost > 0, contract.reference
        assert closed.filter(contract=contract, projected_savings__gt=0).exists(), contract.reference
    # One contract losing money against its baseline; the portfolio as a whole saves.
    assert [ref for ref, total in by_contract.items() if total < 0] == ["MSA-2025-008"]
    assert sum(by_contract.values()) > 0
    assert all(total > 0 for ref, total in by_contract.items() if ref != "MSA-2025-008")
    # A revised baseline: the voice process costs more in-house from six months ago on.
    revision = ProcessBaseline.objects.get()
    assert revision.process.name == "Retail customer care (voice)" and revision.cost_per_unit == Decimal("7.1000")

    # One invoice discrepancy: the recorded invoice wins, 12 % above the computed charges.
    invoice = Invoice.objects.get()
    assert invoice.contract.reference == "MSA-2025-007" and invoice.period == add_months(this_month, -1)
    statement = CreditStatement.objects.get(contract=invoice.contract, period=invoice.period)
    computed = Decimal(statement.charges_breakdown["computed"])
    assert statement.charges == invoice.amount and statement.charges_source == "invoiced"
    assert abs(invoice.amount - computed) / computed > Decimal("0.05")
    month = SavingsResult.objects.get(contract=invoice.contract, period=invoice.period)
    assert month.outsourced_source == "invoiced" and month.outsourced_cost == invoice.amount

    # One contract inside its notice window (the notice deadline within the next 90 days).
    in_window = [
        ref
        for ref, c in demo.items()
        if c.notice_deadline is not None and today <= c.notice_deadline <= today + dt.timedelta(days=90)
    ]
    assert in_window == ["MSA-2025-002"]

    # One certification expiring within 60 days.
    expiring = Certification.objects.filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=60))
    assert [(c.provider.name, c.kind) for c in expiring] == [("Cape Coast BPO", "pci_dss")]

    # One contract in EUR, with a rate for every month of its term, converted into USD.
    assert [ref for ref, c in demo.items() if c.currency != "USD"] == ["MSA-2025-004"]
    eur = demo["MSA-2025-004"]
    rates = dict(ExchangeRate.objects.filter(currency="EUR").values_list("date", "rate"))
    assert set(months_in_term(eur)) <= set(rates)
    converted = SavingsResult.objects.filter(contract=eur, status="ok")
    assert converted.count() >= 3
    for result in converted:
        assert result.reporting_currency == "USD"
        assert Decimal(result.rates["EUR"]) == rates[result.period]
        assert result.savings is not None and result.savings > 0


def test_seed_demo_gives_every_category_two_providers_and_a_year_of_scorecards_in_every_standing():
    """Issue #11: at least two providers per category the demo uses, 12 months of scorecards,
    and the latest closed month with a provider in each standing (strategic, preferred, watch, exit)."""
    from scorecards.models import ManualRating, Scorecard

    call_command("seed_demo", "--rows", "150", verbosity=0)
    providers_by_category: dict[str, set[int]] = {}
    for code, provider in Contract.objects.values_list("processes__category__code", "provider"):
        providers_by_category.setdefault(code, set()).add(provider)
    assert len(providers_by_category) == 10  # every service category
    assert all(len(providers) >= 2 for providers in providers_by_category.values()), providers_by_category

    last_month = add_months(dt.date.today().replace(day=1), -1)
    standings = dict(
        Scorecard.objects.filter(period=last_month, score__isnull=False).values_list("provider__name", "standing")
    )
    assert {"strategic", "preferred", "watch", "exit"} <= set(standings.values()), standings
    assert standings["Harbor Knowledge Process"] == "exit"
    for provider in Provider.objects.all():
        scored = Scorecard.objects.filter(provider=provider, score__isnull=False, period__lte=last_month)
        assert scored.filter(period__gt=add_months(last_month, -12)).count() == 12, provider.name
    # Two reviewers' ratings, which the scorecards' manual criteria combine.
    assert set(ManualRating.objects.values_list("reviewer__username", flat=True)) == {"procurement", "reviewer"}
    # The procurement story: the watch provider's latest month reviewed and approved with an
    # improvement plan that is still open.
    from scorecards.models import ImprovementPlan, ScorecardReview

    review = ScorecardReview.objects.get(provider__name="Baltic Insight Labs", period=last_month)
    assert (review.status, review.decision) == ("approved", "improvement_plan")
    assert standings["Baltic Insight Labs"] == "watch"
    plan = ImprovementPlan.objects.get(review=review)
    assert plan.status == "open" and plan.actions.count() >= 1
