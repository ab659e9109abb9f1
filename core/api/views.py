"""Base API views: queries through the app's selector, lookups by id or key, strict query params."""

from collections.abc import Callable
from typing import Any, NoReturn

from django.db import models
from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from core.api.audit import AuditTrailMixin
from core.api.filters import allowed_query_params, check_query_params
from core.api.lookups import get_by_key_or_404


class StrictQueryParamsMixin:
    """For views that read query parameters by hand (no filter backend runs): 400 on any other.

    List the ones the view reads in ``extra_query_params``; generic views get the same
    check from ``core.api.filters.StrictDjangoFilterBackend``.
    """

    extra_query_params: tuple[str, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of APIView
        check_query_params(request, allowed_query_params(self))


class SelectorModelViewSet(AuditTrailMixin, viewsets.ModelViewSet):
    """A ``ModelViewSet`` whose queryset comes from ``selector(user=...)``.

    Subclasses set ``selector`` (a function from the app's ``selectors.py``),
    ``serializer_class`` and ``filterset_class`` (the same FilterSet the browser list uses).
    Set ``selector = staticmethod(some_list)``. ``queryset`` is kept only so DRF's model
    permissions and the schema know the model.

    ``lookup_keys`` (e.g. ``("reference",)``) lets the detail route take that key as well
    as the id: ``/contracts/MSA-2025-001/`` and ``/contracts/7/`` are the same contract.
    """

    selector: Callable[..., QuerySet]
    lookup_keys: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        return self.selector(user=self.request.user)

    def get_object(self) -> models.Model:
        if not self.lookup_keys:
            return super().get_object()
        queryset = self.filter_queryset(self.get_queryset())
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = get_by_key_or_404(queryset, value, self.lookup_keys)
        self.check_object_permissions(self.request, obj)
        return obj

    def perform_destroy(self, instance) -> None:
        from core.services import model_delete

        model_delete(instance)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@schema(None)
def api_not_found(request: Request, *args: Any, **kwargs: Any) -> NoReturn:
    """Any ``/api/…/`` URL no route matches: a JSON 404 in the API's error shape, not an HTML page.

    (A path without its trailing slash is left to ``APPEND_SLASH``, which redirects it.)
    """
    raise NotFound(f"No API endpoint at {request.path}.")
