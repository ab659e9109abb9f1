import importlib.util
from typing import Any

from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Vendor reports"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_builtin_layouts, sender=self, dispatch_uid="reports.builtin_layouts")
        checks.register(_defusedxml_installed, checks.Tags.security)


def _defusedxml_installed(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """defusedxml must be there for openpyxl to read vendor XLSX files safely.

    The XLSX reader refuses to read without it (``reports.parsing.readers._openpyxl``), but
    openpyxl is imported only at the first XLSX: this says so when the server starts, not when
    a vendor uploads. (``find_spec`` imports neither package.)
    """
    if importlib.util.find_spec("defusedxml") is None:
        return [
            checks.Error(
                "defusedxml is not installed: vendor XLSX files cannot be read safely.",
                hint="pip install -r requirements.txt",
                id="reports.E001",
            )
        ]
    return []


def _ensure_builtin_layouts(sender: Any, **kwargs: Any) -> None:
    """The canonical layouts always exist (also after a test database flush)."""
    from reports.models import ReportKind
    from reports.services import builtin_layout

    for kind in ReportKind.values:
        builtin_layout(kind)
