"""Refuse oversized document uploads by their declared size, before the body is read."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from documents import services


class DocumentUploadSizeMiddleware:
    """413 for a POST to a document upload view (marked ``@refuse_oversized_document``)
    whose ``Content-Length`` exceeds ``DOCUMENT_MAX_UPLOAD_BYTES``.

    Listed before ``CsrfViewMiddleware``, whose check reads ``request.POST`` and so would
    spool the whole body before any view ran (as ``reports.middleware`` does for reports).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if request.method != "POST" or not getattr(view_func, "document_upload_size_limited", False):
            return None
        try:
            services.check_declared_upload_size(request.META.get("CONTENT_LENGTH"))
        except services.DocumentTooLargeError as exc:
            from documents.views import upload_too_large

            return upload_too_large(request, exc.messages[0], kwargs)
        return None
