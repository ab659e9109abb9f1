"""Pagination for every list endpoint."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=N`` with a client-chosen ``?page_size=`` up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500
