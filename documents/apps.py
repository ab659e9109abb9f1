from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents (signed contracts, amendments, certificates) kept with contracts and providers.

    Sits just above ``contracts``: a document belongs to a contract or a provider. Both pages
    show their documents through a panel (``core.panels``), so neither app knows this one.
    """

    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from core.panels import Panel, register_panel
        from documents.views import documents_panel

        for model_label in ("contracts.contract", "vendors.provider"):
            register_panel(model_label, Panel("documents", "documents/documents_panel.html", documents_panel, order=50))
