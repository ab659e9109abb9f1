"""Conditional requests and a server-side cache for list endpoints that clients poll.

A REST client polling ``/api/v1/sla-status/`` asks the same question every minute while the
answer changes a few times a day. For such lists (``VersionedListMixin``):

- every ``200`` carries a **weak ETag** derived from the version of what is shown
  (``core.versions``: bumped in the same transaction as every recomputation and every edit
  that changes the answer), the requesting user, the full query string, the host the links
  are built for and the negotiated media type; ``Cache-Control: private, no-cache`` (only
  the client may keep it, and must revalidate) and ``Vary: Accept, Authorization, Cookie``;
- a request whose ``If-None-Match`` holds that ETag gets ``304 Not Modified``, with no body,
  without running the query or the serializer;
- otherwise the rendered page is kept in the Django cache under the same key, so the next
  identical request is one cache read.

Why weak (``W/"…"``): the ETag names the version of the *data*, not a byte sequence. Two
answers under one ETag are equivalent but not promised to be byte-identical (a page
rendered while a change was committing may already show it; a cached and a fresh rendering
may differ in key order one day). Weak validators are what ``If-None-Match`` on ``GET``
compares anyway (RFC 9110 §13.1.2); a strong one would promise byte ranges we never serve.

Why per user: what a list shows depends on the user (``core.scoping.visible_to``: vendor
staff see only their provider's rows), so the key holds the user — one user's cached page
can never answer another's request, whatever scoping rules are added later. The permission
check runs before all this (DRF's ``initial``), so a user who lost a role gets 403, not a
cached page.

A cache that cannot be reached is skipped (``core.versions.cache_get``): the answer is
computed as without the cache; the ETag and 304 still work, as they need only the version,
which lives in the database. ``API_CACHE_PAGES = False`` turns the cache of rendered pages
off; ``API_CACHE_BYPASS_HEADER``, set only by the benchmark's settings, names a request
header that skips it for one request (``manage.py bench_api``'s cold figures).
"""

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes
from rest_framework.request import Request

from core import versions

#: Lists whose default window follows the clock (``sla-status``: each contract's last 12
#: months up to the current month in its time zone) change at a month boundary without
#: any data changing; their key also holds the current quarter hour (every UTC offset is a
#: multiple of 15 minutes, so a month never starts inside one).
CLOCK_SECONDS = 15 * 60

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` of an earlier answer to the same request: `304` without a body if nothing changed since.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: the `ETag` sent in `If-None-Match` is still current.")


def conditional_list_schema(serializer: Any) -> dict[str, Any]:
    """``extend_schema`` arguments documenting the ETag, ``If-None-Match`` and the ``304``."""
    return {
        "parameters": [IF_NONE_MATCH],
        "responses": {
            200: OpenApiResponse(
                serializer,
                description="The page. Headers: `ETag` (a weak validator that changes whenever what the page "
                "shows changes) and `Cache-Control: private, no-cache` (revalidate with `If-None-Match`).",
            ),
            304: NOT_MODIFIED,
        },
    }


def _etag_matches(header: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2): ``W/`` prefixes ignored, ``*`` matches any."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


#: Set on a request the cold path's throttles counted and that the view answers after all
#: (``core.api.fastpath``: a page past the end, handed to the view for its 400, is one
#: request, not two).
COUNTED_BY_COLD_PATH = "_cold_path_counted"


def mark_counted(request: HttpRequest) -> None:
    setattr(request, COUNTED_BY_COLD_PATH, True)


class VersionedListMixin:
    """``list`` with a weak ETag, ``If-None-Match`` → 304, and a cache of the rendered page.

    Mixed into a DRF ``ListModelMixin`` viewset. ``follows_clock`` for lists whose default
    window depends on today's month (see :data:`CLOCK_SECONDS`).
    """

    follows_clock = False

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        renderer = request.accepted_renderer
        if request.method not in ("GET", "HEAD") or getattr(renderer, "format", None) != "json":
            return super().list(request, *args, **kwargs)  # type: ignore[misc]  # the browsable API: uncached
        user = request.user
        key = page_key(
            type(self),
            versions.current_for(user),
            user.pk,
            getattr(user, "date_joined", ""),
            request.get_full_path(),
            request.build_absolute_uri("/"),
            request.accepted_media_type,
        )
        etag = etag_of(key)
        if _etag_matches(request.headers.get("If-None-Match"), etag):
            return self._with_validators(HttpResponseNotModified(), etag)
        use_cache = pages_cached(request)
        body = versions.cache_get(key) if use_cache else None
        if body is None:
            response = super().list(request, *args, **kwargs)  # type: ignore[misc]
            context = self.get_renderer_context()  # type: ignore[attr-defined]
            body = renderer.render(response.data, request.accepted_media_type, context)
            if use_cache:
                versions.cache_set(key, body)
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        return self._with_validators(HttpResponse(body, content_type=content_type), etag)

    def _with_validators(self, response: HttpResponse, etag: str) -> HttpResponse:
        return with_validators(response, etag)

    def check_throttles(self, request: Request) -> None:
        """DRF's throttles, unless the cold path counted this request already and handed it here."""
        if getattr(request._request, COUNTED_BY_COLD_PATH, False):
            return
        super().check_throttles(request)  # type: ignore[misc]


def with_validators(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    return response


def page_key(
    view: type, version: int, user_pk: Any, date_joined: Any, full_path: str, base_uri: str, media_type: str
) -> str:
    """The cache key of a rendered page, which the ETag is made of (one place: the view and ``core.api.fastpath``)."""
    return versions.cache_key(
        f"api:{view.__name__}",
        connection.settings_dict["NAME"],  # two deployments may share one Redis
        version,
        user_pk,
        date_joined,  # a test database reuses ids; a user never reuses this
        full_path,
        base_uri,  # the links in the page name the host
        media_type,
        int(time.time() // CLOCK_SECONDS) if getattr(view, "follows_clock", False) else "",
    )


def etag_of(key: str) -> str:
    return f'W/"{key.rsplit(":", 1)[1]}"'


def pages_cached(request: Any) -> bool:
    """Whether this request may use the cache of rendered pages (``API_CACHE_PAGES``, the benchmark's bypass header)."""
    bypass = getattr(settings, "API_CACHE_BYPASS_HEADER", None)  # the benchmark server's only
    return getattr(settings, "API_CACHE_PAGES", True) and not (bypass and bypass in request.headers)
