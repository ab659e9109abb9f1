"""End-to-end in headless Chromium: the lifecycle buttons of a contract page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operations_user_activates_then_terminates_a_contract(page):
    UserFactory(username="olivia", password="secret-pass-123", role="operations")
    contract = ContractFactory(
        reference="MSA-LC-1",
        status="draft",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date.today().replace(year=dt.date.today().year + 2),
    )

    page.goto(contract.get_absolute_url())
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()

    lifecycle = page.locator("[data-lifecycle]")
    lifecycle.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Contract MSA-LC-1 is now active.")).to_be_visible()
    expect(lifecycle.get_by_role("button", name="Activate")).to_have_count(0)  # no arrow from active to active

    lifecycle.get_by_text("Terminate", exact=True).first.click()  # opens the form
    lifecycle.get_by_label("Reason (required)").fill("Service moved in-house")
    lifecycle.get_by_role("button", name="Terminate").click()
    expect(page.get_by_text("Contract MSA-LC-1 is now terminated.")).to_be_visible()
    expect(page.locator("[data-lifecycle]")).to_have_count(0)  # terminated is final: no buttons left
    amendments = page.locator("[data-amendments]")
    expect(amendments.get_by_text("Service moved in-house").first).to_be_visible()
    expect(amendments.get_by_text("olivia").first).to_be_visible()
