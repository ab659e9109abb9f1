"""Regressions found in review: overlaps, built-in layouts, read permissions, unsafe CSV cells."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import ReportLayout
from tests.factories import ContractFactory, UserFactory
from tests.reports.helpers import canonical_csv, submit, work_item

pytestmark = pytest.mark.django_db


def test_a_report_overlapping_another_period_is_refused(imported):
    contract = ContractFactory()
    imported(contract, canonical_csv([work_item(n) for n in range(3)]))
    with pytest.raises(ValidationError) as exc:
        submit(contract, canonical_csv([work_item(9)]), period=(dt.date(2026, 10, 20), dt.date(2026, 11, 5)))
    assert "already covers 2026-10" in exc.value.message_dict["period_start"][0]


def test_builtin_layouts_cannot_be_changed_or_deleted():
    builtin = ReportLayout.objects.get(name="Canonical work items")
    with pytest.raises(ValidationError):
        services.layout_save(builtin, config={"kind": "work_items", "fields": {}})
    with pytest.raises(ValidationError):
        builtin.delete()


def test_location_header_is_plain_text(ops_api, django_capture_on_commit_callbacks):
    ContractFactory(reference="MSA-LOC")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_api.post(
            "/api/v1/reports/",
            {
                "file": SimpleUploadedFile("a.csv", canonical_csv([work_item(1)])),
                "contract": "MSA-LOC",
                "month": "2026-10",
            },
            format="multipart",
        )
    assert response.status_code == 202
    assert type(response.headers["Location"]) is str


def test_api_reads_need_the_view_permission(api_client):
    from rest_framework.authtoken.models import Token

    roleless = UserFactory(username="no-role")
    token = Token.objects.create(user=roleless)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/reports/").status_code == 403
    assert api_client.get("/api/v1/providers/").status_code == 403
    # No model behind the catalogue, but an account without a role sees nothing at all.
    assert api_client.get("/api/v1/metrics/").status_code == 403


def test_rejected_rows_csv_defuses_spreadsheet_formulas(imported):
    contract = ContractFactory(rejected_row_tolerance_percent=100)
    report = imported(contract, canonical_csv([work_item(1, outcome='=HYPERLINK("x")'), work_item(2)]))
    with report.rejected_rows_file.open("rb") as handle:
        rows = list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert rows[0]["value"].startswith("'=HYPERLINK")


def test_missing_stored_file_is_a_404(imported, client, ops_user):
    report = imported(ContractFactory(), canonical_csv([work_item(1)]))
    report.file.storage.delete(report.file.name)
    client.force_login(ops_user)
    assert client.get(f"/reports/{report.pk}/file/").status_code == 404
