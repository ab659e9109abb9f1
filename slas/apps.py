from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class SlasConfig(AppConfig):
    name = "slas"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from contracts.lifecycle import contract_renewed
        from contracts.models import Contract, Invoice
        from reports.signals import report_processed
        from slas import receivers
        from slas.models import ServiceLevel

        report_processed.connect(receivers.recompute_after_import, dispatch_uid="slas.recompute_after_import")
        contract_renewed.connect(receivers.copy_service_levels_to_renewal, dispatch_uid="slas.copy_to_renewal")
        for model, saved in (
            (ServiceLevel, receivers.recompute_after_service_level_saved),
            (Contract, receivers.recompute_after_contract_saved),
        ):
            pre_save.connect(receivers.remember_stored_terms, sender=model, dispatch_uid=f"slas.terms.{model.__name__}")
            post_save.connect(saved, sender=model, dispatch_uid=f"slas.recompute.{model.__name__}")
        post_delete.connect(
            receivers.recompute_after_service_level_deleted, sender=ServiceLevel, dispatch_uid="slas.recompute.sla_del"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.recompute_after_invoice_changed,
                sender=Invoice,
                dispatch_uid=f"slas.recompute.invoice.{signal}",
            )

        from core.panels import Panel, register_panel
        from slas.views import contract_compliance_panel

        register_panel(
            "contracts.contract",
            Panel("compliance", "slas/contract_compliance_panel.html", contract_compliance_panel, order=10),
        )
