"""The API token also opens the browser's downloads (CSV exports, report files).

A REST client holding a token wants the same CSV files a user downloads from a page, without
a session: ``curl -H "Authorization: Token <key>" …/compliance/7/work-items.csv``. The
browser views check ``login_required`` against the session, so a token alone would be sent
to the login page. ``token_auth`` (function views) and ``TokenAuthMixin`` (class-based
views) sign the request in with DRF's ``TokenAuthentication`` when the header is there,
before the login and permission checks run; those checks stay as they are, so a token
without the view permission still gets 403. A wrong token answers 401, as the API does.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_user(request: HttpRequest) -> HttpResponse | None:
    """Sign ``request`` in from its ``Authorization: Token`` header, if it has one.

    Returns None when the request may go on (no token header, or a valid token: then
    ``request.user`` is the token's user), or a 401 response for a wrong token.
    """
    authentication = TokenAuthentication()
    try:
        # None without a "Token" header; DRF's method reads only request.META, so a plain
        # HttpRequest will do.
        result = authentication.authenticate(request)  # type: ignore[arg-type]
    except exceptions.AuthenticationFailed as exc:
        response = HttpResponse(str(exc.detail), status=401, content_type="text/plain")
        response["WWW-Authenticate"] = authentication.keyword
        return response
    if result is not None:
        request.user, _token = result
    return None


def token_auth(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorate a function view (outermost, above ``login_required``) to accept a token."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = token_user(request)
        return refused if refused is not None else view(request, *args, **kwargs)

    return wrapped


class TokenAuthMixin:
    """First base of a class-based view whose GETs a token may open as well as a session."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = token_user(request)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
