from typing import Any

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Vendor reports"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_builtin_layouts, sender=self, dispatch_uid="reports.builtin_layouts")


def _ensure_builtin_layouts(sender: Any, **kwargs: Any) -> None:
    """The canonical layouts always exist (also after a test database flush)."""
    from reports.models import ReportKind
    from reports.services import builtin_layout

    for kind in ReportKind.values:
        builtin_layout(kind)
