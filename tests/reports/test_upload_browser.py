"""In Chromium: upload a vendor file, preview it, watch the import's progress bar reach 100 %."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ContractFactory, UserFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _sign_in(page) -> None:
    UserFactory(username="uma", password="secret-pass-123", role="operations")
    page.goto("/login/")
    page.get_by_label("Username").fill("uma")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()


def test_upload_preview_and_progress_to_completion(celery_worker, page, tmp_path):
    contract = ContractFactory(reference="MSA-UI", rejected_row_tolerance_percent=5)
    rows = [work_item(n) for n in range(399)] + [work_item(399, csat="11")]
    path = tmp_path / "october.csv"
    path.write_bytes(canonical_csv(rows))
    _sign_in(page)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Upload report").click()
    page.get_by_label("Contract").select_option(label=str(contract))
    page.get_by_label("Month").fill("2026-10")
    page.get_by_label("File").set_input_files(str(path))

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("cell", name="T-0", exact=True)).to_be_visible()

    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name=re.compile(r"Report #\d+: october\.csv"))).to_be_visible()
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.locator("[data-status]")).to_have_text("Completed")
    expect(page.locator("[data-count=read]")).to_have_text("400")
    expect(page.locator("[data-count=accepted]")).to_have_text("399")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")
    expect(page.get_by_role("cell", name="csat", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download all rejected rows (CSV)")).to_be_visible()
