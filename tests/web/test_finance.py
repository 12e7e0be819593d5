"""Finance pages: the page (budget against spend by quarter, variance and forecast in words,
the chart and its table, each action's figures), the lead's form (writes with history; bad
input refused with a message by the field, nothing saved), who may do what, and query
counts at two sizes. The reads and the summary box: tests/core/test_finance.py; the
services: tests/core/test_finance_services.py.

The clock stands at 20 November 2025: 2025/26 Q3 is running, Q4 has not started. The
partnership's 2025/26 budget is £400,000; it spent £100,000 in Q1 and £106,000 in Q2.
"""

import datetime
import html
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import Action, Budget, Spend
from goldenthread.rules import Period

TODAY = datetime.date(2025, 11, 20)
Q1, Q2, Q3, Q4 = (Period.parse(f"2025/26 Q{n}") for n in range(1, 5))


@pytest.fixture(autouse=True)
def frozen():
    moment = datetime.datetime.combine(TODAY, datetime.time(10), ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        yield


def page_url(world, year: int | str | None = None) -> str:
    url = reverse("finance", args=[world.partnership.pk])
    return f"{url}?year={year}" if year is not None else url


def edit_url(world, year: int = 2025) -> str:
    return f"{reverse('finance_edit', args=[world.partnership.pk])}?year={year}"


def current_form(world) -> dict[str, str]:
    """What the form posts when nothing is changed."""
    a = world.action.pk
    return {
        "budget": "400000",
        "spend_2025-Q1": "100000",
        "spend_2025-Q2": "106000",
        "spend_2025-Q3": "",
        f"budget_a{a}": "60000",
        f"spend_2025-Q1_a{a}": "10000",
        f"spend_2025-Q2_a{a}": "",
        f"spend_2025-Q3_a{a}": "",
    }


def text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


# --- Reads ---------------------------------------------------------------------------------


def test_the_finance_page_shows_budget_against_spend_in_plain_words(client, money_world):
    client.force_login(money_world.viewer)
    response = client.get(page_url(money_world))
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="govuk-heading-xl">Finance 2025/26</h1>' in page
    assert "Forecast year-end spend £412,000: £12,000 (3%) over the budget of £400,000." in page
    assert "Spent to date £206,000: £6,000 (3%) over the £200,000 budgeted for 2 quarters." in page
    # The chart, and its table as the text alternative.
    chart = reverse("finance_chart", args=[money_world.partnership.pk]) + "?year=2025"
    assert f'src="{chart}"' in page
    assert "The numbers are in the table that follows." in page
    assert (
        '<th scope="row" class="govuk-table__header">2025/26 Q1</th> '
        '<td class="govuk-table__cell govuk-table__cell--numeric">£100,000</td> '
        '<td class="govuk-table__cell govuk-table__cell--numeric">£100,000</td> '
        '<td class="govuk-table__cell govuk-table__cell--numeric">On budget</td>' in page
    )
    assert '£106,000</td> <td class="govuk-table__cell govuk-table__cell--numeric">£6,000 over' in (
        page
    )
    assert "2025/26 Q3</th>" in page and "Not recorded" in page
    assert "2025/26 Q4</th>" in page and "Not started" in page
    # Each action's budget and spend, and what no action has been given.
    assert "A1 Door-to-door visits" in page
    assert "£60,000" in page and "£10,000" in page and "£50,000" in page
    assert "Budget not given to any action: £340,000." in page
    # The summary box, and no way to change anything for a viewer.
    assert 'id="finance-summary"' in page
    assert "Change the budgets and spend" not in page


def test_the_lead_is_offered_the_form_and_the_performance_team_only_reads(client, money_world):
    client.force_login(money_world.lead)
    assert edit_url(money_world) in client.get(page_url(money_world)).content.decode()
    client.force_login(money_world.performance)
    response = client.get(page_url(money_world))
    assert response.status_code == 200
    assert "Change the budgets and spend" not in response.content.decode()


@pytest.mark.parametrize(
    "asked, shown",
    [
        ("2024", "2024/25"),
        ("2024/25", "2024/25"),
        ("nonsense", "2025/26"),
        ("99999", "2025/26"),
        (None, "2025/26"),
    ],
)
def test_the_year_can_be_chosen(client, money_world, asked, shown):
    client.force_login(money_world.member)
    page = text(client.get(page_url(money_world, asked)))
    assert f"Finance {shown}</h1>" in page


def test_another_year_says_when_nothing_is_recorded(client, money_world):
    client.force_login(money_world.member)
    page = text(client.get(page_url(money_world, 2024)))
    assert "No spend is recorded for 2024/25 yet, so there is no forecast." in page
    assert 'Previous<span class="govuk-visually-hidden"> financial year' in page


def test_pence_are_shown_when_there_are_some(client, money_world):
    Budget.objects.filter(action=money_world.action).update(amount=Decimal("12345.5"))
    client.force_login(money_world.member)
    assert "£12,345.50" in client.get(page_url(money_world)).content.decode()


def test_the_chart_is_an_svg_without_scripts(client, money_world):
    client.force_login(money_world.viewer)
    response = client.get(
        reverse("finance_chart", args=[money_world.partnership.pk]), {"year": 2025}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<script" not in svg
    assert "Spend by quarter against budget, 2025/26" in svg
    assert "Budget for the quarter" in svg
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


# --- The form ------------------------------------------------------------------------------


def test_the_form_shows_the_year_as_it_is(client, money_world):
    client.force_login(money_world.lead)
    response = client.get(edit_url(money_world))
    assert response.status_code == 200
    page = text(response)
    assert 'name="budget" value="400000"' in page
    assert 'name="spend_2025-Q2" value="106000"' in page
    assert f'name="budget_a{money_world.action.pk}" value="60000"' in page
    assert 'name="spend_2025-Q3"' in page
    assert 'name="spend_2025-Q4"' not in page  # not started
    assert "2025/26 Q4 starts on 1 January 2026" in page


def test_the_lead_saves_budgets_and_spend_with_history(client, money_world):
    client.force_login(money_world.lead)
    a = money_world.action.pk
    data = current_form(money_world) | {
        "budget": "£420,000",
        "spend_2025-Q3": "98,000.25",
        f"budget_a{a}": "61000",
        f"spend_2025-Q2_a{a}": "12500",
    }
    response = client.post(edit_url(money_world), data)
    assert response.status_code == 302
    assert response.url == page_url(money_world, 2025)

    budget = Budget.objects.get(partnership=money_world.partnership, year=2025, action=None)
    assert budget.amount == Decimal("420000")
    entry = budget.history.first()
    assert entry.history_user == money_world.lead
    assert entry.history_change_reason == "Budget for 2025/26 changed from £400,000"
    q3 = Spend.objects.get(partnership=money_world.partnership, period=Q3, action=None)
    assert q3.amount == Decimal("98000.25")
    assert q3.history.first().history_user == money_world.lead
    assert Budget.objects.get(action=money_world.action).amount == 61000
    assert Spend.objects.get(action=money_world.action, period=Q2).amount == 12500
    # Unchanged figures were not written again.
    assert Spend.objects.get(period=Q1, action=None).history.count() == 1

    page = text(client.get(response.url))
    assert "Budget and spend for 2025/26 saved" in page
    assert "£420,000" in page


def test_saving_the_same_figures_changes_nothing(client, money_world):
    client.force_login(money_world.lead)
    before = Budget.history.count() + Spend.history.count()
    response = client.post(edit_url(money_world), current_form(money_world), follow=True)
    assert "Nothing was changed in 2025/26" in response.content.decode()
    assert Budget.history.count() + Spend.history.count() == before


def test_emptying_a_box_removes_the_figure_with_history(client, money_world):
    client.force_login(money_world.lead)
    a = money_world.action.pk
    client.post(edit_url(money_world), current_form(money_world) | {f"budget_a{a}": ""})
    assert not Budget.objects.filter(action=money_world.action).exists()
    removed = Budget.history.filter(action_id=a).first()
    assert removed.history_type == "-"
    assert removed.history_user == money_world.lead


def assert_refused(client, world, data: dict, field: str, message: str) -> str:
    budgets = list(Budget.objects.values_list("pk", "amount"))
    spends = list(Spend.objects.values_list("pk", "amount"))
    response = client.post(edit_url(world), data)
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: Change the budgets and spend for 2025/26" in page
    assert "There is a problem" in page
    if field:
        # The message sits by the field, which is marked and described by it.
        assert f'<p class="govuk-error-message" id="id_{field}_error">' in page
        assert f'aria-describedby="id_{field}_error"' in page
    assert message in page
    # All or nothing: the valid changes typed alongside were not saved either.
    assert list(Budget.objects.values_list("pk", "amount")) == budgets
    assert list(Spend.objects.values_list("pk", "amount")) == spends
    return page


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("budget", "twelve", "Enter the 2025/26 budget as an amount in pounds, like 12,500"),
        ("budget", "-5", "The 2025/26 budget must be £0 or more"),
        ("budget", "12.345", "The 2025/26 budget can only have pounds and pence"),
        ("budget", "1000000000000", "The 2025/26 budget must be less than £1,000,000,000,000"),
        ("spend_2025-Q2", "-200", "The 2025/26 Q2 spend must be £0 or more. To record a refund"),
        ("spend_2025-Q2", "1e5", "Enter the 2025/26 Q2 spend as an amount in pounds"),
    ],
)
def test_bad_amounts_are_refused_by_the_field_and_kept_as_typed(
    client, money_world, field, typed, message
):
    client.force_login(money_world.lead)
    data = current_form(money_world) | {field: typed, "spend_2025-Q3": "5000"}
    page = assert_refused(client, money_world, data, field, message)
    assert f'name="{field}" value="{typed}"' in page
    assert 'name="spend_2025-Q3" value="5000"' in page


def test_an_action_amount_names_the_action(client, money_world):
    client.force_login(money_world.lead)
    a = money_world.action.pk
    data = current_form(money_world) | {f"spend_2025-Q2_a{a}": "lots"}
    assert_refused(
        client,
        money_world,
        data,
        f"spend_2025-Q2_a{a}",
        "Enter the 2025/26 Q2 spend for A1 as an amount in pounds",
    )


def test_actions_budgets_must_fit_in_the_partnerships(client, money_world):
    client.force_login(money_world.lead)
    data = current_form(money_world) | {f"budget_a{money_world.action.pk}": "500000"}
    assert_refused(
        client,
        money_world,
        data,
        "budget",
        "The actions' budgets add up to £500,000, more than the partnership's 2025/26 budget "
        "of £400,000",
    )


def test_spend_on_actions_needs_the_partnerships_total(client, money_world):
    client.force_login(money_world.lead)
    a = money_world.action.pk
    data = current_form(money_world) | {f"spend_2025-Q3_a{a}": "700"}
    assert_refused(
        client,
        money_world,
        data,
        "spend_2025-Q3",
        "Enter the partnership's total 2025/26 Q3 spend: it includes the £700 spent on actions",
    )
    data = current_form(money_world) | {f"spend_2025-Q1_a{a}": "100001"}
    assert_refused(
        client,
        money_world,
        data,
        "spend_2025-Q1",
        "The partnership's total 2025/26 Q1 spend of £100,000 is less than the £100,001",
    )


@pytest.mark.parametrize(
    "key, message",
    [
        ("spend_2026-Q1", "2026/27 Q1 is not in 2025/26: choose 2026/27 to record its spend"),
        ("spend_2025-Q4", "2025/26 Q4 has not started yet: record its spend once it has"),
        ("spend_2025-Q9", "That is not a quarter"),
        ("budget_a999999", "That action is not in any of this partnership's plans"),
    ],
)
def test_figures_outside_the_form_are_refused_not_dropped(client, money_world, key, message):
    client.force_login(money_world.lead)
    data = current_form(money_world) | {key: "5000", "budget": "1"}
    assert_refused(client, money_world, data, "", message)


# --- Who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "viewer", "performance"])
def test_only_leads_may_change_the_figures(client, money_world, role):
    client.force_login(money_world.person(role))
    assert client.get(edit_url(money_world)).status_code == 403
    response = client.post(edit_url(money_world), current_form(money_world) | {"budget": "1"})
    assert response.status_code == 403
    assert Budget.objects.get(action=None, year=2025).amount == 400000


@pytest.mark.parametrize("role", ["outsider", "nobody"])
def test_people_outside_the_partnership_see_nothing(client, money_world, role):
    client.force_login(money_world.person(role))
    chart = reverse("finance_chart", args=[money_world.partnership.pk])
    for url in (page_url(money_world), chart, edit_url(money_world)):
        assert client.get(url).status_code == 404
    response = client.post(edit_url(money_world), current_form(money_world) | {"budget": "1"})
    assert response.status_code == 404
    assert Budget.objects.get(action=None, year=2025).amount == 400000


# --- Query counts --------------------------------------------------------------------------


def add_actions(world, n: int, tag: str) -> None:
    for i in range(n):
        action = Action.objects.create(
            objective=world.objective, ref=f"{tag}{i}", title=f"Act {i}", owner=world.member
        )
        Budget.objects.create(
            partnership=world.partnership, year=2025, action=action, amount=Decimal("10")
        )
        for q in (Q1, Q2):
            Spend.objects.create(
                partnership=world.partnership, period=q, action=action, amount=Decimal("1")
            )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["finance", "finance_edit", "finance_chart"])
def test_query_count_does_not_grow_with_actions(
    client, money_world, page, django_assert_num_queries
):
    client.force_login(money_world.lead)
    url = reverse(page, args=[money_world.partnership.pk]) + "?year=2025"
    add_actions(money_world, 1, "S")
    small = count_queries(client, url)
    add_actions(money_world, 12, "L")
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
