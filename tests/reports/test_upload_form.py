"""The upload form follows the chosen contract, and refuses an unreadable file before storing it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.selectors import contract_list, process_list
from reports import selectors, services
from reports.forms import ReportUploadForm
from reports.models import ReportKind, ReportLayout, VendorReport
from reports.parsing.layout import canonical_config
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


def _layout(name: str, provider=None, kind: str = ReportKind.WORK_ITEMS) -> ReportLayout:
    layout = ReportLayout(name=name, provider=provider, kind=kind)
    services.layout_save(layout, config=canonical_config(kind))
    return layout


def _form(user, data=None, files=None, initial=None) -> ReportUploadForm:
    return ReportUploadForm(
        data,
        files,
        contracts=contract_list(user=user),
        processes=process_list(user=user),
        layouts=selectors.layout_list(user=user),
        initial=initial,
    )


@pytest.fixture
def two_contracts():
    voice, chat, payroll = ProcessFactory(name="Voice"), ProcessFactory(name="Chat"), ProcessFactory(name="Payroll")
    north, south = ProviderFactory(name="North"), ProviderFactory(name="South")
    mine = ContractFactory(
        provider=north,
        reference="C-NORTH",
        processes=[voice, chat],
        start_date=dt.date(1999, 1, 1),
        end_date=dt.date(1999, 12, 31),
    )
    theirs = ContractFactory(provider=south, reference="C-SOUTH", processes=[payroll])
    return mine, theirs


def test_the_choices_follow_the_contract(ops_user, two_contracts):
    mine, theirs = two_contracts
    own = _layout("North calls", provider=mine.provider)
    other = _layout("South calls", provider=theirs.provider)
    shared = _layout("Common call records")
    kpi = _layout("North KPIs", provider=mine.provider, kind=ReportKind.KPI_SUMMARY)

    form = _form(ops_user, initial={"contract": str(mine.pk)})
    layouts = set(form.fields["layout"].queryset)
    assert {own, shared} <= layouts
    assert other not in layouts and kpi not in layouts
    assert {p.name for p in form.fields["process"].queryset} == {"Voice", "Chat"}
    assert form.fields["month"].widget.attrs["min"] == "1999-01"
    assert form.fields["month"].widget.attrs["max"] == "1999-12"

    kpi_form = _form(ops_user, initial={"contract": str(mine.pk), "kind": ReportKind.KPI_SUMMARY})
    assert kpi in set(kpi_form.fields["layout"].queryset)

    unchosen = _form(ops_user)
    assert not unchosen.fields["process"].queryset.exists()
    assert own not in set(unchosen.fields["layout"].queryset)


def test_another_providers_layout_and_a_foreign_process_are_refused(ops_user, two_contracts):
    mine, theirs = two_contracts
    other = _layout("South calls", provider=theirs.provider)
    data = {
        "contract": mine.pk,
        "kind": ReportKind.WORK_ITEMS,
        "month": "1999-02",
        "layout": other.pk,
        "process": theirs.processes.get().pk,
    }
    files = {"file": SimpleUploadedFile("r.csv", canonical_csv([work_item(1)]))}
    form = _form(ops_user, data, files)
    assert not form.is_valid()
    assert set(form.errors) == {"layout", "process"}


@pytest.mark.parametrize("month", ["1998-12", "2000-01", "1900-01"])
def test_a_month_outside_the_term_is_refused_on_the_upload_page(client, ops_user, two_contracts, month):
    """The picker is bounded to the term; a month typed past it is refused by the service's rule."""
    from reports.models import VendorReport

    mine, _ = two_contracts
    layout = _layout("North calls", provider=mine.provider)
    client.force_login(ops_user)
    data = {
        "contract": mine.pk,
        "kind": ReportKind.WORK_ITEMS,
        "month": month,
        "process": mine.processes.first().pk,
        "layout": layout.pk,
        "file": SimpleUploadedFile("r.csv", canonical_csv([work_item(1)])),
    }
    page = client.post(reverse("reports:vendorreport_add"), data).content.decode()
    assert "runs 1999-01-01 to 1999-12-31" in page and "lies outside it" in page
    assert not VendorReport.objects.exists()


def test_the_dependent_fields_endpoint_narrows_the_choices(client, ops_user, two_contracts):
    mine, theirs = two_contracts
    _layout("North calls", provider=mine.provider)
    _layout("South calls", provider=theirs.provider)
    client.force_login(ops_user)
    response = client.get(reverse("reports:vendorreport_upload_fields"), {"contract": mine.pk, "kind": "work_items"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "North calls" in html and "South calls" not in html
    assert "Voice" in html and "Payroll" not in html
    assert 'min="1999-01"' in html and 'max="1999-12"' in html


def test_an_unreadable_file_is_refused_at_upload_and_nothing_is_stored(client, ops_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    contract = ContractFactory()
    client.force_login(ops_user)
    no_times = canonical_csv([work_item(n) for n in range(50)], columns=("item_id", "channel", "outcome"))
    response = client.post(
        reverse("reports:vendorreport_add"),
        {
            "contract": contract.pk,
            "kind": ReportKind.WORK_ITEMS,
            "month": "2026-10",
            "file": SimpleUploadedFile("october.csv", no_times),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("The file cannot be read: ")
    assert "received_at" in errors[0]  # the reason the preview gives: the missing column
    assert not VendorReport.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
