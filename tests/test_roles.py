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
        perms = Group.objects.get(name=name).permissions.exclude(content_type__app_label="scorecards")
        codenames = set(perms.values_list("codename", flat=True))
        assert "view_provider" in codenames
        assert not {p for p in codenames if not p.startswith("view_")}, f"{name} must be read-only"


def test_scorecards_belong_to_procurement():
    """Procurement edits templates, rates and approves; operations and viewers only read scorecards."""

    def scorecard_perms(name: str) -> set[str]:
        group = Group.objects.get(name=name)
        return set(group.permissions.filter(content_type__app_label="scorecards").values_list("codename", flat=True))

    assert {"add_manualrating", "change_scorecardtemplate", "view_scorecard"} <= scorecard_perms(roles.PROCUREMENT)
    for name in (roles.OPERATIONS, roles.VIEWER, roles.API_CLIENT):
        perms = scorecard_perms(name)
        assert "view_scorecard" in perms
        assert not {p for p in perms if not p.startswith("view_")}, f"{name} must only read scorecards"


def test_sync_is_idempotent():
    before = Group.objects.get(name=roles.VIEWER).permissions.count()
    roles.sync_role_permissions()
    roles.sync_role_permissions()
    assert Group.objects.get(name=roles.VIEWER).permissions.count() == before
