"""Sortable tables for the provider lists."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from core.tables import CountColumn, PortalTable
from vendors.certifications import certification_problems
from vendors.models import Certification, Contact, Provider


class CertificationFlagColumn(tables.Column):
    """The provider's missing or expired required certifications as badges ("HIPAA expired")."""

    def __init__(self, accessor: str = "pk", **kwargs) -> None:
        self.provider_path = kwargs.pop("provider_path", "")
        kwargs.setdefault("verbose_name", "Certifications")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor=accessor, **kwargs)

    def _problems(self, record) -> list:
        provider = record if not self.provider_path else getattr(record, self.provider_path)
        return certification_problems(provider, on=timezone.localdate())

    def render(self, record) -> SafeString:
        problems = self._problems(record)
        provider = record if not self.provider_path else getattr(record, self.provider_path)
        context = {"problems": problems, "provider": provider}
        return SafeString(render_to_string("includes/certification_badges.html", context))

    def value(self, record) -> str:
        return ", ".join(p.label for p in self._problems(record))


class StandingFlagColumn(tables.Column):
    """What a confirmed scorecard consequence put on the provider: probation, no new contracts."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", "Standing flags")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="pk", **kwargs)

    def value(self, record) -> str:
        flags = []
        if record.on_probation:
            flags.append("on probation")
        if record.new_contracts_blocked:
            flags.append("no new contracts")
        return ", ".join(flags)

    def render(self, record) -> SafeString:
        return SafeString(render_to_string("vendors/standing_flags.html", {"provider": record}))


class ProviderTable(PortalTable):
    name = tables.Column(linkify=True)
    standing_flags = StandingFlagColumn()
    headquarters_country = tables.Column(verbose_name="HQ")
    contract_count = CountColumn(verbose_name="Contracts")
    active_contract_count = CountColumn(verbose_name="Active")
    certification_flags = CertificationFlagColumn()

    class Meta:
        model = Provider
        fields = (
            "name",
            "status",
            "risk_tier",
            "data_access",
            "certification_flags",
            "standing_flags",
            "headquarters_country",
            "contract_count",
            "active_contract_count",
        )


class ContactTable(PortalTable):
    name = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)

    class Meta:
        model = Contact
        fields = ("name", "provider", "role", "email", "phone", "is_primary")


class CertificationTable(PortalTable):
    kind = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)

    class Meta:
        model = Certification
        fields = ("kind", "provider", "reference", "issued_on", "expires_on")
