"""In headless Chromium: acknowledging a reminder on the dashboard takes it away (htmx, CSRF header)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reminders import services
from reminders.models import Reminder
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_acknowledge_on_the_dashboard(page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_REPORT_DUE_DAY = 0
    UserFactory(username="omar", password="secret-pass-123", role="operations")
    ContractFactory(reference="BRW-1", start_date=dt.date(1998, 1, 1), end_date=dt.date(1999, 12, 31))
    services.send_reminders(today=dt.date(1999, 7, 4))

    page.goto("/")
    page.get_by_label("Username").fill("omar")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    section = page.locator("[data-reminders]")
    expect(section.get_by_text("Notice deadline of BRW-1 in 90 days")).to_be_visible()
    expect(section.get_by_text("1 open")).to_be_visible()

    section.get_by_role("button", name="Acknowledge").click()
    expect(section.get_by_text("Notice deadline of BRW-1 in 90 days")).to_have_count(0)
    assert page.url.endswith("/")  # swapped in place by htmx, no page load
    reminder = Reminder.objects.get()
    assert reminder.acknowledged_by.username == "omar"
    page.reload()
    expect(page.locator("[data-reminders]").get_by_text("No open reminders.")).to_be_visible()
