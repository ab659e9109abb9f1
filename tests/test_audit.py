"""The audit trail: every create, change and delete with who, when, before and after, on the
object's page and through the API, and no way to edit it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.audit import audit_entries, record_event
from tests.factories import ContractFactory, ProviderFactory


@pytest.fixture
def ops_browser(ops_user) -> Client:
    client = Client()
    client.force_login(ops_user)
    return client


def test_a_change_through_the_api_is_recorded_with_who_before_and_after(ops_api, ops_user):
    answer = ops_api.post(
        "/api/v1/providers/",
        {"name": "Audited Ltd", "headquarters_country": "IN", "delivery_countries": ["IN"]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    created = answer.json()
    ops_api.patch(f"/api/v1/providers/{created['id']}/", {"risk_tier": "high"}, format="json")
    history = ops_api.get(f"/api/v1/providers/{created['id']}/history/").json()
    assert [e["action"] for e in history] == ["changed", "created"]
    change = history[0]
    assert change["who"] == ops_user.username
    risk = next(c for c in change["changes"] if c["field"] == "risk_tier")
    assert risk["after"] == "high" and risk["before"] != "high"


def test_a_contract_edit_in_the_browser_shows_on_its_page(ops_browser, ops_user):
    contract = ContractFactory(title="Before")
    form_page = ops_browser.get(f"/contracts/{contract.pk}/edit/")
    assert form_page.status_code == 200
    contract.title = "After"
    contract.save()
    page = ops_browser.get(contract.get_absolute_url()).content.decode()
    assert "History" in page and "Before" in page and "After" in page


def test_deleting_keeps_the_record(ops_api):
    provider = ProviderFactory(name="Short-lived")
    pk = provider.pk
    assert ops_api.delete(f"/api/v1/providers/{pk}/").status_code == 204
    records = provider.history.model.objects.filter(id=pk).order_by("history_date")
    assert [r.history_type for r in records] == ["+", "-"]
    assert records.last().history_user.username == "ops-user"


def test_contract_processes_are_part_of_its_history(db):
    contract = ContractFactory()
    first = list(contract.processes.all())
    other = ContractFactory().processes.first()
    contract.processes.add(other)
    contract.title = contract.title + " (amended)"
    contract.save()
    entries = audit_entries(contract)
    changed = {c.field for e in entries for c in e.changes}
    assert {"title", "processes"} <= changed
    processes = next(c for e in entries for c in e.changes if c.field == "processes")
    assert len(first) == 1 and len(processes.after) == 2


def test_a_bulk_update_is_recorded_through_record_event(db):
    provider = ProviderFactory()
    type(provider).objects.filter(pk=provider.pk).update(status="probation")
    record_event(provider, "put on probation by a review")
    entry = audit_entries(provider)[0]
    assert entry.reason == "put on probation by a review"
    assert any(c.field == "status" and c.after == "probation" for c in entry.changes)


def test_the_history_cannot_be_edited_through_the_api(ops_api):
    provider = ProviderFactory()
    url = f"/api/v1/providers/{provider.pk}/history/"
    assert ops_api.get(url).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        assert getattr(ops_api, method)(url, {}, format="json").status_code == 405


def test_the_history_needs_the_view_permission(db):
    from rest_framework.test import APIClient

    provider = ProviderFactory()
    client = APIClient()
    client.force_authenticate(User.objects.create_user("norole-audit"))
    assert client.get(f"/api/v1/providers/{provider.pk}/history/").status_code == 403


def test_a_report_upload_supersede_and_reinstate_are_recorded(ops_user, imported, django_capture_on_commit_callbacks):
    from reports import services as report_services
    from tests.reports.helpers import canonical_csv, work_item

    contract = ContractFactory()
    first = imported(contract, canonical_csv([work_item(1)]))
    second = imported(contract, canonical_csv([work_item(2), work_item(3)]))
    first.refresh_from_db()
    assert first.status == "superseded"
    entries = audit_entries(first)
    assert entries[-1].action == "created"
    assert any(e.reason == f"superseded by report #{second.pk}" for e in entries)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_reinstate(first, user=ops_user)
    reasons = [e.reason for e in audit_entries(first)]
    assert "reinstated" in reasons[:2]  # newest, or just before its import's "imported"


def test_a_report_s_import_outcome_is_in_its_history(db, imported):
    """Review8: completing (or failing) an import was a ``QuerySet.update`` that history missed, so
    the supersede entry read "status: queued → superseded" for a report that had completed."""
    from tests.reports.helpers import canonical_csv, work_item

    contract = ContractFactory()
    first = imported(contract, canonical_csv([work_item(1)]))
    assert first.status == "completed"
    assert audit_entries(first)[0].reason == "imported"
    imported(contract, canonical_csv([work_item(2), work_item(3)]))
    first.refresh_from_db()
    superseded = next(e for e in audit_entries(first) if e.reason.startswith("superseded by"))
    status = next(c for c in superseded.changes if c.field == "status")
    assert (status.before, status.after) == ("completed", "superseded")
