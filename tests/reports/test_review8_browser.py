"""Second test pass (review8), in Chromium: the upload form's preview spinner."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


def test_the_preview_spinner_is_hidden_until_a_preview_runs(page):
    """htmx's own indicator style is switched off for the CSP (base.html), and nothing replaced
    it: the spinner beside "Upload and import" turned for ever on an idle form."""
    UserFactory(username="uma", password="secret-pass-123", role="operations")
    page.goto("/login/")
    page.get_by_label("Username").fill("uma")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/reports/upload/")
    opacity = page.locator("#preview-spinner").evaluate("el => getComputedStyle(el).opacity")
    assert opacity == "0"
