"""Browser forms for providers, contacts and certifications."""

from django import forms

from core.forms import DateInput
from vendors.models import Certification, Contact, Provider


class ProviderForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Provider
        fields = [
            "name",
            "legal_name",
            "headquarters_country",
            "delivery_countries",
            "website",
            "status",
            "risk_tier",
            "data_access",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "delivery_countries": forms.SelectMultiple(attrs={"size": 6}),
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["provider", "name", "role", "email", "phone", "is_primary"]


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["provider", "kind", "reference", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}
