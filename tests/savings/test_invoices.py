"""Invoices: the discrepancy rule, recorded invoices end to end, the CSV import, the pages and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.invoices import MAX_INVOICE_FILE_BYTES
from contracts.models import Invoice
from savings.computation import invoice_check
from savings.models import SavingsResult
from slas.models import CreditStatement
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

OCT = dt.date(2026, 10, 1)


# The rule, by hand: computed 1,000.00 with a 2 % tolerance allows 980.00 … 1,020.00.
@pytest.mark.parametrize(
    ("invoiced", "discrepancy", "percent"),
    [
        ("1000.00", False, "0.00"),
        ("1020.00", False, "2.00"),  # exactly the tolerance is within it
        ("980.00", False, "-2.00"),
        ("1020.01", True, "2.00"),  # 20.01 / 1000 = 2.001 % > 2 %
        ("979.99", True, "-2.00"),
        ("1050.00", True, "5.00"),
    ],
)
def test_invoice_check_against_the_tolerance(invoiced, discrepancy, percent):
    check = invoice_check(Decimal(invoiced), Decimal("1000.00"), Decimal("2"))
    assert check is not None
    assert check.discrepancy is discrepancy
    assert check.difference == Decimal(invoiced) - Decimal("1000.00")
    assert check.difference_percent == Decimal(percent)


def test_invoice_check_without_a_comparison_or_on_zero_charges():
    assert invoice_check(None, Decimal("10"), Decimal("2")) is None
    assert invoice_check(Decimal("10"), None, Decimal("2")) is None
    zero = invoice_check(Decimal("5.00"), Decimal("0.00"), Decimal("2"))
    assert zero is not None and zero.discrepancy and zero.difference_percent is None
    assert not invoice_check(Decimal("0.00"), Decimal("0.00"), Decimal("2")).discrepancy  # type: ignore[union-attr]


@pytest.fixture
def contract(db, imported):
    """Per unit 2.00 on handled items; October 2026: 10 handled + 2 abandoned → computed 20.00."""
    contract = ContractFactory(
        reference="MSA-INV",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        unit_price=Decimal("2.00"),
        invoice_tolerance_percent=Decimal("2"),
    )
    process = contract.processes.get()
    process.baseline_cost_per_unit = Decimal("4.0000")
    process.save()
    rows = [work_item(n) for n in range(10)]
    rows += [
        work_item(100 + n, outcome="abandoned", started_at="", completed_at="", handle_seconds="") for n in range(2)
    ]
    imported(contract, canonical_csv(rows))
    return contract


def _record(client, contract, amount: str, reference: str, captured) -> None:
    with captured(execute=True):
        response = client.post(
            "/invoices/add/",
            {"contract": contract.pk, "period": "2026-10", "amount": amount, "reference": reference},
        )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db
def test_an_invoice_beyond_the_tolerance_is_a_discrepancy_everywhere(
    contract, client, ops_user, viewer_api, django_capture_on_commit_callbacks
):
    client.force_login(ops_user)
    # 21.00 against 20.00 computed: +1.00 = +5 % > 2 %.
    _record(client, contract, "21.00", "INV-7", django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(contract=contract, period=OCT)
    assert invoice.source == Invoice.Source.MANUAL
    detail = client.get(invoice.get_absolute_url()).content.decode()
    assert "INV-7" in detail and "21.00 USD" in detail and "History" in detail

    statement = CreditStatement.objects.get(contract=contract, period=OCT)
    assert statement.charges == Decimal("21.00") and statement.charges_source == "invoiced"
    assert statement.charges_breakdown["taken_from"] == "invoice INV-7"
    assert statement.charges_breakdown["billing_basis"] == "handled"
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    assert result.invoiced_amount == Decimal("21.00") and result.computed_charges == Decimal("20.00")
    assert result.invoice_difference == Decimal("1.00") and result.invoice_difference_percent == Decimal("5.00")
    assert result.invoice_discrepancy and result.charges_taken_from == "invoice INV-7"
    # savings use the invoice: baseline 10 × 4.00 = 40.00 − 21.00 = 19.00
    assert result.outsourced_cost == Decimal("21.00") and result.savings == Decimal("19.00")

    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-panel="invoices"' in page and "data-invoice-discrepancy" in page
    assert "invoice INV-7" in page and "5.00 %" in page
    assert "Billable volume (handled items)" in page  # the credit statements name the basis

    dashboard = client.get("/").content.decode()
    assert "data-invoice-discrepancies" in dashboard
    assert "data-invoice-discrepancy-count>1<" in dashboard
    assert f'href="{contract.get_absolute_url()}"' in dashboard and "1.00 USD (5.00 %)" in dashboard

    body = viewer_api.get("/api/v1/invoice-discrepancies/", {"contract": "MSA-INV"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["contract"] == "MSA-INV" and row["month"] == "2026-10" and row["currency"] == "USD"
    assert row["invoiced"] == "21.00" and row["computed"] == "20.00" and row["difference"] == "1.00"
    assert row["difference_percent"] == 5.0 and row["tolerance_percent"] == 2.0 and row["discrepancy"] is True
    assert row["taken_from"] == "invoice INV-7"
    savings_row = viewer_api.get("/api/v1/savings/", {"contract": "MSA-INV", "invoice_discrepancy": "true"}).json()
    assert savings_row["count"] == 1 and savings_row["results"][0]["billing_basis"] == "handled"


@pytest.mark.django_db
def test_an_invoice_within_the_tolerance_is_no_discrepancy_and_deleting_it_restores_the_prices(
    contract, client, ops_user, viewer_api, django_capture_on_commit_callbacks
):
    client.force_login(ops_user)
    # 20.40 against 20.00: +0.40 = exactly 2 %, within the tolerance.
    _record(client, contract, "20.40", "INV-8", django_capture_on_commit_callbacks)
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    assert result.invoice_difference_percent == Decimal("2.00") and not result.invoice_discrepancy
    assert viewer_api.get("/api/v1/invoice-discrepancies/").json()["count"] == 0
    assert "within tolerance" in client.get(contract.get_absolute_url()).content.decode()

    invoice = Invoice.objects.get(contract=contract, period=OCT)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/invoices/{invoice.pk}/delete/").status_code == 302
    statement = CreditStatement.objects.get(contract=contract, period=OCT)
    assert statement.charges == Decimal("20.00") and statement.charges_breakdown["taken_from"] == "computed from prices"
    result.refresh_from_db()
    assert result.invoiced_amount is None and result.charges_taken_from == "computed from prices"


@pytest.mark.django_db
def test_the_tolerance_is_a_contract_term(contract, client, ops_user, viewer_api, django_capture_on_commit_callbacks):
    assert viewer_api.get(f"/api/v1/contracts/{contract.reference}/").json()["invoice_tolerance_percent"] == 2.0
    client.force_login(ops_user)
    _record(client, contract, "20.40", "INV-8", django_capture_on_commit_callbacks)
    contract.invoice_tolerance_percent = Decimal("1")
    with django_capture_on_commit_callbacks(execute=True):
        contract.save()  # savings follow the contract's terms
    assert SavingsResult.objects.get(contract=contract, period=OCT).invoice_discrepancy


@pytest.mark.django_db
def test_the_invoice_list_filters_by_reference_provider_month_and_source(contract, client, viewer_user):
    Invoice.objects.create(contract=contract, period=OCT, amount=Decimal("20"), reference="INV-A")
    other = ContractFactory(reference="MSA-OTHER")
    Invoice.objects.create(
        contract=other, period=dt.date(2026, 9, 1), amount=Decimal("5"), reference="INV-B", source=Invoice.Source.CSV
    )
    client.force_login(viewer_user)
    page = client.get("/invoices/", {"contract": "MSA-INV"}).content.decode()
    assert "INV-A" in page and "INV-B" not in page
    page = client.get("/invoices/", {"provider": other.provider.name}).content.decode()
    assert "INV-B" in page and "INV-A" not in page
    page = client.get("/invoices/", {"month": "2026-10"}).content.decode()
    assert "INV-A" in page and "INV-B" not in page
    page = client.get("/invoices/", {"source": "csv"}).content.decode()
    assert "INV-B" in page and "INV-A" not in page
    export = client.get("/invoices/", {"contract": "MSA-INV", "export": "csv"})
    csv_text = b"".join(export.streaming_content).decode()
    assert "INV-A" in csv_text and "INV-B" not in csv_text


def _upload(client, text: str):
    return client.post("/invoices/import/", {"file": SimpleUploadedFile("invoices.csv", text.encode())})


@pytest.mark.django_db
def test_the_csv_import_names_row_and_column_and_stores_nothing_on_any_error(contract, client, ops_user):
    client.force_login(ops_user)
    response = _upload(
        client,
        "contract,month,amount,reference\n"
        "MSA-INV,2026-09,20.00,INV-9\n"  # fine
        "MSA-NOPE,2026-10,20.00,INV-10\n"  # row 3: unknown contract
        "MSA-INV,2026-13,20.00,INV-11\n"  # row 4: no such month
        "MSA-INV,2026-11,-1,INV-12\n"  # row 5: negative amount
        "MSA-INV,2027-01,5.00,INV-13\n"  # row 6: outside the term
        "MSA-INV,2026-09,1.00,INV-14\n",  # row 7: the month again
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, column contract" in page and "MSA-NOPE" in page
    assert "Row 4, column month" in page
    assert "Row 5, column amount" in page
    assert "Row 6, column month" in page and "outside" in page
    assert "Row 7, column month" in page and "already on row 2" in page
    assert not Invoice.objects.exists()

    missing = _upload(client, "contract,amount\nMSA-INV,1\n").content.decode()
    assert "missing column(s) month" in missing


@pytest.mark.django_db
def test_the_csv_import_stores_every_row_and_recomputes(contract, client, ops_user, django_capture_on_commit_callbacks):
    client.force_login(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "contract,month,amount,reference\nmsa-inv,2026-10,30.00,INV-20\n")
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.source == Invoice.Source.CSV and invoice.amount == Decimal("30.00")
    # 30.00 against 20.00: +50 % → a discrepancy
    assert SavingsResult.objects.get(contract=contract, period=OCT).invoice_discrepancy


@pytest.mark.django_db
def test_the_csv_import_refuses_a_file_too_large(contract, client, ops_user):
    client.force_login(ops_user)
    big = "contract,month,amount\n" + "MSA-INV,2026-10,1\n" * (MAX_INVOICE_FILE_BYTES // 16)
    page = _upload(client, big).content.decode()
    assert "at most" in page and not Invoice.objects.exists()


@pytest.mark.django_db
def test_the_invoice_list_links_to_the_import(client, ops_user, viewer_user):
    client.force_login(ops_user)
    assert 'href="/invoices/import/"' in client.get("/invoices/").content.decode()
    assert 'href="/savings/rates/import/"' in client.get("/savings/rates/").content.decode()
    client.force_login(viewer_user)
    assert 'href="/invoices/import/"' not in client.get("/invoices/").content.decode()
    assert client.get("/invoices/import/").status_code == 403


@pytest.mark.django_db
def test_a_kpi_summarys_invoiced_amount_counts_when_no_invoice_is_recorded(
    contract, imported, client, ops_user, django_capture_on_commit_callbacks
):
    from reports.models import ReportKind
    from slas import services as sla_services

    imported(
        contract,
        b"metric,period,value,volume,invoiced_amount\nvolume,2026-10,10,10,25.00\n",
        kind=ReportKind.KPI_SUMMARY,
        name="kpi.csv",
    )
    sla_services.recompute_compliance(contract=contract, month=OCT, now=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))
    statement = CreditStatement.objects.get(contract=contract, period=OCT)
    assert statement.charges == Decimal("25.00") and statement.charges_breakdown["taken_from"] == "vendor KPI summary"
    result = SavingsResult.objects.get(contract=contract, period=OCT)
    # 25.00 against 20.00 computed: +25 % → a discrepancy, from the vendor's summary
    assert result.invoice_discrepancy and result.charges_taken_from == "vendor KPI summary"
    client.force_login(ops_user)
    assert "vendor KPI summary" in client.get(contract.get_absolute_url()).content.decode()
    # A recorded invoice wins over the summary.
    _record(client, contract, "20.00", "INV-9", django_capture_on_commit_callbacks)
    result.refresh_from_db()
    assert result.charges_taken_from == "invoice INV-9" and not result.invoice_discrepancy


def test_the_api_shows_money_as_decimal_strings_and_takes_references(ops_api):
    """Invoices, baselines and the contract's cost terms: money is a decimal string, never a float,
    and an invoice or a baseline is written with the contract's reference or the process's name."""
    contract = ContractFactory(
        reference="MSA-1999-API",
        start_date=dt.date(1999, 1, 1),
        end_date=dt.date(1999, 12, 31),
        retained_monthly_cost=Decimal("2500.10"),
        transition_cost=Decimal("12000.00"),
    )
    process = contract.processes.get()
    created = ops_api.post(
        "/api/v1/invoices/",
        {"contract": "MSA-1999-API", "period": "1999-02-01", "amount": "2116.80", "reference": "INV-1"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["amount"] == "2116.80" and created.json()["currency"] == contract.currency
    baseline = ops_api.post(
        "/api/v1/process-baselines/",
        {"process": process.name, "valid_from": "1999-03-01", "cost_per_unit": "4.1250", "currency": "USD"},
        format="json",
    )
    assert baseline.status_code == 201, baseline.json()
    assert baseline.json()["cost_per_unit"] == "4.1250"
    terms = ops_api.get("/api/v1/contracts/MSA-1999-API/").json()
    assert (terms["retained_monthly_cost"], terms["transition_cost"]) == ("2500.10", "12000.00")


@pytest.mark.django_db
def test_the_csv_import_takes_a_comma_only_as_a_thousands_separator():
    """A decimal comma ("1,50" for 1.50 EUR) must not become 150: it is refused, naming the cell."""
    from contracts.invoices import parse_invoices_csv
    from contracts.models import Contract

    ContractFactory(
        reference="EUR-1999", currency="EUR", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31)
    )
    rows, problems = parse_invoices_csv(
        b'contract,month,amount\nEUR-1999,1999-02,"2,116.80"\nEUR-1999,1999-03,"1,50"\nEUR-1999,1999-04,"12,3456"\n',
        Contract.objects.all(),
    )
    assert [r.amount for r in rows] == [Decimal("2116.80")]
    assert len(problems) == 2
    assert problems[0].startswith("Row 3, column amount") and problems[1].startswith("Row 4, column amount")


def test_the_api_refuses_an_invoice_outside_the_term_or_not_on_a_month(ops_api):
    """As the CSV import does: a 1999 invoice on a 2025 contract is refused, naming the field."""
    ContractFactory(reference="MSA-2025-T", start_date=dt.date(2025, 1, 15), end_date=dt.date(2025, 12, 31))
    outside = ops_api.post(
        "/api/v1/invoices/", {"contract": "MSA-2025-T", "period": "1999-02-01", "amount": "100.00"}, format="json"
    )
    assert outside.status_code == 400 and "period" in outside.json()["errors"], outside.json()
    mid_month = ops_api.post(
        "/api/v1/invoices/", {"contract": "MSA-2025-T", "period": "2025-03-15", "amount": "100.00"}, format="json"
    )
    assert mid_month.status_code == 400 and "period" in mid_month.json()["errors"], mid_month.json()
    first_month = ops_api.post(
        "/api/v1/invoices/", {"contract": "MSA-2025-T", "period": "2025-01-01", "amount": "100.00"}, format="json"
    )
    assert first_month.status_code == 201, first_month.json()
    assert not Invoice.objects.filter(period__year=1999).exists()
