"""Savings as CSV and XLSX, formula-safe: a cell starting with = + - @ is shown as text."""

import csv
import io
from collections.abc import Iterable

from core.spreadsheets import safe_row
from savings.models import SavingsResult

COLUMNS = [
    ("month", lambda r: f"{r.period:%Y-%m}"),
    ("contract", lambda r: r.contract.reference),
    ("provider", lambda r: r.contract.provider.name),
    ("status", lambda r: r.status),
    ("billable_volume", lambda r: r.volume),
    ("billing_basis", lambda r: r.contract.billing_basis),
    ("baseline_cost", lambda r: r.baseline_cost),
    ("outsourced_cost", lambda r: r.outsourced_cost),
    ("outsourced_source", lambda r: r.outsourced_source),
    ("charges_taken_from", lambda r: r.charges_taken_from),
    ("service_credits", lambda r: r.service_credits),
    ("retained_cost", lambda r: r.retained_cost),
    ("transition_amortisation", lambda r: r.transition_amortisation),
    ("net_cost", lambda r: r.net_cost),
    ("savings", lambda r: r.savings),
    ("savings_percent", lambda r: r.savings_percent),
    ("projected_savings", lambda r: r.projected_savings),
    ("currency", lambda r: r.reporting_currency),
    ("rates_used", lambda r: "; ".join(f"{c}={v}" for c, v in sorted(r.rates.items()))),
    ("note", lambda r: r.note),
]


def rows(results: Iterable[SavingsResult]) -> Iterable[list]:
    yield [name for name, _ in COLUMNS]
    for result in results:
        yield safe_row([value(result) for _, value in COLUMNS])


def as_csv(results: Iterable[SavingsResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(results):
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def as_xlsx(results: Iterable[SavingsResult]) -> bytes:
    from openpyxl import Workbook  # here, not at import: see scorecards.exports

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Savings")
    for row in rows(results):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
