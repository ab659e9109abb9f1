"""User roles as Django groups, and the permissions each one holds.

The groups themselves are created by a data migration (``core/migrations/0001``); the
permissions are (re)assigned after every ``migrate`` so that models added by later issues
reach the right roles without anyone remembering to edit a migration.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

OPERATIONS = "operations"
PROCUREMENT = "procurement"
VIEWER = "viewer"
API_CLIENT = "api_client"

ROLE_NAMES = (OPERATIONS, PROCUREMENT, VIEWER, API_CLIENT)

# Apps whose models make up the operational domain.
DOMAIN_APPS = ("vendors", "contracts", "documents", "slas", "reports", "savings", "reminders", "scorecards")

# Which permission actions each role gets on every domain model.
ROLE_ACTIONS: dict[str, tuple[str, ...]] = {
    OPERATIONS: ("view", "add", "change", "delete"),
    PROCUREMENT: ("view",),
    VIEWER: ("view",),
    API_CLIENT: ("view",),
}


def sync_role_permissions(sender: Any = None, **kwargs: Any) -> None:
    """Give each role group exactly the domain permissions ROLE_ACTIONS names for it.

    Connected to ``post_migrate``; safe to run any number of times. Permissions outside the
    domain apps (e.g. added by an administrator by hand) are left alone.
    """
    using = kwargs.get("using", "default")
    domain_perms = Permission.objects.using(using).filter(content_type__app_label__in=DOMAIN_APPS)
    for role, actions in ROLE_ACTIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = [p for p in domain_perms if p.codename.split("_", 1)[0] in actions]
        unwanted = [p for p in domain_perms if p.codename.split("_", 1)[0] not in actions]
        group.permissions.add(*wanted)
        group.permissions.remove(*unwanted)
