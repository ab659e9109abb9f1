"""The sortable list of documents."""

import django_tables2 as tables
from django.template.defaultfilters import filesizeformat

from core.tables import PortalTable
from documents.models import Document


class DocumentTable(PortalTable):
    title = tables.Column(linkify=True)
    owner = tables.Column(accessor="owner", verbose_name="Attached to", orderable=False, linkify=True)
    size = tables.Column()

    class Meta:
        model = Document
        fields = ("title", "kind", "owner", "original_name", "size", "valid_from", "valid_until", "uploaded_at")

    def render_size(self, value: int) -> str:
        return filesizeformat(value)

    def value_size(self, value: int) -> int:
        return value
