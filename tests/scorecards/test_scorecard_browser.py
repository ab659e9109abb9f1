"""A scorecard's page in headless Chromium: the 12-month sparkline is drawn, the CSP holds."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from scorecards.models import Scorecard
from scorecards.services import default_version, recompute_scorecards
from tests.factories import ContractFactory, ProviderFactory, UserFactory
from tests.scorecards.test_scorecard_trends import AUG, OCT, SEP, saves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_shipped_template() -> None:
    """A transactional test before this one may have flushed the migration-made default template."""
    if default_version() is None:
        # The squashed migration's copies (the old 0002/0003 files go once every installation is past them).
        migration = importlib.import_module("scorecards.migrations.0001_squashed_0005_scorecard_rank_trend_rollups")
        migration.create_default(apps, None)
        migration.add_consequences(apps, None)


def test_the_scorecard_page_draws_its_sparkline(page):
    ensure_shipped_template()
    UserFactory(username="petra", password="secret-pass-123", role="procurement")
    contract = ContractFactory(provider=ProviderFactory(name="Manila Care"))
    for period, realised in ((AUG, "60"), (SEP, "70"), (OCT, "80")):
        saves(contract, period, realised)
    recompute_scorecards()
    card = Scorecard.objects.get(provider=contract.provider, period=OCT)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/")
    page.get_by_label("Username").fill("petra")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Scorecards").click()
    page.locator("#object-table").get_by_role("link", name="2026-10").click()
    expect(page).to_have_url(f"{page.url.split('/scorecards/')[0]}/scorecards/{card.pk}/")

    sparkline = page.locator("canvas[data-scorecard-sparkline]")
    expect(sparkline).to_have_attribute("data-drawn", "3")  # three months with a score of the twelve
    box = sparkline.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 30
    expect(page.get_by_text("1 of 1 in Customer support & call centre")).to_be_visible()
    assert not errors, errors
