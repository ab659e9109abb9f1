"""One representation across the API: numbers, money beside its currency, writes by natural key."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from reports.models import ReportLayout, VendorReport
from reports.parsing.layout import canonical_config
from slas.models import ComplianceResult, ServiceLevel
from tests.compliance.test_compliance_api import portfolio  # noqa: F401 (fixture)
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text())


def _props(schema: dict, component: str) -> dict:
    return schema["components"]["schemas"][component]["properties"]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_a_decimal_target_and_a_measured_actual_are_both_json_numbers(portfolio, viewer_api):  # noqa: F811
    result = viewer_api.get("/api/v1/compliance/?metric=service_level&period_from=2026-10&period_to=2026-10").json()
    row = result["results"][0]
    assert _is_number(row["actual"]) and _is_number(row["expected_level"]) and _is_number(row["minimum_level"])
    assert row["expected_level"] == 80.0 and row["minimum_level"] == 75.0
    status = viewer_api.get("/api/v1/sla-status/?page_size=100").json()["results"]
    for sla in status:
        assert _is_number(sla["target"]) and _is_number(sla["minimum"])
        assert sla["actual"] is None or _is_number(sla["actual"])
        assert all(p["actual"] is None or _is_number(p["actual"]) for p in sla["trend"])


def test_measures_are_rounded(portfolio, viewer_api):  # noqa: F811
    result = ComplianceResult.objects.filter(service_level__metric="asa").first()
    ComplianceResult.objects.filter(pk=result.pk).update(actual=52.083333333333336)
    assert viewer_api.get(f"/api/v1/compliance/{result.pk}/").json()["actual"] == 52.0833


def test_a_remembered_measure_is_the_measure_rounded():
    """``as_measure``'s memo of rounded floats gives what ``round`` gives, sign and all, twice over."""
    import math

    from core.api import fields

    values = [52.083333333333336, 0.00005, 0.00015, 2.675, -1.23455, 1e-05, 123456789.123456789, 1e300, 5e-324]
    values += [-0.0, 0.0, -0.00001, math.inf, -math.inf, math.nan]
    for _ in range(2):  # computed, then remembered
        for value in values:
            expected = round(value, 4) if math.isfinite(value) else None
            got = fields.as_measure(value)
            assert repr(got) == repr(expected), value
            assert repr(fields.as_measure(value, 2)) == repr(round(value, 2) if math.isfinite(value) else None)
    assert repr(fields.as_measure(-0.00001)) == "-0.0"  # a small negative measure keeps its sign
    assert fields.as_measure(Decimal("85.00005")) == 85.0001 and fields.as_measure(None) is None
    assert fields.as_measure(3) == 3.0 and isinstance(fields.as_measure(3), float)


def test_money_is_a_decimal_string_with_its_currency_beside(portfolio, viewer_api):  # noqa: F811
    bad = portfolio[1]
    row = viewer_api.get(f"/api/v1/compliance/?contract={bad.pk}&period_from=2026-10&period_to=2026-10").json()[
        "results"
    ][0]
    assert re.fullmatch(r"\d+\.\d{2}", row["credit_amount"]) and Decimal(row["credit_amount"]) > 0
    assert row["credit_owed"] == row["credit_amount"] and row["currency"] == bad.currency
    credits = viewer_api.get(f"/api/v1/contracts/{bad.pk}/credits/?month=2026-10").json()
    statement = credits["statement"]
    assert statement["currency"] == bad.currency
    for key in ("charges", "at_risk_amount", "cap", "uncapped_total", "total_credit"):
        assert isinstance(statement[key], str) and Decimal(statement[key]) >= 0, key
    assert all(isinstance(line["credit_amount"], str) and line["currency"] == bad.currency for line in credits["lines"])
    sla = viewer_api.get("/api/v1/sla-status/?page_size=100").json()["results"][0]
    assert isinstance(sla["credit"], str) and sla["currency"]

    contract = viewer_api.get(f"/api/v1/contracts/{bad.pk}/").json()
    assert contract["unit_price"] == "4.0000" and contract["currency"] == bad.currency
    assert contract["credit_cap"] is None
    assert _is_number(contract["at_risk_percent"]) and contract["at_risk_percent"] == 10.0
    process = viewer_api.get(f"/api/v1/processes/{bad.processes.first().pk}/").json()
    assert process["baseline_cost_per_unit"] == "6.5000" and process["currency"]


def test_schema_documents_numbers_money_and_lookups(schema):
    result = _props(schema, "ComplianceResult")
    assert result["actual"]["type"] == "number" and result["expected_level"]["type"] == "number"
    assert result["credit_amount"]["type"] == "string" and result["credit_amount"]["format"] == "decimal"
    assert result["currency"]["type"] == "string"
    status = _props(schema, "SlaStatus")
    assert status["target"]["type"] == "number" and status["actual"]["type"] == "number"
    assert status["credit"]["type"] == "string" and status["period_closed"]["type"] == "boolean"
    contract = _props(schema, "Contract")
    assert contract["unit_price"]["type"] == "string" and contract["at_risk_percent"]["type"] == "number"
    credits = _props(schema, "Credits")
    assert "$ref" in str(credits["statement"]) and credits["lines"]["type"] == "array"
    assert _props(schema, "CreditStatement")["total_credit"]["format"] == "decimal"
    request = _props(schema, "ServiceLevelRequest")
    assert {s["type"] for s in request["contract"]["oneOf"]} == {"integer", "string"}
    assert "reference" in request["contract"]["description"]
    assert _props(schema, "ServiceLevel")["contract"]["type"] == "integer"


def test_credits_without_month_is_400_naming_month(portfolio, viewer_api):  # noqa: F811
    response = viewer_api.get(f"/api/v1/contracts/{portfolio[0].pk}/credits/")
    assert response.status_code == 400
    assert "month" in response.json()["errors"]
    assert "month" in viewer_api.get(f"/api/v1/contracts/{portfolio[0].pk}/credits/?month=1999-13").json()["errors"]


def test_sla_status_says_whether_the_period_is_closed(portfolio, viewer_api):  # noqa: F811
    rows = viewer_api.get("/api/v1/sla-status/?page_size=100").json()["results"]
    assert {r["period_closed"] for r in rows} <= {True, False}
    row = next(r for r in rows if r["period"])
    shown = ComplianceResult.objects.get(service_level_id=row["id"], period=f"{row['period'][:7]}-01")
    assert row["period_closed"] is shown.period_closed


def test_service_level_is_created_with_the_contract_reference_and_process_name(ops_api):
    contract = ContractFactory(reference="MSA-REF-7")
    process = contract.processes.get()
    payload = {
        "contract": "MSA-REF-7",
        "process": process.name,
        "metric": "asa",
        "expected_level": 30,
        "minimum_level": 45.5,
        "credit_allocation_percent": 12.5,
    }
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["contract"] == contract.pk and body["process"] == process.pk
    assert body["minimum_level"] == 45.5 and body["credit_allocation_percent"] == 12.5
    assert ServiceLevel.objects.get(pk=body["id"]).minimum_level == Decimal("45.5")
    by_id = ops_api.patch(f"/api/v1/service-levels/{body['id']}/", {"contract": contract.pk}, format="json")
    assert by_id.status_code == 200
    unknown = ops_api.patch(f"/api/v1/service-levels/{body['id']}/", {"contract": "MSA-NOPE"}, format="json")
    assert unknown.status_code == 400 and "MSA-NOPE" in str(unknown.json()["errors"]["contract"])


def test_contract_is_created_with_provider_and_process_names(ops_api):
    provider = ProviderFactory(name="Cebu Voice")
    process = ProcessFactory(name="Inbound care")
    payload = {
        "provider": "Cebu Voice",
        "reference": "MSA-N1",
        "title": "Care",
        "processes": ["Inbound care"],
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "pricing_model": "per_unit",
        "unit_price": "1.25",
        "credit_cap": 1000,
    }
    response = ops_api.post("/api/v1/contracts/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["provider"] == provider.pk and body["processes"] == [process.pk]
    assert body["unit_price"] == "1.2500" and body["credit_cap"] == "1000.00"


def test_report_is_uploaded_with_contract_reference_and_layout_name(ops_api, django_capture_on_commit_callbacks):
    contract = ContractFactory(reference="MSA-UP")
    created = ops_api.post(
        "/api/v1/report-layouts/",
        {
            "provider": contract.provider.name,
            "name": "Vendor CSV",
            "kind": "work_items",
            "config": canonical_config("work_items"),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    layout = ReportLayout.objects.get(pk=created.json()["id"])
    assert layout.provider == contract.provider
    data = {
        "file": SimpleUploadedFile("october.csv", canonical_csv([work_item(n) for n in range(5)])),
        "contract": "MSA-UP",
        "process": contract.processes.get().name,
        "month": "2026-10",
        "layout": "Vendor CSV",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_api.post("/api/v1/reports/", data, format="multipart")
    assert response.status_code == 202, response.json()
    report = VendorReport.objects.get(pk=response.json()["id"])
    assert report.layout_version.layout == layout and report.status == VendorReport.Status.COMPLETED
    assert report.period_start == dt.date(2026, 10, 1)
    data.update(
        file=SimpleUploadedFile("again.csv", canonical_csv([work_item(n) for n in range(6)])),
        contract=str(contract.pk),
        layout=str(layout.pk),
    )
    by_id = ops_api.post("/api/v1/reports/", data, format="multipart")
    assert by_id.status_code == 202, by_id.json()


def test_a_layout_name_is_looked_up_among_the_contract_providers_layouts(ops_api):
    contract = ContractFactory(reference="MSA-AMB")
    layouts = []
    for provider in (ProviderFactory(), contract.provider, ProviderFactory()):
        created = ops_api.post(
            "/api/v1/report-layouts/",
            {"provider": provider.pk, "name": "Export", "kind": "work_items", "config": canonical_config("work_items")},
            format="json",
        )
        assert created.status_code == 201, created.json()
        layouts.append(created.json()["id"])
    data = {"contract": "MSA-AMB", "month": "2026-10", "layout": "Export"}
    response = ops_api.post(
        "/api/v1/reports/",
        {**data, "file": SimpleUploadedFile("october.csv", canonical_csv([work_item(1)]))},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    assert response.json()["layout"] == layouts[1]
    elsewhere = {**data, "contract": ContractFactory().reference}
    response = ops_api.post(
        "/api/v1/reports/",
        {**elsewhere, "file": SimpleUploadedFile("october.csv", canonical_csv([work_item(2)]))},
        format="multipart",
    )
    assert response.status_code == 400 and "Export" in str(response.json()["errors"]["layout"])


def test_every_money_field_of_contracts_baselines_and_invoices_is_a_decimal_string(schema):
    """Review8: the contract's retained cost and transition cost, a baseline's costs and an
    invoice's amount came out as JSON numbers (``2116.8``) beside the money strings of every
    other route (the invoice discrepancy of the same invoice read ``"2116.80"``)."""
    money = {
        "Contract": ["unit_price", "retained_monthly_cost", "transition_cost"],
        "ProcessBaseline": ["cost_per_unit", "cost_per_fte_month"],
        "Invoice": ["amount"],
    }
    for component, fields in money.items():
        props = _props(schema, component)
        assert "currency" in props, component
        for field in fields:
            assert props[field]["type"] == "string" and props[field]["format"] == "decimal", (component, field)
