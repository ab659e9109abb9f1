"""The polled lists' cold path (``core.api.coldpath``): a plain page rendered before DRF.

DRF's view stays the reference: for every page of both lists, as users of every role, the
cold path must give the very bytes the view gives, with the same headers; and everything
it does not take (other parameters, a page past the end, a cursor, a user it cannot vouch
for, a throttled user) must reach the view unchanged.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from core.api import coldpath
from slas.models import ComplianceResult, ComplianceStatus
from tests.compliance.test_conditional_requests import add_service_levels
from tests.factories import ContractFactory, ServiceLevelFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = ("/api/v1/sla-status/", "/api/v1/compliance/")


@pytest.fixture
def lane_calls(monkeypatch):
    """How many pages the cold path rendered (a counting wrapper around the real ``paged``)."""
    calls = []
    real = coldpath.paged

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(coldpath, "paged", counted)
    return calls


def _client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _portfolio() -> None:
    """Contracts whose default windows differ: one that ended in 1999, one running, one without data, one not begun."""
    add_service_levels(5)
    past = ContractFactory(start_date=dt.date(1998, 7, 1), end_date=dt.date(1999, 6, 30), time_zone="America/New_York")
    for n in range(3):
        sla = ServiceLevelFactory(contract=past, name=f"1999 {n}")
        for month in range(1, 7):
            ComplianceResult.objects.create(
                service_level=sla,
                period=dt.date(1999, month, 1),
                period_closed=True,
                actual=80.0 + month + n / 3,
                sample_size=1000,
                expected_level=sla.expected_level,
                minimum_level=sla.minimum_level,
                parameters=sla.parameters,
                status=ComplianceStatus.NO_DATA if month == 6 else ComplianceStatus.MET,
                credit_amount=Decimal("10.005") if month == 5 else Decimal("0"),
                credit_breakdown={},
                earned_back=False if month == 5 else None,
                computed_at=timezone.now(),
            )
    ServiceLevelFactory(contract=ContractFactory(), name="No data yet")
    ServiceLevelFactory(contract=ContractFactory(start_date=dt.date(2031, 1, 1), end_date=dt.date(2033, 12, 31)))


def _by_view(user, url: str):
    """The view's own answer (the cold path switched off)."""
    with override_settings(API_COLD_PATH=False):
        return _client(user).get(url)


@pytest.mark.parametrize(
    ("role", "persistent"),
    [(roles.VIEWER, False), (roles.OPERATIONS, False), (roles.PROCUREMENT, True), ("superuser", True)],
)
def test_every_page_of_both_lists_is_the_views_own_bytes(role, persistent, lane_calls, monkeypatch):
    """With a connection per request and with persistent connections (prepared statements)."""
    if persistent:
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
        monkeypatch.setattr(settings, "DB_PREPARED_STATEMENTS", True, raising=False)
    _portfolio()
    superuser = role == "superuser"
    user = UserFactory(username=f"cold-{role}", is_superuser=superuser, role=None if superuser else role)
    client = _client(user)
    for base in LISTS:
        client.get(base)  # the view answers first: the token and the permission set are known after it
        count = client.get(base).json()["count"]
        assert count > 7
        for size in (1, 7, 50, 500):
            for number in range(1, -(-count // size) + 1):
                # Page 1 both ways: without ``page`` and (at size 7) with ``page=1``, as DRF's links give it.
                url = (
                    f"{base}?page={number}&page_size={size}" if number > 1 or size == 7 else f"{base}?page_size={size}"
                )
                expected = _by_view(user, url)
                calls = len(lane_calls)
                with override_settings(API_CACHE_PAGES=False):  # rendered afresh every time
                    answered = client.get(url)
                assert len(lane_calls) == calls + 1, url  # the cold path rendered it
                assert answered.status_code == expected.status_code == 200
                assert answered.content == expected.content, url
                for header in ("ETag", "Cache-Control", "Vary", "Content-Type", "Allow"):
                    assert answered.get(header) == expected.get(header), (url, header)
    if persistent:  # the statements were prepared on this connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] > 0


def test_the_1999_contract_shows_its_own_months(viewer_user, lane_calls):
    """The default window of a contract that ended in 1999 is its last months with data, not today's."""
    _portfolio()
    client = _client(viewer_user)
    client.get(LISTS[0])
    with override_settings(API_CACHE_PAGES=False):
        body = client.get(f"{LISTS[0]}?page_size=500").json()
    assert lane_calls
    rows = {row["name"]: row for row in body["results"]}
    # The window ends at the last month with data (June 1999 is no_data) and starts at the term's first.
    assert rows["1999 0"]["period"] == "1999-05-01"
    assert rows["1999 0"]["status"] == "met"
    assert [point["period"] for point in rows["1999 0"]["trend"]] == [f"1999-0{m}-01" for m in range(1, 6)]
    assert rows["No data yet"]["trend"] == []


@override_settings(DATA_VERSION_CACHE_SECONDS=60)  # query counts must not depend on the machine's speed
def test_a_cold_page_costs_a_constant_number_of_queries(viewer_user):
    client = _client(viewer_user)
    counts = {}
    for extra in (2, 6):
        add_service_levels(extra)
        for url in LISTS:
            client.get(url)  # after the change: the view reads the token, the version and the permissions
            with override_settings(API_CACHE_PAGES=False):
                client.get(url)  # the cold path reads the user once per version
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
            counts[(url, extra)] = len(queries)
    assert counts[(LISTS[0], 2)] == counts[(LISTS[0], 6)] == 3  # the page and its count, the windows, the results
    assert counts[(LISTS[1], 2)] == counts[(LISTS[1], 6)] == 1  # the page and its count


@pytest.mark.parametrize(
    "query",
    [
        "?status=met",  # a filter
        "?page_size=50&ordering=-metric",  # an order
        "?pagination=cursor",  # a cursor
        "?page=99",  # past the last page: the view's 400
        "?page=0",
        "?page=1.0",
        "?page_size=501",
        "?page_size=50&page_size=10",
        "?bogus=1",  # the view's 400 naming it
        "?page=2&format=json",
    ],
)
def test_anything_but_a_plain_page_is_the_views(query, viewer_user, lane_calls):
    add_service_levels(3)
    client = _client(viewer_user)
    for base in LISTS:
        client.get(base)  # the token and the permission set known: the cold path could answer
        expected = _by_view(viewer_user, base + query)
        calls = len(lane_calls)
        answered = client.get(base + query)
        assert answered.status_code == expected.status_code
        assert json.loads(answered.content) == json.loads(expected.content)
        if query != "?page=99":  # a plain page the cold path reads and finds past the end
            assert len(lane_calls) == calls


def test_a_user_without_the_view_permission_is_refused(viewer_user, lane_calls):
    add_service_levels(1)
    client = _client(viewer_user)
    for url in LISTS:
        assert client.get(url).status_code == 200
    calls = len(lane_calls)
    viewer_user.groups.remove(Group.objects.get(name=roles.VIEWER))
    with override_settings(API_CACHE_PAGES=False):
        for url in LISTS:
            assert client.get(url).status_code == 403
    nobody = UserFactory(username="cold-nobody")
    stranger = _client(nobody)
    with override_settings(API_CACHE_PAGES=False):
        for url in LISTS:
            assert stranger.get(url).status_code == 403
            assert stranger.get(url).status_code == 403  # the token is known now; still refused
    assert len(lane_calls) == calls


def test_a_throttled_user_is_throttled_on_the_cold_path_too(viewer_user, lane_calls, monkeypatch):
    from core.api.throttling import UserRateThrottle

    add_service_levels(1)
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"})
    client = _client(viewer_user)
    with override_settings(API_CACHE_PAGES=False):
        codes = [client.get(LISTS[1]).status_code for _ in range(4)]
    cache.clear()
    assert codes == [200, 200, 200, 429]
    assert len(lane_calls) == 3  # the fourth was refused before rendering, and answered by the view


def test_a_throttled_user_gets_no_page_rendered_or_cached_for_it(viewer_user, lane_calls, monkeypatch):
    """With the page cache on: a refused request renders nothing, so nothing is cached for the
    next one to be served from; a second change's first page is refused too."""
    from core.api.throttling import UserRateThrottle

    (sla, *_) = add_service_levels(1)
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "2/minute"})
    client = _client(viewer_user)
    codes = [client.get(f"{LISTS[1]}?page_size={size}").status_code for size in (5, 6, 7, 7)]
    sla.name = "Changed"
    sla.save()  # a new version: no page of it is cached
    codes.append(client.get(f"{LISTS[1]}?page_size=5").status_code)
    cache.clear()
    assert codes == [200, 200, 429, 429, 429]
    assert len(lane_calls) == 2


def test_a_page_the_cold_path_hands_to_the_view_is_counted_by_the_throttle_once(viewer_user, monkeypatch):
    from core.api.throttling import UserRateThrottle

    add_service_levels(1)
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"})
    client = _client(viewer_user)
    with override_settings(API_CACHE_PAGES=False):
        # A page past the end: the cold path renders nothing, the view answers 400 (one request).
        codes = [client.get(f"{LISTS[1]}?page=99").status_code]
        codes += [client.get(LISTS[1]).status_code for _ in range(3)]
    cache.clear()
    assert codes == [400, 200, 200, 429]


def test_a_change_shows_in_the_next_cold_page(viewer_user):
    (sla, *_) = add_service_levels(2)
    client = _client(viewer_user)
    client.get(LISTS[0])
    before = client.get(LISTS[0]).json()
    sla.name = "Renamed"
    sla.save()
    after = client.get(LISTS[0]).json()
    assert "Renamed" not in {row["name"] for row in before["results"]}
    assert "Renamed" in {row["name"] for row in after["results"]}


@override_settings(DATA_VERSION_CACHE_SECONDS=60)
def test_the_first_poll_after_a_change_is_rendered_with_one_query_for_the_token(viewer_user, lane_calls):
    """After a change no token is known at the new version: it is checked here (one query), not by DRF."""
    (sla, *_) = add_service_levels(2)
    client = _client(viewer_user)
    assert client.get(LISTS[1]).status_code == 200
    sla.name = "Changed"
    sla.save()  # bumps the version
    calls = len(lane_calls)
    with CaptureQueriesContext(connection) as queries:
        answered = client.get(LISTS[1])
    assert answered.status_code == 200 and len(lane_calls) == calls + 1
    # The version (the change deleted its cached copy), the token (with its user and the
    # version), the permission set (the user's and its groups', then cached for the version),
    # the page with its count (through DRF: six).
    assert len(queries) == 5, [query["sql"][:80] for query in queries]
    assert "Changed" in answered.content.decode()


def test_the_cold_path_is_postgresql_only(monkeypatch):
    """The embedded SQLite mode answers every page from the view."""
    from slas.api.views import ComplianceResultViewSet, SlaStatusViewSet

    assert coldpath.imitates(SlaStatusViewSet) and coldpath.imitates(ComplianceResultViewSet)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert not coldpath.imitates(SlaStatusViewSet)


def test_the_cold_path_needs_no_setting_in_production():
    """It is on by default (``API_COLD_PATH``), and the benchmark's header is not honoured outside its settings."""
    assert getattr(settings, "API_COLD_PATH", True) is True
    assert getattr(settings, "API_CACHE_BYPASS_HEADER", None) is None


def test_the_collector_is_paused_only_while_a_cold_page_is_rendered(viewer_user, monkeypatch):
    """``fastpath.collector_paused``: off while rendering, on again after, and left off if it was off."""
    import gc

    add_service_levels(2)
    client = _client(viewer_user)
    client.get(LISTS[0])
    seen = []
    real = coldpath.paged

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(coldpath, "paged", watched)
    assert gc.isenabled()
    with override_settings(API_CACHE_PAGES=False):
        assert client.get(LISTS[0]).status_code == 200
        assert seen == [False] and gc.isenabled()
        gc.disable()
        try:
            assert client.get(LISTS[0]).status_code == 200
            assert seen == [False, False] and not gc.isenabled()
        finally:
            gc.enable()
