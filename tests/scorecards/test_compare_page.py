"""The comparison page on a built scenario (tests/scorecards/compare_scenario.py): the table's
numbers, the charts' data, the frontier, the selection form's errors and who may see it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from contracts.models import ServiceCategory
from core import roles
from scorecards import comparison
from tests.factories import ContractFactory, ProcessFactory, ProviderFactory, UserFactory
from tests.scorecards import compare_scenario

pytestmark = pytest.mark.django_db

PAGE = "/scorecards/compare/"
THREE = ["Alpha Contact", "Bravo Services", "Charlie Outsourcing"]
RANGE = {"period_from": "2026-10", "period_to": "2026-11"}


@pytest.fixture
def scenario():
    return compare_scenario.build()


@pytest.fixture
def browser():
    client = Client()
    client.force_login(UserFactory(username="pat", role=roles.PROCUREMENT))
    return client


def _rows(response) -> dict[str, list[str]]:
    return {row["label"]: row["cells"] for row in response.context["rows"]}


def test_three_providers_side_by_side(browser, scenario):
    response = browser.get(PAGE, {"provider": THREE, **RANGE})
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["Average score"] == ["85.00", "70.00", "55.00"]
    assert rows["Months with a score"] == ["2 of 2", "1 of 2", "2 of 2"]
    assert rows["SLA performance (points)"] == ["75.00", "20.00", "100.00"]
    assert rows["Realised savings"] == ["400.00 USD", "100.00 USD", "-50.00 USD"]
    assert rows["Spend (outsourced cost)"] == ["2,000.00 USD", "6,000.00 USD", "500.00 USD"]
    assert rows["Service credits"] == ["100.00 USD", "0.00 USD", "10.00 USD"]
    assert rows["Contract-months with figures"] == ["2", "1 (1 without)", "1"]
    assert rows["Quadrant"] == ["Efficient", "Strategic", "Marginal"]
    metric = rows["Service level within 20 s (higher is better)"]  # named as the rest of the portal names it
    assert metric == ["78.75 % · 0.31", "76.00 % · 0.00", "85.00 % · 1.00"]
    content = response.content.decode()
    assert f'<option value="{scenario["alpha"].pk}" selected>Alpha Contact</option>' in content  # chosen by name
    assert 'data-compare-chart="scores"' in content and 'data-compare-chart="quadrant"' in content
    assert "<script>" not in content.replace('<script id="', "")  # data only through json_script


def test_the_charts_data_and_the_frontier_of_the_shared_process(browser, scenario):
    response = browser.get(PAGE, {"provider": THREE, **RANGE})
    charts = response.context["charts"]
    assert charts["scores"]["labels"] == ["2026-10", "2026-11"]
    assert [s["data"] for s in charts["scores"]["series"]] == [[80.0, 90.0], [70.0, None], [60.0, 50.0]]
    quadrant = charts["quadrant"]
    assert (quadrant["spend_median"], quadrant["score_median"]) == (2000.0, 70.0)
    assert [(p["label"], p["quadrant"]) for p in quadrant["points"]] == [
        ("Alpha Contact", comparison.EFFICIENT),
        ("Bravo Services", comparison.STRATEGIC),
        ("Charlie Outsourcing", comparison.MARGINAL),
    ]
    [process] = response.context["result"]["processes"]  # Charlie's process is not shared
    assert process["name"] == "Retail voice care" and process["frontier"] == ["Alpha Contact"]
    by_name = {row["provider"].name: row for row in process["rows"]}
    assert float(by_name["Alpha Contact"]["cost_per_unit"]) == 10.0 and by_name["Alpha Contact"]["quality"] == 75.0
    assert float(by_name["Bravo Services"]["cost_per_unit"]) == 12.0 and by_name["Bravo Services"]["quality"] == 20.0
    assert by_name["Bravo Services"]["beaten_by"] == ["Alpha Contact"]
    assert [(p["label"], p["frontier"]) for p in charts["frontiers"][0]["points"]] == [
        ("Alpha Contact", True),
        ("Bravo Services", False),
    ]
    assert "beaten by Alpha Contact" in response.content.decode()


def test_the_default_range_is_the_last_12_months_with_scorecards_not_today(browser, scenario):
    response = browser.get(PAGE, {"provider": THREE[:2]})
    months = response.context["result"]["months"]
    assert (f"{months[0]:%Y-%m}", f"{months[-1]:%Y-%m}", len(months)) == ("2025-12", "2026-11", 12)
    assert _rows(response)["Months with a score"] == ["2 of 12", "1 of 12"]


def test_a_category_compares_all_its_providers(browser, scenario):
    category = scenario["voice"].category.code
    response = browser.get(PAGE, {"category": category, **RANGE})
    assert response.status_code == 200
    names = [f.provider.name for f in response.context["result"]["providers"]]
    assert set(THREE) <= set(names)  # all three run customer-support processes (the factory's category)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"provider": ["Alpha Contact"]}, "provider", "Choose 2 to 5 providers to compare (you chose 1)."),
        ({"provider": [f"Extra {n}" for n in range(6)]}, "provider", "you chose 6"),
        ({"provider": ["Alpha Contact", "Nobody Ltd"]}, "provider", "No provider is named “Nobody Ltd”."),
        ({"category": "no-such-thing"}, "category", "No service category is named “no-such-thing”."),
        ({"provider": THREE[:2], "category": "customer-support"}, "__all__", "not both"),
        ({"provider": THREE[:2], "period_from": "2026-11", "period_to": "2026-10"}, "period_to", "cannot end"),
        ({"provider": THREE[:2], "period_from": "2026-13"}, "period_from", "is not a month"),
        ({"period_from": "2026-10"}, "provider", "you chose 0"),
    ],
)
def test_the_form_says_what_is_wrong(browser, scenario, query, field, message):
    for n in range(6):
        ProviderFactory(name=f"Extra {n}")
    response = browser.get(PAGE, query)
    assert response.status_code == 200
    assert "result" not in response.context
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert message.split("“")[0] in response.content.decode().replace("&quot;", '"')


def test_a_category_with_one_provider_cannot_be_compared(browser, db):
    process = ProcessFactory(category=ServiceCategory.objects.get(code="legal-process"))
    ContractFactory(provider=ProviderFactory(name="Lonely Legal"), processes=[process])
    response = browser.get(PAGE, {"category": "Legal process outsourcing"})
    assert "at least 2 are needed" in response.context["form"].errors["category"][0]


def test_providers_without_any_data_say_so(browser, db):
    ProviderFactory(name="Empty One")
    ProviderFactory(name="Empty Two")
    response = browser.get(PAGE, {"provider": ["Empty One", "Empty Two"]})
    assert "nothing to compare" in response.context["form"].non_field_errors()[0]


def test_the_page_without_a_choice_shows_only_the_form(browser):
    response = browser.get(PAGE)
    assert response.status_code == 200 and "result" not in response.context
    assert not response.context["form"].is_bound


@pytest.mark.parametrize("role", [roles.OPERATIONS, roles.VIEWER, roles.PROCUREMENT])
def test_every_role_may_compare_and_a_user_without_one_may_not(db, scenario, role):
    client = Client()
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get(PAGE, {"provider": THREE, **RANGE}).status_code == 200
    nobody = Client()
    nobody.force_login(User.objects.create_user("nobody", password="x"))
    assert nobody.get(PAGE, {"provider": THREE, **RANGE}).status_code == 403


def test_the_provider_page_links_to_the_comparison_of_its_category(browser, scenario):
    page = browser.get(scenario["alpha"].get_absolute_url()).content.decode()
    assert f'href="{PAGE}?category=customer-support"' in page
