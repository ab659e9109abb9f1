"""The demo data command: a believable portfolio, and idempotent."""

import pytest
from django.core.management import call_command

from contracts.models import Contract, Process
from slas.models import ServiceLevel
from vendors.models import Provider

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (Provider.objects.count(), Process.objects.count(), Contract.objects.count(), ServiceLevel.objects.count())


def test_seed_demo_builds_the_portfolio_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    providers, processes, contracts, slas = first
    assert providers >= 6 and processes >= 12 and contracts >= 10 and slas >= 30
    assert len({p.headquarters_country.code for p in Provider.objects.all()}) >= 4
    assert Process.objects.values("category").distinct().count() >= 6
    assert Contract.objects.values("pricing_model").distinct().count() == 4

    call_command("seed_demo", verbosity=0)
    assert _counts() == first
