"""The lifecycle through the browser and the API: buttons, refusals with their message, flags, amendments."""

import datetime as dt

import pytest
from django.test import Client

from contracts.models import Contract
from tests.factories import CertificationFactory, ContractFactory, ProcessFactory, ProviderFactory
from vendors.models import Certification, Provider

pytestmark = pytest.mark.django_db

D = dt.date
FUTURE = dt.date.today() + dt.timedelta(days=400)


@pytest.fixture
def ops_browser(ops_user) -> Client:
    client = Client()
    client.force_login(ops_user)
    return client


@pytest.fixture
def viewer_browser(viewer_user) -> Client:
    client = Client()
    client.force_login(viewer_user)
    return client


def _post(client: Client, contract: Contract, **data):
    return client.post(f"/contracts/{contract.pk}/transition/", data, follow=True)


# --- browser -------------------------------------------------------------------------------------


def test_the_contract_page_offers_the_allowed_buttons_to_who_may_change_it(ops_browser, viewer_browser):
    draft = ContractFactory(status="draft", end_date=FUTURE)
    page = ops_browser.get(draft.get_absolute_url()).content.decode()
    assert 'name="to" value="active"' in page and 'name="to" value="terminated"' in page
    assert 'value="renewed"' not in page and 'value="expired"' not in page
    assert "data-lifecycle" not in viewer_browser.get(draft.get_absolute_url()).content.decode()


def test_allowed_transitions_succeed_in_the_browser(ops_browser, ops_user):
    contract = ContractFactory(status="draft", start_date=D(2026, 1, 1), end_date=FUTURE)
    answer = _post(ops_browser, contract, to="active")
    assert answer.status_code == 200 and f"Contract {contract.reference} is now active." in answer.content.decode()
    contract.refresh_from_db()
    assert contract.status == "active"

    answer = _post(ops_browser, contract, to="terminated", reason="Provider exits the market", date="2026-03-31")
    contract.refresh_from_db()
    assert contract.status == "terminated" and contract.terminated_on == D(2026, 3, 31)
    page = answer.content.decode()
    assert "last day of service 2026-03-31: Provider exits the market" in page
    record = contract.history.order_by("-history_date").first()
    assert record.history_user == ops_user


def test_other_transitions_are_refused_in_the_browser_with_the_message(ops_browser, viewer_browser):
    expired = ContractFactory(status="expired", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
    answer = _post(ops_browser, expired, to="active")
    assert f"Contract {expired.reference} is expired; an expired contract cannot be active." in answer.content.decode()
    expired.refresh_from_db()
    assert expired.status == "expired"

    active = ContractFactory(status="active", end_date=FUTURE)
    answer = _post(ops_browser, active, to="terminated")  # no reason
    assert "Say why the contract is terminated." in answer.content.decode()
    active.refresh_from_db()
    assert active.status == "active"

    assert (
        viewer_browser.post(f"/contracts/{active.pk}/transition/", {"to": "terminated", "reason": "x"}).status_code
        == 403
    )
    active.refresh_from_db()
    assert active.status == "active"


def test_the_status_is_not_a_field_of_the_contract_form(ops_browser):
    contract = ContractFactory(status="active", end_date=FUTURE)
    form = ops_browser.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert 'name="status"' not in form
    assert 'name="status"' not in ops_browser.get("/contracts/add/").content.decode()


def test_the_amendments_table_shows_before_after_who_and_why(ops_browser, ops_user):
    contract = ContractFactory(title="Voice care", status="active", end_date=FUTURE)
    data = {
        "provider": contract.provider_id,
        "reference": contract.reference,
        "title": "Voice and chat care",
        "processes": [p.pk for p in contract.processes.all()] + [ProcessFactory(name="Chat support").pk],
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "time_zone": "UTC",
        "notice_period_days": 90,
        "currency": "USD",
        "pricing_model": "per_unit",
        "unit_price": "4.00",
        "at_risk_percent": "10",
        "rejected_row_tolerance_percent": "1",
        "credit_pool_limit_percent": "250",
        "consecutive_miss_periods": "3",
        "earn_back_periods": "3",
        "chronic_breach_count": "3",
        "billing_basis": "handled",
        "retained_monthly_cost": "0",
        "transition_cost": "0",
        "transition_amortisation_months": "12",
    }
    answer = ops_browser.post(f"/contracts/{contract.pk}/edit/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    _post(ops_browser, contract, to="terminated", reason="Merged into the group contract")
    page = ops_browser.get(contract.get_absolute_url()).content.decode()
    amendments = page[page.index('id="amendments-heading"') :]
    assert "Amendments" in page
    title_row = amendments[amendments.index("<td>Title</td>") - 200 : amendments.index("<td>Title</td>") + 300]
    assert "ops-user" in title_row and "Voice care" in title_row and "Voice and chat care" in title_row
    assert "Chat support" in amendments  # processes by name, before → after
    status_row = amendments[amendments.index("<td>Status</td>") : amendments.index("<td>Status</td>") + 400]
    assert "Active" in status_row and "Terminated" in status_row and "Merged into the group contract" in status_row


@pytest.fixture
def hipaa_expired() -> Provider:
    provider = ProviderFactory(name="Atlas MedBill", data_access=Provider.DataAccess.PHI)
    CertificationFactory(
        provider=provider, kind=Certification.Kind.HIPAA, issued_on=D(2022, 1, 1), expires_on=D(2025, 6, 30)
    )
    return provider


def test_a_provider_with_an_expired_required_certification_is_flagged_on_every_page(viewer_browser, hipaa_expired):
    contract = ContractFactory(
        reference="MED-9", provider=hipaa_expired, status="active", auto_renew=True, end_date=FUTURE
    )
    fine = ContractFactory(reference="OK-1", status="active", end_date=FUTURE)
    badge = "HIPAA expired</span>"
    for url in (hipaa_expired.get_absolute_url(), "/providers/", contract.get_absolute_url(), "/contracts/", "/"):
        page = viewer_browser.get(url).content.decode()
        assert badge in page, url
    assert badge not in viewer_browser.get(fine.get_absolute_url()).content.decode()
    listing = viewer_browser.get("/contracts/").content.decode()
    row = listing[listing.index(">OK-1<") :]
    assert badge not in row[: row.index("</tr>")]
    dashboard = viewer_browser.get("/").content.decode()
    held = dashboard[dashboard.index("data-renewals-needing-override") :]
    assert "MED-9" in held[: held.index("</ul>")]


def test_renewing_a_flagged_provider_in_the_browser_needs_an_override(ops_browser, hipaa_expired):
    contract = ContractFactory(reference="MED-8", provider=hipaa_expired, status="active", end_date=FUTURE)
    page = ops_browser.get(contract.get_absolute_url()).content.decode()
    assert 'name="override_reason"' in page
    answer = _post(ops_browser, contract, to="renewed")
    assert "renewing its contract needs an override with a reason" in answer.content.decode()
    assert not Contract.objects.filter(previous_term=contract).exists()
    answer = _post(ops_browser, contract, to="renewed", override_reason="Audit passed, certificate in the post")
    renewal = Contract.objects.get(previous_term=contract)
    assert renewal.reference == "MED-8-R1"
    assert "Renewed MED-8: the next term is MED-8-R1." in answer.content.decode()
    old_page = ops_browser.get(contract.get_absolute_url()).content.decode()
    assert "Audit passed, certificate in the post" in old_page[old_page.index('id="amendments-heading"') :]


# --- API -------------------------------------------------------------------------------------------


def test_allowed_transitions_succeed_through_the_api(ops_api):
    contract = ContractFactory(reference="API-1", status="draft", start_date=D(2026, 1, 1), end_date=FUTURE)
    answer = ops_api.post("/api/v1/contracts/API-1/transition/", {"to": "active", "reason": "Signed"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "active"

    answer = ops_api.post("/api/v1/contracts/API-1/transition/", {"to": "renewed"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["reference"] == "API-1-R1" and body["previous_term"] == "API-1" and body["status"] == "active"
    assert ops_api.get("/api/v1/contracts/API-1/").json()["next_term"] == "API-1-R1"

    answer = ops_api.post(
        "/api/v1/contracts/API-1-R1/transition/",
        {"to": "terminated", "reason": "Cancelled before it starts", "date": FUTURE.isoformat()},
        format="json",
    )
    assert answer.status_code == 400  # the last day of service lies within the term
    assert "within the term" in answer.json()["errors"]["date"][0]
    contract.refresh_from_db()


def test_other_transitions_are_refused_through_the_api_with_the_message(ops_api, viewer_api):
    ContractFactory(reference="API-2", status="expired", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
    answer = ops_api.post("/api/v1/contracts/API-2/transition/", {"to": "active"}, format="json")
    assert answer.status_code == 409
    assert answer.json() == {"detail": "Contract API-2 is expired; an expired contract cannot be active."}

    ContractFactory(reference="API-3", status="active", end_date=FUTURE)
    answer = ops_api.post("/api/v1/contracts/API-3/transition/", {"to": "terminated"}, format="json")
    assert answer.status_code == 400 and answer.json()["errors"] == {"reason": ["Say why the contract is terminated."]}
    answer = ops_api.post("/api/v1/contracts/API-3/transition/", {"to": "paused"}, format="json")
    assert answer.status_code == 400 and "to" in answer.json()["errors"]
    answer = viewer_api.post("/api/v1/contracts/API-3/transition/", {"to": "terminated", "reason": "x"}, format="json")
    assert answer.status_code == 403
    answer = ops_api.post("/api/v1/contracts/NOPE/transition/", {"to": "active"}, format="json")
    assert answer.status_code == 404
    assert Contract.objects.get(reference="API-3").status == "active"


def test_the_status_is_read_only_in_the_contract_api(ops_api):
    ContractFactory(reference="API-4", status="active", end_date=FUTURE)
    answer = ops_api.patch("/api/v1/contracts/API-4/", {"status": "terminated"}, format="json")
    assert answer.status_code == 400 and "/transition/" in answer.json()["errors"]["status"][0]
    assert (
        ops_api.patch("/api/v1/contracts/API-4/", {"status": "active", "title": "Same"}, format="json").status_code
        == 200
    )
    assert Contract.objects.get(reference="API-4").status == "active"


def test_renewal_through_the_api_needs_an_override_for_a_flagged_provider(ops_api, hipaa_expired):
    ContractFactory(reference="API-5", provider=hipaa_expired, status="active", end_date=FUTURE)
    body = ops_api.get("/api/v1/contracts/API-5/").json()
    assert body["certification_problems"] == ["HIPAA expired"]
    answer = ops_api.post("/api/v1/contracts/API-5/transition/", {"to": "renewed"}, format="json")
    assert answer.status_code == 400 and "override_reason" in answer.json()["errors"]
    answer = ops_api.post(
        "/api/v1/contracts/API-5/transition/",
        {"to": "renewed", "override_reason": "Board decision 2026-11"},
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["reference"] == "API-5-R1"
    history = ops_api.get("/api/v1/contracts/API-5/history/").json()
    assert "override of HIPAA expired: Board decision 2026-11" in history[0]["reason"]
    change = next(c for c in history[0]["changes"] if c["field"] == "renewal_override_reason")
    assert change["after"] == "override of HIPAA expired: Board decision 2026-11"


def test_the_api_history_includes_process_changes_and_transition_reasons(ops_api):
    contract = ContractFactory(reference="API-6", status="draft", end_date=FUTURE)
    extra = ProcessFactory(name="Back office")
    answer = ops_api.patch(
        "/api/v1/contracts/API-6/",
        {"processes": [*contract.processes.values_list("name", flat=True), "Back office"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    ops_api.post("/api/v1/contracts/API-6/transition/", {"to": "active", "reason": "Kick-off"}, format="json")
    history = ops_api.get("/api/v1/contracts/API-6/history/").json()
    assert history[0]["reason"] == "Activated: Kick-off" and history[0]["who"] == "ops-user"
    status = next(c for c in history[0]["changes"] if c["field"] == "status")
    assert (status["before"], status["after"]) == ("draft", "active")
    processes = [c for e in history for c in e["changes"] if c["field"] == "processes"]
    assert processes and any(extra.pk in [v["process"] for v in c["after"]] for c in processes)


def test_the_schema_documents_the_transition_route(ops_api):
    schema = ops_api.get("/api/schema/?format=json").json()
    path = next(p for p in schema["paths"] if p.endswith("/transition/"))
    responses = schema["paths"][path]["post"]["responses"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(responses)
