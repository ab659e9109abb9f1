from django.contrib import admin

from reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("due_on", "kind", "subject", "threshold", "sent_at", "acknowledged_at", "acknowledged_by")
    list_filter = ("kind",)
    search_fields = ("subject", "message")
    readonly_fields = ("created_at", "sent_at", "recipients")
