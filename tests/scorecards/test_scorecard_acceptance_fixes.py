"""What a new procurement user tripped over on the demo data, each pinned down.

- a service level in a scorecard's breakdown is named as everywhere else ("Turnaround within
  24 h", not the catalogue's "Turnaround within H hours"), and its measured value has 4 decimals;
- the scorecard list (browser and API) filters by ``month``, as every row shows it;
- the review of a scorecard that has none answers 404 saying so and how to start it;
- the pages link each other: the list to the comparison, templates, reviews and consequences;
  a scorecard to its template version, its manual ratings, the comparison of its category and
  its PDF; a consequence's month and a version's stored months to their scorecards.
"""

import datetime as dt
from decimal import Decimal

import pytest

from scorecards.models import Scorecard, StandingConsequence
from scorecards.services import recompute_scorecards
from tests.factories import ContractFactory, ServiceLevelFactory, UserFactory
from tests.scorecards.conftest import token_client
from tests.scorecards.test_recompute_scorecards import compliance

pytestmark = pytest.mark.django_db

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


@pytest.fixture
def scored():
    """Manila Care with a turnaround level (no name of its own), measured in September and October."""
    level = ServiceLevelFactory(
        contract=ContractFactory(provider__name="Manila Care"),
        metric="turnaround",
        parameters={"hours": 24},
        expected_level=Decimal("95"),
        minimum_level=Decimal("90"),
    )
    compliance(level, actual=Decimal("92.2222222222"), status="at_risk", period=SEP)
    compliance(level, actual=Decimal("96"), period=OCT)
    recompute_scorecards()
    return Scorecard.objects.get(provider=level.contract.provider, period=OCT)


def test_a_level_is_named_as_elsewhere_and_its_actual_has_four_decimals(scored, procurement_api):
    september = Scorecard.objects.get(provider=scored.provider, period=SEP)
    [level] = next(c for c in september.breakdown["criteria"] if c["code"] == "sla")["inputs"]["service_levels"]
    assert level["name"] == "Turnaround within 24 h"
    assert level["actual"] == 92.2222
    body = procurement_api.get(f"/api/v1/scorecards/{september.pk}/").json()
    assert "Turnaround within 24 h" in str(body["breakdown"]) and "H hours" not in str(body)


def test_the_list_filters_by_month_as_rows_show_it(scored, procurement_api, client, procurement_user):
    rows = procurement_api.get("/api/v1/scorecards/?month=2026-10").json()["results"]
    assert [(r["provider"], r["month"]) for r in rows] == [("Manila Care", "2026-10")]
    refused = procurement_api.get("/api/v1/scorecards/?month=2026-13")
    assert refused.status_code == 400 and "month" in refused.json()["errors"]
    csv = procurement_api.get("/api/v1/scorecards/csv/?month=2026-09")
    assert csv.status_code == 200
    client.force_login(procurement_user)
    page = client.get("/scorecards/?month=2026-09").content.decode()
    assert f'href="/scorecards/{scored.pk}/"' not in page and "1 scorecard" in page


def test_the_review_of_a_scorecard_without_one_says_how_to_start_it(scored, procurement_api):
    missing = procurement_api.get(f"/api/v1/scorecards/{scored.pk}/reviews/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "Manila Care has no review of 2026-10 yet; a procurement reviewer starts it with POST {} to this address."
    )


def test_the_scorecard_pages_link_each_other(scored, client):
    StandingConsequence.objects.create(
        provider=scored.provider, period=OCT, scorecard=scored, kind="probation", standing="watch", score=Decimal("60")
    )
    client.force_login(UserFactory(username="buyer", role="procurement"))
    listing = client.get("/scorecards/").content.decode()
    for href in ("/scorecards/compare/", "/scorecards/templates/", "/scorecards/reviews/", "/scorecards/consequences/"):
        assert f'href="{href}"' in listing, href

    page = client.get(f"/scorecards/{scored.pk}/").content.decode()
    version = scored.template_version
    assert f'href="/scorecards/templates/{version.template_id}/versions/{version.number}/"' in page
    assert f'href="/scorecards/ratings/{scored.provider_id}/?month=2026-10"' in page
    assert 'href="/scorecards/compare/?category=customer-support&amp;period_to=2026-10"' in page
    assert f'href="/scorecards/{scored.pk}/pdf/"' in page
    assert client.get("/scorecards/compare/?category=customer-support&period_to=2026-10").status_code == 200

    consequences = client.get("/scorecards/consequences/").content.decode()
    assert f'<a href="/scorecards/{scored.pk}/">2026-10</a>' in consequences
    assert ">60.00<" in consequences  # a score has two decimals, as everywhere
    stored = client.get(f"/scorecards/templates/{version.template_id}/versions/{version.number}/").content.decode()
    assert f'<a href="/scorecards/{scored.pk}/">2026-10</a>' in stored


def test_operations_reads_the_scorecard_without_the_review_button(scored, client, ops_user):
    client.force_login(ops_user)
    page = client.get(f"/scorecards/{scored.pk}/").content.decode()
    assert "Review this month" not in page and "Download PDF" in page
    assert token_client(ops_user).post(f"/api/v1/scorecards/{scored.pk}/reviews/", {}).status_code == 403


def test_a_yes_no_filter_refuses_what_is_neither(scored, procurement_api, client, procurement_user):
    refused = procurement_api.get("/api/v1/scorecards/?scored=maybe")
    assert refused.status_code == 400 and "scored" in refused.json()["errors"]
    assert procurement_api.get("/api/v1/scorecards/?scored=true").json()["count"] == 2
    assert procurement_api.get("/api/v1/scorecards/?scored=false").json()["count"] == 0
    assert procurement_api.get("/api/v1/scorecards/?scored=").json()["count"] == 2
    client.force_login(procurement_user)
    page = client.get("/scorecards/").content.decode()
    assert '<option value="true">Yes</option>' in page  # the browser's select posts what the API reads


def test_consequences_filter_by_month_as_rows_show_it(scored, procurement_api):
    StandingConsequence.objects.create(
        provider=scored.provider, period=OCT, scorecard=scored, kind="probation", standing="watch", score=Decimal("60")
    )
    october = procurement_api.get("/api/v1/standing-consequences/?month=2026-10").json()["results"]
    assert [(c["month"], c["kind"]) for c in october] == [("2026-10", "probation")]
    assert procurement_api.get("/api/v1/standing-consequences/?month=2026-08").json()["count"] == 0
    assert procurement_api.get("/api/v1/standing-consequences/?month=2026-13").status_code == 400


def test_the_pdf_says_the_rank_in_full_and_what_was_left_out_once(scored, procurement_api):
    import io

    from pypdf import PdfReader

    response = procurement_api.get(f"/api/v1/scorecards/{scored.pk}/pdf/")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "1 of 1 in Customer support & call centre" in text
    assert text.count("Left out for lack of data") == 1, text


def test_the_pdf_and_review_routes_refuse_unknown_parameters(scored, procurement_api):
    for route in (f"/api/v1/scorecards/{scored.pk}/pdf/", f"/api/v1/scorecards/{scored.pk}/reviews/"):
        refused = procurement_api.get(f"{route}?month=2026-10")
        assert refused.status_code == 400 and "month" in refused.json()["errors"], route


def test_the_menu_marks_reviews_alone_on_a_review_page_and_the_decision_owner_is_named(client, procurement_user):
    client.force_login(procurement_user)
    page = client.get("/scorecards/reviews/").content.decode()
    assert page.count("nav-link active") == 1 and 'nav-link active" href="/scorecards/reviews/"' in page
    assert 'nav-link active" href="/scorecards/"' in client.get("/scorecards/").content.decode()
    from scorecards.review_forms import DecisionForm

    assert DecisionForm().fields["decision_owner"].label == "Decision owner"  # not a second "Owner" beside the plan's
