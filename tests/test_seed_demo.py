"""The demo data command: a believable portfolio with a year of reports, and idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Sum

from contracts.models import Contract, Process
from core.months import add_months
from reports.models import VendorReport
from slas.models import ComplianceResult, CreditStatement, ServiceLevel
from vendors.models import Provider

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Provider.objects.count(),
        Process.objects.count(),
        Contract.objects.count(),
        ServiceLevel.objects.count(),
        VendorReport.objects.count(),
        ComplianceResult.objects.count(),
    )


def test_seed_demo_builds_the_portfolio_and_is_idempotent():
    call_command("seed_demo", "--months", "3", "--rows", "150", verbosity=0)
    first = _counts()
    providers, processes, contracts, slas, reports, results = first
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

    call_command("seed_demo", "--months", "3", "--rows", "150", verbosity=0)
    assert _counts() == first


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
