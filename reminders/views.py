"""Browser pages of reminders: the list (filters: kind, acknowledged…) and the acknowledge button."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from contracts.models import Contract
from core.views import HtmxHttpRequest, ObjectListView
from reminders import filtersets, selectors, services, tables
from reminders.models import Reminder


class ReminderListView(ObjectListView):
    model = Reminder
    selector = staticmethod(selectors.reminder_list)
    filterset_class = filtersets.ReminderFilterSet
    table_class = tables.ReminderTable


@require_POST
@login_required
@permission_required("reminders.change_reminder", raise_exception=True)
def reminder_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a reminder: from the dashboard by htmx (the row goes away) or as a plain form."""
    reminder = get_object_or_404(selectors.reminder_list(user=request.user), pk=pk)
    services.reminder_acknowledge(reminder, user=request.user)
    if cast(HtmxHttpRequest, request).htmx:
        return HttpResponse("")  # the dashboard swaps the reminder's row for nothing
    messages.success(request, f"Acknowledged: {reminder.subject}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("reminders:reminder_list")
    return HttpResponseRedirect(target)


def contract_reminders_panel(request: HttpRequest, contract: Contract) -> dict[str, Any] | None:
    """The contract page's reminders: who they go to (the owner) and the ones still open."""
    if not request.user.has_perm("reminders.view_reminder"):
        return None
    reminders = selectors.reminder_list(user=request.user).filter(contract=contract)
    return {
        "contract": contract,
        "open": list(reminders.filter(acknowledged_at__isnull=True).order_by("due_on", "pk")),
        "acknowledged_count": reminders.filter(acknowledged_at__isnull=False).count(),
        "recipients": settings.REMINDER_RECIPIENTS,
    }
