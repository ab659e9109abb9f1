"""A contract whose whole term lies in the past, with compliance computed as a user would leave it.

February 1999 is the real Anonymous Bank slice (tests/fixtures) through its layout, March a
small canonical file; compliance is then recomputed as the nightly close would have left it
in January 2000, so the months after March exist without data.
"""

import datetime as dt
from pathlib import Path

import pytest

from reports import services as report_services
from reports.models import ReportKind, ReportLayout
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from slas import services
from tests.factories import ContractFactory, ServiceLevelFactory
from tests.reports.helpers import canonical_csv, work_item

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "anonymous_bank_sample.tsv"
FEB, MAR = dt.date(1999, 2, 1), dt.date(1999, 3, 1)
JAN_2000 = dt.datetime(2000, 1, 15, tzinfo=dt.UTC)


@pytest.fixture
def bank_1999(settings, imported):
    """A 1999 contract: SL 20 s "Easy" (met in both months) and "Strict" (breached in February, met in March)."""
    settings.SLA_RECOMPUTE_ON_IMPORT = False  # recomputed once below, as of January 2000
    contract = ContractFactory(
        reference="BANK-1999",
        time_zone="Asia/Jerusalem",
        start_date=dt.date(1999, 1, 1),
        end_date=dt.date(1999, 12, 31),
    )
    ServiceLevelFactory(contract=contract, name="Easy", expected_level=10, minimum_level=5)
    ServiceLevelFactory(contract=contract, name="Strict", expected_level=95, minimum_level=90)
    layout = ReportLayout(provider=contract.provider, name="Anonymous Bank call records", kind=ReportKind.WORK_ITEMS)
    report_services.layout_save(layout, config=ANONYMOUS_BANK_LAYOUT)
    imported(
        contract,
        FIXTURE.read_bytes(),
        period=(FEB, dt.date(1999, 2, 28)),
        layout=layout,
        name=FIXTURE.name,
    )
    march = [
        work_item(n, item_id=f"M-{n}", wait_seconds="5", received_at=f"1999-03-{1 + n % 28:02d}T09:00:00+00:00")
        for n in range(40)
    ]
    imported(contract, canonical_csv(march), period=(MAR, dt.date(1999, 3, 31)), name="march.csv")
    services.recompute_from(contract=contract, month=FEB, now=JAN_2000)
    return contract
