"""``manage.py import_report``: the same service from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import VendorReport, WorkItem
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_report_command_runs_the_import_and_prints_counts(tmp_path):
    contract = ContractFactory(reference="MSA-CLI")
    path = tmp_path / "october.csv"
    path.write_bytes(canonical_csv([work_item(n) for n in range(30)]))
    out = io.StringIO()
    call_command(
        "import_report",
        str(path),
        "--contract",
        "MSA-CLI",
        "--month",
        "2026-10",
        "--here",
        stdout=out,
        stderr=io.StringIO(),
    )
    report = VendorReport.objects.get(contract=contract)
    assert report.status == "completed" and report.source == "cli"
    assert WorkItem.objects.filter(report=report).count() == 30
    assert "Completed: 30 rows read, 30 accepted, 0 rejected." in out.getvalue()


def test_import_report_command_explains_failures(tmp_path):
    ContractFactory(reference="MSA-CLI2")
    path = tmp_path / "bad.csv"
    path.write_bytes(canonical_csv([work_item(1, outcome="gone")]))
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_report",
            str(path),
            "--contract",
            "MSA-CLI2",
            "--month",
            "2026-10",
            "--here",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert "Failed" in str(exc.value) and "rejected" in str(exc.value)
    with pytest.raises(CommandError, match="No contract"):
        call_command("import_report", str(path), "--contract", "NOPE", "--month", "2026-10")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("import_report", str(path), "--contract", "MSA-CLI2", "--month", "10/2026")
