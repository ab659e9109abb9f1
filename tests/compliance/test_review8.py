"""Second test pass (review8): what a demanding user found around compliance pages."""

import datetime as dt

import pytest

from slas.models import RecomputeRun
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_recompute_runs_show_their_time_in_the_contract_zone_labelled(client, ops_user):
    """The contract page's "Recent recomputes" gave the UTC time without saying so."""
    contract = ContractFactory(
        reference="BANK-1999", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31), time_zone="Asia/Tokyo"
    )
    run = RecomputeRun.objects.create(contract=contract, trigger=RecomputeRun.Trigger.MANUAL)
    RecomputeRun.objects.filter(pk=run.pk).update(requested_at=dt.datetime(2026, 11, 29, 17, 16, tzinfo=dt.UTC))
    client.force_login(ops_user)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'data-recompute-run="{run.pk}"' in page
    assert "2026-11-30 02:16 (Asia/Tokyo)" in page
