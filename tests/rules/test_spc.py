"""The XmR rules on series small enough to check by hand."""

from decimal import Decimal as D

import pytest

from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Polarity
from goldenthread.rules.spc import (
    MINIMUM_POINTS,
    Assurance,
    Flag,
    Point,
    Rule,
    Signal,
    Variation,
    xmr,
)

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND
FIRST = Period.parse("2020/21 Q1")

# Alternates round a mean of 11: every moving range is 2, so the mean moving range is 2
# and the limits are 11 ± 2.66 × 2 = 5.68 to 16.32; two sigma is 11 ± 3.5466…
STEADY = [10, 12] * 6


def series(values):
    periods = FIRST.periods_until(Period.parse("2039/40 Q4"))
    return list(zip(periods, values, strict=False))


def analyse(values, polarity=HIGHER, **options):
    return xmr(series(values), polarity=polarity, **options)


def rules_at(result, rule):
    """Positions of the values that ``rule`` marked."""
    return [i for i, point in enumerate(result.points) if rule in {f.rule for f in point.flags}]


# The numbers


def test_mean_moving_range_and_limits_by_hand():
    result = analyse(STEADY)
    assert result.mean == 11
    assert result.mean_moving_range == 2
    assert result.lower_limit == D("5.68")
    assert result.upper_limit == D("16.32")
    assert round(result.upper_near, 4) == D("14.5467")
    assert round(result.lower_near, 4) == D("7.4533")
    assert [p.moving_range for p in result.points] == [None] + [2] * 11


def test_a_steady_series_is_common_cause_throughout():
    result = analyse(STEADY)
    assert result.flagged == []
    assert result.variation is Variation.COMMON_CAUSE
    assert "common cause variation" in result.summary[1]


def test_every_value_counts_in_the_limits_as_in_the_mdc_tools_when_not_screened():
    # No outlier screening: the spike widens the limits (mean 12.08, mean range 2.92).
    result = analyse([*STEADY, 25], screen_outliers=False)
    assert round(result.mean_moving_range, 4) == D("2.9167")
    assert round(result.upper_limit, 2) == D("19.84")
    assert result.screened == ()


def test_a_large_moving_range_is_screened_out_by_default_as_in_the_reference():
    # 13 is more than 3.267 × 2.92 = 9.53: it is left out, the mean range is 2 again and
    # the limits are 12.08 ± 5.32. The mean still counts the 25.
    result = analyse([*STEADY, 25])
    assert result.screen_outliers
    assert [p.label for p in result.screened] == ["2023/24 Q1"]
    assert result.mean_moving_range == 2
    assert round(result.upper_limit, 2) == D("17.40")
    assert result.points[12].signal is Signal.IMPROVEMENT


def test_no_moving_range_across_a_period_with_no_result():
    # 2022/23 Q1 has no result: the change from the quarter before it to the one after is
    # over two quarters, so it is not a moving range (the mean range stays 2).
    values = series([*STEADY, 10, 12])
    values = values[:8] + values[9:]
    result = xmr(values, polarity=HIGHER)
    assert result.points[8].period.label == "2022/23 Q2"
    assert result.points[8].moving_range is None
    assert result.mean_moving_range == 2


# Rule 1: outside the process limits


def test_a_value_above_the_upper_limit_is_marked():
    result = analyse([*STEADY, 25])
    assert rules_at(result, Rule.OUTSIDE_LIMITS) == [12]
    assert result.points[12].flags[0].description == "above the upper process limit"


def test_a_value_below_the_lower_limit_is_marked():
    result = analyse([*STEADY, -3])
    assert rules_at(result, Rule.OUTSIDE_LIMITS) == [12]
    assert result.points[12].flags[0].high is False


def test_a_value_inside_the_limits_is_not_marked():
    # 16 is inside the limits once it is counted (mean 11.38, upper limit 17.11).
    result = analyse([*STEADY, 16])
    assert rules_at(result, Rule.OUTSIDE_LIMITS) == []


# Rule 2: a shift of seven on one side of the mean


def test_seven_in_a_row_on_each_side_of_the_mean_are_marked():
    # Mean 10.86: the first seven are all below it, the last seven all above.
    result = analyse([8, 10, 8, 10, 8, 10, 8, 12, 14, 12, 14, 12, 14, 12])
    assert rules_at(result, Rule.SHIFT) == list(range(14))
    assert result.points[0].flags[0].description == "one of 7 in a row below the mean"
    assert result.points[13].flags[0].description == "one of 7 in a row above the mean"
    assert rules_at(result, Rule.TREND) == rules_at(result, Rule.NEAR_LIMIT) == []


def test_six_in_a_row_are_not_a_shift():
    result = analyse([8, 10, 8, 10, 8, 10, 12, 14, 12, 14, 12, 14])  # mean 11
    assert result.flagged == []


def test_six_in_a_row_are_a_shift_where_six_was_agreed():
    result = analyse([8, 10, 8, 10, 8, 10, 12, 14, 12, 14, 12, 14], shift_points=6)
    assert rules_at(result, Rule.SHIFT) == list(range(12))


def test_a_value_on_the_mean_ends_a_run():
    # Mean 11: six above, one on the mean, six above, then below.
    values = [12, 13, 12, 13, 12, 13, 11, 12, 13, 12, 13, 12, 13, 9, 8, 10, 9, 8, 10, 9, 9, 9]
    assert sum(values) / len(values) == 11
    result = analyse(values)
    assert rules_at(result, Rule.SHIFT) == list(range(13, 22))


# Rule 3: a trend of seven rising or falling


TREND_OF_7 = [12, 10, 12, 10, 12, 10, 9, 10, 11, 12, 13, 14, 15, 10, 12]
TREND_OF_6 = [12, 10, 12, 10, 12, 10, 12, 10, 11, 12, 13, 14, 15, 10, 12]


def test_seven_rising_values_are_a_trend():
    result = analyse(TREND_OF_7)
    assert rules_at(result, Rule.TREND) == [6, 7, 8, 9, 10, 11, 12]
    assert result.points[6].flags[0].description == "one of 7 in a row rising"
    assert rules_at(result, Rule.SHIFT) == rules_at(result, Rule.NEAR_LIMIT) == []


def test_six_rising_values_are_not_a_trend():
    result = analyse(TREND_OF_6)
    assert rules_at(result, Rule.TREND) == []


def test_six_rising_values_are_a_trend_where_six_was_agreed_and_five_are_not():
    assert rules_at(analyse(TREND_OF_6, trend_points=6), Rule.TREND) == [7, 8, 9, 10, 11, 12]
    five = [12, 10, 12, 10, 12, 10, 12, 10, 12, 11, 12, 13, 14, 15, 10]
    assert rules_at(analyse(five, trend_points=6), Rule.TREND) == []


def test_seven_falling_values_are_a_trend():
    result = analyse([-v for v in TREND_OF_7])
    assert rules_at(result, Rule.TREND) == [6, 7, 8, 9, 10, 11, 12]
    assert result.points[6].flags[0].description == "one of 7 in a row falling"


def test_an_equal_value_ends_a_trend():
    values = [12, 10, 12, 10, 12, 10, 9, 10, 11, 11, 12, 13, 14, 10, 12]
    assert rules_at(analyse(values), Rule.TREND) == []


# Rule 4: two of three close to a limit


# Mean 11.63, mean moving range 2.22: two sigma is 15.57, the upper limit 17.54.
NEAR_BASE = [10, 12] * 8


def test_two_of_three_beyond_two_sigma_are_marked():
    result = analyse([*NEAR_BASE, 16, 13, 16])
    assert result.upper_near < 16 < result.upper_limit
    assert rules_at(result, Rule.NEAR_LIMIT) == [16, 18]  # the two 16s, not the 13 between
    assert result.points[16].flags[0].description == "two of three close to the upper limit"
    assert rules_at(result, Rule.OUTSIDE_LIMITS) == []


def test_two_of_three_close_to_the_lower_limit():
    result = analyse([*NEAR_BASE, 6, 9, 6])  # mean 10.58, two sigma below it 6.64
    assert rules_at(result, Rule.NEAR_LIMIT) == [16, 18]
    assert result.points[16].flags[0].high is False


def test_one_of_three_beyond_two_sigma_is_not_marked():
    result = analyse([*NEAR_BASE, 16, 13, 12])
    assert result.upper_near < 16
    assert rules_at(result, Rule.NEAR_LIMIT) == []


def test_two_of_three_straddling_the_mean_are_not_marked():
    # The MDC tool asks for all three on the same side of the mean.
    result = analyse([*NEAR_BASE, 16, 11, 16])  # the 11 is below the mean, 11.53
    assert result.upper_near < 16
    assert rules_at(result, Rule.NEAR_LIMIT) == []


# Improvement or concern, by polarity


SHIFT_UP = [8, 10, 8, 10, 8, 10, 8, 12, 14, 12, 14, 12, 14, 12]


def test_higher_is_better_above_the_mean_is_improvement():
    result = analyse(SHIFT_UP, HIGHER)
    assert result.points[0].signal is Signal.CONCERN
    assert result.points[-1].signal is Signal.IMPROVEMENT
    assert result.variation is Variation.IMPROVEMENT
    assert "improving nature" in result.summary[1]


def test_lower_is_better_above_the_mean_is_concern():
    result = analyse(SHIFT_UP, LOWER)
    assert result.points[0].signal is Signal.IMPROVEMENT
    assert result.points[-1].signal is Signal.CONCERN
    assert result.variation is Variation.CONCERN
    assert "concerning nature" in result.summary[1]


def test_a_band_target_makes_special_cause_neither():
    result = analyse(SHIFT_UP, BAND)
    assert {p.signal for p in result.points} == {Signal.NEITHER}
    assert result.variation is Variation.NEITHER
    assert "neither an improvement nor a concern" in result.summary[1]


def test_a_trend_is_judged_by_its_direction_not_its_side_of_the_mean():
    # The first values of the rising trend are below the mean, yet rising is improvement.
    result = analyse(TREND_OF_7, HIGHER)
    assert result.points[6].value < result.mean
    assert result.points[6].signal is Signal.IMPROVEMENT
    assert analyse(TREND_OF_7, LOWER).points[6].signal is Signal.CONCERN


def test_a_value_marked_both_ways_takes_the_first_rule_by_the_references_precedence():
    # Outside the limits, then trend, then two of three, then shift (NHSRplotthedots).
    point = Point(
        FIRST,
        D(1),
        None,
        (
            Flag(Rule.SHIFT, Signal.IMPROVEMENT, True, "above"),
            Flag(Rule.TREND, Signal.CONCERN, False, "falling"),
        ),
    )
    assert point.signal is Signal.CONCERN
    assert point.deciding.rule is Rule.TREND
    assert point.rules_text == "above; falling"
    outside = Flag(Rule.OUTSIDE_LIMITS, Signal.CONCERN, False, "below the lower limit")
    near = Flag(Rule.NEAR_LIMIT, Signal.IMPROVEMENT, True, "close")
    assert Point(FIRST, D(1), None, (near, outside)).signal is Signal.CONCERN


def test_the_variation_is_of_the_latest_value():
    # The spike is long past; the latest value is ordinary.
    result = analyse([*STEADY, 25, 11])
    assert result.points[12].signal is Signal.IMPROVEMENT
    assert result.variation is Variation.COMMON_CAUSE
    assert "Earlier, 1 result was marked as special cause: 1 improvement." in result.summary


# Assurance against the target (limits 5.68 to 16.32)


@pytest.mark.parametrize(
    ("polarity", "target", "upper", "assurance"),
    [
        (HIGHER, 20, None, Assurance.MISSED),
        (HIGHER, 5, None, Assurance.MET),
        (HIGHER, 11, None, Assurance.HIT_AND_MISS),
        (HIGHER, D("16.32"), None, Assurance.HIT_AND_MISS),
        (LOWER, 5, None, Assurance.MISSED),
        (LOWER, 20, None, Assurance.MET),
        (LOWER, 11, None, Assurance.HIT_AND_MISS),
        (BAND, 5, 17, Assurance.MET),
        (BAND, 6, 16, Assurance.HIT_AND_MISS),
        (BAND, 20, 25, Assurance.MISSED),
        (BAND, 1, 5, Assurance.MISSED),
    ],
)
def test_assurance(polarity, target, upper, assurance):
    result = analyse(STEADY, polarity, target=target, target_upper=upper)
    assert result.assurance is assurance


def test_assurance_sentences():
    met = analyse(STEADY, HIGHER, target=5, fmt=lambda v: f"{v:.1f}")
    assert met.summary[-1] == (
        "The target of 5.0 lies beyond the process limits on the good side, so it will be "
        "consistently met unless the process changes."
    )
    missed = analyse(STEADY, HIGHER, target=20)
    assert "consistently missed" in missed.summary[-1]
    hit_and_miss = analyse(STEADY, HIGHER, target=11)
    assert "hit and missed" in hit_and_miss.summary[-1]


def test_no_target_no_assurance():
    result = analyse(STEADY)
    assert result.assurance is None
    assert result.summary[-1] == "There is no target to judge assurance against."


# Too few points


def test_too_few_points_gives_no_limits():
    result = analyse(STEADY[:11], target=20)
    assert MINIMUM_POINTS == 12
    assert result.too_few
    assert result.needed == 1
    assert result.mean is result.upper_limit is result.lower_limit is None
    assert result.variation is result.assurance is None
    assert result.flagged == []
    assert len(result.points) == 11
    assert result.summary == (
        "There are 11 results so far: process limits need at least 12, so the process chart "
        "is not drawn yet.",
    )


def test_twelve_points_are_enough():
    result = analyse(STEADY)
    assert not result.too_few
    assert result.needed == 0


def test_no_points_at_all():
    result = analyse([])
    assert result.too_few and result.needed == 12
    assert result.summary[0].startswith("There are 0 results so far")


def test_the_minimum_can_be_set():
    assert not analyse([10, 12, 11], minimum_points=3).too_few
    with pytest.raises(ValueError, match="at least two"):
        analyse([10], minimum_points=1)


# Inputs


def test_values_must_be_in_order_one_per_period():
    values = series(STEADY)
    with pytest.raises(ValueError, match="oldest first"):
        xmr(list(reversed(values)), polarity=HIGHER)
    with pytest.raises(ValueError, match="one value per period"):
        xmr([values[0], values[0]], polarity=HIGHER)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        xmr([(FIRST, 1.5)], polarity=HIGHER)


def test_without_two_results_next_to_each_other_there_are_no_limits():
    every_other = series(STEADY * 2)[::2]  # 12 results, a quarter apart from each other
    result = xmr(every_other, polarity=HIGHER)
    assert result.too_few and result.needed == 0
    assert result.mean is None
    assert result.summary[0].startswith("No two results are for periods next to each other")
