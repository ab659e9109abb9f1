"""Scorecard downloads: the one-page PDF (read back with pypdf), and the scorecard table as CSV
and XLSX, filtered like the list and formula-safe, in the browser and the API."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from pypdf import PdfReader

from core import roles
from scorecards import review_services
from tests.factories import ProviderFactory, UserFactory
from tests.scorecards.review_helpers import OCT, stored_card

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","Care")'


@pytest.fixture
def cards():
    buyer = UserFactory(username="buyer", role=roles.PROCUREMENT)
    manila = stored_card(ProviderFactory(name="Manila Care"), score="48.50", standing="exit")
    evil = stored_card(ProviderFactory(name=EVIL), score="91.25", standing="strategic")
    later = stored_card(manila.provider, period=dt.date(2026, 11, 1), score="72.00", standing="preferred")
    review, _ = review_services.review_start(provider=manila.provider, period=OCT, user=buyer)
    review_services.review_set_decision(review, user=buyer, decision="watch", decision_owner=buyer, due_date=OCT)
    return {"manila": manila, "evil": evil, "later": later}


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_one_page_with_the_provider_score_criteria_and_review(client, viewer_user, cards):
    client.force_login(viewer_user)
    response = client.get(f"/scorecards/{cards['manila'].pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="scorecard-Manila-Care-2026-10.pdf"' in response["Content-Disposition"]
    pages, text = _pdf_text(response.content)
    assert pages == 1
    for expected in (
        "Manila Care",
        "October 2026",
        "48.50 of 100",
        "exit",
        "Default v1",
        "SLA performance",
        "Left out for lack of data: Cost",
        "Draft",
        "Watch, owner buyer",
    ):
        assert expected in text, expected


def test_the_pdf_over_the_api_and_a_name_outside_latin1(viewer_api):
    card = stored_card(ProviderFactory(name="Łódź Services – 東京"), score="66.00", standing="watch")
    response = viewer_api.get(f"/api/v1/scorecards/{card.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _, text = _pdf_text(response.content)
    assert "Services - ??" in text and "66.00 of 100" in text and "not started" in text
    assert viewer_api.get("/api/v1/scorecards/999999/pdf/").status_code == 404


def test_the_csv_is_filtered_and_formula_safe(client, viewer_user, cards):
    client.force_login(viewer_user)
    response = client.get("/scorecards/export/?format=csv&period_from=2026-10&period_to=2026-10")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header[:6] == ["Provider", "Month", "Template", "Version", "Score", "Standing"]
    assert "SLA performance (points)" in header and "Review status" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"Manila Care", "'" + EVIL}  # the formula is written as text
    assert by_name["Manila Care"]["Score"] == "48.50" and by_name["Manila Care"]["Decision"] == "Watch"
    assert by_name["Manila Care"]["Left out"] == "cost"
    bad = client.get("/scorecards/export/?format=pdf")
    assert bad.status_code == 400 and "format" in bad.content.decode()
    assert client.get("/scorecards/export/?period_from=2026-13").status_code == 400


def test_the_xlsx_is_filtered_and_formula_safe(viewer_api, cards):
    response = viewer_api.get("/api/v1/scorecards/xlsx/", {"standing": "strategic"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Provider" and len(rows) == 2
    assert rows[1][0] == "'" + EVIL and rows[1][4] == 91.25
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere

    csv_body = viewer_api.get("/api/v1/scorecards/csv/", {"provider": "Manila Care", "ordering": "period"})
    assert csv_body.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(csv_body.streaming_content).decode())))
    assert [row[1] for row in lines[1:]] == ["2026-10", "2026-11"]
    assert viewer_api.get("/api/v1/scorecards/csv/", {"bogus": "1"}).status_code == 400


def test_control_characters_do_not_break_the_workbook(viewer_api):
    stored_card(ProviderFactory(name="Bell\x07 Care"))
    response = viewer_api.get("/api/v1/scorecards/xlsx/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Bell Care"


def test_the_browser_xlsx_and_the_role_check(client, cards):
    client.force_login(UserFactory(username="ops", role=roles.OPERATIONS))
    response = client.get("/scorecards/export/?format=xlsx&provider=Manila%20Care")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
