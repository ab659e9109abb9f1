"""A user's permissions read once per change, not on every request.

Django's ``ModelBackend`` keeps a user's permissions on the user object, which lives for one
request: every page and every API call ran the same two queries again (the user's own
permissions and those of their groups; 15 % of an API request's time). This backend keeps
the set in the Django cache under the user and the data version (``core.versions``), which
every change of a role bumps (group membership, a group's or user's permissions, a group or
permission deleted, a user made superuser): a user who loses a role is refused on the very
next request, never served from a stale set. The version is read once per request anyway
by the cached API lists, and a cache that cannot be reached just means the two queries.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection

from core import versions

AUTH_VERSION = "auth:permissions"
PERMISSIONS_SECONDS = 3600


class CachedPermissionsBackend(ModelBackend):
    """``ModelBackend`` whose ``get_all_permissions`` is cached per user and data version."""

    def get_user(self, user_id: Any) -> Any:
        """The session's user, with the data version read in the same query (``core.versions``)."""
        try:
            user = User._default_manager.annotate(_data_version=versions.version_expression()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if hasattr(user_obj, "_perm_cache"):
            return user_obj._perm_cache
        key = versions.cache_key(
            "perms",
            connection.settings_dict["NAME"],
            versions.current_for(user_obj),
            user_obj.pk,
            user_obj.date_joined,
            user_obj.is_superuser,
        )
        permissions = versions.cache_get(key)
        if permissions is None:
            permissions = super().get_all_permissions(user_obj)
            versions.cache_set(key, permissions, PERMISSIONS_SECONDS)
        user_obj._perm_cache = permissions
        return permissions


def permissions_changed(sender: Any, action: str = "", **kwargs: Any) -> None:
    """m2m_changed on groups and permissions, post_delete of a group or permission: bump the version."""
    if action in ("", "post_add", "post_remove", "post_clear"):
        versions.bump(AUTH_VERSION)


def user_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A user saved (superuser flag, active flag) may hold other permissions; a sign-in (last_login) does not."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    versions.bump(AUTH_VERSION)
