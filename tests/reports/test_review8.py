"""Second test pass (review8): the API refuses what the upload form refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import VendorReport
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_the_api_refuses_an_unreadable_file_instead_of_storing_a_failed_report(ops_api):
    """The form refused a file its preview could not read; the API stored it (30 MB of it) as a
    failed report. Now both answer 400 naming the file and the reason, and store nothing."""
    contract = ContractFactory(reference="MSA-R8")
    data = {
        "file": SimpleUploadedFile("export.bin", b"\x00" * 4096),
        "contract": "MSA-R8",
        "month": "2026-10",
    }
    response = ops_api.post("/api/v1/reports/", data, format="multipart")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]["file"]
    assert errors and "cannot tell the format of 'export.bin'" in errors[0]
    assert not VendorReport.objects.filter(contract=contract).exists()
