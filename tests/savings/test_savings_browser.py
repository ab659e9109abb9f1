"""The savings page in headless Chromium, on the demo portfolio: the chart is drawn, the CSP holds."""

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSP_WORDS = ("Content Security Policy", "Refused")


def test_the_savings_page_draws_its_chart_on_the_demo_data(page):
    call_command("seed_demo", "--months", "2", "--rows", "60", verbosity=0)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(_describe(message)))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    page.goto("/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.goto("/savings/")
    chart = page.locator("canvas[data-savings-chart]")
    expect(chart).to_have_attribute("data-drawn", "true")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    # The demo's story is on the page: its losing contract and its EUR contract are listed.
    expect(page.get_by_role("link", name="MSA-2025-008").first).to_be_visible()
    expect(page.get_by_role("link", name="MSA-2025-004").first).to_be_visible()
    expect(page.get_by_text("Realised savings")).to_be_visible()

    violations = [m for m in messages if any(word in m for word in CSP_WORDS) or m.startswith("pageerror")]
    assert not violations, violations


def _describe(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"
