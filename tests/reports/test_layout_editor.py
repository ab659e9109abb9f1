"""The layout editor: a form over the canonical fields that builds the layout JSON, with the JSON for experts."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import services
from reports.forms import ReportLayoutForm
from reports.models import ReportKind, ReportLayout
from reports.parsing import Layout
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def _as_posted(form: ReportLayoutForm) -> dict[str, str]:
    """What a browser would post for an untouched form."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.name] = "on"
        elif value not in (None, ""):
            data[bound.name] = str(value)
    return data


def test_the_form_rebuilds_an_existing_layout_unchanged():
    layout = ReportLayout(name="Bank calls", kind=ReportKind.WORK_ITEMS)
    services.layout_save(layout, config=ANONYMOUS_BANK_LAYOUT)
    form = ReportLayoutForm(_as_posted(ReportLayoutForm(instance=layout)), instance=layout)
    assert form.is_valid(), form.errors
    assert Layout.from_config(form.cleaned_data["config"]) == Layout.from_config(ANONYMOUS_BANK_LAYOUT)
    # What only the JSON view edits is shown beside the field, and kept.
    received = next(row for row in form.field_rows if row.name == "received_at")
    assert '"date_column": "date"' in received.kept


def test_the_editor_builds_a_valid_layout_from_the_fields(client, ops_user):
    provider = ProviderFactory(name="Vistula")
    client.force_login(ops_user)
    response = client.post(
        reverse("reports:reportlayout_add"),
        {
            "action": "save",
            "editor": "form",
            "name": "Vistula calls",
            "provider": provider.pk,
            "kind": "work_items",
            "file_format": "csv",
            "delimiter": ";",
            "encoding": "cp1252",
            "header_row": "1",
            "timezone": "Europe/Warsaw",
            "decimal_comma": "on",
            "item_id__column": "CallID",
            "channel__constant": "voice",
            "received_at__column": "Start",
            "received_at__format": "%d.%m.%Y %H:%M",
            "wait_seconds__column": "Wait",
            "wait_seconds__unit": "minutes",
            "resolved_first_contact__column": "FCR",
            "resolved_first_contact__true_values": "T, Tak",
            "resolved_first_contact__false_values": "N",
            "agent__column": "Agent",
            "agent__null_values": "-",
            "agent__optional": "on",
            "outcome__column": "Result",
            "outcome_code_0": "ANS",
            "outcome_value_0": "handled",
            "outcome_code_1": "ABN",
            "outcome_value_1": "abandoned",
            "outcome_code_2": "",
        },
    )
    layout = ReportLayout.objects.get(name="Vistula calls")
    assert response.status_code == 302 and response.url == layout.get_absolute_url()
    config = layout.current_version.config
    assert (config["delimiter"], config["encoding"], config["timezone"], config["decimal_comma"]) == (
        ";",
        "cp1252",
        "Europe/Warsaw",
        True,
    )
    assert config["fields"] == {
        "item_id": {"column": "CallID"},
        "channel": {"constant": "voice"},
        "received_at": {"column": "Start", "format": "%d.%m.%Y %H:%M"},
        "wait_seconds": {"column": "Wait", "unit": "minutes"},
        "outcome": {"column": "Result", "map": {"ANS": "handled", "ABN": "abandoned"}},
        "resolved_first_contact": {"column": "FCR", "true_values": ["T", "Tak"], "false_values": ["N"]},
        "agent": {"column": "Agent", "null_values": ["-"], "optional": True},
    }
    Layout.from_config(config)  # what the form built is what the parser validates


def test_layout_errors_land_on_the_field_they_name(client, ops_user):
    client.force_login(ops_user)
    response = client.post(
        reverse("reports:reportlayout_add"),
        {
            "editor": "form",
            "name": "Broken",
            "kind": "work_items",
            "file_format": "auto",
            "delimiter": ",",
            "encoding": "utf-8",
            "header_row": "1",
            "timezone": "UTC",
            "item_id__column": "id",
            "received_at__column": "ts",
            "received_at__format": "%Q",
        },
    )
    form = response.context["form"]
    assert response.status_code == 200 and not ReportLayout.objects.filter(name="Broken").exists()
    assert form.errors["received_at__format"][0].startswith("fields.received_at.format: ")
    assert form.errors["outcome__column"] == ["fields.outcome: required for work_items"]


def test_a_json_error_names_line_and_column(client, ops_user):
    client.force_login(ops_user)
    text = '{\n  "kind": "work_items",\n  "fields": {,}\n}'
    response = client.post(
        reverse("reports:reportlayout_add"),
        {"editor": "json", "name": "Hand-written", "kind": "work_items", "config": text},
    )
    errors = response.context["form"].errors["config"]
    assert errors == ["The JSON is not valid at line 3, column 14: Expecting property name enclosed in double quotes."]
    assert text in response.content.decode().replace("&quot;", '"')  # the text stays as typed


def test_switching_to_json_shows_what_the_form_built(client, ops_user):
    client.force_login(ops_user)
    response = client.post(
        reverse("reports:reportlayout_add"),
        {
            "action": "json",
            "editor": "form",
            "name": "Draft",
            "kind": "work_items",
            "file_format": "auto",
            "delimiter": "\t",
            "encoding": "utf-8",
            "header_row": "2",
            "timezone": "UTC",
            "item_id__column": "ticket",
        },
    )
    form = response.context["form"]
    assert form["editor"].value() == "json" and not form.errors
    shown = json.loads(form["config"].value())
    assert shown["delimiter"] == "\t" and shown["header_row"] == 2
    assert shown["fields"] == {"item_id": {"column": "ticket"}}
    assert not ReportLayout.objects.filter(name="Draft").exists()  # switching does not save


def test_a_sample_files_header_fills_the_column_choices(client, ops_user):
    client.force_login(ops_user)
    sample = SimpleUploadedFile("calls.tsv", b"call_id\tstarted\tresult\nC1\t2026-10-01 08:00\tANS\n")
    response = client.post(
        reverse("reports:reportlayout_add"),
        {
            "action": "sample",
            "editor": "form",
            "name": "From a sample",
            "kind": "work_items",
            "file_format": "csv",
            "delimiter": "\t",
            "encoding": "utf-8",
            "header_row": "1",
            "timezone": "UTC",
            "sample": sample,
        },
    )
    form = response.context["form"]
    assert form.sample_header == ["call_id", "started", "result"]
    choices = [value for value, _ in form.fields["item_id__column"].choices]
    assert choices == ["", "call_id", "started", "result"]
    assert 'name="item_id__column"' in response.content.decode() and "<select" in response.content.decode()

    wrong = client.post(
        reverse("reports:reportlayout_add"),
        {
            "action": "sample",
            "editor": "form",
            "name": "From a sample",
            "kind": "work_items",
            "file_format": "csv",
            "delimiter": ",",
            "encoding": "utf-8",
            "header_row": "1",
            "timezone": "UTC",
            "sample": SimpleUploadedFile("calls.tsv", b"call_id\tstarted\tresult\nC1\t2026-10-01 08:00\tANS\n"),
        },
    )
    assert "is the delimiter tab rather than ','?" in wrong.context["form"].errors["sample"][0]
