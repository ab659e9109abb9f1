"""One FilterSet per model, shared by the browser lists and the API."""

import django_filters
from django_countries import countries

from core.filtersets import SearchFilterSet
from vendors.models import Certification, Contact, Provider


class ProviderFilterSet(SearchFilterSet):
    search_fields = ("name", "legal_name", "notes")
    status = django_filters.MultipleChoiceFilter(choices=Provider.Status.choices)
    risk_tier = django_filters.MultipleChoiceFilter(choices=Provider.RiskTier.choices)
    data_access = django_filters.MultipleChoiceFilter(choices=Provider.DataAccess.choices)
    headquarters_country = django_filters.ChoiceFilter(choices=countries)
    delivery_country = django_filters.ChoiceFilter(
        choices=countries, field_name="delivery_countries", lookup_expr="icontains", label="Delivers from"
    )

    class Meta:
        model = Provider
        fields = ["q", "status", "risk_tier", "data_access", "headquarters_country", "delivery_country"]


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "role", "email", "provider__name")

    class Meta:
        model = Contact
        fields = ["q", "provider", "is_primary"]


class CertificationFilterSet(SearchFilterSet):
    search_fields = ("reference", "provider__name")
    kind = django_filters.MultipleChoiceFilter(choices=Certification.Kind.choices)
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")

    class Meta:
        model = Certification
        fields = ["q", "provider", "kind", "expires_before"]
