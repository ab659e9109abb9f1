"""API representation of reminders (read-only: the daily run writes them, users acknowledge)."""

from rest_framework import serializers

from reminders.models import Reminder


class ReminderSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:reminder-detail")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_id = serializers.IntegerField(read_only=True)
    contract = serializers.CharField(
        source="contract.reference", read_only=True, allow_null=True, help_text="The contract's reference, if any."
    )
    contract_id = serializers.IntegerField(read_only=True, allow_null=True)
    certification_id = serializers.IntegerField(read_only=True, allow_null=True)
    recipients = serializers.ListField(child=serializers.CharField(), read_only=True)
    acknowledged = serializers.BooleanField(source="is_acknowledged", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, allow_null=True, help_text="The user name."
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "url",
            "kind",
            "kind_display",
            "provider",
            "provider_id",
            "contract",
            "contract_id",
            "certification_id",
            "due_on",
            "threshold",
            "subject",
            "message",
            "recipients",
            "created_at",
            "sent_at",
            "acknowledged",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = fields
