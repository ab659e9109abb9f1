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


@pytest.mark.django_db(transaction=True)
def test_choosing_a_contract_narrows_the_upload_form(page):
    import datetime as dt

    from reports import services
    from reports.models import ReportLayout
    from reports.parsing.layout import canonical_config
    from tests.factories import ProcessFactory, ProviderFactory

    north, south = ProviderFactory(name="North BPO"), ProviderFactory(name="South BPO")
    bank = ContractFactory(
        provider=north,
        reference="MSA-BANK",
        processes=[ProcessFactory(name="Bank calls"), ProcessFactory(name="Bank chat")],
        start_date=dt.date(1999, 1, 1),
        end_date=dt.date(1999, 12, 31),
    )
    ContractFactory(provider=south, reference="MSA-PAY", processes=[ProcessFactory(name="Payroll")])
    for name, provider in (("North export", north), ("South export", south), ("Common export", None)):
        services.layout_save(
            ReportLayout(name=name, provider=provider, kind="work_items"), config=canonical_config("work_items")
        )
    _sign_in(page)
    page.goto("/reports/upload/")

    process, layout, month = page.get_by_label("Process"), page.get_by_label("Layout"), page.get_by_label("Month")
    page.get_by_label("Contract").select_option(label=str(bank))
    expect(process.locator("option")).to_have_text(["---------", "Bank calls", "Bank chat"])
    expect(layout.locator("option")).to_have_text(
        ["---------", "Canonical work items", "Common export", "North export (North BPO)"]
    )
    expect(month).to_have_attribute("min", "1999-01")
    expect(month).to_have_attribute("max", "1999-12")

    page.get_by_label("Contract").select_option(label="MSA-PAY: Customer care")
    expect(process.locator("option")).to_have_text(["---------", "Payroll"])
    expect(layout.locator("option")).to_have_text(
        ["---------", "Canonical work items", "Common export", "South export (South BPO)"]
    )
