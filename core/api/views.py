"""Base API viewset: every query goes through the app's selector with the requesting user."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import viewsets

from core.api.audit import AuditTrailMixin


class SelectorModelViewSet(AuditTrailMixin, viewsets.ModelViewSet):
    """A ``ModelViewSet`` whose queryset comes from ``selector(user=...)``.

    Subclasses set ``selector`` (a function from the app's ``selectors.py``),
    ``serializer_class`` and ``filterset_class`` (the same FilterSet the browser list uses).
    Set ``selector = staticmethod(some_list)``. ``queryset`` is kept only so DRF's model
    permissions and the schema know the model.
    """

    selector: Callable[..., QuerySet]

    def get_queryset(self) -> QuerySet:
        return self.selector(user=self.request.user)

    def perform_destroy(self, instance) -> None:
        from core.services import model_delete

        model_delete(instance)
