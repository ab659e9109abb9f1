"""In Chromium: a contract that ended in 1999 shows its charts, and the period picker chooses the months."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_LABELS = "canvas => Chart.getChart(canvas).data.labels"


def test_contract_page_of_a_1999_contract_draws_its_charts_and_picks_a_period(bank_1999, page):
    UserFactory(username="vera", password="secret-pass-123", role="viewer")
    page.goto("/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()

    page.goto(bank_1999.get_absolute_url())
    charts = page.locator("canvas[data-sla-chart]")
    expect(charts).to_have_count(2)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas[data-sla-chart]'))")
    assert charts.first.evaluate(CHART_LABELS) == ["1999-01", "1999-02", "1999-03"]
    actual = charts.first.evaluate("canvas => Chart.getChart(canvas).data.datasets[0].data")
    assert actual[0] is None and actual[2] == 100.0
    assert charts.first.bounding_box()["height"] > 50  # drawn, not an empty box

    picker = page.get_by_role("form", name="Period shown")
    expect(picker.get_by_label("From")).to_have_attribute("min", "1999-01")
    expect(picker.get_by_label("To")).to_have_attribute("max", "1999-12")
    picker.get_by_label("From").fill("1999-02")
    picker.get_by_label("To").fill("1999-02")
    picker.get_by_role("button", name="Show period").click()
    expect(page).to_have_url(f"{bank_1999.get_absolute_url()}?period_from=1999-02&period_to=1999-02")
    expect(page.get_by_text("Showing 1999-02 – 1999-02")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas[data-sla-chart]'))")
    assert charts.first.evaluate(CHART_LABELS) == ["1999-02"]
    expect(page.locator("section[data-panel=compliance]").get_by_text("Breached")).to_be_visible()
