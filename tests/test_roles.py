"""Role groups and the permissions they hold."""

import pytest
from django.contrib.auth.models import Group

from core import roles

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_domain_permissions():
    operations = Group.objects.get(name=roles.OPERATIONS)
    codenames = set(operations.permissions.values_list("codename", flat=True))
    assert {"add_provider", "change_contract", "delete_servicelevel", "view_process"} <= codenames

    for name in (roles.PROCUREMENT, roles.VIEWER, roles.API_CLIENT):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert "view_provider" in perms
        assert not {p for p in perms if not p.startswith("view_")}, f"{name} must be read-only"


def test_sync_is_idempotent():
    before = Group.objects.get(name=roles.VIEWER).permissions.count()
    roles.sync_role_permissions()
    roles.sync_role_permissions()
    assert Group.objects.get(name=roles.VIEWER).permissions.count() == before
