"""Every main page runs under the Content-Security-Policy without a violation (headless Chromium).

The policy allows scripts and styles only from the portal itself; an inline script or a
style="" attribute left in a template would be refused by the browser and break the page
silently, so the browser's own console is read for refusals.
"""

import pytest

from slas.models import ServiceLevel
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_pages_raise_no_csp_violation(page):
    UserFactory(username="olga", password="secret-pass-123", role="operations")
    contract = ContractFactory(reference="MSA-CSP")
    ServiceLevel.objects.create(
        contract=contract,
        process=contract.processes.get(),
        metric="asa",
        expected_level=30,
        minimum_level=45,
        credit_allocation_percent=10,
    )
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: refused.append(f"page error: {error}"))

    page.goto("/login/")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    for path in (
        "/",
        contract.get_absolute_url(),
        contract.provider.get_absolute_url(),
        "/compliance/",
        "/reports/upload/",
        "/report-layouts/add/",
        "/savings/",
        "/scorecards/reviews/",
        "/scorecards/consequences/",
        "/profile/",
        "/api/docs/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {k.title() for k in response.headers} or "content-security-policy" in (
            response.headers
        ), path
        page.wait_for_load_state("networkidle")
    assert refused == []
