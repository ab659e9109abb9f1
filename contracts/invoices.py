"""Invoices from a CSV file: every row checked, nothing stored unless every row is right.

A finance team keeps its vendor invoices in a spreadsheet; one file per month or per year is
imported at once. A half-imported file would leave months silently on computed charges, so
the file is all or nothing and each problem names its row, its column and why.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet

from contracts.models import Contract, Invoice
from core.months import parse_month

MAX_INVOICE_FILE_BYTES = 1024 * 1024
MAX_PROBLEMS = 50
COLUMNS = ("contract", "month", "amount", "reference")
REQUIRED = ("contract", "month", "amount")
# What the amount column accepts: the model's 14 digits, 2 of them decimals.
MAX_AMOUNT = Decimal("999999999999.99")
# A comma is accepted only as a thousands separator ("2,116.80"), never as a decimal comma.
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


@dataclass(frozen=True)
class InvoiceRow:
    contract: Contract
    period: dt.date  # first day of the month
    amount: Decimal
    reference: str


def parse_invoices_csv(content: bytes, contracts: QuerySet[Contract]) -> tuple[list[InvoiceRow], list[str]]:
    """The file's rows, or the problems naming row (as a spreadsheet numbers it) and column.

    ``contracts`` are those the importing user may see: another reference is "unknown",
    whether or not it exists.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text."]
    reader = csv.DictReader(io.StringIO(text))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [
            f"Row 1: missing column(s) {', '.join(missing)}. The header must name "
            "contract, month, amount (and optionally reference)."
        ]
    known = {c.reference.lower(): c for c in contracts}
    rows: list[InvoiceRow] = []
    problems: list[str] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for number, raw in enumerate(reader, start=2):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"Stopped after {MAX_PROBLEMS} problems; correct these and import again.")
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue  # a blank line
        row_problems: list[str] = []
        contract = known.get(row.get("contract", "").lower())
        if contract is None:
            row_problems.append(
                f"Row {number}, column contract: “{row.get('contract', '')}” is not a known contract reference."
            )
        try:
            period = parse_month(row.get("month", ""))
        except ValueError:
            period = None
            row_problems.append(f"Row {number}, column month: “{row.get('month', '')}” is not a month (YYYY-MM).")
        try:
            text_amount = row.get("amount", "")
            if "," in text_amount and not THOUSANDS.fullmatch(text_amount):
                raise InvalidOperation  # a decimal comma ("1,50") must not silently read as 150
            amount = Decimal(text_amount.replace(",", ""))
            if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != round(amount, 2):
                raise InvalidOperation
        except InvalidOperation:
            amount = None
            row_problems.append(
                f"Row {number}, column amount: “{row.get('amount', '')}” is not an amount "
                "(a number ≥ 0 with at most 2 decimals, a point before them; a comma only between thousands)."
            )
        reference = row.get("reference", "")
        if len(reference) > 100:
            row_problems.append(f"Row {number}, column reference: longer than 100 characters.")
        if contract is not None and period is not None:
            if not (contract.start_date.replace(day=1) <= period <= contract.end_date):
                row_problems.append(
                    f"Row {number}, column month: {period:%Y-%m} is outside {contract.reference}'s term "
                    f"({contract.start_date} – {contract.end_date})."
                )
            earlier = seen.setdefault((contract.pk, period), number)
            if earlier != number:
                row_problems.append(
                    f"Row {number}, column month: {contract.reference} {period:%Y-%m} is already on row {earlier}."
                )
        if row_problems:
            problems.extend(row_problems)
        elif contract is not None and period is not None and amount is not None:
            rows.append(InvoiceRow(contract, period, amount, reference))
    if not rows and not problems:
        problems.append("The file has no invoice rows.")
    return rows, problems


@transaction.atomic
def invoices_save(rows: list[InvoiceRow], *, source: str = Invoice.Source.CSV) -> int:
    """Upsert invoices by (contract, month); the months' charges and savings follow (slas receivers)."""
    for row in rows:
        Invoice.objects.update_or_create(
            contract=row.contract,
            period=row.period,
            defaults={"amount": row.amount, "reference": row.reference, "source": source},
        )
    return len(rows)
