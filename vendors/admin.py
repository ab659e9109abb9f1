from django.contrib import admin

from vendors.forms import ProviderForm
from vendors.models import Certification, Contact, Provider


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
    list_display = ("name", "status", "risk_tier", "data_access", "headquarters_country")
    list_filter = ("status", "risk_tier", "data_access")
    search_fields = ("name", "legal_name")
    inlines = [ContactInline, CertificationInline]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "provider", "issued_on", "expires_on")
    list_filter = ("kind",)
    search_fields = ("provider__name", "reference")
