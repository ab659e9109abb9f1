"""Ship a default scorecard template: SLA 40, cost 25, risk 15, relationship 10, innovation 10."""

from django.db import migrations

DEFAULT_CRITERIA = [
    ("sla", "SLA performance", "sla", 40),
    ("cost", "Cost", "cost", 25),
    ("risk", "Risk and compliance", "risk", 15),
    ("relationship", "Relationship", "manual", 10),
    ("innovation", "Innovation", "manual", 10),
]
DEFAULT_BANDS = [
    {"standing": "strategic", "lower": 85.0},
    {"standing": "preferred", "lower": 70.0},
    {"standing": "watch", "lower": 55.0},
    {"standing": "exit", "lower": 0.0},
]


def create_default(apps, schema_editor):
    Template = apps.get_model("scorecards", "ScorecardTemplate")
    Version = apps.get_model("scorecards", "ScorecardTemplateVersion")
    Criterion = apps.get_model("scorecards", "ScorecardCriterion")
    template, _ = Template.objects.get_or_create(
        name="Default",
        defaults={
            "is_default": True,
            "description": "SLA performance, cost against the business case, risk and compliance, "
            "and two criteria reviewers rate.",
        },
    )
    version, created = Version.objects.get_or_create(
        template=template, number=1, defaults={"bands": DEFAULT_BANDS, "note": "Shipped default."}
    )
    if created:
        for code, name, kind, weight in DEFAULT_CRITERIA:
            Criterion.objects.create(version=version, code=code, name=name, kind=kind, weight=weight)


def remove_default(apps, schema_editor):
    apps.get_model("scorecards", "ScorecardTemplate").objects.filter(name="Default", versions__scorecards=None).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
