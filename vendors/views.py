"""Browser views for providers, contacts and certifications."""

from typing import Any

from django.utils import timezone

from core.views import ObjectDetailView, ObjectViews
from vendors import filtersets, forms, selectors, tables
from vendors.certifications import certification_problems
from vendors.models import Certification, Contact, Provider


class ProviderDetailView(ObjectDetailView):
    template_name = "vendors/provider_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        provider = self.object
        context["contacts"] = provider.contacts.all()
        context["certifications"] = provider.certifications.all()
        context["contracts"] = provider.contracts.order_by("-start_date")
        context["certification_problems"] = certification_problems(provider, on=timezone.localdate())
        return context


provider_views = ObjectViews(
    model=Provider,
    selector=selectors.provider_list,
    filterset=filtersets.ProviderFilterSet,
    table=tables.ProviderTable,
    form=forms.ProviderForm,
    detail_view=ProviderDetailView,
)
contact_views = ObjectViews(
    model=Contact,
    selector=selectors.contact_list,
    filterset=filtersets.ContactFilterSet,
    table=tables.ContactTable,
    form=forms.ContactForm,
)
certification_views = ObjectViews(
    model=Certification,
    selector=selectors.certification_list,
    filterset=filtersets.CertificationFilterSet,
    table=tables.CertificationTable,
    form=forms.CertificationForm,
)
