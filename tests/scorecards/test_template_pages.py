"""The template and rating pages through the browser (Django test client), role by role."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from scorecards.models import ManualRating, Scorecard, ScorecardTemplate
from scorecards.services import default_version, recompute_scorecards
from tests.scorecards.test_recompute_scorecards import OCT, scenario  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

WEIGHTS = {"sla": "20", "cost": "50", "risk": "10", "relationship": "10", "innovation": "10"}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_form(weights=WEIGHTS, bands=None) -> dict[str, str]:
    """The edit form as posted: five criteria, the four default bands (plus the blank extra rows)."""
    kinds = {"sla": "sla", "cost": "cost", "risk": "risk", "relationship": "manual", "innovation": "manual"}
    bands = bands or [("strategic", "85", ""), ("preferred", "70", ""), ("watch", "55", "probation"), ("exit", "0", "")]
    data = {
        # one more criterion row than filled in: the blank extra row a browser posts as well
        f"criteria-{len(weights)}-code": "",
        f"criteria-{len(weights)}-kind": "",
        "criteria-TOTAL_FORMS": str(len(weights) + 1),
        "criteria-INITIAL_FORMS": "0",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": "0",
        "version-note": "Cost counts more.",
    }
    for i, (code, weight) in enumerate(weights.items()):
        data.update(
            {
                f"criteria-{i}-code": code,
                f"criteria-{i}-name": code.title(),
                f"criteria-{i}-kind": kinds[code],
                f"criteria-{i}-weight": weight,
            }
        )
    for i, (standing, lower, consequence) in enumerate(bands):
        data.update({f"bands-{i}-standing": standing, f"bands-{i}-lower": lower, f"bands-{i}-consequence": consequence})
    return data


@pytest.fixture
def procurement(procurement_user):
    return browser(procurement_user)


@pytest.fixture
def template():
    return ScorecardTemplate.objects.get(is_default=True)


def test_procurement_backtests_then_saves_a_new_version(
    procurement,
    template,
    scenario,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    recompute_scorecards()
    edit_url = f"/scorecards/templates/{template.pk}/edit/"
    page = procurement.get(edit_url)
    assert page.status_code == 200 and 'value="40' in page.content.decode()  # prefilled from v1
    assert "Save as version 2" not in page.content.decode()  # only after a back-test

    tested = procurement.post(edit_url, {**edit_form(), "action": "backtest"})
    html = tested.content.decode()
    assert tested.status_code == 200 and "Save as version 2" in html
    assert 'data-standing-change="down"' in html and "preferred → watch" in html
    assert "76.67" in html and "66.11" in html and "1 standing change" in html
    assert template.versions.count() == 1  # a back-test saves nothing

    fingerprint = re.search(r'name="version-fingerprint" value="([0-9a-f]+)"', html).group(1)
    changed = {**edit_form({**WEIGHTS, "sla": "25", "cost": "45"}), "version-fingerprint": fingerprint}
    again = procurement.post(edit_url, {**changed, "action": "save"})
    assert again.status_code == 200 and "differs from the one back-tested" in again.content.decode()
    assert template.versions.count() == 1

    with django_capture_on_commit_callbacks(execute=True):  # the history recompute runs at the commit
        saved = procurement.post(edit_url, {**edit_form(), "version-fingerprint": fingerprint, "action": "save"})
    v2 = default_version()
    assert saved.status_code == 302 and saved.url == v2.get_absolute_url() and v2.number == 2
    assert Scorecard.objects.get(template_version=v2, period=OCT).standing == "watch"
    old_page = procurement.get(f"/scorecards/templates/{template.pk}/versions/1/").content.decode()
    assert "76.67" in old_page and "preferred" in old_page  # the old version's scorecards stay readable
    new_page = procurement.get(v2.get_absolute_url()).content.decode()
    assert "Cost counts more." in new_page and "procurement-user" in new_page and "Provider on probation" in new_page


def test_the_edit_page_explains_what_it_refuses(procurement, template):
    url = f"/scorecards/templates/{template.pk}/edit/"
    short = procurement.post(url, {**edit_form({**WEIGHTS, "innovation": "5"}), "action": "backtest"})
    assert "must sum to 100 (they sum to 95)" in short.content.decode()
    gap = edit_form(bands=[("good", "50", ""), ("bad", "10", "")])
    assert "lowest band must start at 0" in procurement.post(url, {**gap, "action": "backtest"}).content.decode()
    overlap = edit_form(bands=[("good", "50", ""), ("fair", "50", ""), ("bad", "0", "")])
    assert "overlap" in procurement.post(url, {**overlap, "action": "save"}).content.decode()
    assert template.versions.count() == 1


def test_operations_and_viewers_read_but_cannot_edit_or_rate(ops_user, viewer_user, template, scenario):  # noqa: F811
    for user in (ops_user, viewer_user):
        client = browser(user)
        for path in (
            "/scorecards/templates/",
            f"/scorecards/templates/{template.pk}/",
            f"/scorecards/templates/{template.pk}/versions/1/",
            f"/scorecards/ratings/{scenario.provider.pk}/?month=2026-10",
        ):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "Edit (new version)" not in page.content.decode() and "Save my ratings" not in page.content.decode()
        assert client.get(f"/scorecards/templates/{template.pk}/edit/").status_code == 403
        assert client.post(f"/scorecards/templates/{template.pk}/edit/", edit_form()).status_code == 403
        posted = client.post(
            f"/scorecards/ratings/{scenario.provider.pk}/", {"month": "2026-10", "relationship-rating": "5"}
        )
        assert posted.status_code == 403
    assert template.versions.count() == 1 and ManualRating.objects.count() == 3


def test_a_user_without_a_role_sees_none_of_it(template):
    client = browser(User.objects.create_user("norole-pages", password="x"))
    for path in ("/scorecards/templates/", f"/scorecards/templates/{template.pk}/edit/", "/scorecards/ratings/1/"):
        assert client.get(path).status_code == 403


def test_procurement_rates_sees_the_others_and_the_median(procurement, procurement_user, scenario):  # noqa: F811
    url = f"/scorecards/ratings/{scenario.provider.pk}/"
    page = procurement.get(url, {"month": "2026-10"}).content.decode()
    assert "Median: <strong data-median>80.00</strong> of 3 ratings" in page  # median(80, 0, 85)
    posted = procurement.post(
        url, {"month": "2026-10", "relationship-rating": "90", "relationship-comment": "Quick to escalate."}
    )
    assert posted.status_code == 302 and posted.url == f"{url}?month=2026-10"
    mine = ManualRating.objects.get(reviewer=procurement_user)
    assert (mine.rating, mine.comment, mine.period) == (90, "Quick to escalate.", OCT)
    page = procurement.get(posted.url).content.decode()
    assert "Median: <strong data-median>82.50</strong> of 4 ratings" in page and "(you)" in page
    procurement.post(url, {"month": "2026-10", "relationship-rating": "95", "relationship-comment": "Quick."})
    mine.refresh_from_db()
    assert mine.rating == 95 and mine.history.count() == 2  # edited, audited
    card = Scorecard.objects.get(provider=scenario.provider, period=OCT, template_version=default_version())
    assert next(r for r in card.breakdown["criteria"] if r["code"] == "relationship")["points"] == 82.5
