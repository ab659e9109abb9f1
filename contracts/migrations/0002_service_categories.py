"""The ten BPO service categories every process belongs to."""

from django.db import migrations

CATEGORIES = [
    ("customer-support", "Customer support & call centre", "Voice, chat, email and social customer service."),
    ("back-office", "Back-office operations", "Data entry, order processing, document handling."),
    ("finance-accounting", "Finance & accounting", "Accounts payable and receivable, reconciliation, payroll accounting."),
    ("it-services", "IT services", "Service desk, application support, infrastructure operations."),
    ("hr-services", "HR services", "Recruitment, onboarding, payroll administration, benefits."),
    ("supply-chain", "Supply chain & logistics", "Procurement operations, inventory, order-to-delivery."),
    ("content-digital", "Content & digital marketing", "Content moderation, campaign operations, SEO."),
    ("research-analytics", "Research & data analysis", "Market research, data annotation, analytics."),
    ("legal-process", "Legal process outsourcing", "Document review, contract management, e-discovery."),
    ("healthcare-bpo", "Healthcare BPO", "Medical billing and coding, claims processing."),
]


def create_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("contracts", "ServiceCategory")
    for code, name, description in CATEGORIES:
        ServiceCategory.objects.update_or_create(code=code, defaults={"name": name, "description": description})


def delete_categories(apps, schema_editor):
    apps.get_model("contracts", "ServiceCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(create_categories, delete_categories)]
