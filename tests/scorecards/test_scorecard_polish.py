"""A second new-user walk through the scorecards, each defect pinned down.

- a standing consequence is proposed only from a closed month: the running month's scorecard is
  provisional ("month in progress" on its page and in the list) and proposes nothing;
- the cost criterion's savings are money: decimal strings with their currency beside;
- same-named service levels of different processes say which process and contract they are;
- yes/no filters across the portal refuse what is neither (400 naming the parameter);
- the exports write points with two decimals and the rank as "1 of 3" beside its category.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.months import month_start
from scorecards import review_services
from scorecards.models import Scorecard, StandingConsequence
from scorecards.selectors import open_months
from scorecards.services import default_version, recompute_scorecards
from tests.factories import ContractFactory, ServiceLevelFactory
from tests.scorecards.test_recompute_scorecards import compliance

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def exit_bands():
    """The default template's exit band proposes no new contracts."""
    version = default_version()
    version.bands = [
        {**band, "consequence": "no_new_contracts" if band["standing"] == "exit" else ""} for band in version.bands
    ]
    version.save()
    return version


def _failing(period: dt.date, zone: str = "UTC", name: str = "Manila Care") -> Scorecard:
    level = ServiceLevelFactory(
        contract=ContractFactory(provider__name=name, time_zone=zone),
        expected_level=Decimal("80"),
        minimum_level=Decimal("75"),
    )
    compliance(level, actual=Decimal("40"), status="breached", period=period)
    [card] = recompute_scorecards(provider_ids=[level.contract.provider_id], months=[period])
    return card


def test_the_running_month_proposes_nothing_and_its_end_does(exit_bands):
    card = _failing(OCT)
    assert card.standing == "exit"
    StandingConsequence.objects.all().delete()
    mid_october = dt.datetime(2026, 10, 29, 12, tzinfo=dt.UTC)
    assert review_services.propose_consequences([card], now=mid_october) == []
    assert not StandingConsequence.objects.exists()
    [proposed] = review_services.propose_consequences([card], now=dt.datetime(2026, 11, 1, 0, 1, tzinfo=dt.UTC))
    assert (proposed.kind, proposed.period) == ("no_new_contracts", OCT)
    # recomputed while the month is running again (e.g. a back-dated clock): the pending one is withdrawn
    review_services.propose_consequences([card], now=mid_october)
    assert not StandingConsequence.objects.exists()


def test_a_month_is_closed_only_once_it_has_ended_in_every_contract_zone(exit_bands):
    card = _failing(OCT, zone="America/Los_Angeles")
    ContractFactory(provider=card.provider, time_zone="Asia/Manila")
    # 1 November 03:00 UTC: November in Manila and UTC, still 31 October in Los Angeles
    early = dt.datetime(2026, 11, 1, 3, tzinfo=dt.UTC)
    assert open_months([card.provider_id], early) == {card.provider_id: OCT}
    StandingConsequence.objects.all().delete()
    assert review_services.propose_consequences([card], now=early) == []
    assert len(review_services.propose_consequences([card], now=early + dt.timedelta(hours=8))) == 1


def test_the_running_months_scorecard_says_it_is_provisional(exit_bands, client, procurement_user):
    running = month_start(timezone.localdate())
    card = _failing(running)
    assert not StandingConsequence.objects.exists()  # the recomputation proposes nothing from it
    client.force_login(procurement_user)
    page = client.get(card.get_absolute_url()).content.decode()
    assert "Month in progress" in page and "data-month-in-progress" in page
    listing = client.get("/scorecards/").content.decode()
    assert "exit (month in progress)" in listing
    closed = _failing(OCT, name="Lisbon Desk")
    assert "data-month-in-progress" not in client.get(closed.get_absolute_url()).content.decode()


def test_the_cost_criterions_money_is_strings_with_the_currency(procurement_api, client, procurement_user):
    from tests.scorecards.test_recompute_scorecards import savings

    contract = ContractFactory(provider__name="Lisbon Desk")
    savings(contract, realised="1234.5", projected="2000")
    [card] = recompute_scorecards(provider_ids=[contract.provider_id], months=[OCT])
    cost = next(c for c in card.breakdown["criteria"] if c["code"] == "cost")["inputs"]
    assert (cost["realised_savings"], cost["projected_savings"], cost["currency"]) == ("1234.50", "2000.00", "USD")
    body = procurement_api.get(f"/api/v1/scorecards/{card.pk}/").json()
    api_cost = next(c for c in body["breakdown"]["criteria"] if c["code"] == "cost")["inputs"]
    assert api_cost["realised_savings"] == "1234.50" and api_cost["currency"] == "USD"
    client.force_login(procurement_user)
    page = client.get(card.get_absolute_url()).content.decode()
    assert "Realised savings 1,234.50 USD against projected 2,000.00 USD" in page


def test_same_named_levels_say_their_process_and_contract(procurement_api, client, procurement_user):
    import io

    from pypdf import PdfReader

    first = ServiceLevelFactory(
        name="Accuracy", contract=ContractFactory(provider__name="Lisbon Desk", reference="LIS-001")
    )
    second = ServiceLevelFactory(name="Accuracy", contract=ContractFactory(provider=first.contract.provider))
    for level in (first, second):
        compliance(level, actual=Decimal("97"))
    [card] = recompute_scorecards(provider_ids=[first.contract.provider_id], months=[OCT])
    rows = next(c for c in card.breakdown["criteria"] if c["code"] == "sla")["inputs"]["service_levels"]
    assert sorted((r["process"], r["contract"]) for r in rows) == sorted(
        (level.process.name, level.contract.reference) for level in (first, second)
    )
    client.force_login(procurement_user)
    page = client.get(card.get_absolute_url()).content.decode()
    assert f"Accuracy ({first.process.name}, contract LIS-001)" in page
    response = procurement_api.get(f"/api/v1/scorecards/{card.pk}/pdf/")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "contract LIS-001" in text and first.process.name in text


YES_NO_FILTERS = [
    ("/api/v1/compliance/", "chronic", "/compliance/"),
    ("/api/v1/compliance/", "discrepancy", "/compliance/"),
    ("/api/v1/contracts/", "auto_renew", "/contracts/"),
    ("/api/v1/contacts/", "is_primary", None),
    ("/api/v1/savings/", "invoice_discrepancy", "/savings/"),
    ("/api/v1/report-layouts/", "shared", None),
    ("/api/v1/reminders/", "acknowledged", "/reminders/"),
]


@pytest.mark.parametrize(("route", "parameter", "page"), YES_NO_FILTERS)
def test_a_yes_no_filter_elsewhere_refuses_what_is_neither(ops_api, ops_user, client, route, parameter, page):
    refused = ops_api.get(f"{route}?{parameter}=maybe")
    assert refused.status_code == 400 and parameter in refused.json()["errors"], refused.content
    for word in ("true", "false", "yes", "0", ""):
        assert ops_api.get(f"{route}?{parameter}={word}").status_code == 200, word
    if page is not None:
        client.force_login(ops_user)
        content = client.get(page).content.decode()
        assert f'name="{parameter}"' in content
        assert '<option value="" selected>Any</option>' in content and '<option value="true">Yes</option>' in content


def test_the_exports_write_points_with_two_decimals_and_the_rank_in_its_category(client, viewer_user, viewer_api):
    import csv
    import io

    import openpyxl

    for name, actual in (("Lisbon Desk", "100"), ("Manila Care", "77.5")):
        level = ServiceLevelFactory(contract=ContractFactory(provider__name=name))
        compliance(level, actual=Decimal(actual))
    recompute_scorecards(months=[OCT])
    client.force_login(viewer_user)
    response = client.get("/scorecards/export/?format=csv&month=2026-10&ordering=provider")
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header[4:8] == ["Score", "Standing", "Category", "Rank"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    lisbon = by_name["Lisbon Desk"]
    assert (lisbon["Score"], lisbon["Rank"], lisbon["SLA performance (points)"]) == ("100.00", "1 of 2", "100.00")
    assert lisbon["Category"] == Scorecard.objects.get(provider__name="Lisbon Desk").category.name
    assert by_name["Manila Care"]["Rank"] == "2 of 2"
    sheet = openpyxl.load_workbook(io.BytesIO(viewer_api.get("/api/v1/scorecards/xlsx/?month=2026-10").content)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["Lisbon Desk"][4].value == 100 and cells["Lisbon Desk"][4].number_format == "0.00"
    assert cells["Lisbon Desk"][7].value == "1 of 2"
