"""REST endpoints for providers, contacts and certifications."""

from core.api.views import SelectorModelViewSet
from vendors import filtersets, selectors
from vendors.api import serializers
from vendors.models import Certification, Contact, Provider


class ProviderViewSet(SelectorModelViewSet):
    queryset = Provider.objects.none()
    selector = staticmethod(selectors.provider_list)
    serializer_class = serializers.ProviderSerializer
    filterset_class = filtersets.ProviderFilterSet
    ordering_fields = ["name", "status", "risk_tier", "created_at", "contract_count"]


class ContactViewSet(SelectorModelViewSet):
    queryset = Contact.objects.none()
    selector = staticmethod(selectors.contact_list)
    serializer_class = serializers.ContactSerializer
    filterset_class = filtersets.ContactFilterSet
    ordering_fields = ["name", "provider__name"]


class CertificationViewSet(SelectorModelViewSet):
    queryset = Certification.objects.none()
    selector = staticmethod(selectors.certification_list)
    serializer_class = serializers.CertificationSerializer
    filterset_class = filtersets.CertificationFilterSet
    ordering_fields = ["expires_on", "issued_on", "kind"]
