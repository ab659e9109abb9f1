"""API representations of providers, contacts and certifications."""

from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from core.api.fields import LookupRelatedField
from core.api.serializers import ValidatedModelSerializer
from vendors.models import Certification, Contact, Provider


class ProviderSerializer(CountryFieldMixin, ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:provider-detail")
    contract_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = [
            "id",
            "url",
            "name",
            "legal_name",
            "headquarters_country",
            "delivery_countries",
            "website",
            "status",
            "risk_tier",
            "data_access",
            "notes",
            "contract_count",
            "on_probation",
            "probation_reason",
            "probation_since",
            "new_contracts_blocked",
            "new_contracts_blocked_reason",
            "new_contracts_blocked_since",
            "created_at",
            "updated_at",
        ]
        # Set by a procurement reviewer confirming a scorecard consequence, never edited here.
        read_only_fields = [
            "on_probation",
            "probation_reason",
            "probation_since",
            "new_contracts_blocked",
            "new_contracts_blocked_reason",
            "new_contracts_blocked_since",
        ]


class ContactSerializer(ValidatedModelSerializer):
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name")

    class Meta:
        model = Contact
        fields = ["id", "provider", "name", "role", "email", "phone", "is_primary", "created_at", "updated_at"]


class CertificationSerializer(ValidatedModelSerializer):
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name")

    class Meta:
        model = Certification
        fields = ["id", "provider", "kind", "reference", "issued_on", "expires_on", "created_at", "updated_at"]
