"""Presentation: numbers with units, readable breakdowns and formulas, a sectioned contract form,
and the model rules a first hour runs into (sample default, critical without credit, provider names)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template

from slas.metrics import PYTHON_FORMULAS, metric_formula
from slas.models import ComplianceResult, ServiceLevel
from tests.compliance.test_compliance_api import portfolio  # noqa: F401  (fixture)
from tests.factories import ContractFactory, ProviderFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

# Every name a formula could leak: the work-item fields and the metric parameters.
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def render(source: str, **context) -> str:
    return Template("{% load core_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{ v|measure:'%' }}", {"v": 52.083333}, "52.08 %"),
        ("{{ v|measure:'service_level' }}", {"v": Decimal("85.0000")}, "85.00 %"),
        ("{{ v|measure:'asa' }}", {"v": 40.7745}, "40.8 s"),
        ("{{ v|measure:'backlog' }}", {"v": 12345.0}, "12,345"),
        ("{{ v|measure:'asa' }}", {"v": None}, "—"),
        ("{{ v|money:'EUR' }}", {"v": Decimal("1234.5")}, "1,234.50 EUR"),
        ("{{ v|money:'EUR' }}", {"v": Decimal("7656.745")}, "7,656.75 EUR"),
        ("{{ v|percent }}", {"v": Decimal("12.7300")}, "12.73 %"),
        ("{{ v|count }}", {"v": 33337}, "33,337"),
        ("{{ v|price:'USD' }}", {"v": Decimal("0.2150")}, "0.215 USD"),
    ],
)
def test_number_filters_carry_units_and_precision(source, context, expected):
    assert render(source, **context) == expected


def test_result_page_shows_units_and_the_credit_breakdown_as_a_table(client, viewer_user, portfolio):  # noqa: F811
    result = ComplianceResult.objects.get(
        service_level__contract__reference="MSA-B", service_level__metric="asa", period=dt.date(2026, 10, 1)
    )
    assert result.credit_amount > 0 and result.credit_breakdown  # the breached month earned a credit
    client.force_login(viewer_user)
    page = client.get(result.get_absolute_url()).content.decode()

    assert "Decimal(" not in page and "0000" not in page
    assert "50.0 s" in page and "30.0 s" in page and "45.0 s" in page  # actual, target, minimum
    currency = result.service_level.contract.currency
    assert f"{result.credit_amount:,.2f} {currency}" in page
    table = re.search(r'<table class="table table-sm small breakdown-table">(.*?)</table>', page, re.S).group(1)
    assert re.search(r"<th[^>]*>At-risk amount</th><td>[\d,]+\.\d\d " + currency + "</td>", table)
    assert "Credit earned by" in table and "breaching the minimum level" in table
    for key in result.credit_breakdown:
        assert f">{key}<" not in table, key  # no raw keys
    assert "The month&#x27;s charges" in page or "The month's charges" in page


def test_formulas_use_domain_words_not_field_names():
    for code in PYTHON_FORMULAS:
        text = metric_formula(code)
        assert "``" not in text and not FIELD_NAME.search(text), (code, FIELD_NAME.findall(text))


def test_service_level_formula_reads_with_its_parameters_and_unit_of_work():
    sla = ServiceLevelFactory(parameters={"threshold_seconds": 20})
    sla.process.unit_of_work = "call"
    assert sla.formula.startswith("Calls answered within 20 seconds ÷ calls offered × 100.")
    assert not FIELD_NAME.search(sla.formula)


def test_service_level_page_shows_formula_and_levels_with_units(client, viewer_user):
    sla = ServiceLevelFactory()
    client.force_login(viewer_user)
    page = client.get(sla.get_absolute_url()).content.decode()
    assert "80.00 %" in page and "75.00 %" in page and "20.00 %" in page
    assert "wait_seconds" not in page and "threshold_seconds" not in page
    assert "Answer within (s): 20" in page


def test_contract_form_is_grouped_in_sections(client, ops_user):
    client.force_login(ops_user)
    page = client.get("/contracts/add/").content.decode()
    legends = re.findall(r"<legend[^>]*>(.*?)</legend>", page)
    assert legends == ["Parties and term", "Pricing", "Service credits", "Business case and other terms"]
    assert page.index('name="unit_price"') > page.index(">Pricing<") > page.index('name="end_date"')


def test_minimum_sample_size_defaults_to_30(ops_api, client, ops_user):
    assert ServiceLevel().minimum_sample_size == 30
    contract = ContractFactory()
    payload = {
        "contract": contract.pk,
        "process": contract.processes.first().pk,
        "metric": "asa",
        "expected_level": "30",
        "minimum_level": "45",
        "credit_allocation_percent": "20",
    }
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["minimum_sample_size"] == 30
    client.force_login(ops_user)
    page = client.get("/service-levels/add/").content.decode()
    assert re.search(r'name="minimum_sample_size" value="30"', page)


def test_critical_service_level_without_credit_allocation_is_refused(ops_api, client, ops_user):
    contract = ContractFactory()
    sla = ServiceLevelFactory.build(contract=contract, kind="critical", credit_allocation_percent=Decimal("0"))
    with pytest.raises(ValidationError) as exc:
        sla.full_clean()
    assert "critical service level carries a service credit" in exc.value.message_dict["credit_allocation_percent"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLevelFactory(contract=contract, kind="critical", credit_allocation_percent=Decimal("0"))

    payload = {
        "contract": contract.pk,
        "process": contract.processes.first().pk,
        "metric": "asa",
        "expected_level": "30",
        "minimum_level": "45",
        "kind": "critical",
        "credit_allocation_percent": "0",
    }
    response = ops_api.post("/api/v1/service-levels/", payload, format="json")
    assert response.status_code == 400
    assert "credit allocation above 0" in response.json()["errors"]["credit_allocation_percent"][0]

    client.force_login(ops_user)
    form = {**payload, "parameters": "{}", "measurement_period": "monthly", "weight": "1", "minimum_sample_size": "30"}
    response = client.post("/service-levels/add/", form)
    assert response.status_code == 200
    assert "credit allocation above 0" in response.content.decode()
    assert not ServiceLevel.objects.exists()

    payload["kind"] = "key"
    assert ops_api.post("/api/v1/service-levels/", payload, format="json").status_code == 201


def test_provider_names_are_unique_ignoring_case(ops_api):
    ProviderFactory(name="Acme")
    with pytest.raises(ValidationError) as exc:
        ProviderFactory.build(name="ACME").full_clean()
    assert "“Acme” already exists" in exc.value.message_dict["name"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderFactory(name="ACME")
    payload = {"name": "acme", "headquarters_country": "IN", "delivery_countries": ["IN"]}
    response = ops_api.post("/api/v1/providers/", payload, format="json")
    assert response.status_code == 400
    assert "“Acme” already exists" in response.json()["errors"]["name"][0]


def test_lists_contract_page_and_dashboard_show_units_not_raw_decimals(client, viewer_user, portfolio):  # noqa: F811
    client.force_login(viewer_user)
    bad = portfolio[1]
    currency = bad.currency
    compliance = client.get("/compliance/?contract=" + str(bad.pk)).content.decode()
    assert "50.0 s" in compliance and "30.0 s" in compliance and "0000" not in compliance
    assert re.search(r"[\d,]+\.\d\d " + currency, compliance)  # credits with their currency
    service_levels = client.get("/service-levels/").content.decode()
    assert "80.00 %" in service_levels and "45.0 s" in service_levels and "0000" not in service_levels
    contract_page = client.get(bad.get_absolute_url()).content.decode()
    assert "0000" not in contract_page and "Decimal(" not in contract_page
    assert "45.0 s" in contract_page and "50.00 %" in contract_page  # minimum, credit allocation
    assert re.search(r"<td>[\d,]+\.\d\d " + currency + "</td>", contract_page)  # statements with currency
    dashboard = client.get("/").content.decode()
    assert "0000" not in dashboard and "Decimal(" not in dashboard


def test_formulas_read_as_paragraphs_not_as_the_source_s_wrapped_lines():
    """Review8: the page showed the docstring's hard wraps as line breaks ("Offered: handled<br>plus
    abandoned", "less than 0<br>seconds"); a paragraph is one line, paragraphs apart by a blank line."""
    for code in PYTHON_FORMULAS:
        text = metric_formula(code, {"threshold_seconds": 20, "short_abandon_seconds": 0}, noun="call")
        assert "\n" not in text.replace("\n\n", ""), (code, text)
    assert "Offered: handled plus abandoned." in metric_formula("service_level")
