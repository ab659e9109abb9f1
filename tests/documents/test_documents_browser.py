"""In Chromium: attach a signed contract on the contract page, see it listed, download it;
a file of a refused type comes back with the reason."""

import pytest
from playwright.sync_api import expect

from documents.models import Document
from tests.documents.helpers import EXE, pdf
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page) -> None:
    UserFactory(username="dora", password="secret-pass-123", role="operations")
    page.goto("/login/")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()


def test_attach_list_and_download_on_the_contract_page(page, tmp_path):
    contract = ContractFactory(reference="MSA-DOCS")
    signed = tmp_path / "MSA-DOCS signed.pdf"
    signed.write_bytes(pdf("signed in the browser"))
    _sign_in(page)
    page.goto(contract.get_absolute_url())

    panel = page.locator("[data-panel-body=documents]")
    expect(panel.get_by_role("heading", name="Documents")).to_be_visible()
    expect(panel.get_by_text("No documents.")).to_be_visible()
    panel.get_by_text("Attach a document").click()
    panel.get_by_label("File").set_input_files(str(signed))
    panel.get_by_label("Kind").select_option(label="Signed contract")
    panel.get_by_label("Title").fill("Master services agreement")
    panel.get_by_label("Valid until").fill("2028-12-31")
    panel.get_by_role("button", name="Upload document").click()

    expect(page.get_by_text("Attached “Master services agreement” (MSA-DOCS signed.pdf).")).to_be_visible()
    row = page.locator("[data-panel-body=documents] tr[data-document]")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="Signed contract")).to_be_visible()
    with page.expect_download() as download:
        row.get_by_role("link", name="MSA-DOCS signed.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "MSA-DOCS signed.pdf"
    assert saved.read_bytes() == pdf("signed in the browser")

    tool = tmp_path / "tool.exe"
    tool.write_bytes(EXE)
    page.locator("[data-panel-body=documents]").get_by_text("Attach a document").click()
    page.locator("[data-panel-body=documents]").get_by_label("File").set_input_files(str(tool))
    page.locator("[data-panel-body=documents]").get_by_role("button", name="Upload document").click()
    expect(page.get_by_text("“.exe” files are not accepted")).to_be_visible()
    assert Document.objects.count() == 1
