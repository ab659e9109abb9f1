from typing import Any

from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The top floor: pages, demo data and benchmarks that compose every domain app.

    Nothing below imports this app; it may import any of them.
    """

    name = "overview"
    verbose_name = "Overview"

    def ready(self) -> None:
        track_shown_models()


def _contract(obj: Any) -> str:
    return f"contract:{obj.contract_id}"


def _provider(obj: Any) -> str:
    return f"provider:{obj.provider_id}"


def _own(obj: Any) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def _reminder(obj: Any) -> str:
    return _contract(obj) if obj.contract_id else _provider(obj)


def track_shown_models() -> None:
    """Every model whose rows the version-keyed caches show (``core.versions``): its saves bump the version.

    What the cached answers read: ``/api/v1/sla-status/`` and ``/api/v1/compliance/``
    (service levels, results, their contract, provider and process) and the dashboard
    (those, plus credits, savings, invoices, certifications, reminders). Writes that bypass
    model signals (bulk upserts, ``QuerySet.update``) bump explicitly in their services.
    A model added to what these pages show must be added here.
    """
    from contracts.models import Contract, Invoice, Process
    from core.versions import track, track_m2m
    from reminders.models import Reminder
    from slas.models import ServiceLevel
    from vendors.models import Certification, Provider

    track(Provider, _own)
    track(Certification, _provider)
    track(Process, _own)
    track(Contract, _own)
    track_m2m(Contract.processes.through, _own)
    track(ServiceLevel, _contract)
    track(Invoice, _contract)
    track(Reminder, _reminder)
