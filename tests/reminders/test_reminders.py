"""Reminders: a run at a frozen date sends exactly the reminders due, once; thresholds; missing
reports; acknowledging from the dashboard and the API; roles; the beat schedule."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from bpo_portal.celery import app as celery_app
from contracts.models import Contract
from core import roles
from reminders import services
from reminders.models import Reminder
from reminders.schedule import crossed_threshold, month_to_report, uncovered
from reports.models import ReportKind, VendorReport
from reports.services import builtin_layout
from tests.factories import CertificationFactory, ContractFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
# A day in the real data set's year: nothing here may assume today lies inside the data, or after it.
TODAY = D(1999, 7, 4)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_RECIPIENTS = ["procurement@example.com"]
    settings.REMINDER_NOTICE_DAYS = (90, 60, 30)
    settings.REMINDER_CONTRACT_END_DAYS = (30,)
    settings.REMINDER_CERTIFICATION_DAYS = (60, 30)
    settings.REMINDER_REPORT_DUE_DAY = 0  # off, except in the tests of missing reports


def _contract(**kwargs) -> Contract:
    kwargs.setdefault("start_date", D(1998, 1, 1))
    return ContractFactory(**kwargs)


def _sent() -> list[tuple[str, list[str]]]:
    return sorted((m.subject, sorted(m.to)) for m in mail.outbox)


# --- when: pure functions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [(91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (0, 30), (-1, None)],
)
def test_the_tightest_threshold_reached(days_before, expected):
    deadline = D(1999, 10, 2)
    assert crossed_threshold(deadline, deadline - dt.timedelta(days=days_before), (90, 60, 30)) == expected


def test_last_months_report_is_due_from_day_n():
    assert month_to_report(D(1999, 3, 9), 10) is None
    assert month_to_report(D(1999, 3, 10), 10) == D(1999, 2, 1)
    assert month_to_report(D(1999, 1, 31), 10) == D(1998, 12, 1)


def test_coverage_by_pieces():
    feb = (D(1999, 2, 1), D(1999, 2, 28))
    assert uncovered(feb, [])
    assert not uncovered(feb, [feb])
    assert not uncovered(feb, [(D(1999, 2, 15), D(1999, 3, 3)), (D(1999, 1, 20), D(1999, 2, 14))])
    assert uncovered(feb, [(D(1999, 2, 1), D(1999, 2, 13)), (D(1999, 2, 15), D(1999, 2, 28))])  # the 14th
    assert uncovered(feb, [(D(1999, 2, 1), D(1999, 2, 27))])


# --- a scheduled run at a frozen date -------------------------------------------------------


def test_a_run_sends_exactly_the_reminders_due_and_a_second_run_sends_none(settings):
    settings.REMINDER_REPORT_DUE_DAY = 10  # TODAY is the 4th: no report is due yet
    owner = UserFactory(username="owner", email="owner@example.com")
    # Notice deadline 1999-10-02 (end 1999-12-31 − 90 days): exactly 90 days after TODAY.
    notice = _contract(reference="N-1", end_date=D(1999, 12, 31), notice_period_days=90, owner=owner)
    # Ends in 30 days; its notice deadline (60 days before the end) has passed already.
    _contract(reference="E-1", end_date=TODAY + dt.timedelta(days=30), notice_period_days=60)
    # Expires in 60 days, at the provider of N-1 (whose owner hears of it).
    CertificationFactory(provider=notice.provider, issued_on=D(1997, 1, 1), expires_on=TODAY + dt.timedelta(days=60))
    # Not due: far away, one day early, a draft, a terminated contract, a certification at 61 days.
    _contract(reference="FAR", end_date=D(2005, 12, 31))
    _contract(reference="EARLY", end_date=D(1999, 12, 31), notice_period_days=89)  # deadline in 91 days
    _contract(reference="DRAFT", end_date=D(1999, 12, 31), notice_period_days=90, status=Contract.Status.DRAFT)
    terminated = Contract.Status.TERMINATED
    _contract(reference="TERM", end_date=TODAY + dt.timedelta(days=10), notice_period_days=0, status=terminated)
    CertificationFactory(issued_on=D(1997, 1, 1), expires_on=TODAY + dt.timedelta(days=61))

    summary = services.send_reminders(today=TODAY)

    assert (summary.created, summary.sent, summary.failed) == (3, 3, 0)
    provider = notice.provider.name
    assert _sent() == [
        (
            f"Contract E-1 ends in 30 days ({TODAY + dt.timedelta(days=30):%Y-%m-%d})",
            ["procurement@example.com"],
        ),
        (
            f"ISO/IEC 27001 of {provider} expires in 60 days ({TODAY + dt.timedelta(days=60):%Y-%m-%d})",
            ["owner@example.com", "procurement@example.com"],
        ),
        ("Notice deadline of N-1 in 90 days (1999-10-02)", ["owner@example.com", "procurement@example.com"]),
    ]
    assert set(Reminder.objects.values_list("kind", "threshold")) == {
        ("notice_deadline", "90 days"),
        ("contract_ending", "30 days"),
        ("certification_expiring", "60 days"),
    }
    assert all(r.sent_at and r.recipients for r in Reminder.objects.all())

    again = services.send_reminders(today=TODAY)
    assert (again.created, again.sent) == (0, 0)
    assert len(mail.outbox) == 3
    assert Reminder.objects.count() == 3


def test_thresholds_each_sent_once_and_only_the_tightest():
    contract = _contract(reference="T-1", end_date=D(1999, 12, 31), notice_period_days=90)  # deadline 1999-10-02
    deadline = D(1999, 10, 2)
    sent: dict[int, list[str]] = {}
    for days_before in (91, 90, 75, 60, 59, 45):
        before = len(mail.outbox)
        services.send_reminders(today=deadline - dt.timedelta(days=days_before))
        sent[days_before] = [m.subject for m in mail.outbox[before:]]
    assert sent[91] == []
    assert sent[90] == ["Notice deadline of T-1 in 90 days (1999-10-02)"]
    assert sent[75] == []
    assert sent[60] == ["Notice deadline of T-1 in 60 days (1999-10-02)"]  # the 60-day one, not the 90 again
    assert sent[59] == sent[45] == []
    assert list(contract.reminders.order_by("created_at").values_list("threshold", flat=True)) == ["90 days", "60 days"]


def test_a_scheduler_down_at_90_days_sends_the_60_day_reminder_only():
    _contract(reference="L-1", end_date=D(1999, 12, 31), notice_period_days=90)
    services.send_reminders(today=D(1999, 10, 2) - dt.timedelta(days=50))
    assert [m.subject for m in mail.outbox] == ["Notice deadline of L-1 in 50 days (1999-10-02)"]
    assert Reminder.objects.get().threshold == "60 days"


def test_a_moved_end_date_arms_the_reminders_again():
    contract = _contract(reference="M-1", end_date=D(1999, 12, 31), notice_period_days=90, auto_renew=True)
    services.send_reminders(today=D(1999, 7, 4))
    contract.end_date = D(2000, 12, 31)  # renewed for a year: a new notice deadline, 2000-10-02
    contract.save()
    services.send_reminders(today=D(2000, 7, 4))
    assert [m.subject for m in mail.outbox] == [
        "Notice deadline of M-1 in 90 days (1999-10-02)",
        "Notice deadline of M-1 in 90 days (2000-10-02)",
    ]
    assert "renews itself automatically" in mail.outbox[0].body


def test_an_email_that_fails_is_sent_on_the_next_run(settings):
    _contract(reference="F-1", end_date=D(1999, 12, 31), notice_period_days=90)
    # A real SMTP backend against a closed port: the mail server is down.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    down = services.send_reminders(today=TODAY)
    assert (down.created, down.sent, down.failed) == (1, 0, 1)
    assert Reminder.objects.get().sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    back = services.send_reminders(today=TODAY + dt.timedelta(days=1))
    assert (back.created, back.sent, back.failed) == (0, 1, 0)
    assert [m.subject for m in mail.outbox] == ["Notice deadline of F-1 in 90 days (1999-10-02)"]


def test_without_recipients_the_reminder_is_still_listed(settings):
    settings.REMINDER_RECIPIENTS = []
    _contract(reference="Q-1", end_date=D(1999, 12, 31), notice_period_days=90)
    summary = services.send_reminders(today=TODAY)
    assert mail.outbox == []
    # Nobody to email: not counted as emailed, but said so the run's reader can set an owner.
    assert (summary.created, summary.sent, summary.unaddressed) == (1, 0, 1)
    reminder = Reminder.objects.get()
    assert reminder.recipients == [] and reminder.sent_at is not None and reminder.acknowledged_at is None


def test_the_command_does_not_call_a_reminder_to_nobody_emailed(settings, capsys):
    settings.REMINDER_RECIPIENTS = []
    _contract(reference="Q-2", end_date=D(1999, 12, 31), notice_period_days=90)
    call_command("send_reminders", "--today", "1999-07-04")
    out = capsys.readouterr().out
    assert "1 reminder(s) newly due, 0 emailed" in out and "1 with nobody to email" in out


# --- last month's report ---------------------------------------------------------------------


def _report(contract, process, first, last, *, kind=ReportKind.WORK_ITEMS, status=VendorReport.Status.COMPLETED):
    n = VendorReport.objects.count()
    return VendorReport.objects.create(
        contract=contract,
        process=process,
        kind=kind,
        period_start=first,
        period_end=last,
        layout_version=builtin_layout(kind).current_version,
        file=f"reports/test-{n}.csv",
        original_name=f"test-{n}.csv",
        sha256=f"{n:064d}",
        size=1,
        status=status,
    )


def test_a_missing_report_reminder_appears_by_day_n_only_for_contracts_in_force_missing_one(settings):
    settings.REMINDER_REPORT_DUE_DAY = 10
    feb = (D(1999, 2, 1), D(1999, 2, 28))
    end = D(2001, 12, 31)
    missing = _contract(reference="MISS", end_date=end)
    _report(missing, missing.processes.get(), *feb, status=VendorReport.Status.FAILED)  # a failed one does not count
    reported = _contract(reference="OK", end_date=end)
    _report(reported, reported.processes.get(), *feb)
    kpi = _contract(reference="KPI", end_date=end)
    _report(kpi, kpi.processes.get(), *feb, kind=ReportKind.KPI_SUMMARY)
    weekly = _contract(reference="WEEKLY", end_date=end)
    _report(weekly, weekly.processes.get(), D(1999, 2, 1), D(1999, 2, 14))
    _report(weekly, weekly.processes.get(), D(1999, 2, 15), D(1999, 2, 28))
    gap = _contract(reference="GAP", end_date=end)
    _report(gap, gap.processes.get(), D(1999, 2, 1), D(1999, 2, 20))
    calls_and_mail = [ProcessFactory(name="Calls"), ProcessFactory(name="Mail")]
    two = _contract(reference="TWO", end_date=end, processes=calls_and_mail)
    _report(two, two.processes.get(name="Calls"), *feb)
    # Ended on 1999-02-14: owes the first half of February, which it has.
    ended = _contract(reference="ENDED", end_date=D(1999, 2, 14), status=Contract.Status.EXPIRED)
    _report(ended, ended.processes.get(), D(1999, 2, 1), D(1999, 2, 14))
    # Not in force in February, or not active: nothing owed.
    _contract(reference="LATER", start_date=D(1999, 3, 1), end_date=end)
    _contract(reference="DRAFT", end_date=end, status=Contract.Status.DRAFT)
    _contract(reference="TERM", end_date=end, status=Contract.Status.TERMINATED)

    assert services.send_reminders(today=D(1999, 3, 9)).created == 0  # day 9: not yet due
    services.send_reminders(today=D(1999, 3, 10))

    reminders = Reminder.objects.filter(kind=Reminder.Kind.REPORT_MISSING)
    assert sorted(reminders.values_list("contract__reference", flat=True)) == ["GAP", "MISS", "TWO"]
    assert set(reminders.values_list("threshold", "due_on")) == {("1999-02", D(1999, 3, 10))}
    assert "process Mail;" in reminders.get(contract=two).message
    assert sorted(m.subject for m in mail.outbox) == [
        "Report for 1999-02 missing: GAP",
        "Report for 1999-02 missing: MISS",
        "Report for 1999-02 missing: TWO",
    ]
    services.send_reminders(today=D(1999, 3, 11))  # once per contract and month
    assert len(mail.outbox) == 3


# --- the dashboard, the list, the API and roles -----------------------------------------------


@pytest.fixture
def reminder(db) -> Reminder:
    _contract(reference="DASH-1", end_date=D(1999, 12, 31), notice_period_days=90)
    services.send_reminders(today=TODAY)
    return Reminder.objects.get()


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_acknowledging_from_the_dashboard_removes_the_reminder(reminder, ops_user):
    browser = _browser(ops_user)
    page = browser.get("/").content.decode()
    assert "Notice deadline of DASH-1 in 90 days" in page
    assert f'hx-post="/reminders/{reminder.pk}/acknowledge/"' in page

    answer = browser.post(f"/reminders/{reminder.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and answer.content == b""  # htmx swaps the row for nothing
    reminder.refresh_from_db()
    assert reminder.acknowledged_by == ops_user and reminder.acknowledged_at
    assert "Notice deadline of DASH-1" not in browser.get("/").content.decode()
    # Listed still, as acknowledged, on the reminders page.
    listed = browser.get("/reminders/?acknowledged=true").content.decode()
    assert "Notice deadline of DASH-1" in listed and ops_user.username in listed
    assert "Notice deadline of DASH-1" not in browser.get("/reminders/?acknowledged=false").content.decode()


def test_the_plain_form_acknowledges_and_goes_back(reminder, ops_user):
    answer = _browser(ops_user).post(f"/reminders/{reminder.pk}/acknowledge/", {"next": "/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    away = _browser(ops_user).post(f"/reminders/{reminder.pk}/acknowledge/", {"next": "https://evil.example/"})
    assert away["Location"] == "/reminders/"  # never redirected off the site


def test_a_viewer_sees_reminders_but_cannot_acknowledge(reminder, viewer_user, viewer_api):
    browser = _browser(viewer_user)
    page = browser.get("/").content.decode()
    assert "Notice deadline of DASH-1" in page and "/acknowledge/" not in page
    assert browser.post(f"/reminders/{reminder.pk}/acknowledge/").status_code == 403
    assert viewer_api.post(f"/api/v1/reminders/{reminder.pk}/acknowledge/").status_code == 403
    assert viewer_api.get("/api/v1/reminders/").json()["count"] == 1
    reminder.refresh_from_db()
    assert reminder.acknowledged_at is None


def test_a_user_without_a_role_sees_no_reminders(reminder):
    norole = UserFactory(username="norole-reminders")
    assert _browser(norole).get("/reminders/").status_code == 403
    assert _browser(norole).post(f"/reminders/{reminder.pk}/acknowledge/").status_code == 403


def test_the_reminders_list_filters_by_kind(reminder, ops_user):
    browser = _browser(ops_user)
    assert "Notice deadline of DASH-1" in browser.get("/reminders/?kind=notice_deadline").content.decode()
    assert "Notice deadline of DASH-1" not in browser.get("/reminders/?kind=report_missing").content.decode()


def test_the_api_lists_filters_and_acknowledges(reminder, ops_api, ops_user):
    listed = ops_api.get("/api/v1/reminders/", {"acknowledged": "false", "kind": "notice_deadline"}).json()
    assert listed["count"] == 1
    body = listed["results"][0]
    assert body["contract"] == "DASH-1" and body["threshold"] == "90 days" and body["due_on"] == "1999-10-02"
    assert body["recipients"] == ["procurement@example.com"] and body["acknowledged"] is False
    assert ops_api.get("/api/v1/reminders/", {"kind": "report_missing"}).json()["count"] == 0
    assert ops_api.get("/api/v1/reminders/", {"contract": "DASH-1"}).json()["count"] == 1
    assert ops_api.get("/api/v1/reminders/", {"kind": "bogus"}).status_code == 400

    answer = ops_api.post(f"/api/v1/reminders/{reminder.pk}/acknowledge/")
    assert answer.status_code == 200
    assert answer.json()["acknowledged"] is True and answer.json()["acknowledged_by"] == ops_user.username
    first = answer.json()["acknowledged_at"]
    assert ops_api.post(f"/api/v1/reminders/{reminder.pk}/acknowledge/").json()["acknowledged_at"] == first
    assert ops_api.get("/api/v1/reminders/", {"acknowledged": "false"}).json()["count"] == 0
    assert ops_api.post("/api/v1/reminders/999999/acknowledge/").status_code == 404


def test_roles_get_reminder_permissions():
    from django.contrib.auth.models import Group

    ops = set(Group.objects.get(name=roles.OPERATIONS).permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name=roles.VIEWER).permissions.values_list("codename", flat=True))
    assert {"view_reminder", "change_reminder"} <= ops
    assert "view_reminder" in viewer and "change_reminder" not in viewer


# --- the contract's owner ---------------------------------------------------------------------


def test_the_owner_is_set_through_the_api_and_offered_in_the_form(ops_api):
    from contracts.forms import ContractForm

    contract = _contract(reference="OWN-1", end_date=D(1999, 12, 31))
    owner = UserFactory(username="ana", email="ana@example.com")
    answer = ops_api.patch(f"/api/v1/contracts/{contract.reference}/", {"owner": "ana"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["owner"] == owner.pk
    contract.refresh_from_db()
    assert contract.owner == owner
    assert ops_api.patch(f"/api/v1/contracts/{contract.pk}/", {"owner": None}, format="json").json()["owner"] is None
    assert ops_api.patch(f"/api/v1/contracts/{contract.pk}/", {"owner": "nobody"}, format="json").status_code == 400
    assert "owner" in ContractForm().fields


# --- scheduling: beat, the task, the command ---------------------------------------------------


def test_the_beat_schedule_runs_a_registered_task_daily(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].remaining_estimate(dt.datetime(1999, 7, 4, 7, 0)) <= dt.timedelta(days=1)


def test_the_task_runs_for_a_given_day():
    from reminders.tasks import send_reminders

    _contract(reference="TASK-1", end_date=D(1999, 12, 31), notice_period_days=90)
    assert send_reminders.delay(today="1999-07-04").get() == {"created": 1, "sent": 1, "failed": 0, "unaddressed": 0}
    assert [m.subject for m in mail.outbox] == ["Notice deadline of TASK-1 in 90 days (1999-10-02)"]


def test_the_command_takes_today(capsys):
    _contract(reference="CMD-1", end_date=D(1999, 12, 31), notice_period_days=90)
    call_command("send_reminders", "--today", "1999-07-04")
    assert "1999-07-04: 1 reminder(s) newly due, 1 emailed" in capsys.readouterr().out
    call_command("send_reminders", "--today", "1999-07-04")
    assert "0 reminder(s) newly due, 0 emailed" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--today", "1999-13-01")


def test_the_contract_page_shows_its_owner_and_open_reminders(reminder, ops_user):
    contract = reminder.contract
    contract.owner = UserFactory(username="carla", email="carla@example.com")
    contract.save()
    page = _browser(ops_user).get(f"/contracts/{contract.pk}/").content.decode()
    assert "Owner: carla (carla@example.com)" in page
    assert "Notice deadline of DASH-1 in 90 days" in page
    assert "procurement@example.com" in page


def test_open_reminders_are_listed_first(ops_api, ops_user):
    for reference in ("ORD-1", "ORD-2"):
        _contract(reference=reference, end_date=D(1999, 12, 31), notice_period_days=90)
    services.send_reminders(today=TODAY)
    first = Reminder.objects.get(contract__reference="ORD-1")
    services.reminder_acknowledge(first, user=ops_user)
    listed = ops_api.get("/api/v1/reminders/").json()["results"]
    assert [r["contract"] for r in listed] == ["ORD-2", "ORD-1"]
