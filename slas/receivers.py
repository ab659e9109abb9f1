"""What makes compliance recompute: finished imports, and edits of the terms it is computed from.

Connected in ``SlasConfig.ready``. ``contracts`` and ``reports`` stay unaware of ``slas``:
they save and announce, and these receivers decide what to recompute. The stored terms are
read before a save and compared after it, so a save that changes nothing recomputes nothing
and the run's reason names what did change; the signed-in user of the request that saved
(browser or API, through django-crum's middleware) is recorded as who asked.
"""

from decimal import Decimal
from typing import Any

from crum import get_current_user
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from contracts.models import Contract
from slas import services
from slas.models import ComplianceResult, RecomputeRun, ServiceLevel

# What a result or a credit is computed from, per model (attribute names).
SERVICE_LEVEL_TERMS = (
    "process_id",
    "metric",
    "parameters",
    "expected_level",
    "minimum_level",
    "measurement_period",
    "kind",
    "credit_allocation_percent",
    "minimum_sample_size",
)
CONTRACT_TERMS = (
    "start_date",
    "end_date",
    "time_zone",
    "pricing_model",
    "unit_price",
    "fte_rate",
    "fixed_monthly_fee",
    "fte_count",
    "at_risk_percent",
    "credit_cap",
    "credit_pool_limit_percent",
    "consecutive_miss_periods",
    "earn_back",
    "earn_back_periods",
    "chronic_breach_count",
)
_STORED = "_slas_stored_terms"


def recompute_after_import(sender: Any, report: Any, superseded: Any = (), **kwargs: Any) -> None:
    """A completed import recomputes the months it changed; a failed one changes nothing.

    Bulk loaders (``seed_demo``) turn this off with ``SLA_RECOMPUTE_ON_IMPORT = False`` and
    recompute once at the end instead of after every file.
    """
    from reports.models import VendorReport
    from slas.tasks import recompute_for_report

    if not getattr(settings, "SLA_RECOMPUTE_ON_IMPORT", True):
        from django.utils import timezone

        from reports.services import compliance_recomputed

        compliance_recomputed(report.pk, started=timezone.now())  # the bulk loader recomputes
        return
    if report.status == VendorReport.Status.FAILED:
        return
    # The status is checked again from the database by the task: the sender's copy of a
    # completed report may not have been refreshed yet.
    recompute_for_report.delay(report.pk, [r.pk for r in superseded or ()])


def _enabled() -> bool:
    return getattr(settings, "SLA_RECOMPUTE_ON_CHANGE", True)


def _normalised(model: type[models.Model], attname: str, value: Any) -> Any:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    try:
        value = field.to_python(value)
    except ValidationError:
        return value
    if value is None or isinstance(value, Decimal | dict | list | bool | int):
        return value
    return str(value)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def remember_stored_terms(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any):
    """pre_save: keep the terms as stored, to compare with what is saved."""
    terms = CONTRACT_TERMS if sender is Contract else SERVICE_LEVEL_TERMS
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None or not _enabled():
        return
    if update_fields is not None and not {t.removesuffix("_id") for t in terms} & set(update_fields):
        return  # e.g. only the status or a timestamp is being saved
    stored = sender._default_manager.filter(pk=instance.pk).values(*terms).first()
    setattr(instance, _STORED, stored)


def _changed_terms(sender: type[models.Model], instance: models.Model, stored: dict[str, Any]) -> list[str]:
    changes = []
    for attname, old in stored.items():
        before, after = _normalised(sender, attname, old), _normalised(sender, attname, getattr(instance, attname))
        if before != after:
            name = getattr(sender._meta.get_field(attname.removesuffix("_id")), "verbose_name", attname)
            changes.append(f"{name}: {_display(before)} → {_display(after)}")
    return changes


def _has_inputs(contract: Contract) -> bool:
    """Nothing to recompute for a contract without any report or result yet."""
    from reports.models import VendorReport

    return (
        VendorReport.objects.filter(contract=contract, status=VendorReport.Status.COMPLETED).exists()
        or ComplianceResult.objects.filter(service_level__contract=contract).exists()
    )


def recompute_after_service_level_saved(
    sender: type[ServiceLevel], instance: ServiceLevel, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new service level gets its past months; a changed one has its months recomputed."""
    stored = instance.__dict__.pop(_STORED, None)
    if raw or not _enabled():
        return
    if created:
        reason = f"Service level “{instance.display_name}” added."
    elif stored is None:
        return
    else:
        changes = _changed_terms(sender, instance, stored)
        if not changes:
            return
        reason = f"Service level “{instance.display_name}” changed: " + "; ".join(changes) + "."
    if _has_inputs(instance.contract):
        services.request_recompute(
            contract=instance.contract,
            trigger=RecomputeRun.Trigger.SERVICE_LEVEL,
            reason=reason,
            service_level=instance,
            user=get_current_user(),
        )


def recompute_after_service_level_deleted(sender: type[ServiceLevel], instance: ServiceLevel, **kwargs: Any) -> None:
    """The remaining service levels share the credit pool: their credits may change.

    Not when the contract itself is being deleted (then there is nothing left to compute).
    """
    origin = kwargs.get("origin")
    if not _enabled() or isinstance(origin, Contract):
        return
    contract = Contract.objects.filter(pk=instance.contract_id).first()
    if contract is not None and _has_inputs(contract):
        services.request_recompute(
            contract=contract,
            trigger=RecomputeRun.Trigger.SERVICE_LEVEL,
            reason=f"Service level “{instance.display_name}” deleted.",
            user=get_current_user(),
        )


def recompute_after_contract_saved(
    sender: type[Contract], instance: Contract, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Changed credit, pricing or term dates recompute the contract's months."""
    stored = instance.__dict__.pop(_STORED, None)
    if raw or created or stored is None or not _enabled():
        return
    changes = _changed_terms(sender, instance, stored)
    if changes and _has_inputs(instance):
        services.request_recompute(
            contract=instance,
            trigger=RecomputeRun.Trigger.CONTRACT,
            reason="Contract terms changed: " + "; ".join(changes) + ".",
            user=get_current_user(),
        )


def recompute_after_invoice_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A recorded invoice (added, changed or removed) replaces the month's charges: recompute it.

    The month's charges, credits and savings (through ``compliance_recomputed``) follow,
    and so does the invoice discrepancy. Not while the contract itself is being deleted.
    """
    if raw or not _enabled() or isinstance(kwargs.get("origin"), Contract):
        return
    contract = Contract.objects.filter(pk=instance.contract_id).first()
    if contract is None:
        return
    verb = "removed" if kwargs.get("signal") is models.signals.post_delete else "recorded"
    services.request_recompute(
        contract=contract,
        trigger=RecomputeRun.Trigger.INVOICE,
        changed=[instance.period],
        reason=f"Invoice {instance.reference or '(no reference)'} for {instance.period:%Y-%m} {verb}.",
        user=get_current_user(),
    )


def copy_service_levels_to_renewal(sender: Any, previous: Contract, renewal: Contract, **kwargs: Any) -> None:
    """``contracts.lifecycle.contract_renewed``: the next term starts with the previous term's service levels.

    Copies, not moves: the previous term keeps its own service levels and their results.
    """
    copies = []
    for service_level in ServiceLevel.objects.filter(contract=previous).order_by("pk"):
        service_level.pk = None
        service_level.id = None
        service_level._state.adding = True
        service_level.contract = renewal
        copies.append(service_level)
    for copy in copies:
        copy.save()
