"""Highlights to celebrate: the indicators that improved most between their latest two
periods (by polarity, relative to the earlier value) and those that turned green; shown on
the partnership page and offered to the annual report (with a year)."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from goldenthread.core.improvement import IMPROVED_SHOWN, highlights
from goldenthread.core.models import Indicator, Result, Target
from goldenthread.rules import Period, Rag
from tests.conftest import make_indicator

TODAY = datetime.date(2026, 1, 15)  # 2025/26 Q3 ended on 31 December 2025


@pytest.fixture
def partnership(world):
    # Only these tests' indicators: the world's SS01 (103 then 101) would otherwise count.
    Indicator.objects.filter(partnership=world.partnership).delete()
    return world.partnership


def series(partnership, code, rows, **fields) -> Indicator:
    """rows: {period label: (target, result)}."""
    fields.setdefault("polarity", "higher")
    return make_indicator(partnership, code, rows, **fields)


def improved(partnership, **kw) -> list[str]:
    return [h.indicator.code for h in highlights(partnership, today=TODAY, **kw).improved]


def turned_green(partnership, **kw) -> list[str]:
    return [h.indicator.code for h in highlights(partnership, today=TODAY, **kw).turned_green]


def test_the_largest_relative_improvements_come_first(partnership):
    series(partnership, "SMALL", {"2025/26 Q2": (None, "100"), "2025/26 Q3": (None, "101")})
    series(partnership, "BIG", {"2025/26 Q2": (None, "10"), "2025/26 Q3": (None, "15")})
    series(
        partnership,
        "LOWER",
        {"2025/26 Q2": (None, "200"), "2025/26 Q3": (None, "150")},
        polarity="lower",
    )
    series(partnership, "WORSE", {"2025/26 Q2": (None, "10"), "2025/26 Q3": (None, "9")})
    series(partnership, "SAME", {"2025/26 Q2": (None, "10"), "2025/26 Q3": (None, "10")})
    assert improved(partnership) == ["BIG", "LOWER", "SMALL"]
    [big, lower, small] = highlights(partnership, today=TODAY).improved
    assert big.improvement == Decimal("0.5")
    assert lower.improvement == Decimal("0.25")
    assert small.change == "Up 1.0% from 100 to 101 (higher is better)"
    assert big.change == "Up 50.0% from 10 to 15 (higher is better)"
    assert lower.change == "Down 25.0% from 200 to 150 (lower is better)"
    assert (big.previous_period, big.latest_period) == (
        Period.parse("2025/26 Q2"),
        Period.parse("2025/26 Q3"),
    )
    assert (big.previous_value, big.latest_value) == (Decimal("10"), Decimal("15"))


def test_at_most_five_are_shown(partnership):
    for n in range(IMPROVED_SHOWN + 3):
        series(partnership, f"I{n}", {"2025/26 Q2": (None, "100"), "2025/26 Q3": (None, 101 + n)})
    assert improved(partnership) == ["I7", "I6", "I5", "I4", "I3"]


def test_a_change_too_small_to_show_is_no_change(partnership):
    series(
        partnership,
        "TINY",
        {"2025/26 Q2": (None, "10.01"), "2025/26 Q3": (None, "10.02")},
        decimals=0,
    )
    assert improved(partnership) == []


def test_a_zero_before_cannot_be_compared_in_proportion(partnership):
    series(partnership, "ZERO", {"2025/26 Q2": ("5", "0"), "2025/26 Q3": ("5", "6")})
    assert improved(partnership) == []
    [green] = highlights(partnership, today=TODAY).turned_green
    assert green.improvement is None
    assert green.change == "Up from 0 to 6 (higher is better)"


def test_rates_change_in_percentage_points(partnership):
    series(
        partnership,
        "RATE",
        {"2025/26 Q2": (None, "61"), "2025/26 Q3": (None, "88")},
        unit="%",
    )
    [rate] = highlights(partnership, today=TODAY).improved
    assert rate.change == "Up 27 percentage points from 61% to 88% (higher is better)"


def test_a_band_improves_by_coming_closer(partnership):
    indicator = series(partnership, "BAND", {}, polarity="band")
    for label, value in (("2025/26 Q2", "130"), ("2025/26 Q3", "112")):
        period = Period.parse(label)
        Target.objects.create(indicator=indicator, period=period, value=100, upper=110)
        Result.objects.create(indicator=indicator, period=period, value=Decimal(value))
    [band] = highlights(partnership, today=TODAY).improved
    assert band.improvement == Decimal(18) / Decimal(130)
    assert band.change == "Down from 130 to 112, closer to the target band 100 to 110"


def test_indicators_that_turned_green(partnership):
    series(partnership, "AMBER", {"2025/26 Q2": ("100", "96"), "2025/26 Q3": ("100", "100")})
    series(partnership, "RED", {"2025/26 Q2": ("100", "50"), "2025/26 Q3": ("100", "120")})
    series(partnership, "STAYED", {"2025/26 Q2": ("100", "100"), "2025/26 Q3": ("100", "101")})
    series(partnership, "NOTYET", {"2025/26 Q2": ("100", "50"), "2025/26 Q3": ("100", "90")})
    series(partnership, "FIRST", {"2025/26 Q3": ("100", "120")})  # nothing to compare with
    assert turned_green(partnership) == ["AMBER", "RED"]
    amber = highlights(partnership, today=TODAY).turned_green[0]
    assert (amber.previous_rag, amber.latest_rag) == (Rag.AMBER, Rag.GREEN)


def test_a_period_not_yet_ended_does_not_count(partnership):
    series(
        partnership,
        "Q4",
        {"2025/26 Q2": ("100", "50"), "2025/26 Q3": ("100", "60"), "2025/26 Q4": ("100", "100")},
    )
    assert turned_green(partnership) == []
    assert improved(partnership) == ["Q4"]
    assert highlights(partnership, today=TODAY).improved[0].latest_period.label == "2025/26 Q3"


def test_for_the_annual_report_a_year_is_chosen(partnership):
    series(
        partnership,
        "Y",
        {
            "2024/25 Q3": ("100", "80"),
            "2024/25 Q4": ("100", "100"),
            "2025/26 Q1": ("100", "90"),
            "2025/26 Q2": ("100", "80"),
        },
    )
    series(
        partnership, "ANNUAL", {"2023/24": ("5", "4"), "2024/25": ("5", "5")}, frequency="annual"
    )
    year = highlights(partnership, year=2024, today=TODAY)
    assert [h.indicator.code for h in year.turned_green] == ["ANNUAL", "Y"]
    y = next(h for h in year.turned_green if h.indicator.code == "Y")
    assert y.latest_period.label == "2024/25 Q4"
    assert highlights(partnership, year=2025, today=TODAY).turned_green == []
    assert highlights(partnership, year=2019, today=TODAY).any is False


def test_monthly_indicators_compare_the_latest_two_months(partnership):
    series(
        partnership,
        "MON",
        {"Nov 2025": ("10", "8"), "Dec 2025": ("10", "10")},
        frequency="monthly",
    )
    [h] = highlights(partnership, today=TODAY).turned_green
    assert (h.previous_period.label, h.latest_period.label) == ("Nov 2025", "Dec 2025")


def test_other_partnerships_are_not_included(partnership, world):
    series(world.other, "THEIRS", {"2025/26 Q2": ("1", "0.5"), "2025/26 Q3": ("1", "2")})
    assert highlights(partnership, today=TODAY).any is False


def test_the_partial_shows_both_lists(partnership):
    series(partnership, "UP", {"2025/26 Q2": ("100", "50"), "2025/26 Q3": ("100", "100")})
    html = render_to_string(
        "web/lessons/_highlights.html", {"highlights": highlights(partnership, today=TODAY)}
    )
    assert "Highlights to celebrate" in html
    assert 'id="turned-green"' in html and 'id="most-improved"' in html
    assert "Up 100.0% from 50 to 100 (higher is better)" in html
    empty = render_to_string(
        "web/lessons/_highlights.html",
        {"highlights": highlights(partnership, year=2010, today=TODAY)},
    )
    assert "No indicator improved or turned green" in empty


def test_query_count_does_not_grow(partnership, django_assert_num_queries):
    def grow(n, tag):
        for i in range(n):
            series(
                partnership, f"{tag}{i}", {"2025/26 Q2": ("10", "9"), "2025/26 Q3": ("10", "11")}
            )

    grow(1, "S")
    with django_assert_num_queries(3):
        assert len(highlights(partnership, today=TODAY).turned_green) == 1
    grow(10, "L")
    with django_assert_num_queries(3):
        assert len(highlights(partnership, today=TODAY).turned_green) == 11
