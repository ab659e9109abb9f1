"""The exchange-rate CSV import: every bad cell named, never a server error or a silent change."""

import datetime as dt
from decimal import Decimal

from django.conf import settings

from savings.views import parse_rates_csv


def test_a_row_with_an_extra_cell_is_read_not_a_server_error():
    rows, problems = parse_rates_csv(b"date,currency,rate\n1999-02-01,EUR,1.0861,ECB\n")
    assert problems == [] and rows == [
        {"date": dt.date(1999, 2, 1), "currency": "EUR", "rate": Decimal("1.0861"), "source": ""}
    ]


def test_a_rate_the_table_cannot_hold_exactly_is_refused_not_rounded():
    _, problems = parse_rates_csv(b"date,currency,rate\n1999-02-01,EUR,1.123456789\n1999-03-01,EUR,12345678901\n")
    assert [p.split(":")[0] for p in problems] == ["Row 2, column rate", "Row 3, column rate"]


def test_the_reporting_currency_has_no_rate_to_itself():
    _, problems = parse_rates_csv(f"date,currency,rate\n1999-02-01,{settings.REPORTING_CURRENCY},2\n".encode())
    assert len(problems) == 1 and problems[0].startswith("Row 2, column currency")


def test_the_api_and_the_form_refuse_a_rate_for_the_reporting_currency(db, ops_api):
    response = ops_api.post(
        "/api/v1/exchange-rates/",
        {"date": "1999-02-01", "currency": settings.REPORTING_CURRENCY, "rate": "2"},
        format="json",
    )
    assert response.status_code == 400 and "currency" in response.json()["errors"]
    ok = ops_api.post(
        "/api/v1/exchange-rates/", {"date": "1999-02-01", "currency": "EUR", "rate": "1.0861"}, format="json"
    )
    assert ok.status_code == 201, ok.json()
