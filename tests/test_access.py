"""Access: sign-in lockout, API throttling, expiring and revocable tokens, no data without a
role, and the Content-Security-Policy header."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(db):
    user = UserFactory(username="member", role=roles.OPERATIONS)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client: Client, username: str, password: str, address: str = "10.9.8.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_user_out_even_with_the_right_one_after(member, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "member", "wrong").status_code == 200  # the form again, with its error
    assert _sign_in(client, "member", "wrong").status_code == 429  # the failure that reaches the limit
    locked = _sign_in(client, "member", PASSWORD)
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_by_user_name_from_any_address(member, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "member", "wrong", address=f"10.0.0.{n + 1}")
    assert _sign_in(Client(), "member", PASSWORD, address="10.0.1.1").status_code == 429


def test_the_lockout_is_by_address_across_user_names(member, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), f"nobody{n}", "wrong", address="10.7.7.7")
    assert _sign_in(Client(), "member", PASSWORD, address="10.7.7.7").status_code == 429
    assert _sign_in(Client(), "member", PASSWORD, address="10.7.7.8").status_code == 302  # another address may


def test_the_right_password_signs_in_before_the_limit(member):
    client = Client()
    _sign_in(client, "member", "wrong")
    assert _sign_in(client, "member", PASSWORD).status_code == 302


def test_token_endpoint_issues_a_token_and_counts_failures(member, settings):
    client = APIClient()
    answer = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert answer.status_code == 200
    body = answer.json()
    assert Token.objects.get(user=member).key == body["token"]
    assert body["expires_at"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "member", "password": "wrong"}, REMOTE_ADDR=f"10.2.0.{n}")
    refused = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.3.0.1")
    assert refused.status_code in (400, 403, 429)
    assert Token.objects.get(user=member).key == body["token"]  # no new token for a locked-out user


@pytest.fixture
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def test_the_token_endpoint_is_throttled(db, fresh_throttles, monkeypatch):
    from core.api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {**TokenRateThrottle.THROTTLE_RATES, "token": "3/minute"})
    codes = [
        APIClient().post("/api/v1/auth/token/", {"username": f"u{n}", "password": "x"}).status_code for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_api_reads_are_throttled_per_user(ops_api, fresh_throttles, monkeypatch):
    from core.api.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "2/minute"})
    assert [ops_api.get("/api/v1/providers/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_cache_outage_does_not_fail_throttled_requests(member):
    """Throttle counters live in the cache (Redis); with Redis unreachable the request goes through."""
    from django.core.cache.backends.redis import RedisCache
    from rest_framework import throttling as drf_throttling
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.api.throttling import UserRateThrottle

    unreachable = RedisCache("redis://127.0.0.1:1/0", {})  # a real client against a closed port
    request = Request(APIRequestFactory().get("/api/v1/providers/"))
    request.user = member
    plain = drf_throttling.UserRateThrottle()
    plain.cache = unreachable
    with pytest.raises(Exception, match=r"(?i)connect"):
        plain.allow_request(request, None)  # what DRF alone does: the request would fail
    ours = UserRateThrottle()
    ours.cache = unreachable
    assert ours.allow_request(request, None) is True


def test_an_expired_token_is_refused_and_a_renewed_one_works(member, settings):
    token = Token.objects.create(user=member)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - dt.timedelta(days=settings.API_TOKEN_TTL_DAYS + 1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = client.get("/api/v1/providers/")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"].lower()

    browser = Client()
    browser.force_login(member)
    assert browser.post("/profile/", {"action": "issue"}).status_code == 302
    renewed = Token.objects.get(user=member)
    assert renewed.key != token.key
    client.credentials(HTTP_AUTHORIZATION=f"Token {renewed.key}")
    assert client.get("/api/v1/providers/").status_code == 200


def test_a_revoked_token_stops_working(member):
    token = Token.objects.create(user=member)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/providers/").status_code == 200
    browser = Client()
    browser.force_login(member)
    page = browser.get("/profile/")
    assert b"Revoke token" in page.content
    browser.post("/profile/", {"action": "revoke"})
    assert not Token.objects.filter(user=member).exists()
    assert client.get("/api/v1/providers/").status_code == 401


# Pages a signed-in user without a role may open: signing in and out, their own profile, the
# API's description (public by design), the admin (which has its own staff check).
OPEN_TO_EVERY_USER = ("/login/", "/logout/", "/profile/", "/api/schema/", "/api/docs/", "/api/redoc/", "/admin/")


def _every_path(patterns=None, prefix: str = ""):
    """One concrete path per URL pattern, with 1 for every converter (the object need not exist)."""
    import re

    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _every_path(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "MSA-1" if m.group(1) == "str" else "1", route)
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "").replace("\\", "")
            path = re.sub(r"\.\(\?P<format>[^)]*\)/?\??", "", path)
            if "(?" in path or "<" in path:
                continue
            yield "/" + path.lstrip("/")


def test_a_user_without_a_role_sees_no_data_anywhere(db):
    """Every page and endpoint, walked: a role-less user gets 403 (or 405 for write-only routes)."""
    user = User.objects.create_user("norole", password="x")
    browser, api = Client(), APIClient()
    browser.force_login(user)
    api.force_authenticate(user)
    leaks = []
    paths = sorted(set(_every_path()))
    assert "/" in paths and "/api/v1/compliance/" in paths and len(paths) > 30
    for path in paths:
        if path.startswith(OPEN_TO_EVERY_USER) or path.startswith(("/static/", "/media/")):
            continue
        client = api if path.startswith("/api/") else browser
        code = client.get(path).status_code
        if code not in (403, 405):
            leaks.append(f"{path} → {code}")
    assert leaks == []


def test_the_dashboard_needs_a_role(db, viewer_user):
    user = User.objects.create_user("norole2", password="x")
    browser = Client()
    browser.force_login(user)
    assert browser.get("/").status_code == 403
    browser.force_login(viewer_user)
    assert browser.get("/").status_code == 200


def test_pages_send_a_content_security_policy_without_inline_script(viewer_user):
    browser = Client()
    browser.force_login(viewer_user)
    policy = browser.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy


def test_the_lockout_page_says_how_long_in_words(member, settings):
    """Review8: the page read "locked for PT15M" (an ISO 8601 duration) instead of minutes."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "member", "wrong")
    page = _sign_in(client, "member", PASSWORD).content.decode()
    assert "locked for 15 minutes" in page and "PT15M" not in page


def test_a_locked_out_user_asking_for_a_token_is_told_so(member, settings):
    """Review8: with the right password a locked-out user got 400 "Unable to log in with provided
    credentials", as if the password were wrong; now 429 saying the sign-in is locked and for how long."""
    client = APIClient()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "member", "password": "wrong"}, REMOTE_ADDR=f"10.4.0.{n}")
    refused = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.5.0.1")
    assert refused.status_code == 429
    assert "locked" in refused.json()["detail"] and "15 minutes" in refused.json()["detail"]
    assert not Token.objects.filter(user=member).exists()
