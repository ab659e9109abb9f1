"""Remove compliance results and credit statements for months outside their contract's term.

Recomputation used to run from a report's month to today whatever the contract's dates, so
a contract that ended in 1999 carried a result for every month since. Those rows are
deleted once here; recomputation no longer creates them.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from slas.services import delete_outside_term

    delete_outside_term(
        result_model=apps.get_model("slas", "ComplianceResult"),
        statement_model=apps.get_model("slas", "CreditStatement"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("slas", "0004_recompute_run"),
    ]

    # Elidable: it only deletes stored rows; on an empty database (the squash's case) there are none.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
