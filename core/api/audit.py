"""``GET /api/v1/<objects>/{id}/history/``: an object's audit trail (``core.audit``)."""

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from core.audit import audit_entries


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    when = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True, help_text="User name; null when the portal itself acted.")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_blank=True)
    changes = FieldChangeSerializer(many=True)


class AuditTrailMixin:
    """Adds a read-only ``history`` route to a viewset of an audited model.

    It needs the same view permission as the object itself, and returns the newest 200
    entries (an object with more is rare; the admin shows all of them to superusers).
    """

    @extend_schema(responses=AuditEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, *args, **kwargs) -> Response:
        obj = cast(GenericAPIView, self).get_object()  # mixed into a viewset
        entries = audit_entries(obj, limit=200)
        return Response(AuditEntrySerializer(entries, many=True).data)
