"""Refuse an oversized upload by its declared size, before anything reads the body.

An upload view is marked with :func:`limit_declared_upload`, naming the check of its own
limit (reports and documents have different ones) and the answer it gives when the limit is
passed. ``UploadSizeLimitMiddleware`` runs that check on the ``Content-Length`` of a POST.
It is listed before ``CsrfViewMiddleware``, whose check reads ``request.POST`` and so would
spool the whole body (a 20 MB file against a 5 MB limit) before any view ran.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class DeclaredUploadLimit:
    """``check(content_length)`` raises ``ValidationError`` over the limit; ``refuse(request,
    message, view_kwargs)`` is the 413 answer."""

    check: Callable[[str | None], None]
    refuse: Callable[[HttpRequest, str, dict[str, Any]], HttpResponse]


def limit_declared_upload(limit: DeclaredUploadLimit) -> Callable[[View], View]:
    """Mark an upload view so the middleware refuses an oversized POST before reading it."""

    def mark(view: View) -> View:
        view.declared_upload_limit = limit  # type: ignore[attr-defined]  # copied outwards by @wraps
        return view

    return mark


class UploadSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        limit: DeclaredUploadLimit | None = getattr(view_func, "declared_upload_limit", None)
        if request.method != "POST" or limit is None:
            return None
        try:
            limit.check(request.META.get("CONTENT_LENGTH"))
        except ValidationError as exc:
            return limit.refuse(request, exc.messages[0], kwargs)
        return None
