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
  else) and ``core.api.coldpath`` vouches for the request as DRF would, before anything is
  rendered: the ``view`` permission from the user's cached permission set, the view's
  throttles. Then the page is
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

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from core import versions
from core.api import coldpath
from core.api.authentication import authenticate_known, known_token, token_expired_at, token_seen
from core.api.conditional import (
    VersionedListMixin,
    _etag_matches,
    etag_of,
    mark_counted,
    page_key,
    pages_cached,
    with_validators,
)

JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


class _Route:
    """What the fast path needs of a list route, worked out once per path."""

    def __init__(self, view: Any, allow: str, renderer: Any, content_type: str) -> None:
        self.view, self.allow, self.renderer, self.content_type = view, allow, renderer, content_type
        self.media_type: str = renderer.media_type
        self.cold = coldpath.imitates(view)  # plain pages rendered here when not cached


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
        cold = route.cold and getattr(settings, "API_COLD_PATH", True)
        page = coldpath.plain_page(request.GET) if cold else None
        if page is None and not token_seen(credentials[1]):
            return None  # before reading the version: a request we cannot render costs no extra query
        version = versions.current_cached()
        token = known_token(credentials[1], version)
        if token is None and page is not None:
            # The first poll after a change (or of a new token): checked here, one query.
            checked = authenticate_known(credentials[1])
            if checked is not None:
                token, user = checked
                version = token.version  # read with it: at least as new as the cached copy
                coldpath.remember_user(user, version)
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
        not_modified = _etag_matches(request.headers.get("If-None-Match"), etag)
        if body is None:
            # Not cached (or the cache skipped): a plain page is rendered here, after DRF's
            # checks (core.api.coldpath.vouch); a 304 only needs those.
            if page is None:
                return None
            vouched = coldpath.vouch(route.view, request, token, version)
            if vouched is None:
                return None  # DRF answers (403, 429)
            if not not_modified:
                body = self.render(route, request, vouched, version, page)
                if body is None:
                    # DRF answers (a page past the end, say); the throttles counted it here.
                    mark_counted(request)
                    return None
                if use_cache:
                    versions.cache_set(key, body)
        response = HttpResponseNotModified() if not_modified else HttpResponse(body, content_type=route.content_type)
        response["Allow"] = route.allow
        patch_vary_headers(response, ("Accept",))  # as DRF's finalize_response
        return with_validators(response, etag)

    def render(self, route: _Route, request: HttpRequest, user: Any, version: int, page: Any) -> bytes | None:
        """The page rendered afresh by the view's ``cold_page``, or None to let DRF answer."""
        with collector_paused():
            data = route.view.cold_page(request, user, version, page)
            if data is None:
                return None
            try:
                # The JSON DRF's renderer writes (compact, UTF-8, U+2028/U+2029 escaped), five to
                # ten times faster; floats may be spelled differently (1e-05 / 1e-5), the same number.
                body = orjson.dumps(data)
            except TypeError:
                return route.renderer.render(data, route.media_type, {"request": request})
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a cold page is rendered.

    A page of sla-status allocates some 2,000 containers (its rows, ~600 points, ~650 dicts
    of the JSON), none in a reference cycle, all freed by reference counting once the body
    is written. Meanwhile they cross the collector's threshold (700 allocations) two or three
    times a page, and each pass walks the young objects to find nothing; every tenth pass
    walks more, and now and then a full pass walks the whole process (~170,000 objects):
    ~10 % of the render's CPU, on average. Paused, the collector resumes after the page, with
    its objects already gone. Only a pause: left off if something else turned it off, and
    turned back on whatever happens (a worker serves one request at a time; where threads
    share the process, another thread's collection waits a few milliseconds at most).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
