"""Browser pages through Django's test client: access, lists, filters, forms."""

import pytest
from django.urls import reverse

from tests.factories import ContractFactory, ProviderFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/providers/", "/contracts/", "/processes/", "/service-levels/"])
def test_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_dashboard_and_lists_render_for_viewer(client, viewer_user):
    sla = ServiceLevelFactory()
    client.force_login(viewer_user)
    assert client.get("/").status_code == 200
    for name in (
        "vendors:provider_list",
        "contracts:contract_list",
        "contracts:process_list",
        "slas:servicelevel_list",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200
    page = client.get(reverse("contracts:contract", args=[sla.contract_id])).content.decode()
    assert "Service level within 20 s" in page
    assert "Add service level" not in page  # viewers cannot add


def test_provider_list_filters_and_sorts(client, viewer_user):
    ProviderFactory(name="Zulu Care", status="active")
    ProviderFactory(name="Alpha Care", status="probation")
    client.force_login(viewer_user)
    page = client.get("/providers/?status=probation").content.decode()
    assert "Alpha Care" in page and "Zulu Care" not in page
    page = client.get("/providers/?sort=-name").content.decode()
    assert page.index("Zulu Care") < page.index("Alpha Care")


def test_htmx_filter_request_returns_only_the_table(client, viewer_user):
    ProviderFactory(name="Alpha Care")
    client.force_login(viewer_user)
    response = client.get("/providers/?q=alpha", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Alpha Care" in body and "<nav" not in body


def test_viewer_cannot_open_the_add_form(client, viewer_user):
    client.force_login(viewer_user)
    assert client.get("/providers/add/").status_code == 403


def test_operations_user_creates_and_edits_a_contract(client, ops_user):
    provider = ProviderFactory()
    process = ContractFactory().processes.first()
    client.force_login(ops_user)
    data = {
        "provider": provider.pk,
        "reference": "MSA-77",
        "title": "Voice care",
        "processes": [process.pk],
        "start_date": "2026-01-01",
        "end_date": "2025-12-31",
        "time_zone": "Europe/Warsaw",
        "notice_period_days": 60,
        "status": "active",
        "currency": "EUR",
        "pricing_model": "per_unit",
        "unit_price": "3.10",
        "at_risk_percent": "12",
        "rejected_row_tolerance_percent": "1",
        "credit_pool_limit_percent": "250",
        "consecutive_miss_periods": "3",
        "earn_back_periods": "3",
        "chronic_breach_count": "3",
    }
    response = client.post("/contracts/add/", data)
    assert response.status_code == 200
    assert "The end date must be after the start date." in response.content.decode()

    data["end_date"] = "2027-12-31"
    response = client.post("/contracts/add/", data)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "MSA-77" in page and "Europe/Warsaw" in page


def test_delete_of_protected_provider_shows_a_message(client, ops_user):
    contract = ContractFactory()
    client.force_login(ops_user)
    response = client.post(f"/providers/{contract.provider_id}/delete/", follow=True)
    assert "cannot be deleted" in response.content.decode()


def test_service_level_form_prefills_contract_from_query_string(client, ops_user):
    contract = ContractFactory()
    client.force_login(ops_user)
    page = client.get(f"/service-levels/add/?contract={contract.pk}").content.decode()
    assert f'<option value="{contract.pk}" selected>' in page
