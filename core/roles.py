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

# Apps where the roles differ from ROLE_ACTIONS: scorecards belong to procurement (templates,
# manual ratings, reviews and their approval); operations reads them like a viewer.
APP_ROLE_ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "scorecards": {
        OPERATIONS: ("view",),
        PROCUREMENT: ("view", "add", "change", "delete"),
        VIEWER: ("view",),
        API_CLIENT: ("view",),
    },
}


def actions_for(role: str, app_label: str) -> tuple[str, ...]:
    """The permission actions ``role`` holds on the models of ``app_label``."""
    return APP_ROLE_ACTIONS.get(app_label, ROLE_ACTIONS).get(role, ())


def sync_role_permissions(sender: Any = None, **kwargs: Any) -> None:
    """Give each role group exactly the domain permissions ROLE_ACTIONS (or APP_ROLE_ACTIONS) name for it.

    Connected to ``post_migrate``; safe to run any number of times. Permissions outside the
    domain apps (e.g. added by an administrator by hand) are left alone.
    """
    using = kwargs.get("using", "default")
    domain_perms = list(
        Permission.objects.using(using).filter(content_type__app_label__in=DOMAIN_APPS).select_related("content_type")
    )
    for role in ROLE_ACTIONS:
        group, _ = Group.objects.using(using).get_or_create(name=role)

        def granted(perm: Permission, role: str = role) -> bool:
            return perm.codename.split("_", 1)[0] in actions_for(role, perm.content_type.app_label)

        wanted = [p for p in domain_perms if granted(p)]
        unwanted = [p for p in domain_perms if not granted(p)]
        group.permissions.add(*wanted)
        group.permissions.remove(*unwanted)
