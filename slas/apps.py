from typing import Any

from django.apps import AppConfig


class SlasConfig(AppConfig):
    name = "slas"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from reports.signals import report_processed

        report_processed.connect(_recompute_after_import, dispatch_uid="slas.recompute_after_import")

        from core.panels import Panel, register_panel
        from slas.views import contract_compliance_panel

        register_panel(
            "contracts.contract",
            Panel("compliance", "slas/contract_compliance_panel.html", contract_compliance_panel, order=10),
        )


def _recompute_after_import(sender: Any, report: Any, **kwargs: Any) -> None:
    """Every finished import (completed, failed, or superseding another) refreshes compliance.

    Bulk loaders (``seed_demo``) turn this off with ``SLA_RECOMPUTE_ON_IMPORT = False`` and
    recompute once at the end instead of after every file.
    """
    from django.conf import settings
    from django.utils import timezone

    from reports.services import compliance_recomputed
    from slas.tasks import recompute_for_report

    if not getattr(settings, "SLA_RECOMPUTE_ON_IMPORT", True):
        compliance_recomputed(report.pk, started=timezone.now())  # the bulk loader recomputes
        return
    recompute_for_report.delay(report.pk)
