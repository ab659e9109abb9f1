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
        _bump_on_permission_changes()


def _bump_on_permission_changes() -> None:
    """Cached permission sets (``core.permissions``) are keyed by the version these bump."""
    from django.contrib.auth.models import Group, Permission, User
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.permissions import permissions_changed, user_saved

    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"core.perms.{through.__name__}")
    for model in (Group, Permission):
        post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"core.perms.delete.{model.__name__}")
    post_save.connect(user_saved, sender=User, dispatch_uid="core.perms.user")

    from rest_framework.authtoken.models import Token

    from core.api.authentication import token_deleted

    post_delete.connect(token_deleted, sender=Token, dispatch_uid="core.perms.token.delete")
