"""The ten BPO service categories every process belongs to."""

from django.db import migrations

from contracts.categories import CATEGORIES, ensure_service_categories


def create_categories(apps, schema_editor):
    ensure_service_categories(apps.get_model("contracts", "ServiceCategory"))


def delete_categories(apps, schema_editor):
    apps.get_model("contracts", "ServiceCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(create_categories, delete_categories)]
