"""REST endpoints: reminders, and acknowledging one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from reminders import filtersets, selectors, services
from reminders.api.serializers import ReminderSerializer
from reminders.models import Reminder


class CanAcknowledge(BasePermission):
    """Acknowledging changes a reminder: it needs ``reminders.change_reminder`` (operations)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user.has_perm("reminders.view_reminder") and user.has_perm("reminders.change_reminder"))


class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deadline reminders (notice, contract ending, certification expiring, report missing).

    Filters: ``kind``, ``acknowledged`` (true/false), ``provider``, ``contract``, ``due_from``/``due_to``.
    """

    queryset = Reminder.objects.none()
    serializer_class = ReminderSerializer
    filterset_class = filtersets.ReminderFilterSet
    ordering_fields = ["due_on", "kind", "created_at", "sent_at", "acknowledged_at"]

    def get_queryset(self):
        return selectors.reminder_list(user=self.request.user)

    @extend_schema(request=None, responses={200: ReminderSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, CanAcknowledge])
    def acknowledge(self, request, pk=None):
        """Acknowledge the reminder (operations): it leaves the dashboard. Acknowledging again keeps the first."""
        reminder = services.reminder_acknowledge(self.get_object(), user=request.user)
        return Response(self.get_serializer(reminder).data)
