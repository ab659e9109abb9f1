"""The import service end to end (in-process): loading, tolerance, duplicates, supersede."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from reports import services
from reports.models import KpiClaim, ReportKind, ReportLayout, VendorReport, WorkItem
from tests.factories import ContractFactory
from tests.reports.helpers import OCTOBER, canonical_csv, submit, work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return ContractFactory(reference="MSA-T1")


def _rejected_csv(report: VendorReport) -> list[dict[str, str]]:
    with report.rejected_rows_file.open("rb") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))


def test_canonical_csv_loads_every_row(contract, imported):
    report = imported(contract, canonical_csv([work_item(n) for n in range(50)]))
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (50, 50, 0)
    items = WorkItem.objects.filter(report=report)
    assert items.count() == 50
    item = items.get(item_id="T-3")
    assert item.contract_id == contract.pk and item.process_id == report.process_id
    assert item.wait_seconds == 13 and item.handle_seconds == 240 and item.resolved_first_contact is True
    assert item.received_at.isoformat() == "2026-10-04T09:00:03+00:00"
    assert item.source_row == 5  # header is line 1
    assert report.layout_version.layout.is_builtin


def test_original_file_is_kept_with_its_checksum(contract, imported):
    content = canonical_csv([work_item(1)])
    report = imported(contract, content, name="october.csv")
    import hashlib

    with report.file.open("rb") as handle:
        assert handle.read() == content
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content) and report.original_name == "october.csv"


def test_same_file_for_same_period_is_refused_with_the_first_report(contract, imported):
    content = canonical_csv([work_item(1)])
    first = imported(contract, content)
    with pytest.raises(services.DuplicateReportError) as exc:
        submit(contract, content)
    assert exc.value.existing == first
    assert f"report #{first.pk}" in exc.value.messages[0]


def test_rejections_over_tolerance_fail_the_report_and_load_nothing(contract, imported):
    rows = [work_item(n) for n in range(98)] + [work_item(98, wait_seconds="soon"), work_item(99, csat="9")]
    report = imported(contract, canonical_csv(rows))
    assert report.status == VendorReport.Status.FAILED
    assert "2 of 100 rows (2.00 %) were rejected" in report.failure_reason
    assert "tolerance of 1 %" in report.failure_reason
    assert WorkItem.objects.filter(report=report).count() == 0
    rejected = _rejected_csv(report)
    assert {(r["row"], r["column"]) for r in rejected} == {("100", "wait_seconds"), ("101", "csat")}
    assert all(r["reason"] and r["raw_row"] for r in rejected)


def test_rejections_within_tolerance_complete_and_are_listed(contract, imported):
    contract.rejected_row_tolerance_percent = 5
    contract.save()
    rows = [work_item(n) for n in range(49)] + [work_item(49, handle_seconds="-30")]
    report = imported(contract, canonical_csv(rows))
    assert report.status == VendorReport.Status.COMPLETED
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (50, 49, 1)
    assert report.errors[0]["row"] == 51 and report.errors[0]["column"] == "handle_seconds"
    assert "negative" in report.errors[0]["reason"]
    assert _rejected_csv(report)[0]["value"] == "-30"


def test_duplicate_item_ids_are_row_errors_naming_the_first_row(contract, imported):
    contract.rejected_row_tolerance_percent = 50
    contract.save()
    rows = [work_item(n) for n in range(5)] + [work_item(5, item_id="T-1"), work_item(6, item_id="T-1")]
    report = imported(contract, canonical_csv(rows))
    assert report.status == VendorReport.Status.COMPLETED
    assert report.rows_accepted == 5 and report.rows_rejected == 2
    assert list(WorkItem.objects.filter(report=report, item_id="T-1").values_list("source_row", flat=True)) == [3]
    reasons = sorted((e["row"], e["reason"]) for e in report.errors)
    assert reasons == [(7, "duplicate item id; first seen on row 3"), (8, "duplicate item id; first seen on row 3")]


def test_ids_sharing_a_hash_are_told_apart_by_their_text(contract, imported, monkeypatch):
    """The duplicate check groups ids by a 64-bit hash; ids that only share the hash (here
    every id, as if they collided) are not duplicates: the ids themselves are compared."""
    from reports import loaders

    contract.rejected_row_tolerance_percent = 50
    contract.save()
    monkeypatch.setattr(
        loaders,
        "_repeated_rows_postgresql",
        lambda report: list(WorkItem.objects.filter(report=report).values_list("pk", "item_id", "source_row")),
    )
    rows = [work_item(n) for n in range(5)] + [work_item(5, item_id="T-1"), work_item(6, item_id="T-1")]
    report = imported(contract, canonical_csv(rows))
    assert report.rows_accepted == 5 and report.rows_rejected == 2
    assert sorted(e["row"] for e in report.errors) == [7, 8]


def test_new_report_for_same_period_supersedes_the_old_one(contract, imported):
    first = imported(contract, canonical_csv([work_item(n) for n in range(10)]))
    second = imported(contract, canonical_csv([work_item(n, wait_seconds="5") for n in range(12)]))
    first.refresh_from_db()
    assert second.status == VendorReport.Status.COMPLETED
    assert first.status == VendorReport.Status.SUPERSEDED and first.superseded_by == second
    assert WorkItem.objects.filter(report=first).count() == 0
    assert WorkItem.objects.filter(contract=contract).count() == 12
    assert set(WorkItem.objects.values_list("wait_seconds", flat=True)) == {5.0}


def test_failed_replacement_keeps_the_previous_report(contract, imported):
    first = imported(contract, canonical_csv([work_item(n) for n in range(10)]))
    bad = imported(contract, canonical_csv([work_item(n, outcome="lost") for n in range(10)]))
    first.refresh_from_db()
    assert bad.status == VendorReport.Status.FAILED
    assert first.status == VendorReport.Status.COMPLETED
    assert WorkItem.objects.filter(contract=contract).count() == 10


def test_rerunning_a_finished_import_changes_nothing(contract, imported):
    report = imported(contract, canonical_csv([work_item(n) for n in range(10)]))
    assert services.report_import(report.pk) is None
    report.refresh_from_db()
    assert report.attempts == 1 and WorkItem.objects.filter(report=report).count() == 10


def test_interrupted_import_is_redone_from_scratch(contract, django_capture_on_commit_callbacks):
    report = submit(contract, canonical_csv([work_item(n) for n in range(10)]))
    # A worker claimed it and died: status processing, one attempt used, no rows committed.
    VendorReport.objects.filter(pk=report.pk).update(status="processing", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_import(report.pk)
    report.refresh_from_db()
    assert report.status == "completed" and report.attempts == 2
    assert WorkItem.objects.filter(report=report).count() == 10


def test_too_many_interruptions_fail_with_the_reason(contract, settings):
    report = submit(contract, canonical_csv([work_item(1)]))
    VendorReport.objects.filter(pk=report.pk).update(status="processing", attempts=settings.REPORT_IMPORT_MAX_ATTEMPTS)
    services.report_import(report.pk)
    report.refresh_from_db()
    assert report.status == "failed" and "interrupted 3 times" in report.failure_reason


def test_submission_needs_a_process_when_the_contract_has_several(contract):
    from tests.factories import ProcessFactory

    contract.processes.add(ProcessFactory(name="Second process"))
    with pytest.raises(ValidationError) as exc:
        submit(contract, canonical_csv([work_item(1)]))
    assert "choose one" in exc.value.message_dict["process"][0]


def test_empty_upload_is_refused(contract):
    with pytest.raises(ValidationError) as exc:
        submit(contract, b"")
    assert exc.value.message_dict["file"] == ["The file is empty."]


def test_file_over_the_size_limit_is_refused(contract, settings):
    settings.REPORT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(services.FileTooLargeError) as exc:
        submit(contract, canonical_csv([work_item(n) for n in range(5)]))
    assert "the limit is 100 bytes" in exc.value.messages[0]


def test_kpi_summary_is_stored_as_claims(contract, imported):
    content = b"metric,period,value,volume,invoiced_amount\nasa,2026-10,27.5,,\nservice_level,2026-10,81.2,41200,\n"
    report = imported(contract, content, kind=ReportKind.KPI_SUMMARY)
    assert report.status == VendorReport.Status.COMPLETED, report.failure_reason
    claims = {c.metric: c for c in KpiClaim.objects.filter(report=report)}
    assert claims["asa"].value == 27.5 and claims["service_level"].volume == 41200
    assert str(claims["asa"].period) == "2026-10-01"


def test_kpi_summary_rejects_repeats_and_other_months(contract, imported):
    contract.rejected_row_tolerance_percent = 100
    contract.save()
    content = b"metric,period,value\nasa,2026-10,27.5\nasa,2026-10,30\naht,2026-11,300\n"
    report = imported(contract, content, kind=ReportKind.KPI_SUMMARY)
    reasons = {e["row"]: e["reason"] for e in report.errors}
    assert "first given on row 2" in reasons[3]
    assert "outside the report period" in reasons[4]
    assert KpiClaim.objects.filter(report=report).count() == 1


def test_layout_versions_keep_what_a_report_was_read_with(contract, imported, ops_user):
    layout = ReportLayout(provider=contract.provider, name="Semicolon export", kind=ReportKind.WORK_ITEMS)
    config = {
        "kind": "work_items",
        "delimiter": ";",
        "fields": {
            "item_id": {"column": "id"},
            "received_at": {"column": "ts"},
            "outcome": {"constant": "handled"},
        },
    }
    v1 = services.layout_save(layout, config=config, user=ops_user)
    report = imported(contract, b"id;ts\nA;2026-10-02T10:00:00+00:00\nB;2026-10-03T10:00:00+00:00\n", layout=layout)
    assert report.status == "completed", report.failure_reason
    config["fields"]["channel"] = {"constant": "chat"}
    v2 = services.layout_save(layout, config=config, user=ops_user)
    assert (v1.number, v2.number) == (1, 2)
    report.refresh_from_db()
    assert report.layout_version == v1
    assert services.layout_save(layout, config=config) == v2  # unchanged config: no new version


def test_invalid_layout_config_is_a_validation_error(contract):
    layout = ReportLayout(provider=contract.provider, name="Broken", kind=ReportKind.WORK_ITEMS)
    with pytest.raises(ValidationError) as exc:
        services.layout_save(
            layout, config={"kind": "work_items", "fields": {"wait_seconds": {"column": "w", "unit": "fortnights"}}}
        )
    assert any("unit" in m for m in exc.value.message_dict["config"])
    assert not ReportLayout.objects.filter(name="Broken").exists()


def test_period_of_a_report_is_in_the_contract_time_zone(contract, imported):
    contract.time_zone = "Asia/Manila"
    contract.save()
    # 2026-09-30 17:00 UTC is 2026-10-01 01:00 in Manila: inside October there.
    report = imported(contract, canonical_csv([work_item(1, received_at="2026-09-30T17:00:00+00:00")]))
    assert report.status == "completed", report.errors
    report2 = imported(contract, canonical_csv([work_item(1, received_at="2026-10-31T17:00:00+00:00", item_id="x")]))
    assert report2.status == "failed"
    assert "outside the report period" in report2.errors[0]["reason"]


def test_month_bounds():
    assert services.month_bounds("2026-02") == (OCTOBER[0].replace(month=2), OCTOBER[0].replace(month=2, day=28))
    with pytest.raises(ValidationError):
        services.month_bounds("October")
