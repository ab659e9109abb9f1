"""Sortable tables for the provider lists."""

import django_tables2 as tables

from core.tables import CountColumn
from vendors.models import Certification, Contact, Provider


class ProviderTable(tables.Table):
    name = tables.Column(linkify=True)
    headquarters_country = tables.Column(verbose_name="HQ")
    contract_count = CountColumn(verbose_name="Contracts")
    active_contract_count = CountColumn(verbose_name="Active")

    class Meta:
        model = Provider
        fields = (
            "name",
            "status",
            "risk_tier",
            "data_access",
            "headquarters_country",
            "contract_count",
            "active_contract_count",
        )


class ContactTable(tables.Table):
    name = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)

    class Meta:
        model = Contact
        fields = ("name", "provider", "role", "email", "phone", "is_primary")


class CertificationTable(tables.Table):
    kind = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)

    class Meta:
        model = Certification
        fields = ("kind", "provider", "reference", "issued_on", "expires_on")
