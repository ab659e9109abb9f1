"""The polled lists' repeated answers, given before the session, DRF and the database.

A client polling ``/api/v1/sla-status/`` or ``/api/v1/compliance/`` (``VersionedListMixin``)
asks, most of the time, for a page already rendered for it at the current data version. This
middleware answers such a request (the ``304`` or the cached ``200``) with what the view
would have answered, but with one Redis read for the version (``versions.current_cached``)
and in-process lookups for the rest, instead of DRF's authentication, permission and
negotiation machinery and a PostgreSQL round trip.

It answers only when all of this holds, and otherwise lets the request through untouched
(the view then answers as before, and fills what the next request needs):

- ``GET``/``HEAD`` of a list route of a ``VersionedListMixin`` viewset, ``Authorization:
  Token …``, an ``Accept`` that selects the JSON renderer exactly as DRF would (none,
  ``*/*``, ``application/json``), no ``format`` parameter;
- the token was authenticated by this process at the current data version
  (``core.api.authentication.known_token``) and has not expired since: a token revoked or
  renewed, a user deactivated or a role changed bump the version, so the entry no longer
  counts;
- either the page for this user, version, query, host and media type is in the cache (it
  was rendered only after the permission check passed at this version, and any change of
  roles bumps it: the cached page itself proves the user may see it);
- or the view renders a plain page itself (``cold_page``: ``?page=&page_size=`` and nothing
  else) and ``core.api.coldpath`` vouches for the request as DRF would: the ``view``
  permission from the user's cached permission set, the view's throttles. Then the page is
  rendered here, cached (unless ``API_CACHE_PAGES`` is off or the benchmark's bypass header
  is sent) and answered, or answered ``304`` if ``If-None-Match`` holds its ETag.
  ``API_COLD_PATH = False`` turns this half off.

Staleness: the version comes from the cache's copy, at most ``versions.VERSION_SECONDS`` (1 s)
old, reused by each process for ``versions.PROCESS_SECONDS`` (0.1 s); a change therefore shows
in these answers at most about 1.1 s after it commits (usually within 0.1 s: every bump
deletes the copy). The key holds the user: no user is answered
from another's page.

It sits last in ``MIDDLEWARE``: every other middleware (security headers, CSP, frame options)
treats its answers as the view's.
"""

import time
from collections.abc import Callable
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from core import versions
from core.api import coldpath
from core.api.authentication import KnownToken, known_token, token_expired_at, token_seen
from core.api.conditional import VersionedListMixin, _etag_matches, etag_of, page_key, pages_cached, with_validators

JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


class _Route:
    """What the fast path needs of a list route, worked out once per path."""

    def __init__(self, view: type, allow: str, renderer: Any, content_type: str) -> None:
        self.view, self.allow, self.renderer, self.content_type = view, allow, renderer, content_type
        self.media_type: str = renderer.media_type


def _route(path: str) -> _Route | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None)
    actions = getattr(match.func, "actions", None) or {}
    if view is None or not issubclass(view, VersionedListMixin) or actions.get("get") != "list":
        return None
    renderer = view.renderer_classes[0]  # what DRF picks for no Accept, */* or its own type
    if getattr(renderer, "format", None) != "json":
        return None
    charset = getattr(renderer, "charset", None)
    content_type = f"{renderer.media_type}; charset={charset}" if charset else renderer.media_type
    # DRF's Allow: the methods the viewset instance has (get → list, head, options).
    methods = [m.upper() for m in view.http_method_names if m in actions or m in ("head", "options")]
    return _Route(view, ", ".join(methods), renderer(), content_type)


class PolledListMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.routes: dict[str, _Route | None] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.answer(request) or self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith("/api/"):
            return None
        credentials = request.headers.get("Authorization", "").split()
        if len(credentials) != 2 or credentials[0].lower() != "token":
            return None
        if request.headers.get("Accept", "") not in JSON_ACCEPTS or "format" in request.GET:
            return None
        path = request.path_info
        if path not in self.routes:
            self.routes[path] = _route(path)
        route = self.routes[path]
        if route is None:
            return None
        if not token_seen(credentials[1]):
            return None  # before reading the version: a first request costs no extra query
        version = versions.current_cached()
        token = known_token(credentials[1], version)
        if token is None:
            return None
        expires = token_expired_at(token.created)
        if expires is not None and time.time() >= expires:
            return None  # the view says why (401)
        try:
            base_uri = request.build_absolute_uri("/")
        except DisallowedHost:
            return None
        key = page_key(
            route.view,
            version,
            token.user_pk,
            token.date_joined,
            request.get_full_path(),
            base_uri,
            route.media_type,
        )
        etag = etag_of(key)
        use_cache = pages_cached(request)
        body = versions.cache_get(key) if use_cache else None
        response: HttpResponse
        if body is not None:
            if _etag_matches(request.headers.get("If-None-Match"), etag):
                response = HttpResponseNotModified()
            else:
                response = HttpResponse(body, content_type=route.content_type)
        else:
            # Not cached (or the cache skipped): render a plain page here if the view can.
            # A 304 needs the permission check first, so it is answered only after it passed.
            body = self.cold(route, request, token, version)
            if body is None:
                return None
            if use_cache:
                versions.cache_set(key, body)
            if _etag_matches(request.headers.get("If-None-Match"), etag):
                response = HttpResponseNotModified()
            else:
                response = HttpResponse(body, content_type=route.content_type)
        response["Allow"] = route.allow
        patch_vary_headers(response, ("Accept",))  # as DRF's finalize_response
        return with_validators(response, etag)

    def cold(self, route: _Route, request: HttpRequest, token: KnownToken, version: int) -> bytes | None:
        """The page rendered afresh (``core.api.coldpath``), or None to let DRF answer."""
        render = getattr(route.view, "cold_page", None) if getattr(settings, "API_COLD_PATH", True) else None
        page = coldpath.plain_page(request.GET) if render is not None else None
        if render is None or page is None:
            return None
        if not coldpath.may_view(token, version, getattr(route.view, "queryset").model):  # noqa: B009  # a view class
            return None  # refused (DRF's 403) or not known here
        if coldpath.throttled(route.view, request, token):
            return None  # DRF's 429
        user = coldpath.user_at(token, version)
        if user is None:
            return None
        data = render(request, user, version, page)
        if data is None:
            return None
        try:
            # The same JSON as DRF's renderer writes (compact, UTF-8), five to ten times faster:
            # the page holds only strings, numbers, booleans and nulls.
            return orjson.dumps(data)
        except TypeError:
            return route.renderer.render(data, route.media_type, {"request": request})
