"""The real call-centre records of "Anonymous Bank" (Feb 1999) through a layout for their columns.

Expected counts are computed here from the raw file with the csv module, independently of
the layout and the parser.
"""

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from reports import services
from reports.models import ReportKind, ReportLayout, VendorReport, WorkItem
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "anonymous_bank_sample.tsv"
FULL = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "datasets"
    / "anonymous-bank-callcenter-1999"
    / "february_1999.txt"
)


def expected_outcomes(path: Path) -> tuple[Counter, int]:
    """Outcome per raw row, by the dataset's documentation, and how many rows are invalid."""
    outcomes: Counter = Counter()
    invalid = 0
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["q_time"]) < 0 or int(row["ser_time"]) < 0:
                invalid += 1
                continue
            if row["outcome"] == "AGENT":
                outcomes["handled"] += 1
            elif row["outcome"] == "PHANTOM":
                outcomes["ignored"] += 1
            elif row["q_start"] == "0:00:00":
                outcomes["self_service"] += 1
            else:
                outcomes["abandoned"] += 1
    return outcomes, invalid


def _import(path: Path, django_capture_on_commit_callbacks) -> VendorReport:
    contract = ContractFactory(
        reference="ANON-BANK",
        time_zone="Asia/Jerusalem",
        start_date=dt.date(1998, 1, 1),
        end_date=dt.date(2000, 12, 31),
    )
    layout = ReportLayout(provider=contract.provider, name="Anonymous Bank call records", kind=ReportKind.WORK_ITEMS)
    services.layout_save(layout, config=ANONYMOUS_BANK_LAYOUT)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            services.ReportSubmission(
                contract=contract,
                kind=ReportKind.WORK_ITEMS,
                period_start=dt.date(1999, 2, 1),
                period_end=dt.date(1999, 2, 28),
                layout=layout,
                upload=SimpleUploadedFile(path.name, path.read_bytes()),
            )
        )
    report.refresh_from_db()
    return report


def _check(path: Path, report: VendorReport) -> None:
    outcomes, invalid = expected_outcomes(path)
    assert report.status == VendorReport.Status.COMPLETED, (report.failure_reason, report.errors[:5])
    assert report.rows_read == sum(outcomes.values()) + invalid
    assert report.rows_rejected == invalid
    by_outcome = WorkItem.objects.filter(report=report).values("outcome").annotate(n=Count("pk"))
    counted = Counter({row["outcome"]: row["n"] for row in by_outcome})
    assert counted == outcomes


def test_fixture_slice_imports_with_exact_outcome_counts(django_capture_on_commit_callbacks):
    report = _import(FIXTURE, django_capture_on_commit_callbacks)
    _check(FIXTURE, report)
    first = WorkItem.objects.filter(report=report).order_by("source_row").first()
    assert first.item_id == "AA0101-34536" and first.queue == "PS" and first.channel == "voice"
    assert first.received_at == dt.datetime(1999, 2, 1, 5, 2, 47, tzinfo=dt.UTC)  # 07:02:47 in Israel (UTC+2)
    assert first.extras["priority"] == "0"


@pytest.mark.skipif(not FULL.exists(), reason="../shared dataset not present")
def test_full_month_imports_with_exact_outcome_counts(django_capture_on_commit_callbacks):
    _check(FULL, _import(FULL, django_capture_on_commit_callbacks))
