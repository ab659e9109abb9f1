"""Create the role groups (operations, procurement, viewer, api_client).

Their permissions are assigned by ``core.roles.sync_role_permissions`` after migrate,
because the permission rows of the domain models only exist once migrate has finished.
"""

from django.db import migrations

ROLES = ("operations", "procurement", "viewer", "api_client")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, delete_groups)]
