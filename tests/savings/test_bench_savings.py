"""``manage.py bench_savings`` at toy sizes: it runs, prints its figures and leaves nothing behind."""

import io

import pytest
from django.core.management import call_command

from contracts.models import Contract, Process
from savings.models import SavingsResult
from slas.models import CreditStatement
from vendors.models import Provider

pytestmark = pytest.mark.django_db


def test_bench_savings_prints_savings_next_to_compliance_and_cleans_up():
    out = io.StringIO()
    call_command("bench_savings", contracts=3, months=4, compliance_months=1, items=30, stdout=out)
    text = out.getvalue()
    assert "for 12 contract-months" in text
    assert "statuses: {'ok': 12}" in text
    assert "queries per contract:" in text and "recompute_compliance:" in text
    assert "side by side, 12 contract-months:" in text
    assert not Contract.objects.filter(reference__startswith="BENCH-").exists()
    assert not Process.objects.filter(name__startswith="Benchmark process").exists()
    assert not Provider.objects.filter(name="Benchmark Provider").exists()
    assert not SavingsResult.objects.exists() and not CreditStatement.objects.exists()
