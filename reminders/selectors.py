"""Reads of reminders, scoped to the requesting user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet

from core.scoping import visible_to
from reminders.models import Reminder


def reminder_list(*, user: User | AnonymousUser) -> QuerySet[Reminder]:
    """Open reminders first, then by deadline."""
    queryset = Reminder.objects.select_related("provider", "contract", "certification", "acknowledged_by").order_by(
        F("acknowledged_at").asc(nulls_first=True), "due_on", "kind", "pk"
    )
    return visible_to(queryset, user, provider_path="provider")


def open_reminders(*, user: User | AnonymousUser, limit: int = 50) -> dict | None:
    """The dashboard's unacknowledged reminders, the nearest deadline first; None for a user
    who may not see reminders."""
    if not user.has_perm("reminders.view_reminder"):
        return None
    pending = reminder_list(user=user).filter(acknowledged_at__isnull=True).order_by("due_on", "kind", "pk")
    return {
        "items": list(pending[:limit]),
        "count": pending.count(),
        "can_acknowledge": user.has_perm("reminders.change_reminder"),
    }
