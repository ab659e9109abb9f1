"""Pagination for every list endpoint: page numbers by default, a cursor for large pulls.

- ``?page=N&page_size=M`` (the default): ``{"count", "next", "previous", "results"}``.
- ``?pagination=cursor`` (optionally with ``page_size``): ``{"next", "previous", "results"}``
  in id order, without ``count``. Follow ``next`` (it carries ``?cursor=…``) until it is
  null; a cursor stays correct while rows are added, where page numbers would shift.
  A ``cursor`` parameter alone also selects cursor pagination.

A malformed or out-of-range value (``page=abc``, ``page=999`` past the end, ``page_size=0``,
``page_size=501``, an unreadable cursor) answers 400 naming the parameter, never a 404 or a
silently different page.
"""

from collections.abc import Sequence
from typing import Any, cast

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.lookups import as_id

MAX_PAGE_SIZE = 500
PAGINATION_PARAM = "pagination"
PAGINATION_MODES = ("page", "cursor")


def _page_size(request: Request, param: str, default: int) -> int:
    raw = request.query_params.get(param)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({param: [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


class IdCursorPagination(CursorPagination):
    """Walks a list in id order: the only order that is unique and never changes."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, cast(int, self.page_size))  # PAGE_SIZE is set

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        for backend in getattr(view, "filter_backends", []):
            param = getattr(backend, "ordering_param", None)
            if param and request.query_params.get(param):
                raise ValidationError(
                    {param: ["A cursor walks the list in id order; leave out `ordering` with `pagination=cursor`."]}
                )
        return (self.ordering,)

    def decode_cursor(self, request: Request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: ["Not a cursor this API gave out."]}) from None


class StandardPagination(PageNumberPagination):
    """``?page=N`` with ``?page_size=`` up to 500, or a cursor with ``?pagination=cursor``."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_class = IdCursorPagination

    cursor: CursorPagination | None = None

    def query_params(self) -> set[str]:
        """Every query parameter this pagination reads (for the unknown-parameter check)."""
        return {
            self.page_query_param,
            self.page_size_query_param,
            PAGINATION_PARAM,
            self.cursor_class.cursor_query_param,
        }

    def _mode(self, request: Request) -> str:
        mode = request.query_params.get(PAGINATION_PARAM)
        if mode is None:
            return "cursor" if self.cursor_class.cursor_query_param in request.query_params else "page"
        if mode not in PAGINATION_MODES:
            raise ValidationError({PAGINATION_PARAM: [f"Must be one of: {', '.join(PAGINATION_MODES)}."]})
        return mode

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, cast(int, self.page_size))  # PAGE_SIZE is set

    def paginate_queryset(self, queryset: QuerySet | Sequence[Any], request: Request, view: Any = None) -> list | None:
        if self._mode(request) == "cursor":
            if self.page_query_param in request.query_params:
                raise ValidationError({self.page_query_param: ["Use either `page` or `pagination=cursor`, not both."]})
            self.cursor = self.cursor_class()
            self.cursor.page_size = self.page_size
            return self.cursor.paginate_queryset(queryset, request, view)
        if self.cursor_class.cursor_query_param in request.query_params:
            raise ValidationError(
                {self.cursor_class.cursor_query_param: ["A cursor needs `pagination=cursor` (or no `pagination`)."]}
            )
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = str(exc)
            if paginator.num_pages and (number := as_id(str(page_number))) is not None and number > paginator.num_pages:
                message = f"There are {paginator.num_pages} pages; page {page_number} does not exist."
            raise ValidationError({self.page_query_param: [message]}) from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data: list) -> Response:
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": "How many results match, over all pages. Page-number pagination only: "
                    "absent with `pagination=cursor`.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "The next page."},
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number (page-number pagination, the default). A page past the last answers 400.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": PAGINATION_PARAM,
                "required": False,
                "in": "query",
                "description": "`cursor` to walk a large list in id order: follow `next` until it is null "
                "(no `count`, no `ordering`). Default `page`.",
                "schema": {"type": "string", "enum": list(PAGINATION_MODES)},
            },
            {
                "name": self.cursor_class.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "An opaque cursor from a `next` or `previous` link (cursor pagination).",
                "schema": {"type": "string"},
            },
        ]
