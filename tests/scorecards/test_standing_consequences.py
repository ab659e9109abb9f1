"""A standing band's consequence: proposed by the recomputation, confirmed (or dismissed) by a
procurement reviewer, then in effect on the provider: a new contract is refused, in the form and
the API, naming the provider and why; lifting it lets contracts be made again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from scorecards import review_services
from scorecards.models import Scorecard, ScorecardTemplate, StandingConsequence
from scorecards.services import default_version, recompute_scorecards
from tests.factories import ContractFactory, ProcessFactory, ServiceLevelFactory, UserFactory
from tests.scorecards.test_recompute_scorecards import compliance

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def consequences_on_bands():
    """The default template's bands with consequences: watch → probation, exit → no new contracts."""
    version = default_version()
    bands = [dict(b) for b in version.bands]
    for band in bands:
        band["consequence"] = {"watch": "probation", "exit": "no_new_contracts"}.get(band["standing"], "")
    version.bands = bands
    version.save()
    return version


@pytest.fixture
def failing_provider():
    """A provider whose October service level missed its minimum: the exit band."""
    level = ServiceLevelFactory(
        contract=ContractFactory(provider__name="Manila Care"),
        expected_level=Decimal("80"),
        minimum_level=Decimal("75"),
    )
    compliance(level, actual=Decimal("40"), status="breached")
    return level.contract.provider


def test_the_recomputation_proposes_the_band_consequence_once(consequences_on_bands, failing_provider):
    [card] = recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    assert card.standing == "exit"
    proposed = StandingConsequence.objects.get()
    assert (proposed.kind, proposed.status, proposed.standing, proposed.scorecard) == (
        "no_new_contracts",
        "pending",
        "exit",
        card,
    )
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    assert StandingConsequence.objects.count() == 1  # idempotent
    failing_provider.refresh_from_db()
    assert not failing_provider.new_contracts_blocked  # nothing happens until a reviewer confirms


def test_a_band_without_the_key_proposes_nothing(failing_provider):
    version = default_version()
    version.bands = [{"standing": b["standing"], "lower": b["lower"]} for b in version.bands]
    version.save()
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    assert not StandingConsequence.objects.exists()


def test_a_pending_consequence_is_withdrawn_when_the_standing_no_longer_carries_it(
    consequences_on_bands, failing_provider
):
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    bands = [{**b, "consequence": ""} for b in consequences_on_bands.bands]
    consequences_on_bands.bands = bands
    consequences_on_bands.save()
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    assert not StandingConsequence.objects.exists()


def test_confirmed_it_blocks_new_contracts_in_the_form_and_the_api_until_lifted(
    client, consequences_on_bands, failing_provider, ops_user, ops_api
):
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    proposed = StandingConsequence.objects.get()
    buyer = UserFactory(username="buyer", role=roles.PROCUREMENT)
    procurement_api = _client(buyer)

    assert ops_api.post(f"/api/v1/standing-consequences/{proposed.pk}/confirm/", {"reason": "x"}).status_code == 403
    no_reason = procurement_api.post(f"/api/v1/standing-consequences/{proposed.pk}/confirm/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    confirmed = procurement_api.post(
        f"/api/v1/standing-consequences/{proposed.pk}/confirm/",
        {"reason": "Exit standing two months running"},
        format="json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decided_by"] == "buyer"
    again = procurement_api.post(f"/api/v1/standing-consequences/{proposed.pk}/dismiss/", {"reason": "x"})
    assert again.status_code == 409 and "confirmed" in again.json()["detail"]

    failing_provider.refresh_from_db()
    assert failing_provider.new_contracts_blocked and failing_provider.new_contracts_blocked_since
    assert "Exit standing two months running" in failing_provider.new_contracts_blocked_reason
    assert failing_provider.history.first().history_user == buyer  # audited, with who
    provider_json = ops_api.get(f"/api/v1/providers/{failing_provider.pk}/").json()
    assert provider_json["new_contracts_blocked"] is True

    # the provider page and list show the flag
    client.force_login(ops_user)
    page = client.get(failing_provider.get_absolute_url()).content.decode()
    assert "No new contracts" in page and "Exit standing two months running" in page
    assert "no new contracts" in client.get("/providers/").content.decode()

    # a new contract is refused: the API …
    process = ProcessFactory()
    payload = {
        "provider": "Manila Care",
        "reference": "MSA-NEW",
        "title": "More care",
        "processes": [process.pk],
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "pricing_model": "per_unit",
        "unit_price": "3.00",
    }
    refused = ops_api.post("/api/v1/contracts/", payload, format="json")
    assert refused.status_code == 400
    message = refused.json()["errors"]["provider"][0]
    assert message.startswith("New contracts with Manila Care are blocked since ")
    assert "Exit standing two months running" in message
    # … and the form
    form = {
        "provider": failing_provider.pk,
        "reference": "MSA-NEW",
        "title": "More care",
        "processes": [process.pk],
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "time_zone": "UTC",
        "notice_period_days": 60,
        "currency": "USD",
        "pricing_model": "per_unit",
        "unit_price": "3.00",
        "at_risk_percent": "10",
        "rejected_row_tolerance_percent": "1",
        "credit_pool_limit_percent": "250",
        "consecutive_miss_periods": "3",
        "earn_back_periods": "3",
        "chronic_breach_count": "3",
    }
    response = client.post("/contracts/add/", form)
    assert response.status_code == 200 and "New contracts with Manila Care are blocked" in response.content.decode()
    # the contract it already has can still be edited
    existing = failing_provider.contracts.get()
    edited = ops_api.patch(f"/api/v1/contracts/{existing.reference}/", {"title": "Care, renamed"}, format="json")
    assert edited.status_code == 200, edited.json()

    # lifting it is a reviewer's action too
    lifted = procurement_api.post(
        f"/api/v1/standing-consequences/{proposed.pk}/lift/", {"reason": "Recovered"}, format="json"
    )
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    failing_provider.refresh_from_db()
    assert not failing_provider.new_contracts_blocked
    assert ops_api.post("/api/v1/contracts/", payload, format="json").status_code == 201


def test_dismissing_in_the_browser_keeps_the_provider_free(client, consequences_on_bands, failing_provider):
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    proposed = StandingConsequence.objects.get()
    client.force_login(UserFactory(username="buyer", role=roles.PROCUREMENT))
    page = client.get(failing_provider.get_absolute_url()).content.decode()
    assert "waiting for a reviewer to confirm or dismiss it" in page
    client.post(f"/scorecards/consequences/{proposed.pk}/dismiss/", {"reason": ""})
    proposed.refresh_from_db()
    assert proposed.status == "pending"  # a reason is required
    client.post(f"/scorecards/consequences/{proposed.pk}/dismiss/", {"reason": "One-off outage, agreed credit"})
    proposed.refresh_from_db()
    assert proposed.status == "dismissed" and proposed.reason == "One-off outage, agreed credit"
    failing_provider.refresh_from_db()
    assert not failing_provider.new_contracts_blocked
    assert client.get("/scorecards/consequences/?status=dismissed").status_code == 200


def test_operations_cannot_confirm_in_the_browser(client, consequences_on_bands, failing_provider, ops_user):
    recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT])
    proposed = StandingConsequence.objects.get()
    client.force_login(ops_user)
    assert client.post(f"/scorecards/consequences/{proposed.pk}/confirm/", {"reason": "x"}).status_code == 403
    assert client.get("/scorecards/consequences/").status_code == 200


def test_probation_confirmed_and_lifted_on_the_provider(failing_provider):
    buyer = UserFactory(username="buyer", role=roles.PROCUREMENT)
    consequence = StandingConsequence.objects.create(
        provider=failing_provider, period=OCT, kind="probation", standing="watch", score=Decimal("60")
    )
    review_services.consequence_confirm(consequence, user=buyer, reason="Watch band")
    failing_provider.refresh_from_db()
    assert failing_provider.on_probation and "Watch band" in failing_provider.probation_reason
    assert not failing_provider.new_contracts_blocked
    review_services.consequence_lift(consequence, user=buyer, reason="Better")
    failing_provider.refresh_from_db()
    assert not failing_provider.on_probation and failing_provider.probation_reason == ""


def _failing(name: str, actual: str = "40"):
    level = ServiceLevelFactory(
        contract=ContractFactory(provider__name=name), expected_level=Decimal("80"), minimum_level=Decimal("75")
    )
    compliance(level, actual=Decimal(actual), status="breached")
    return level


def _propose_from_scratch(provider_ids) -> int:
    """Queries that proposing costs for the stored cards of ``provider_ids`` (none proposed yet)."""
    StandingConsequence.objects.all().delete()
    StandingConsequence.history.all().delete()
    cards = list(Scorecard.objects.filter(provider_id__in=provider_ids))  # no template read ahead
    with CaptureQueriesContext(connection) as queries:
        proposed = review_services.propose_consequences(cards)
    assert len(proposed) == len(cards)
    return len(queries.captured_queries)


def test_proposing_costs_the_same_queries_for_two_cards_as_for_six(consequences_on_bands):
    """Set-based: the bands are read once per version, the existing consequences once, the
    new ones (and their history) inserted in bulk — not a template read and two inserts per card."""
    providers = [_failing(f"Provider {n}").contract.provider_id for n in range(6)]
    recompute_scorecards(provider_ids=providers, months=[OCT])
    assert _propose_from_scratch(providers[:2]) == _propose_from_scratch(providers)
    assert StandingConsequence.objects.count() == 6
    history = StandingConsequence.history.all()
    assert history.count() == 6 and {h.history_type for h in history} == {"+"}  # every proposal audited


def test_a_pending_consequence_follows_the_rescored_month_and_its_withdrawal_is_audited(consequences_on_bands):
    level = _failing("Manila Care")
    [card] = recompute_scorecards(provider_ids=[level.contract.provider_id], months=[OCT])
    StandingConsequence.objects.update(score=Decimal("1.00"), standing="watch")  # as an older scoring left it
    recompute_scorecards(provider_ids=[level.contract.provider_id], months=[OCT])
    proposed = StandingConsequence.objects.get()
    assert (proposed.score, proposed.standing, proposed.scorecard_id) == (card.score, "exit", card.pk)
    assert proposed.history.first().history_type == "~"

    consequences_on_bands.bands = [{**b, "consequence": ""} for b in consequences_on_bands.bands]
    consequences_on_bands.save()
    recompute_scorecards(provider_ids=[level.contract.provider_id], months=[OCT])
    assert not StandingConsequence.objects.exists()
    assert list(StandingConsequence.history.values_list("history_type", flat=True).order_by("history_id"))[-1] == "-"


def test_cards_of_another_template_propose_nothing(consequences_on_bands, failing_provider):
    other = ScorecardTemplate.objects.create(name="Pilot")
    version = other.versions.create(number=1, bands=consequences_on_bands.bands)
    for criterion in consequences_on_bands.criteria.all():
        criterion.pk = None
        criterion.version = version
        criterion.save()
    [card] = recompute_scorecards(provider_ids=[failing_provider.pk], months=[OCT], version=version)
    assert card.standing == "exit"
    assert not StandingConsequence.objects.exists()
