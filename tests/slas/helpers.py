"""Work items straight into the table, for metric tests that need exact rows, not an import."""

import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

from core.months import Period
from reports.models import ReportKind, ReportLayout, ReportLayoutVersion, VendorReport, WorkItem
from slas.metrics import ITEM_FIELDS, MetricRequest, MetricValue, compute, compute_python
from tests.factories import ContractFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# October 2026 in Berlin: summer time ends inside it (2026-10-25 03:00 CEST → 02:00 CET).
OCTOBER = Period(dt.datetime(2026, 10, 1, tzinfo=BERLIN), dt.datetime(2026, 11, 1, tzinfo=BERLIN))


def make_report() -> VendorReport:
    """A completed work-item report of a new contract (Berlin time) and its process, for October 2026.

    ``WorkItem.report`` has no database constraint, but the ORM needs a real id, and a real
    report keeps the rows as the importer would leave them.
    """
    contract = ContractFactory(time_zone="Europe/Berlin")
    layout = ReportLayout.objects.create(
        provider=contract.provider, name=f"Metrics {contract.reference}", kind=ReportKind.WORK_ITEMS
    )
    version = ReportLayoutVersion.objects.create(layout=layout, number=1, config={})
    return VendorReport.objects.create(
        contract=contract,
        process=contract.processes.first(),
        kind=ReportKind.WORK_ITEMS,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        layout_version=version,
        file="reports/metrics-test.csv",
        original_name="metrics-test.csv",
        sha256="0" * 64,
        size=0,
        status=VendorReport.Status.COMPLETED,
    )


def item(received_at: dt.datetime, outcome: str = "handled", **fields: Any) -> dict[str, Any]:
    """A work-item row: everything not given is NULL."""
    row: dict[str, Any] = dict.fromkeys(ITEM_FIELDS)
    row.update(received_at=received_at, outcome=outcome, **fields)
    return row


def add_items(report: VendorReport, rows: Iterable[dict[str, Any]]) -> None:
    WorkItem.objects.bulk_create(
        WorkItem(
            report=report,
            contract_id=report.contract_id,
            process_id=report.process_id,
            source_row=number,
            item_id=f"I-{number}",
            **row,
        )
        for number, row in enumerate(rows, start=1)
    )


def raw_rows(report: VendorReport) -> list[dict[str, Any]]:
    """All the report's rows, including ignored ones and those outside the period."""
    return list(WorkItem.objects.filter(report=report).values(*ITEM_FIELDS))


def same(a: MetricValue, b: MetricValue) -> bool:
    """Equal sample sizes exactly, and values, numerators and denominators to 1e-9."""

    def close(x: float | None, y: float | None) -> bool:
        return (x is None and y is None) or (
            x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        )

    return (
        a.sample_size == b.sample_size
        and close(a.value, b.value)
        and close(a.numerator, b.numerator)
        and close(a.denominator, b.denominator)
    )


def measure(
    report: VendorReport, requests: Sequence[MetricRequest], period: Period = OCTOBER
) -> dict[str, MetricValue]:
    """``compute`` for the report's contract and process, checked against the Python reference on the raw rows.

    On PostgreSQL ``compute`` is the SQL path, so every hand-computed test also holds the two
    paths equal; on SQLite it is the Python path over ``period_items``.
    """
    values = compute(contract_id=report.contract_id, process_id=report.process_id, period=period, requests=requests)
    reference = compute_python(raw_rows(report), requests, period=period)
    assert values.keys() == reference.keys()
    for key, value in values.items():
        assert same(value, reference[key]), (key, value, reference[key])
    return values
