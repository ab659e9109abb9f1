"""End-to-end in headless Chromium: sign in, create a provider, find it in the filtered list."""

import pytest
from playwright.sync_api import expect

from tests.factories import ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operations_user_creates_a_provider_and_filters_for_it(page):
    UserFactory(username="olivia", password="secret-pass-123", role="operations")
    ProviderFactory(name="Unrelated Services")

    page.goto("/")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Providers", exact=True).click()
    page.get_by_role("link", name="Add provider").click()
    page.get_by_label("Name", exact=True).fill("Manila Harbour Contact Centre")
    page.get_by_label("Headquarters country").select_option("PH")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Manila Harbour Contact Centre")).to_be_visible()
    expect(page.get_by_text("Created provider")).to_be_visible()

    nav.get_by_role("link", name="Providers", exact=True).click()
    page.get_by_label("Search").fill("harbour")
    table = page.locator("#object-table")
    expect(table.get_by_role("link", name="Manila Harbour Contact Centre")).to_be_visible()
    expect(table.get_by_text("Unrelated Services")).to_have_count(0)
    expect(table.get_by_text("1 provider match the filter")).to_be_visible()
