"""Every browser list exports as CSV, and the CSV downloads open with an API token too."""

import csv
import datetime as dt
import io

import pytest
from rest_framework.authtoken.models import Token

from slas.models import ComplianceResult
from tests.factories import ContractFactory, ProviderFactory, ServiceLevelFactory, UserFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _token(user) -> str:
    return f"Token {Token.objects.get_or_create(user=user)[0].key}"


def test_list_export_has_every_filtered_row_and_no_formulas(client, viewer_user):
    for n in range(27):  # more than a page (25)
        ProviderFactory(name=f"Zeta {n:02d}")
    ProviderFactory(name='=HYPERLINK("http://evil.example","Zeta")')
    ProviderFactory(name="Omega")
    client.force_login(viewer_user)

    page = client.get("/providers/?q=zeta&page=2").content.decode()
    assert 'href="/providers/?q=zeta&amp;export=csv"' in page  # the filter kept, the page dropped

    response = client.get("/providers/?q=zeta&sort=name&export=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert 'filename="providers.csv"' in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[:3] == ["Name", "Status", "Risk tier"]
    names = [row[0] for row in rows]
    assert len(names) == 28 and "Omega" not in names
    assert names[0] == '\'=HYPERLINK("http://evil.example","Zeta")'  # sorted first, shown as text
    assert names[1:] == [f"Zeta {n:02d}" for n in range(27)]
    assert rows[1][1] == "Active"  # plain values, not HTML


def test_list_export_opens_with_a_token_and_keeps_the_permission(client):
    ProviderFactory(name="Acme")
    assert client.get("/providers/?export=csv").status_code == 302  # no session, no token: the login page
    viewer = UserFactory(role="viewer")
    response = client.get("/providers/?export=csv", HTTP_AUTHORIZATION=_token(viewer))
    assert response.status_code == 200 and _csv(response)[1][0] == "Acme"
    no_role = UserFactory()
    assert client.get("/providers/?export=csv", HTTP_AUTHORIZATION=_token(no_role)).status_code == 403
    assert client.get("/providers/?export=csv", HTTP_AUTHORIZATION="Token wrong").status_code == 401


@pytest.fixture
def result(imported) -> ComplianceResult:
    """October's service-level result of a contract with three imported calls."""
    contract = ContractFactory(reference="MSA-EXPORT")
    sla = ServiceLevelFactory(contract=contract)
    rows = [work_item(n) for n in range(3)]
    rows[0]["item_id"] = "=1+2"
    imported(contract, canonical_csv(rows))
    return ComplianceResult.objects.get(service_level=sla, period=dt.date(2026, 10, 1))


def test_work_items_csv_with_a_token(client, result):
    url = f"/compliance/{result.pk}/work-items.csv"
    viewer = UserFactory(role="viewer")
    response = client.get(url, HTTP_AUTHORIZATION=_token(viewer))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    header, *rows = _csv(response)
    assert header[0] == "item_id" and len(rows) == 3
    assert "'=1+2" in [row[0] for row in rows]
    assert client.get(url, HTTP_AUTHORIZATION=_token(UserFactory())).status_code == 403
    assert client.get(url).status_code == 302


def test_report_downloads_with_a_token(client, result):
    report = result.reports.get()
    viewer = UserFactory(role="viewer")
    response = client.get(f"/reports/{report.pk}/file/", HTTP_AUTHORIZATION=_token(viewer))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"item_id,")
    assert client.get(f"/reports/{report.pk}/file/", HTTP_AUTHORIZATION=_token(UserFactory())).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/providers/",
        "/contacts/",
        "/certifications/",
        "/processes/",
        "/contracts/",
        "/service-levels/",
        "/compliance/",
        "/reports/",
        "/report-layouts/",
    ],
)
def test_every_list_exports(client, result, path):
    """Each list's table exports as plain values: one row per object, no HTML."""
    client.force_login(UserFactory(role="viewer"))
    page = client.get(path)
    response = client.get(f"{path}?export=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    header, *rows = _csv(response)
    assert len(rows) == page.context["table"].paginator.count and header
    assert not any("<" in cell for row in rows for cell in row)
