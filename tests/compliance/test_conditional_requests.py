"""Polled lists: ETag and 304, the page cache keyed by the data version, constant query counts.

``/api/v1/sla-status/`` and ``/api/v1/compliance/`` answer ``If-None-Match`` with 304 while
nothing they show has changed, keep their rendered pages per data version (``core.versions``)
and user, and never answer from the cache after a change, nor from another user's page, nor
with a 500 when the cache is down. The browser lists with filters cost the same number of
queries whatever the number of service levels.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, reset_queries
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core import roles, versions
from slas.api.serializers import ComplianceResultSerializer, SlaStatusSerializer
from slas.models import ComplianceResult, ComplianceStatus, ServiceLevel, service_level_display_name
from slas.selectors import compliance_list, service_level_list, with_period_results
from tests.factories import ContractFactory, ProviderFactory, ServiceLevelFactory, UserFactory
from vendors.models import Provider

pytestmark = pytest.mark.django_db

SLA_STATUS = "/api/v1/sla-status/?page_size=50"
COMPLIANCE = "/api/v1/compliance/?page_size=50"
MONTHS = [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
# A cache nobody listens on: every read and write fails at once.
CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _captured() -> CaptureQueriesContext:
    """Queries of the next block; the log is emptied first (it holds at most 9,000, then counts go wrong)."""
    reset_queries()
    return CaptureQueriesContext(connection)


def add_service_levels(count: int, *, provider=None) -> list[ServiceLevel]:
    """``count`` service levels on one contract, each with three months of results of every kind."""
    contract = ContractFactory(**({"provider": provider} if provider else {}))
    created = []
    for n in range(count):
        sla = ServiceLevelFactory(contract=contract, name=f"SLA {n}" if n % 2 else "")
        for i, month in enumerate(MONTHS):
            ComplianceResult.objects.create(
                service_level=sla,
                period=month,
                period_closed=i < 2,
                actual=52.08333 + n,
                sample_size=120,
                numerator=62.5,
                denominator=120.0,
                expected_level=sla.expected_level,
                minimum_level=sla.minimum_level,
                parameters=sla.parameters,
                status=[ComplianceStatus.MET, ComplianceStatus.BREACHED, ComplianceStatus.AT_RISK][(n + i) % 3],
                claimed_value=61.0 if n % 3 == 0 else None,
                discrepancy=n % 3 == 0,
                credit_amount=Decimal("1234.5") if i == 1 else Decimal("0"),
                credit_trigger="breach" if i == 1 else "",
                credit_breakdown={"at_risk_amount": "1000.00", "share": 0.2, "none": None} if i == 1 else {},
                earned_back=(n % 2 == 0) if i == 1 else None,
                chronic=n % 4 == 0,
                computed_at=timezone.now(),
            )
        created.append(sla)
    return created


def test_fast_representation_equals_the_declared_fields(viewer_user):
    """The hand-written ``to_representation`` gives exactly what the declared fields give."""
    add_service_levels(4)
    request = Request(APIRequestFactory().get("/api/v1/compliance/"))
    results = list(compliance_list(user=viewer_user))
    assert results
    for result in results:
        serializer = ComplianceResultSerializer(result, context={"request": request})
        generic = drf_serializers.ModelSerializer.to_representation(serializer, result)
        assert json.dumps(serializer.to_representation(result)) == json.dumps(generic)
    for sla in with_period_results(service_level_list(user=viewer_user)):
        serializer = SlaStatusSerializer(sla)
        generic = drf_serializers.ModelSerializer.to_representation(serializer, sla)
        assert json.dumps(serializer.to_representation(sla)) == json.dumps(generic)


@pytest.mark.parametrize("url", [SLA_STATUS, COMPLIANCE])
def test_etag_and_304_until_a_change(url, viewer_api):
    (sla,) = add_service_levels(1)
    first = viewer_api.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert first["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first["Vary"]
    again = viewer_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag.removeprefix("W/")}').status_code == 304
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200

    sla.contract.provider.name = "Renamed Provider"
    sla.contract.provider.save()  # an edit of what the list shows bumps the version
    changed = viewer_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["results"][0]["provider"] == "Renamed Provider"


def test_a_recomputation_changes_the_etag_and_the_answer(viewer_api):
    from slas import services

    (sla,) = add_service_levels(1)
    before = viewer_api.get(SLA_STATUS)
    services.recompute_compliance(contract=sla.contract, month=MONTHS[-1], now=dt.datetime(2026, 11, 15, tzinfo=dt.UTC))
    after = viewer_api.get(SLA_STATUS, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert ComplianceResult.objects.get(service_level=sla, period=MONTHS[-1]).status == "no_data"
    assert before.json()["results"][0]["period"] == "2026-10-01"
    # October has no data now: the default window ends in September, the latest month shown.
    assert after.json()["results"][0]["period"] == "2026-09-01"


@override_settings(DATA_VERSION_CACHE_SECONDS=60)  # query counts must not depend on the machine's speed
def test_a_cached_page_costs_no_query_and_the_cold_page_a_constant_number(viewer_api, django_assert_num_queries):
    """Cached: no query (core.api.fastpath). Cold: the same count for 2 or 6 service levels."""
    add_service_levels(2)
    for url in (SLA_STATUS, COMPLIANCE):
        viewer_api.get(url)  # renders the page; the token is remembered
        viewer_api.get(url)  # the version read once since the last change, its copy kept a second
        with django_assert_num_queries(0):
            assert viewer_api.get(url).status_code == 200
        etag = viewer_api.get(url)["ETag"]
        with django_assert_num_queries(0):
            assert viewer_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with override_settings(API_CACHE_PAGES=False):
        counts = {}
        for extra in (0, 4):
            add_service_levels(extra)
            for url in (SLA_STATUS, COMPLIANCE):
                viewer_api.get(url)  # the token, the user and the permission set checked after the change
                with _captured() as queries:
                    body = viewer_api.get(url).json()
                counts[(url, extra)] = len(queries)
                assert body["count"] == (2 + extra) * (1 if url == SLA_STATUS else 3)
        # The cold path (core.api.coldpath; tests/compliance/test_cold_path.py): sla-status the
        # page with its count, the windows, the results; compliance the page with its count.
        assert counts[(SLA_STATUS, 0)] == 3 and counts[(COMPLIANCE, 0)] == 1
        assert counts[(SLA_STATUS, 0)] == counts[(SLA_STATUS, 4)]
        assert counts[(COMPLIANCE, 0)] == counts[(COMPLIANCE, 4)]


def test_one_users_cached_page_never_answers_another(viewer_api, ops_api):
    add_service_levels(1)
    viewer_page = viewer_api.get(COMPLIANCE)
    ops_page = ops_api.get(COMPLIANCE)
    assert ops_page.status_code == 200
    assert ops_page["ETag"] != viewer_page["ETag"]  # the key holds the user
    assert ops_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=viewer_page["ETag"]).status_code == 200
    # A user without a role is refused before any cache is looked at.
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    nobody = UserFactory(username="no-role")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=nobody).key}")
    assert client.get(COMPLIANCE, HTTP_IF_NONE_MATCH=viewer_page["ETag"]).status_code == 403
    assert client.get(COMPLIANCE).status_code == 403


def test_losing_a_role_is_refused_on_the_next_request(viewer_user, viewer_api):
    """Permissions are cached per data version: a role removed bumps it."""
    assert viewer_api.get(COMPLIANCE).status_code == 200
    viewer_user.groups.remove(Group.objects.get(name=roles.VIEWER))
    assert viewer_api.get(COMPLIANCE).status_code == 403


def test_a_cache_outage_gives_uncached_answers_never_errors_nor_stale(viewer_api):
    (sla,) = add_service_levels(1)
    with override_settings(CACHES=CACHE_DOWN):
        first = viewer_api.get(SLA_STATUS)
        assert first.status_code == 200 and first.json()["count"] == 1
        assert viewer_api.get(SLA_STATUS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        sla.name = "Renamed while the cache is down"
        sla.save()
        changed = viewer_api.get(SLA_STATUS, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200 and changed.json()["results"][0]["name"] == sla.name
        assert viewer_api.get("/").status_code in (200, 302, 403)  # no 500 anywhere
    # Back up: the change is there, not the page cached before it.
    assert viewer_api.get(SLA_STATUS).json()["results"][0]["name"] == "Renamed while the cache is down"


def test_a_rolled_back_change_leaves_the_version():
    before = versions.current()
    with pytest.raises(RuntimeError), connection.cursor():
        from django.db import transaction

        with transaction.atomic():
            ProviderFactory()
            assert versions.current() > before
            raise RuntimeError
    assert versions.current() == before


@pytest.mark.parametrize(
    "path",
    ["/compliance/", "/service-levels/", "/contracts/"],
)
def test_list_pages_with_filters_cost_the_same_queries_for_n_and_3n_service_levels(path, client, viewer_user):
    client.force_login(viewer_user)
    add_service_levels(3)
    client.get(path)
    with _captured() as few:
        assert client.get(path).status_code == 200
    add_service_levels(6, provider=Provider.objects.first())
    client.get(path)
    with _captured() as many:
        assert client.get(path).status_code == 200
    assert len(few) > 3  # the page's own queries, not only the session's
    assert len(few) == len(many), [q["sql"][:120] for q in many.captured_queries]


def test_the_dashboard_shows_a_change_at_once(client, viewer_user, django_assert_max_num_queries):
    """Its body is cached per data version: a new provider bumps it and the count follows."""
    client.force_login(viewer_user)
    ProviderFactory()
    client.get("/")
    client.get("/")  # the first request set the CSRF cookie, which the cached body's forms depend on
    with django_assert_max_num_queries(2):  # the session and its user (with the version): the body is cached
        client.get("/")
    count = Provider.objects.count()
    ProviderFactory()
    page = client.get("/").content.decode()
    assert f'<div class="display-6">{count + 1}</div><div class="text-body-secondary">providers' in page


@override_settings(DATA_VERSION_CACHE_SECONDS=60)
def test_the_benchmark_hooks_exist_only_in_its_own_settings(viewer_api, django_assert_num_queries):
    """``/bench/trivial/`` and the cache-bypass header belong to ``bpo_portal.settings_bench`` alone."""
    assert viewer_api.get("/bench/trivial/").status_code == 404
    add_service_levels(1)
    viewer_api.get(SLA_STATUS)
    viewer_api.get(SLA_STATUS)
    with django_assert_num_queries(0):  # still the cached page: the header means nothing here
        assert viewer_api.get(SLA_STATUS, HTTP_X_BENCH_COLD="1").status_code == 200


def test_the_benchmark_fills_a_page_of_fifty():
    from overview.management.commands.bench_api import top_up_portfolio

    add_service_levels(3)
    before = versions.current()
    assert top_up_portfolio(minimum=60) > 0
    assert ServiceLevel.objects.count() >= 60
    assert ComplianceResult.objects.filter(service_level__contract__reference__startswith="BENCH-API-").exists()
    assert versions.current() > before


@pytest.mark.parametrize("url", [SLA_STATUS, COMPLIANCE])
@override_settings(DATA_VERSION_CACHE_SECONDS=60)
def test_the_fast_path_answers_as_the_view(url, viewer_api):
    """A repeated poll answered by core.api.fastpath has the view's status, body and headers."""
    from rest_framework.test import APIClient

    add_service_levels(2)
    by_view_client = APIClient()  # a client loads the middleware once: this one without the fast path
    by_view_client.credentials(HTTP_AUTHORIZATION=viewer_api._credentials["HTTP_AUTHORIZATION"])
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("PolledListMiddleware")]):
        by_view_client.get(url)
        by_view = by_view_client.get(url)
        by_view_304 = by_view_client.get(url, HTTP_IF_NONE_MATCH=by_view["ETag"])
    viewer_api.get(url)  # reads the version once after the last bump, and keeps its copy
    with _captured() as queries:
        fast = viewer_api.get(url)
        fast_304 = viewer_api.get(url, HTTP_IF_NONE_MATCH=by_view["ETag"])
    assert len(queries) == 0  # answered before DRF: no token lookup, no version query
    assert fast.content == by_view.content and fast_304.status_code == by_view_304.status_code == 304
    for header in ("ETag", "Cache-Control", "Vary", "Content-Type", "Allow", "X-Frame-Options"):
        assert fast.get(header) == by_view.get(header), header
        assert fast_304.get(header) == by_view_304.get(header), header


def test_a_revoked_token_is_refused_on_the_next_request(viewer_user, viewer_api):
    """The fast path remembers tokens per data version; deleting one bumps it."""
    from rest_framework.authtoken.models import Token

    add_service_levels(1)
    etag = viewer_api.get(COMPLIANCE)["ETag"]
    assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Token.objects.filter(user=viewer_user).delete()
    assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 401
    assert viewer_api.get(COMPLIANCE).status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request(viewer_user, viewer_api):
    add_service_levels(1)
    etag = viewer_api.get(COMPLIANCE)["ETag"]
    assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    viewer_user.is_active = False
    viewer_user.save()
    assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_an_expired_token_is_refused_by_the_fast_path_too(viewer_api):
    add_service_levels(1)
    etag = viewer_api.get(COMPLIANCE)["ETag"]
    assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with override_settings(API_TOKEN_TTL_DAYS=1e-9):  # a token older than a tenth of a millisecond
        assert viewer_api.get(COMPLIANCE, HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_the_cached_version_follows_every_bump_and_expires_within_its_bound():
    """versions.current_cached: a bump deletes the copy; a copy left stale (a missed delete) lives VERSION_SECONDS."""
    from django.core.cache import cache

    versions._forget_cached_version()  # a copy another test's database state left (rolled back since)
    first = versions.current_cached()
    assert first == versions.current()
    ProviderFactory()  # bumps, and deletes the cached copy
    assert versions.current_cached() == versions.current() > first
    # A delete that never reached the cache: the stale copy is used at most VERSION_SECONDS.
    cache.set(versions._version_cache_key(), first, versions.VERSION_SECONDS)
    versions._process_copy = None  # and this process's own copy has expired (PROCESS_SECONDS)
    assert versions.current_cached() == first
    key = cache.make_and_validate_key(versions._version_cache_key())
    assert 0 < cache._cache.get_client(key).pttl(key) <= versions.VERSION_SECONDS * 1000  # the default: 1 s


def test_with_the_cache_down_the_version_comes_from_the_database():
    before = versions.current()
    with override_settings(CACHES=CACHE_DOWN):
        assert versions.current_cached() == before
        ProviderFactory()  # the bump's delete fails: logged, never an error
        assert versions.current_cached() == versions.current() > before


@override_settings(API_CACHE_PAGES=False)
def test_sla_status_rows_read_as_values_give_the_same_json_as_model_instances(viewer_api, monkeypatch):
    """``SlaStatusViewSet.paginate_queryset`` reads the trends with ``values()``: byte-for-byte the same page."""
    from rest_framework.generics import GenericAPIView

    from slas.api.views import SlaStatusViewSet

    add_service_levels(3)
    urls = [
        SLA_STATUS,
        f"{SLA_STATUS}&status=breached",
        f"{SLA_STATUS}&period_from=2026-09",
        "/api/v1/sla-status/?page_size=2&page=2",
        f"{SLA_STATUS}&ordering=-metric",
        f"{SLA_STATUS}&q=SLA&ordering=contract__reference",
        "/api/v1/sla-status/?pagination=cursor&page_size=2",
    ]
    light = [viewer_api.get(url).content for url in urls]
    urls.append(json.loads(light[-1])["next"])  # the cursor's second page
    light.append(viewer_api.get(urls[-1]).content)
    monkeypatch.setattr(SlaStatusViewSet, "paginate_queryset", GenericAPIView.paginate_queryset)
    assert [viewer_api.get(url).content for url in urls] == light
    assert json.loads(light[0])["results"][0]["trend"]  # the trends are there


@override_settings(API_CACHE_PAGES=False)
def test_compliance_rows_read_as_values_give_the_same_json_as_model_instances(viewer_api, monkeypatch):
    """``ComplianceResultViewSet.paginate_queryset`` reads the page with ``values()``: byte-for-byte the same page.

    Over filters, orderings, page 2 and both pages of a cursor walk.
    """
    from rest_framework.generics import GenericAPIView

    from slas.api.views import ComplianceResultViewSet

    add_service_levels(4)
    urls = [
        COMPLIANCE,
        f"{COMPLIANCE}&status=breached&ordering=-actual",
        f"{COMPLIANCE}&period_from=2026-09&ordering=credit_amount",
        f"{COMPLIANCE}&q=SLA&chronic=yes",
        "/api/v1/compliance/?page_size=5&page=2",
        "/api/v1/compliance/?pagination=cursor&page_size=5",
    ]
    light = [viewer_api.get(url) for url in urls]
    cursor_next = light[-1].json()["next"]
    urls.append(cursor_next)
    light.append(viewer_api.get(cursor_next))
    assert all(response.status_code == 200 for response in light)
    monkeypatch.setattr(ComplianceResultViewSet, "paginate_queryset", GenericAPIView.paginate_queryset)
    assert [viewer_api.get(url).content for url in urls] == [response.content for response in light]
    first = json.loads(light[1].content)["results"][0]
    assert first["credit_breakdown"] is not None and first["service_level_name"]  # the rows are filled in


def test_a_service_levels_display_name_is_the_function_of_its_columns(viewer_user):
    for sla in add_service_levels(4):
        assert sla.display_name == service_level_display_name(sla.name, sla.metric, sla.parameters)
        assert sla.display_name
