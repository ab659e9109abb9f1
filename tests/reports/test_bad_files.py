"""Every kind of bad file ends in a clear reason and no rows, never a 500."""

import io
import zipfile

import openpyxl
import pytest

from reports.models import VendorReport, WorkItem
from reports.parsing.types import WORK_ITEM_FIELDS
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return ContractFactory(rejected_row_tolerance_percent=1)


def _failed(report: VendorReport, *fragments: str) -> None:
    assert report.status == VendorReport.Status.FAILED
    assert WorkItem.objects.filter(report=report).count() == 0
    text = report.failure_reason + " " + " ".join(e["reason"] for e in report.errors)
    for fragment in fragments:
        assert fragment in text, text


def test_wrong_delimiter(contract, imported):
    from reports import services
    from reports.models import ReportLayout
    from reports.parsing import canonical_config

    layout = ReportLayout(provider=contract.provider, name="Comma only", kind="work_items")
    services.layout_save(layout, config={**canonical_config("work_items"), "delimiter": ","})
    report = imported(contract, canonical_csv([work_item(1)], delimiter=";"), layout=layout)
    _failed(report, "delimiter", "';'")


def test_canonical_layout_sniffs_the_delimiter(contract, imported):
    report = imported(contract, canonical_csv([work_item(1), work_item(2)], delimiter=";"))
    assert report.status == "completed" and report.rows_accepted == 2


def test_missing_required_columns_are_named(contract, imported):
    columns = [c for c in WORK_ITEM_FIELDS if c not in ("received_at", "outcome")]
    report = imported(contract, canonical_csv([work_item(1)], columns=columns))
    _failed(report, "received_at", "outcome")


def test_undecodable_text(contract, imported):
    content = canonical_csv([work_item(1, agent="Zoë")]).replace("Zoë".encode(), "Zoë".encode("latin-1"))
    report = imported(contract, content)
    _failed(report, "UTF-8")


def test_header_without_rows(contract, imported):
    report = imported(contract, canonical_csv([]))
    _failed(report)
    assert "no data rows" in report.failure_reason.lower()


@pytest.mark.parametrize(
    ("override", "column", "fragment"),
    [
        ({"handle_seconds": "four minutes"}, "handle_seconds", "number"),
        ({"wait_seconds": "-3"}, "wait_seconds", "negative"),
        ({"received_at": "2026-11-02T10:00:00+00:00"}, "received_at", "outside the report period"),
        ({"csat": "7"}, "csat", "scale"),
        ({"quality_score": "140"}, "quality_score", "100"),
        ({"outcome": "lost"}, "outcome", "lost"),
        ({"resolved_first_contact": "maybe"}, "resolved_first_contact", "maybe"),
    ],
)
def test_bad_values_name_row_column_and_reason(contract, imported, override, column, fragment):
    report = imported(contract, canonical_csv([work_item(n) for n in range(3)] + [work_item(3, **override)]))
    _failed(report)
    error = next(e for e in report.errors if e["column"] == column)
    assert error["row"] == 5
    assert fragment in error["reason"] + str(error["value"])


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_loads(contract, imported):
    header = list(WORK_ITEM_FIELDS)
    rows = [[work_item(n)[c] for c in header] for n in range(5)]
    report = imported(contract, _xlsx([header, *rows]), name="october.xlsx")
    assert report.status == "completed", report.errors
    assert report.rows_accepted == 5


def test_xlsx_with_macros_is_refused(contract, imported):
    content = _xlsx([list(WORK_ITEM_FIELDS)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    report = imported(contract, out.getvalue(), name="macro.xlsx")
    _failed(report, "macro")


def test_xlsx_zip_bomb_is_refused(contract, imported):
    content = _xlsx([list(WORK_ITEM_FIELDS)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\x00" * (60 * 1024 * 1024))
    report = imported(contract, out.getvalue(), name="bomb.xlsx")
    _failed(report)
    assert "compress" in report.failure_reason.lower() or "uncompressed" in report.failure_reason.lower()


def test_not_really_an_xlsx(contract, imported):
    report = imported(contract, b"this is plain text", name="fake.xlsx")
    _failed(report, "XLSX")


def test_json_and_ndjson(contract, imported):
    import json

    rows = [work_item(n) for n in range(4)]
    report = imported(contract, json.dumps(rows).encode(), name="october.json")
    assert report.status == "completed", report.errors
    report2 = imported(
        contract,
        "\n".join(json.dumps(work_item(n, wait_seconds="1")) for n in range(4)).encode(),
        name="october.ndjson",
    )
    assert report2.status == "completed", report2.errors


def test_malformed_json(contract, imported):
    report = imported(contract, b'[{"item_id": "A", ', name="broken.json")
    _failed(report, "JSON")
