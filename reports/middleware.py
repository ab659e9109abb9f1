"""Refuse oversized report uploads by their declared size, before the body is read."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from reports import services


class UploadSizeLimitMiddleware:
    """413 for a POST to an upload view (marked ``@refuse_oversized_upload``) whose
    ``Content-Length`` exceeds ``REPORT_MAX_UPLOAD_BYTES``.

    Listed before ``CsrfViewMiddleware``, whose check reads ``request.POST`` and so would
    spool the whole body (a 20 MB file against a 5 MB limit) before any view ran.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if request.method != "POST" or not getattr(view_func, "upload_size_limited", False):
            return None
        try:
            services.check_declared_upload_size(request.META.get("CONTENT_LENGTH"))
        except services.FileTooLargeError as exc:
            from reports.views import upload_too_large

            return upload_too_large(request, exc.messages[0])
        return None
