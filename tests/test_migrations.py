"""The squashed migrations: what a fresh database gets from them is what the old ones gave.

The schema itself was compared once with ``pg_dump --schema-only`` (identical); these tests keep
the parts that can drift: ``CreateModels`` (core.migration_operations) must leave the same
migration state as its ``CreateModel`` operations one by one, with every rendered model pointing
at the current classes (a model left out of the re-render would keep a stale relation), and
the data migrations copied into the squashes must still have run.
"""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from core.migration_operations import CreateModels
from scorecards.models import ScorecardTemplateVersion

SQUASHES = [
    ("vendors", "0001_squashed_0004_provider_standing_consequences"),
    ("contracts", "0001_squashed_0010_invoice_tolerance"),
    ("reports", "0001_squashed_0005_import_lane"),
    ("slas", "0001_squashed_0008_invoice_trigger"),
    ("savings", "0001_squashed_0003_invoice_check"),
    ("scorecards", "0001_squashed_0005_scorecard_rank_trend_rollups"),
]


def _relations(apps):
    """Every model's fields (reverse ones included) and whether each relation's class is current."""
    out = {}
    for model in apps.get_models():
        fields = []
        for field in model._meta.get_fields(include_hidden=True):
            current = True
            if field.related_model is not None:
                other = field.related_model._meta
                current = field.related_model is apps.get_model(other.app_label, other.model_name)
            fields.append((field.name, current))
        out[model._meta.label_lower] = sorted(fields)
    return out


@pytest.mark.parametrize(("app", "name"), SQUASHES)
def test_create_models_leaves_the_state_one_create_model_after_another_would(app, name):
    loader = MigrationLoader(None, ignore_no_migrations=True)  # no database: squashes in the graph
    migration = loader.get_migration(app, name)
    [batch] = [operation for operation in migration.operations if isinstance(operation, CreateModels)]
    before = loader.project_state((app, name), at_end=False)
    before.apps  # noqa: B018 -- rendered, as migrate renders it before the first migration it applies
    batched, one_by_one = before.clone(), before.clone()
    batch.state_forwards(app, batched)
    for operation in batch.operations:
        operation.state_forwards(app, one_by_one)

    assert batched.models == one_by_one.models
    relations = _relations(batched.apps)
    assert relations == _relations(one_by_one.apps)
    stale = {label: [f for f, current in fields if not current] for label, fields in relations.items()}
    assert {label: fields for label, fields in stale.items() if fields} == {}


@pytest.mark.django_db
def test_the_fresh_test_database_was_migrated_by_the_squashes_and_has_their_data():
    applied = MigrationRecorder(connection).applied_migrations()
    assert all(key in applied for key in SQUASHES)
    version = ScorecardTemplateVersion.objects.get(template__name="Default", number=1)
    assert [(band["standing"], band["consequence"]) for band in version.bands] == [
        ("strategic", ""),
        ("preferred", ""),
        ("watch", "probation"),
        ("exit", "no_new_contracts"),
    ]
    assert version.criteria.count() == 5
