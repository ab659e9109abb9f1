"""In headless Chromium: a procurement user opens the comparison of three providers and sees
the score-over-time, quadrant and frontier charts drawn by Chart.js (under the page's CSP)."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.scorecards import compare_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = """(canvas) => {
  const chart = Chart.getChart(canvas);
  if (!chart || canvas.dataset.drawn !== "true") return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  const points = chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
  return { datasets: chart.data.datasets.length, points, painted };
}"""


def test_procurement_compares_three_providers_and_sees_the_charts_drawn(page):
    UserFactory(username="pat", password="secret-pass-123", role="procurement")
    compare_scenario.build()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    page.goto("/scorecards/compare/")
    page.get_by_label("Providers").select_option(label=["Alpha Contact", "Bravo Services", "Charlie Outsourcing"])
    page.get_by_label("From month (YYYY-MM)").fill("2026-10")
    page.get_by_label("To month (YYYY-MM)").fill("2026-11")
    page.get_by_role("button", name="Compare").click()

    table = page.locator("[data-compare-table]")
    expect(table.locator("tr[data-row='Average score'] td")).to_have_text(["85.00", "70.00", "55.00"])
    for kind, datasets in (("scores", 3), ("quadrant", 3), ("frontier", 2)):
        canvas = page.locator(f"canvas[data-compare-chart='{kind}']")
        expect(canvas).to_have_attribute("data-drawn", "true")
        drawn = canvas.evaluate(DRAWN)
        assert drawn is not None, kind
        assert drawn["datasets"] == datasets, (kind, drawn)
        assert drawn["points"] > 0 and drawn["painted"] > 0, (kind, drawn)
    expect(page.locator("[data-frontier-list]")).to_have_text("Alpha Contact")
    assert errors == []  # no CSP refusal, no script error
