from typing import Any

from django.apps import AppConfig


class SavingsConfig(AppConfig):
    """Cost savings: the in-house baseline against what each contract costs, per month.

    Sits above ``slas``: a month's savings need its charges and credits, so they are
    recomputed whenever compliance is (``slas.signals.compliance_recomputed``).
    """

    name = "savings"
    verbose_name = "Savings"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from contracts.models import Contract, ProcessBaseline
        from core.panels import Panel, register_panel
        from savings.models import ExchangeRate
        from savings.views import contract_invoices_panel, contract_savings_panel, provider_savings_panel
        from slas.signals import compliance_recomputed

        compliance_recomputed.connect(_recompute_savings, dispatch_uid="savings.after_compliance")
        for signal in (post_save, post_delete):
            signal.connect(_rate_changed, sender=ExchangeRate, dispatch_uid=f"savings.rate.{signal}")
            signal.connect(_baseline_changed, sender=ProcessBaseline, dispatch_uid=f"savings.baseline.{signal}")
        post_save.connect(_contract_changed, sender=Contract, dispatch_uid="savings.contract_terms")
        register_panel(
            "contracts.contract",
            Panel("savings", "savings/contract_savings_panel.html", contract_savings_panel, order=20),
        )
        register_panel(
            "contracts.contract",
            Panel("invoices", "savings/contract_invoices_panel.html", contract_invoices_panel, order=25),
        )
        register_panel(
            "vendors.provider",
            Panel("savings", "savings/provider_savings_panel.html", provider_savings_panel, order=20),
        )


def _recompute_savings(sender: Any, contract_id: int, months: list, **kwargs: Any) -> None:
    from savings.services import recompute_savings

    recompute_savings(contract_id=contract_id, months=months)


def _enqueue(contract_ids: list[int]) -> None:
    from django.db import transaction

    from savings.tasks import recompute_contracts

    if contract_ids:
        transaction.on_commit(lambda: recompute_contracts.delay(sorted(set(contract_ids))))


def _rate_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A rate (added, edited or removed) changes the months of the contracts that use its currency."""
    from savings.services import contracts_using_currency

    _enqueue(contracts_using_currency(instance.currency))


def _baseline_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from contracts.models import Contract

    _enqueue(list(Contract.objects.filter(processes=instance.process_id).values_list("pk", flat=True)))


def _contract_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """The business case, retained costs or currency may have changed: the term's months follow."""
    if not kwargs.get("raw"):
        _enqueue([instance.pk])
