"""The sortable reminders list."""

import django_tables2 as tables

from core.tables import PortalTable
from reminders.models import Reminder


class ReminderTable(PortalTable):
    due_on = tables.DateColumn(format="Y-m-d", verbose_name="Due")
    kind = tables.Column()
    subject = tables.Column(linkify=True, verbose_name="Reminder")
    provider = tables.Column(linkify=True)
    threshold = tables.Column(verbose_name="Threshold")
    sent_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Emailed")
    acknowledged_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Acknowledged")
    acknowledged_by = tables.Column(verbose_name="By")
    acknowledge = tables.TemplateColumn(
        template_name="reminders/acknowledge_button.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Reminder
        fields = (
            "due_on",
            "kind",
            "subject",
            "provider",
            "threshold",
            "sent_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledge",
        )
