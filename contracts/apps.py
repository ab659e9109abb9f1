from typing import Any

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Processes and contracts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Also after a database flush (which re-sends post_migrate), the categories exist.
        post_migrate.connect(_ensure_categories, sender=self, dispatch_uid="contracts.ensure_categories")


def _ensure_categories(sender: Any, **kwargs: Any) -> None:
    from contracts.categories import ensure_service_categories
    from contracts.models import ServiceCategory

    ensure_service_categories(ServiceCategory)
