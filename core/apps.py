from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.roles import sync_role_permissions

        # Role permissions follow the models: when a later migration adds a model, its
        # permissions reach the right groups without a hand-written migration.
        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")
