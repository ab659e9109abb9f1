"""In Chromium: build a layout with the editor's form, from a sample file's columns, and see it saved."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportLayout
from tests.factories import ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_a_layout_with_the_form(page, tmp_path):
    ProviderFactory(name="Andes Digital")
    UserFactory(username="lia", password="secret-pass-123", role="operations")
    sample = tmp_path / "andes.csv"
    sample.write_text("Ticket;Opened;Status;Wait (min)\nT1;05/10/2026 08:00;OK;1,5\n", encoding="utf-8")
    page.goto("/login/")
    page.get_by_label("Username").fill("lia")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()

    page.goto("/report-layouts/add/")
    expect(page.get_by_role("heading", name="Layout reference")).to_be_visible()  # the help is open
    page.get_by_label("Name").fill("Andes tickets")
    page.get_by_label("Provider").select_option(label="Andes Digital")
    page.get_by_label("Delimiter").select_option(label="semicolon ;")
    page.get_by_label("Decimal comma").check()
    page.get_by_label("Sample file").set_input_files(str(sample))  # reads the header at once
    expect(page.locator("#sample-columns")).to_contain_text("Wait (min)")

    page.get_by_label("item_id column").select_option("Ticket")
    page.get_by_label("received_at column").select_option("Opened")
    page.get_by_label("received_at format").fill("%d/%m/%Y %H:%M")
    page.get_by_label("wait_seconds column").select_option("Wait (min)")
    page.get_by_label("wait_seconds unit").select_option("minutes")
    page.get_by_label("outcome column").select_option("Status")
    page.get_by_label("Code 1").fill("OK")
    page.get_by_label("Outcome 1").select_option("handled")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Andes tickets (Andes Digital)")).to_be_visible()
    expect(page.locator("pre")).to_contain_text('"column": "Wait (min)"')
    config = ReportLayout.objects.get(name="Andes tickets").current_version.config
    assert config["fields"]["outcome"] == {"column": "Status", "map": {"OK": "handled"}}
    assert config["delimiter"] == ";" and config["decimal_comma"] is True

    # The JSON view, for experts: an error names the line and column.
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="JSON (for experts)").click()
    page.get_by_label("Layout (JSON)").fill('{\n  "kind": "work_items",\n  oops\n}')
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The JSON is not valid at line 3, column 3")).to_be_visible()


def test_copy_a_shared_template_for_a_provider(page):
    from reports import services
    from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT

    template = ReportLayout(name="Call records (TSV)", kind="work_items")
    services.layout_save(template, config=ANONYMOUS_BANK_LAYOUT)
    ProviderFactory(name="Cape Coast")
    UserFactory(username="lia", password="secret-pass-123", role="operations")
    page.goto("/login/")
    page.get_by_label("Username").fill("lia")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()

    page.goto(template.get_absolute_url())
    expect(page.get_by_text("Shared template: copy it for a provider")).to_be_visible()
    page.get_by_role("link", name="Copy for a provider").click()
    page.get_by_label("Provider").select_option(label="Cape Coast")
    page.get_by_label("Name").fill("Cape Coast calls")
    page.get_by_role("button", name="Copy and edit").click()

    expect(page.get_by_role("heading", name="Edit Cape Coast calls (Cape Coast)")).to_be_visible()
    expect(page.get_by_label("wait_seconds column")).to_have_value("q_time")
