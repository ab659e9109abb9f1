"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters
from django_countries import countries

from core.filtersets import KeyedModelChoiceFilter, KeyedModelMultipleChoiceFilter, SearchFilterSet, YesNoFilter
from vendors.models import Certification, Contact, Provider

PROVIDER_KEYS = ("name",)


def provider_filter(field_name: str = "provider", *, multiple: bool = True, label: str = "Provider", **kwargs):
    """The provider filter every list shares: the provider's id or its name (case-insensitive)."""
    cls = KeyedModelMultipleChoiceFilter if multiple else KeyedModelChoiceFilter
    return cls(
        queryset=Provider.objects.all(),
        keys=PROVIDER_KEYS,
        field_name=field_name,
        label=label,
        help_text="The provider's id or its name.",
        **kwargs,
    )


class ProviderFilterSet(SearchFilterSet):
    search_fields = ("name", "legal_name", "notes")
    status = django_filters.MultipleChoiceFilter(choices=Provider.Status.choices)
    risk_tier = django_filters.MultipleChoiceFilter(choices=Provider.RiskTier.choices, label="Risk tier")
    data_access = django_filters.MultipleChoiceFilter(choices=Provider.DataAccess.choices, label="Data access")
    headquarters_country = django_filters.ChoiceFilter(choices=countries, label="Headquarters")
    delivery_country = django_filters.ChoiceFilter(
        choices=countries, field_name="delivery_countries", lookup_expr="icontains", label="Delivers from"
    )

    class Meta:
        model = Provider
        fields = ["q", "status", "risk_tier", "data_access", "headquarters_country", "delivery_country"]


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "role", "email", "provider__name")
    provider = provider_filter()
    is_primary = YesNoFilter(label="Primary contact")

    class Meta:
        model = Contact
        fields = ["q", "provider", "is_primary"]


class CertificationFilterSet(SearchFilterSet):
    search_fields = ("reference", "provider__name")
    provider = provider_filter()
    kind = django_filters.MultipleChoiceFilter(choices=Certification.Kind.choices)
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte", label="Expires on or before")

    class Meta:
        model = Certification
        fields = ["q", "provider", "kind", "expires_before"]
