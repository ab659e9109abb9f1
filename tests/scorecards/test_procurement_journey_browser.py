"""The acceptance journey of issue #11, in headless Chromium, as a procurement user would walk it.

Three customer-support providers with three months of compliance and savings results, their
scorecards recomputed; then: sign in on the login page, *Scorecards* in the menu, *Compare
providers* with the three (both charts drawn), a scorecard's page, *Review this month*, a
comment, *Submit for review*, the decision with its owner and due date, *Approve*, and the
PDF downloaded through the browser (it names the provider and the score). Operations sees the
approved review without any button to approve, and a POST to approve answers 403.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from savings.models import SavingsResult
from scorecards.models import Scorecard, ScorecardReview
from scorecards.services import recompute_scorecards
from slas.models import ComplianceResult
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, ServiceLevelFactory, UserFactory
from tests.scorecards.test_compare_browser import DRAWN
from tests.scorecards.test_scorecard_browser import ensure_shipped_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)
PASSWORD = "secret-pass-123"

# provider → (service level actual per month, realised savings per month out of 100 projected, spend)
PROVIDERS = {
    "Manila Care": ((80.0, 79.0, 80.0), ("100", "90", "95"), "9000"),
    "Cebu Voice": ((77.5, 76.0, 78.0), ("70", "60", "80"), "6000"),
    "Davao Connect": ((75.0, 75.5, 74.0), ("40", "50", "30"), "3000"),
}


def _scenario() -> dict[str, Scorecard]:
    """Three providers of one category, three months each, scored by the shipped template."""
    ensure_shipped_template()
    voice = ProcessFactory(name="Retail voice care")  # customer support, as the factory's category
    contracts = {}
    for name, (actuals, realised, spend) in PROVIDERS.items():
        contract = ContractFactory(provider=ProviderFactory(name=name), processes=[voice])
        level = ServiceLevelFactory(contract=contract)
        contracts[name] = contract
        for period, actual, saved in zip((AUG, SEP, OCT), actuals, realised, strict=True):
            ComplianceResult.objects.update_or_create(
                service_level=level,
                period=period,
                defaults={
                    "period_closed": True,
                    "actual": actual,
                    "sample_size": 100,
                    "expected_level": level.expected_level,
                    "minimum_level": level.minimum_level,
                    "status": "met" if actual >= float(level.expected_level) else "at_risk",
                    "computed_at": timezone.now(),
                },
            )
            SavingsResult.objects.update_or_create(
                contract=contract,
                period=period,
                defaults={
                    "status": "ok",
                    "reporting_currency": "USD",
                    "volume": 1000,
                    "outsourced_cost": Decimal(spend),
                    "service_credits": Decimal("0"),
                    "savings": Decimal(saved),
                    "projected_savings": Decimal("100"),
                    "computed_at": timezone.now(),
                },
            )
    recompute_scorecards()
    return {name: Scorecard.objects.get(provider=c.provider, period=OCT) for name, c in contracts.items()}


def _sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()


def test_procurement_compares_reviews_approves_and_downloads_the_pdf(page, browser, live_server):
    buyer = UserFactory(username="petra", password=PASSWORD, role="procurement")
    UserFactory(username="otto", password=PASSWORD, role="operations")
    cards = _scenario()
    card = cards["Cebu Voice"]
    assert card.score is not None and all(c.rank for c in cards.values())
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Sign in on the login page; Scorecards from the menu; the comparison from the list.
    _sign_in(page, "petra")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Scorecards").click()
    expect(page.locator("#object-table")).to_contain_text("Cebu Voice")
    page.get_by_role("link", name="Compare providers").click()
    page.get_by_label("Providers").select_option(label=list(PROVIDERS))
    page.get_by_label("From month (YYYY-MM)").fill("2026-08")
    page.get_by_label("To month (YYYY-MM)").fill("2026-10")
    page.get_by_role("button", name="Compare").click()
    table = page.locator("[data-compare-table]")
    for name in PROVIDERS:
        expect(table).to_contain_text(name)
    for kind in ("scores", "quadrant"):
        canvas = page.locator(f"canvas[data-compare-chart='{kind}']")
        expect(canvas).to_have_attribute("data-drawn", "true")
        drawn = canvas.evaluate(DRAWN)
        assert drawn is not None and drawn["datasets"] == 3, (kind, drawn)
        assert drawn["points"] > 0 and drawn["painted"] > 0, (kind, drawn)

    # A scorecard's page, from the list.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Scorecards").click()
    row = page.locator("#object-table tr", has_text="Cebu Voice").filter(has_text="2026-10")
    row.get_by_role("link", name="2026-10").click()
    expect(page).to_have_url(f"{live_server.url}/scorecards/{card.pk}/")
    expect(page.locator("[data-scorecard-summary]")).to_contain_text(f"{card.score:.2f}")

    # Start the month's review, comment, submit.
    page.get_by_role("link", name="Review this month").click()
    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_role("heading", name="Review of Cebu Voice")).to_contain_text("Draft")
    page.get_by_label("Comment").fill("Savings lag the business case; service level holds near the target.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Savings lag the business case")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", name="Review of Cebu Voice")).to_contain_text("In review")

    # The decision with its owner and due date, then approve.
    decision = page.locator("form", has=page.get_by_role("button", name="Save decision"))
    decision.get_by_label("Decision", exact=True).select_option("watch")
    decision.get_by_label("Decision owner").select_option(label="petra")
    decision.get_by_label("Due date").fill("2026-12-31")
    decision.get_by_role("button", name="Save decision").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="Review of Cebu Voice")).to_contain_text("Approved")
    review = ScorecardReview.objects.get(provider=card.provider, period=OCT)
    assert (review.status, review.decision, review.decision_owner, review.due_date) == (
        "approved",
        "watch",
        buyer,
        dt.date(2026, 12, 31),
    )

    # The PDF, downloaded through the browser.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Cebu Voice" in text and f"{card.score:.2f}" in text, text
    assert errors == []  # no CSP refusal, no script error on any page

    # Operations reads the approved review but has no button to approve, and the POST is refused.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    try:
        ops_page = context.new_page()
        _sign_in(ops_page, "otto")
        ops_page.goto(review.get_absolute_url())
        expect(ops_page.get_by_role("heading", name="Review of Cebu Voice")).to_be_visible()
        expect(ops_page.get_by_role("button", name="Approve")).to_have_count(0)
        expect(ops_page.get_by_role("button", name="Save decision")).to_have_count(0)
        token = ops_page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        refused = ops_page.request.post(
            f"/scorecards/reviews/{review.pk}/approve/",
            form={"csrfmiddlewaretoken": token or ""},
            headers={"Referer": f"{live_server.url}{review.get_absolute_url()}"},
        )
        assert refused.status == 403
    finally:
        context.close()
