"""Compliance bound to the contract: its term, proportionate runs, edits that recompute, what changed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.months import month_end
from core.services import model_save
from reports.models import VendorReport
from slas import services
from slas.models import ComplianceResult, CreditStatement, RecomputeRun, ServiceLevel
from tests.factories import ContractFactory
from tests.reports.helpers import canonical_csv, submit, work_item

pytestmark = pytest.mark.django_db

FEB_1999 = (dt.date(1999, 2, 1), dt.date(1999, 2, 28))


def _with_slas(contract):
    process = contract.processes.get()
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="service_level",
        parameters={"threshold_seconds": 20, "variant": "standard", "short_abandon_seconds": 0},
        expected_level=80,
        minimum_level=70,
        credit_allocation_percent=60,
        minimum_sample_size=0,  # the tests judge a handful of calls
    )
    ServiceLevel.objects.create(
        contract=contract,
        process=process,
        metric="asa",
        expected_level=30,
        minimum_level=45,
        credit_allocation_percent=40,
        minimum_sample_size=0,
    )
    return contract


def _calls_1999(waits: list[int], day: str = "1999-02-05") -> bytes:
    return canonical_csv(
        [
            work_item(
                n,
                wait_seconds=str(w),
                received_at=f"{day}T10:00:{n % 60:02d}+00:00",
                started_at=f"{day}T10:01:00+00:00",
                completed_at=f"{day}T10:05:00+00:00",
            )
            for n, w in enumerate(waits)
        ]
    )


def _months(contract) -> list[str]:
    periods = ComplianceResult.objects.filter(service_level__contract=contract).values_list("period", flat=True)
    return sorted({f"{p:%Y-%m}" for p in periods})


@pytest.fixture
def contract_1999():
    return _with_slas(
        ContractFactory(reference="MSA-1999", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    )


# --- 1. the term ------------------------------------------------------------------------------


def test_an_import_for_a_1999_contract_creates_results_only_inside_its_term(contract_1999, imported):
    report = imported(contract_1999, _calls_1999([5] * 8 + [50] * 2), period=FEB_1999)
    assert report.status == "completed"
    # The report's month and the later months of the term that depend on it; nothing after 1999.
    assert _months(contract_1999) == [f"1999-{m:02d}" for m in range(2, 13)]
    assert ComplianceResult.objects.filter(service_level__contract=contract_1999).count() == 11 * 2
    assert not CreditStatement.objects.filter(contract=contract_1999, period__gt=dt.date(1999, 12, 31)).exists()
    feb = ComplianceResult.objects.get(service_level__metric="service_level", period=dt.date(1999, 2, 1))
    assert feb.actual == pytest.approx(80.0) and feb.status == "met"
    run = RecomputeRun.objects.get(contract=contract_1999)
    assert run.trigger == "import" and run.report_id == report.pk
    assert (run.first_month, run.last_month) == (dt.date(1999, 2, 1), dt.date(1999, 12, 1))


def test_a_run_touches_only_the_changed_months_and_those_depending_on_them(imported):
    contract = _with_slas(
        ContractFactory(reference="MSA-LONG", start_date=dt.date(1999, 1, 1), end_date=dt.date(2004, 12, 31))
    )
    imported(contract, _calls_1999([5] * 10), period=FEB_1999)
    # 1999-02 and the 11 months whose chronic and consecutive-miss windows include it.
    assert _months(contract) == [f"{m:%Y-%m}" for m in services.affected_months(contract, [dt.date(1999, 2, 1)])]
    assert _months(contract)[0] == "1999-02" and _months(contract)[-1] == "2000-01"
    contract.earn_back, contract.earn_back_periods = True, 18
    assert services.affected_months(contract, [dt.date(1999, 2, 1)])[-1] == dt.date(2000, 8, 1)


def test_the_current_month_bounds_every_run():
    contract = ContractFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2028, 12, 31), time_zone="Asia/Tokyo")
    # 2026-10-31 20:00 UTC is already November in Tokyo.
    now = dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC)
    assert services.term_months(contract, now=now)[-1] == dt.date(2026, 11, 1)
    assert services.affected_months(contract, [dt.date(2026, 9, 1)], now=now)[-1] == dt.date(2026, 11, 1)
    assert services.affected_months(contract, [dt.date(2025, 5, 1)], now=now) == []  # before the term


def test_a_failed_import_recomputes_nothing(contract_1999, imported):
    report = imported(contract_1999, _calls_1999([5]) + b"bad,row\n", period=FEB_1999)
    assert report.status == "failed"
    assert not ComplianceResult.objects.exists() and not RecomputeRun.objects.exists()


def test_nightly_close_leaves_contracts_that_ended_long_ago_alone(contract_1999):
    running = _with_slas(ContractFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2028, 12, 31)))
    count = services.close_finished_periods(now=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))
    assert count == 2  # October and November of the running contract only
    assert not ComplianceResult.objects.filter(service_level__contract=contract_1999).exists()
    assert _months(running) == ["2026-10", "2026-11"]


def test_the_data_migration_deletes_results_and_statements_outside_the_term(contract_1999):
    now = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    for month in (dt.date(1998, 12, 1), dt.date(1999, 1, 1), dt.date(1999, 12, 1), dt.date(2000, 1, 1)):
        services.recompute_compliance(contract=contract_1999, month=month, now=now)  # as the old code did
    inside = ContractFactory(start_date=dt.date(2026, 1, 15), end_date=dt.date(2026, 12, 31))
    _with_slas(inside)
    services.recompute_compliance(contract=inside, month=dt.date(2026, 1, 1), now=now)  # the start's month
    deleted = services.delete_outside_term(result_model=ComplianceResult, statement_model=CreditStatement)
    assert deleted == (4, 2)
    assert _months(contract_1999) == ["1999-01", "1999-12"] and _months(inside) == ["2026-01"]
    assert sorted(f"{s.period:%Y-%m}" for s in CreditStatement.objects.filter(contract=contract_1999)) == [
        "1999-01",
        "1999-12",
    ]


# --- 3. edits recompute at once, and the page shows what changed --------------------------------


def test_editing_a_target_recomputes_at_once_and_records_old_and_new(
    contract_1999, imported, django_capture_on_commit_callbacks, client, ops_user
):
    imported(contract_1999, _calls_1999([5] * 8 + [50] * 2), period=FEB_1999)  # 80 %: met at target 80
    sla = ServiceLevel.objects.get(contract=contract_1999, metric="service_level")
    sla.expected_level, sla.minimum_level = Decimal("90"), Decimal("85")
    with django_capture_on_commit_callbacks(execute=True):
        model_save(sla)
    feb = ComplianceResult.objects.get(service_level=sla, period=dt.date(1999, 2, 1))
    assert feb.status == "breached" and feb.expected_level == 90 and feb.credit_amount > 0
    run = RecomputeRun.objects.filter(trigger="service_level").get()
    assert run.service_level == sla and "expected level: 80 → 90" in run.reason
    change = next(c for c in run.changes if c["month"] == "1999-02" and c["service_level"] == sla.pk)
    assert change["old_status"] == "met" and change["new_status"] == "breached"
    assert change["old_credit"] == "0.00" and Decimal(change["new_credit"]) == feb.credit_amount
    client.force_login(ops_user)
    page = client.get(sla.get_absolute_url()).content.decode()
    assert "Recent recomputes" in page and "Service level changed" in page and "status-breached" in page
    page = client.get(contract_1999.get_absolute_url()).content.decode()
    assert f'data-recompute-run="{run.pk}"' in page and page.count("Recent recomputes") == 1
    assert "Met</span>" in page and "Breached</span>" in page  # the statuses by their labels


def test_editing_through_the_api_recomputes_too(contract_1999, imported, ops_api, django_capture_on_commit_callbacks):
    imported(contract_1999, _calls_1999([5] * 8 + [50] * 2), period=FEB_1999)
    sla = ServiceLevel.objects.get(contract=contract_1999, metric="service_level")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_api.patch(f"/api/v1/service-levels/{sla.pk}/", {"minimum_level": "80"}, format="json")
    assert response.status_code == 200, response.json()
    feb = ComplianceResult.objects.get(service_level=sla, period=dt.date(1999, 2, 1))
    assert feb.minimum_level == 80
    assert RecomputeRun.objects.get(trigger="service_level").requested_by.username == "ops-user"
    # Saving again with nothing changed recomputes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        ops_api.patch(f"/api/v1/service-levels/{sla.pk}/", {"minimum_level": "80.00"}, format="json")
    assert RecomputeRun.objects.filter(trigger="service_level").count() == 1


def test_changed_credit_terms_change_the_credits(contract_1999, imported, django_capture_on_commit_callbacks):
    imported(contract_1999, _calls_1999([50] * 10), period=FEB_1999)  # breached: credit
    sla = ServiceLevel.objects.get(contract=contract_1999, metric="service_level")
    before = ComplianceResult.objects.get(service_level=sla, period=dt.date(1999, 2, 1)).credit_amount
    contract_1999.at_risk_percent = Decimal("20")
    with django_capture_on_commit_callbacks(execute=True):
        model_save(contract_1999)
    after = ComplianceResult.objects.get(service_level=sla, period=dt.date(1999, 2, 1)).credit_amount
    assert after == 2 * before > 0
    run = RecomputeRun.objects.get(trigger="contract")
    assert "at-risk percentage: 10 → 20" in run.reason
    assert any(c["old_credit"] == str(before) and c["new_credit"] == str(after) for c in run.changes)


def test_a_new_service_level_gets_its_past_months(contract_1999, imported, django_capture_on_commit_callbacks):
    imported(contract_1999, _calls_1999([5] * 10), period=FEB_1999)
    process = contract_1999.processes.get()
    with django_capture_on_commit_callbacks(execute=True):
        aht = model_save(
            ServiceLevel(
                contract=contract_1999, process=process, metric="aht", expected_level=300, minimum_level=360, kind="key"
            )
        )
    months = sorted(f"{p:%Y-%m}" for p in aht.results.values_list("period", flat=True))
    assert months == [f"1999-{m:02d}" for m in range(1, 13)]
    assert aht.results.get(period=dt.date(1999, 2, 1)).actual == pytest.approx(240.0)


# --- 4. the recompute endpoint and button -------------------------------------------------------


def test_recompute_endpoint_for_operations(contract_1999, ops_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_api.post("/api/v1/contracts/MSA-1999/recompute/", {}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["contract"] == "MSA-1999" and body["trigger"] == "manual"
    # Queued: the test's transaction holds the task back until the block ends (then it runs).
    assert body["status"] == "queued" and body["requested_by"] == "ops-user"
    assert body["months"] == [f"1999-{m:02d}" for m in range(1, 13)]
    assert _months(contract_1999) == body["months"]
    run = RecomputeRun.objects.get(pk=body["id"])
    assert run.finished_at is not None and run.requested_by.username == "ops-user"
    by_id = ops_api.post(f"/api/v1/contracts/{contract_1999.pk}/recompute/", {"from_month": "1999-11"}, format="json")
    assert by_id.status_code == 202 and by_id.json()["months"] == ["1999-11", "1999-12"]
    assert ops_api.post("/api/v1/contracts/NOPE/recompute/").status_code == 404
    bad = ops_api.post("/api/v1/contracts/MSA-1999/recompute/", {"from_month": "1999-13"}, format="json")
    assert bad.status_code == 400 and "from_month" in bad.json()["errors"]


def test_recompute_endpoint_is_refused_to_viewers(contract_1999, viewer_api, api_client):
    assert viewer_api.post("/api/v1/contracts/MSA-1999/recompute/").status_code == 403
    assert api_client.post("/api/v1/contracts/MSA-1999/recompute/").status_code in (401, 403)
    assert not RecomputeRun.objects.exists()


def test_recompute_endpoint_is_in_the_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/contracts/{contract}/recompute/"]["post"]
    assert {"202", "403", "404"} <= set(operation["responses"])


def test_recompute_button_on_the_contract_page(contract_1999, client, ops_user, viewer_user):
    url = reverse("slas:contract_recompute", args=[contract_1999.pk])
    client.force_login(viewer_user)
    assert url not in client.get(contract_1999.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(ops_user)
    assert url in client.get(contract_1999.get_absolute_url()).content.decode()
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "Recomputed 12 month(s) of MSA-1999" in page or "Recompute of 12 month(s) of MSA-1999 queued" in page
    assert RecomputeRun.objects.get(contract=contract_1999).trigger == "manual"


# --- 5. a report outside the term is refused at upload -----------------------------------------

TERM_MESSAGE = "The contract MSA-1999 runs 1999-01-01 to 1999-12-31; a report for 2026-10 lies outside it."


def test_the_service_refuses_a_report_outside_the_term(contract_1999):
    with pytest.raises(ValidationError) as exc:
        submit(contract_1999, canonical_csv([work_item(1)]))  # October 2026
    assert exc.value.message_dict["month"] == [TERM_MESSAGE]
    with pytest.raises(ValidationError) as exc:
        submit(contract_1999, canonical_csv([work_item(1)]), period=(dt.date(1998, 12, 20), dt.date(1999, 1, 10)))
    assert "a report for 1998-12-20 to 1999-01-10 lies outside it" in exc.value.message_dict["period_start"][0]
    assert not VendorReport.objects.exists()


def test_the_api_refuses_a_report_outside_the_term(contract_1999, ops_api):
    for month, label in (("2026-10", "2026-10"), ("1900-01", "1900-01")):
        data = {
            "file": SimpleUploadedFile("r.csv", canonical_csv([work_item(1)])),
            "contract": "MSA-1999",
            "month": month,
        }
        response = ops_api.post("/api/v1/reports/", data, format="multipart")
        assert response.status_code == 400
        assert response.json()["errors"]["month"] == [TERM_MESSAGE.replace("2026-10", label)]
    assert not VendorReport.objects.exists()


def test_the_form_refuses_a_report_outside_the_term(contract_1999, client, ops_user):
    client.force_login(ops_user)
    data = {
        "contract": contract_1999.pk,
        "kind": "work_items",
        "month": "2026-10",
        "file": SimpleUploadedFile("r.csv", canonical_csv([work_item(1)])),
    }
    response = client.post(reverse("reports:vendorreport_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [TERM_MESSAGE]
    assert not VendorReport.objects.exists()


def test_the_cli_refuses_a_report_outside_the_term(contract_1999, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(canonical_csv([work_item(1)]))
    with pytest.raises(CommandError, match="runs 1999-01-01 to 1999-12-31; a report for 2026-10 lies outside it"):
        call_command(
            "import_report", str(path), "--contract", "MSA-1999", "--month", "2026-10", "--here", stdout=io.StringIO()
        )


def test_a_report_in_the_months_of_the_start_and_end_dates_is_accepted(imported):
    contract = ContractFactory(reference="MSA-MID", start_date=dt.date(2026, 10, 15), end_date=dt.date(2027, 3, 15))
    report = imported(
        contract, canonical_csv([work_item(1)]), period=(dt.date(2026, 10, 1), month_end(dt.date(2026, 10, 1)))
    )
    assert report.status == "completed"


# --- 6. a contract's status follows its dates --------------------------------------------------


def test_an_ended_contract_does_not_read_active(contract_1999, client, viewer_user, viewer_api):
    assert contract_1999.status == "active" and contract_1999.effective_status == "expired"
    draft = ContractFactory(status="draft", start_date=dt.date(1999, 1, 1), end_date=dt.date(1999, 12, 31))
    assert draft.effective_status == "draft"
    running = ContractFactory(reference="MSA-NOW", end_date=dt.date.today() + dt.timedelta(days=400))
    assert running.effective_status == "active"
    client.force_login(viewer_user)
    page = client.get(contract_1999.get_absolute_url()).content.decode()
    assert '<dt class="col-sm-6">Status</dt><dd class="col-sm-6">Expired</dd>' in page
    listing = client.get(reverse("contracts:contract_list")).content.decode()
    row = listing[listing.index("MSA-1999") :]
    row = row[: row.index("</tr>")]
    assert "Expired" in row and "Active" not in row
    body = viewer_api.get(f"/api/v1/contracts/{contract_1999.pk}/").json()
    assert body["status"] == "expired"
    assert viewer_api.get(f"/api/v1/contracts/{running.pk}/").json()["status"] == "active"


def test_the_status_filter_follows_the_dates(contract_1999, viewer_api):
    running = ContractFactory(reference="MSA-NOW", end_date=dt.date.today() + dt.timedelta(days=400))
    active = [c["reference"] for c in viewer_api.get("/api/v1/contracts/?status=active").json()["results"]]
    expired = [c["reference"] for c in viewer_api.get("/api/v1/contracts/?status=expired").json()["results"]]
    assert active == [running.reference] and expired == ["MSA-1999"]


def test_a_shortened_term_takes_the_later_results_with_it(contract_1999, imported, django_capture_on_commit_callbacks):
    imported(contract_1999, _calls_1999([5] * 10), period=FEB_1999)
    contract_1999.end_date = dt.date(1999, 6, 30)
    with django_capture_on_commit_callbacks(execute=True):
        model_save(contract_1999)
    assert _months(contract_1999) == [f"1999-{m:02d}" for m in range(1, 7)]
    run = RecomputeRun.objects.get(trigger="contract")
    assert "end date: 1999-12-31 → 1999-06-30" in run.reason
    assert any(c["month"] == "1999-12" and c["new_status"] is None for c in run.changes)


def test_a_process_not_on_the_contract_is_refused_at_upload(contract_1999, ops_api):
    from tests.factories import ProcessFactory

    other = ProcessFactory()
    with pytest.raises(ValidationError) as exc:
        submit(contract_1999, _calls_1999([5]), period=FEB_1999, process=other)
    assert exc.value.message_dict["process"] == [f"“{other}” is not a process of contract MSA-1999."]
    data = {
        "file": SimpleUploadedFile("r.csv", _calls_1999([5])),
        "contract": "MSA-1999",
        "month": "1999-02",
        "process": other.pk,
    }
    response = ops_api.post("/api/v1/reports/", data, format="multipart")
    assert (
        response.status_code == 400
        and "is not a process of contract MSA-1999" in response.json()["errors"]["process"][0]
    )


def test_counts_of_active_contracts_leave_ended_ones_out(contract_1999, client, viewer_user):
    from overview.selectors import dashboard_summary
    from vendors.selectors import provider_list

    running = ContractFactory(provider=contract_1999.provider, end_date=dt.date.today() + dt.timedelta(days=400))
    summary = dashboard_summary(user=viewer_user, today=dt.date.today())
    assert summary["active_contract_count"] == 1
    assert provider_list(user=viewer_user).get(pk=running.provider_id).active_contract_count == 1


def test_editing_in_the_browser_recomputes_and_names_who(
    contract_1999, imported, client, ops_user, django_capture_on_commit_callbacks
):
    import json

    imported(contract_1999, _calls_1999([5] * 8 + [50] * 2), period=FEB_1999)
    sla = ServiceLevel.objects.get(contract=contract_1999, metric="service_level")
    client.force_login(ops_user)
    form = {
        "contract": contract_1999.pk,
        "process": sla.process_id,
        "metric": sla.metric,
        "name": "",
        "parameters": json.dumps(sla.parameters),
        "expected_level": "90",
        "minimum_level": "85",
        "measurement_period": "monthly",
        "kind": "critical",
        "weight": "1",
        "credit_allocation_percent": "60",
        "minimum_sample_size": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("slas:servicelevel_edit", args=[sla.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ComplianceResult.objects.get(service_level=sla, period=dt.date(1999, 2, 1)).status == "breached"
    run = RecomputeRun.objects.get(trigger="service_level")
    assert run.requested_by == ops_user and "minimum level: 70 → 85" in run.reason
    page = client.get(response.url).content.decode()
    assert "Service level changed by ops-user" in page


def test_a_recompute_run_lost_in_flight_is_queued_again_and_finishes(
    contract_1999, imported, django_capture_on_commit_callbacks
):
    """A run recorded but never finished (its worker died) is picked up by the minute sweep."""
    from django.utils import timezone

    imported(contract_1999, _calls_1999([5] * 10), period=FEB_1999)
    lost = RecomputeRun.objects.create(
        contract=contract_1999,
        trigger=RecomputeRun.Trigger.MANUAL,
        reason="its worker was killed",
        first_month=dt.date(1999, 1, 1),
        last_month=dt.date(1999, 12, 1),
    )
    RecomputeRun.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=5))
    fresh = RecomputeRun.objects.create(contract=contract_1999, trigger=RecomputeRun.Trigger.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_unfinished_runs() == 1  # the fresh one may still be running
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.finished_at is not None and fresh.finished_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_unfinished_runs() == 0
