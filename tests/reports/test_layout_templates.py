"""Shared layout templates: any provider starts from one by copying it, then edits its copy."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.models import ReportKind, ReportLayout
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def template() -> ReportLayout:
    layout = ReportLayout(name="Call records (TSV)", kind=ReportKind.WORK_ITEMS, description="Common export.")
    services.layout_save(layout, config=ANONYMOUS_BANK_LAYOUT)
    return layout


def test_a_shared_template_is_copied_for_a_provider(template, ops_user):
    provider = ProviderFactory(name="Northwind")
    copy = services.layout_copy(template, provider=provider, user=ops_user)
    assert (copy.provider, copy.name, copy.kind) == (provider, "Call records (TSV)", ReportKind.WORK_ITEMS)
    assert copy.current_version.number == 1
    assert copy.current_version.config == template.current_version.config
    assert copy.current_version.created_by == ops_user
    assert "Copied from “Call records (TSV)”, version 1." in copy.description

    # Editing the copy leaves the template alone.
    edited = {**copy.current_version.config, "delimiter": ","}
    services.layout_save(copy, config=edited)
    template.refresh_from_db()
    assert template.current_version.number == 1 and template.current_version.config["delimiter"] == "\t"

    with pytest.raises(ValidationError) as exc:
        services.layout_copy(template, provider=provider)
    assert "already has a layout named" in exc.value.message_dict["name"][0]
    assert services.layout_copy(template, provider=provider, name="Second").name == "Second"


def test_copy_for_a_provider_in_the_browser(template, client, ops_user):
    provider = ProviderFactory(name="Cape Coast")
    client.force_login(ops_user)
    detail = client.get(template.get_absolute_url()).content.decode()
    copy_url = reverse("reports:reportlayout_copy", args=[template.pk])
    assert copy_url in detail and "Shared template" in detail
    response = client.post(copy_url, {"provider": provider.pk, "name": "Cape Coast calls"})
    copy = ReportLayout.objects.get(provider=provider, name="Cape Coast calls")
    assert response.status_code == 302 and response.url == reverse("reports:reportlayout_edit", args=[copy.pk])
    again = client.post(copy_url, {"provider": provider.pk, "name": "Cape Coast calls"})
    assert "already has a layout named" in again.content.decode()


def test_copy_for_a_provider_through_the_api(template, ops_api, viewer_api):
    provider = ProviderFactory(name="Andes")
    url = f"/api/v1/report-layouts/{template.pk}/copy/"
    response = ops_api.post(url, {"provider": provider.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["provider"] == provider.pk and body["is_shared"] is False
    assert body["current_version"]["config"]["delimiter"] == "\t"
    assert response["Location"].endswith(f"/api/v1/report-layouts/{body['id']}/")
    assert ops_api.post(url, {"provider": provider.pk}, format="json").status_code == 400
    assert viewer_api.post(url, {"provider": provider.pk}, format="json").status_code == 403

    shared = ops_api.get("/api/v1/report-layouts/", {"shared": "true"}).json()["results"]
    assert template.pk in {row["id"] for row in shared} and body["id"] not in {row["id"] for row in shared}
    assert all(row["is_shared"] for row in shared)
