from datetime import date
from decimal import Decimal as D

import pytest

from goldenthread.rules.forecast import WINDOW, trend_forecast, year_end_period
from goldenthread.rules.periods import Frequency, Period

Q = Period.parse
Q4_2025 = Q("2025/26 Q4")


def quarters(first: str, values):
    periods = Q(first).periods_until(Q("2039/40 Q4"))
    return list(zip(periods, values, strict=False))


@pytest.mark.parametrize(
    ("frequency", "today", "label"),
    [
        (Frequency.QUARTERLY, date(2025, 11, 3), "2025/26 Q4"),
        (Frequency.QUARTERLY, date(2026, 3, 31), "2025/26 Q4"),
        (Frequency.QUARTERLY, date(2026, 4, 1), "2026/27 Q4"),
        (Frequency.MONTHLY, date(2025, 11, 3), "Mar 2026"),
        (Frequency.ANNUAL, date(2025, 11, 3), "2025/26"),
    ],
)
def test_year_end_period(frequency, today, label):
    assert year_end_period(frequency, today) == Period.parse(label)


def test_a_straight_line_carries_on_exactly():
    # 1 to 6 over 2024/25 Q1 to 2025/26 Q2: two more quarters to Q4 make 8.
    result = trend_forecast(quarters("2024/25 Q1", [1, 2, 3, 4, 5, 6]), to=Q4_2025)
    assert result.value == 8
    assert result.change_per_period == 1
    assert result.points_used == 6
    assert result.reason == ""
    assert result.method == (
        "A straight line fitted by least squares to the 6 results from 2024/25 Q1 to "
        "2025/26 Q2, carried forward 2 quarters to 2025/26 Q4."
    )


def test_a_falling_line():
    result = trend_forecast(quarters("2024/25 Q2", [D("9.5"), 9, D("8.5")]), to=Q4_2025)
    assert result.value == D("6.5")  # 2024/25 Q4 is 8.5; four more quarters at -0.5
    assert result.method.endswith("carried forward 4 quarters to 2025/26 Q4.")


def test_a_noisy_series_by_hand():
    # x = 0..5, mean 2.5; y mean 12; Sxy = 11, Sxx = 17.5; slope 0.62857…
    # Two quarters after x = 5 is x = 7: 12 + 0.62857… × 4.5 = 14.82857…
    result = trend_forecast(quarters("2024/25 Q1", [10, 12, 11, 13, 12, 14]), to=Q4_2025)
    assert round(result.change_per_period, 5) == D("0.62857")
    assert round(result.value, 4) == D("14.8286")


def test_only_the_last_eight_periods_count():
    values = [500, 500, *range(1, 9)]  # the early 500s are outside the window
    result = trend_forecast(quarters("2023/24 Q1", values), to=Q4_2025)
    assert WINDOW == 8
    assert result.points_used == 8
    assert result.value == 10


def test_a_missed_quarter_leaves_a_gap_in_time():
    # y = 2x with x = 0, 1, 3, 4 (2024/25 Q4 missing): 2025/26 Q4 is x = 6.
    values = quarters("2024/25 Q2", [0, 2, None, 6, 8])
    assert values[2] == (Q("2024/25 Q4"), None)
    result = trend_forecast(values, to=Q4_2025)
    assert result.value == 12
    assert result.points_used == 4


def test_an_annual_indicator_forecasts_the_current_year():
    values = [(Period(Frequency.ANNUAL, year, 1), year - 2000) for year in range(2020, 2025)]
    to = year_end_period(Frequency.ANNUAL, date(2025, 9, 1))
    result = trend_forecast(values, to=to)
    assert result.value == 25
    assert result.method.endswith("carried forward 1 year to 2025/26.")


def test_fewer_than_three_points_give_no_forecast():
    result = trend_forecast(quarters("2025/26 Q1", [5, 6]), to=Q4_2025)
    assert result.value is None
    assert result.points_used == 2
    assert result.method == ""
    assert (
        result.reason == "There are 2 results in the last 8 quarters: a forecast needs at least 3."
    )


def test_points_outside_the_window_do_not_count_towards_three():
    values = quarters("2023/24 Q1", [1, 2, None, None, None, None, None, None, None, 3, 4])
    result = trend_forecast(values, to=Q4_2025)
    assert result.value is None
    assert result.points_used == 2


def test_no_results_at_all():
    result = trend_forecast([], to=Q4_2025)
    assert result.value is None
    assert result.reason == "There are no results yet to forecast from."


def test_no_forecast_once_the_year_end_result_is_in():
    result = trend_forecast(quarters("2025/26 Q1", [1, 2, 3, 4]), to=Q4_2025)
    assert result.value is None
    assert result.reason == "The result for 2025/26 Q4 is already in, so no forecast is needed."


def test_no_forecast_from_a_result_too_old_to_carry_forward():
    # Five quarters from 2024/25 Q3 to 2025/26 Q4 is more than a year.
    result = trend_forecast(quarters("2024/25 Q1", [1, 2, 3]), to=Q4_2025)
    assert result.value is None
    assert "2024/25 Q3, too long ago" in result.reason
    # Four quarters on is still a year-end forecast.
    assert trend_forecast(quarters("2024/25 Q2", [1, 2, 3]), to=Q4_2025).value == 7


def test_floats_are_refused():
    with pytest.raises(TypeError):
        trend_forecast([(Q4_2025, 1.5)], to=Q4_2025)
