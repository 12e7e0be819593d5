"""The finance reads, without HTTP: money in pounds, the straight-line forecast and the
variance to date in words, the same figures on a return, and the summary box of the
partnership and return pages. The writes: test_finance_services.py; the pages:
tests/web/test_finance.py.

The clock stands at 20 November 2025: 2025/26 Q3 is running, Q4 has not started. The
partnership's 2025/26 budget is £400,000; it spent £100,000 in Q1 and £106,000 in Q2.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from goldenthread.core import finance as core_finance
from goldenthread.core.finance import Finance, finance_summary, money
from goldenthread.core.monitoring import return_contents
from goldenthread.rules import Period

TODAY = datetime.date(2025, 11, 20)
Q1, Q2, Q3, Q4 = (Period.parse(f"2025/26 Q{n}") for n in range(1, 5))


@pytest.fixture(autouse=True)
def frozen():
    moment = datetime.datetime.combine(TODAY, datetime.time(10), ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        yield


def test_money_is_shown_in_pounds_with_pence_only_when_there_are_some():
    assert money(Decimal("12345")) == "£12,345"
    assert money(Decimal("12345.00")) == "£12,345"
    assert money(Decimal("12345.5")) == "£12,345.50"
    assert money(Decimal("0.07")) == "£0.07"
    assert money(Decimal("-1500")) == "−£1,500"
    assert money(None) == ""


def test_the_forecast_is_a_straight_line_and_the_variance_to_date_uses_quarters_reported():
    f = Finance(
        year=2025,
        budget=Decimal("400000"),
        spend_by_quarter={Q1: Decimal("100000"), Q2: Decimal("106000"), Q4: Decimal("1")},
        this_quarter=Q3,
    )
    assert f.spent_to_date == Decimal("206000")  # Q4 is after the cut-off
    assert f.quarters_reported == 2
    assert f.budget_to_date == Decimal("200000.00")
    assert f.variance_to_date == Decimal("6000.00")
    assert f.forecast == Decimal("412000.00")
    assert f.variance == Decimal("12000.00")
    assert f.forecast_words == (
        "Forecast year-end spend £412,000: £12,000 (3%) over the budget of £400,000."
    )
    assert f.to_date_words == (
        "Spent to date £206,000: £6,000 (3%) over the £200,000 budgeted for 2 quarters."
    )
    under = Finance(2025, Decimal("400000"), {Q1: Decimal("99000")}, Q1)
    assert under.forecast_words == (
        "Forecast year-end spend £396,000: £4,000 (1%) under the budget of £400,000."
    )
    whole = Finance(2025, Decimal("400"), {q: Decimal("100") for q in (Q1, Q2, Q3, Q4)}, Q4)
    assert whole.forecast_words == "Spend for the year £400: the same as the budget of £400."
    nothing = Finance(2025, None, {}, Q3)
    assert nothing.forecast is None and nothing.variance is None
    assert (
        nothing.forecast_words == "No spend is recorded for 2025/26 yet, so there is no forecast."
    )
    unbudgeted = Finance(2025, None, {Q1: Decimal("5")}, Q3)
    assert unbudgeted.forecast_words == (
        "Forecast year-end spend £20. No budget is set for 2025/26."
    )
    future = Finance(2026, Decimal("10"), {}, None)
    assert future.spent_to_date == 0 and future.forecast is None


def test_the_return_uses_the_same_finance(money_world):
    finance = return_contents(money_world.ret).finance
    assert isinstance(finance, core_finance.Finance)
    assert finance.forecast == Decimal("412000.00")
    assert finance.variance == Decimal("12000.00")


def test_the_summary_box_has_what_the_partnership_and_return_pages_need(money_world):
    finance = finance_summary(money_world.partnership, 2025, TODAY)
    box = " ".join(render_to_string("web/finance/summary.html", {"finance": finance}).split())
    link = reverse("finance", args=[money_world.partnership.pk]) + "?year=2025"
    assert f'href="{link}"' in box
    assert '<h2 class="govuk-summary-card__title">Finance 2025/26</h2>' in box
    for words in (
        "£400,000",
        "£206,000 (2 quarters reported)",
        "£6,000 (3%) over the £200,000 budgeted for 2 quarters",
        "£412,000",
        "£12,000 (3%) over the budget of £400,000",
    ):
        assert words in box
    on_a_return = render_to_string(
        "web/finance/summary.html",
        {
            "finance": finance_summary(money_world.partnership, 2025, TODAY, up_to=Q1),
            "heading_level": 3,
        },
    )
    assert '<h3 class="govuk-summary-card__title">' in on_a_return
    assert "£100,000 (1 quarter reported)" in on_a_return
