"""The XmR rules against the reference: NHSRplotthedots, the NHS-R community's
implementation of NHS England's "Making Data Count" (MDC) rules
(github.com/nhs-r-community/NHSRplotthedots). The worked examples are the package's own:
its tests (tests/testthat/test-ptd_spc_standard.R and its snapshot,
test-ptd_calculate_point_type.R) and its vignette "Deviations from Excel defaults"; and
``plotthedots.py`` beside this file is a line-by-line port of its rules, which random series
are compared with point by point.
"""

import random
from decimal import Decimal as D
from fractions import Fraction

import pytest

from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Polarity
from goldenthread.rules.spc import SCREEN_OUTLIERS, Rule, Signal, xmr

from . import plotthedots as ptd

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND
FIRST = Period.parse("Apr 2020")


def series(values, first=FIRST):
    periods = first.periods_until(Period.parse("Mar 2040"))
    return list(zip(periods, values, strict=False))


def analyse(values, polarity=HIGHER, **options):
    return xmr(series([D(str(v)) for v in values]), polarity=polarity, **options)


def rules_at(result, rule):
    return [i for i, point in enumerate(result.points) if rule in {f.rule for f in point.flags}]


# set.seed(123); rnorm(20): the data of the reference's test-ptd_spc_standard.R.
RNORM = [
    "-0.56047565", "-0.23017749", "1.55870831", "0.07050839", "0.12928774",
    "1.71506499", "0.46091621", "-1.26506123", "-0.68685285", "-0.44566197",
    "1.22408180", "0.35981383", "0.40077145", "0.11068272", "-0.55584113",
    "1.78691314", "0.49785048", "-1.96661716", "0.70135590", "-0.47279141",
]  # fmt: skip


def close_to(value, reference):
    """As close as the snapshot's seven significant figures can tell."""
    return abs(value - D(reference)) < D("0.000001")


# The limits


def test_limits_match_the_reference_snapshot():
    # test-ptd_spc_standard.R, "it returns expected values": mean 0.1416238, limits
    # -3.01138 and 3.294627 (no moving range is large enough to be screened).
    for screen in (True, False):
        result = analyse(RNORM, screen_outliers=screen)
        assert close_to(result.mean, "0.1416238")
        assert close_to(result.lower_limit, "-3.0113796")
        assert close_to(result.upper_limit, "3.2946272")
        assert result.screened == ()


def test_screening_large_moving_ranges_matches_the_reference_snapshot():
    # The same data with y[15] = 10: screened, the limits are -2.383666 to 3.722497; not
    # screened, -4.596625 to 5.935457. The mean (0.6694159) is the same either way.
    values = [*RNORM[:14], "10", *RNORM[15:]]
    screened = analyse(values, screen_outliers=True)
    assert close_to(screened.mean, "0.6694159")
    assert close_to(screened.lower_limit, "-2.3836656")
    assert close_to(screened.upper_limit, "3.7224973")
    # The moving ranges into and out of the 10 are left out of the mean moving range.
    assert [p.label for p in screened.screened] == ["Jun 2021", "Jul 2021"]
    unscreened = analyse(values, screen_outliers=False)
    assert close_to(unscreened.lower_limit, "-4.5966252")
    assert close_to(unscreened.upper_limit, "5.9354569")
    assert unscreened.screened == ()


# The vignette "Deviations from Excel defaults": one spike among ones and twos.
SPIKE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_the_deviations_vignette_screened_by_default():
    # "UPL = 4.6, Mean = 1.94, LPL = -0.72", and the 10 the only special cause.
    result = analyse(SPIKE)
    assert SCREEN_OUTLIERS is True
    assert result.screen_outliers is True
    assert round(result.upper_limit, 2) == D("4.60")
    assert round(result.mean, 2) == D("1.94")
    assert round(result.lower_limit, 2) == D("-0.72")
    assert [i for i, p in enumerate(result.points) if p.signal] == [4]
    assert result.points[4].signal is Signal.IMPROVEMENT


def test_the_deviations_vignette_as_the_mdc_spreadsheet():
    # "setting screen_outliers = FALSE produces the same output as Excel": 6.95, -3.06.
    result = analyse(SPIKE, screen_outliers=False)
    assert round(result.upper_limit, 2) == D("6.95")
    assert round(result.lower_limit, 2) == D("-3.06")
    assert [i for i, p in enumerate(result.points) if p.signal] == [4]


def test_the_summary_says_whether_moving_ranges_were_screened():
    screened = analyse(SPIKE)
    assert any(
        "2 unusually large moving ranges (Aug 2020 and Sep 2020) are left out" in s
        for s in screened.summary
    )
    unscreened = analyse(SPIKE, screen_outliers=False)
    assert any("Every moving range counts" in s for s in unscreened.summary)


# The runs, as the reference's unit tests give them


def test_seven_on_one_side_as_the_reference():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) marks the last two of the eight
    # (each ends a run of 7), so all eight are part of the shift; six are not a shift.
    result = analyse([5, 5, 5, 5, 5, 5, 5, 5, -40, 5, -5, 5, -5, 5, -5])
    assert rules_at(result, Rule.SHIFT) == list(range(8))
    assert rules_at(analyse([5, 5, 5, 5, 5, 5, -30, 5, -5, 5, -5, 5, -5]), Rule.SHIFT) == []


@pytest.mark.parametrize(
    ("values", "trend"),
    [
        # ptd_seven_point_trend(c(1:3, 3:6)): an equal value breaks the trend.
        ([1, 2, 3, 3, 4, 5, 6], []),
        ([1, 2, 3, 4, 5, 6, 7], list(range(7))),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], list(range(1, 8))),
        ([7, 6, 5, 4, 3, 2, 1], list(range(7))),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], list(range(1, 8))),
    ],
)
def test_trends_as_the_reference(values, trend):
    result = analyse([*values, *([4, 3] * 4)], minimum_points=len(values))
    assert rules_at(result, Rule.TREND) == trend


def test_two_of_three_on_opposite_sides_of_the_mean_is_common_cause():
    # test-ptd_spc_standard.R: rep(c(1, -1), 8) with y[15] = 5.5 and y[16] = -5.5.
    values = [1, -1] * 8
    values[14], values[15] = D("5.5"), D("-5.5")
    result = analyse(values)
    assert [p.signal for p in result.points[-2:]] == [None, None]


def test_a_value_beyond_the_limit_is_not_close_to_it():
    # The 30 is above the upper limit (18.07); the 17 is close to it (above 16.19), the 13
    # just above the mean (12.42). Only one of the three is "close": no two-of-three. The
    # reference counts only values between two sigma and the limit as close.
    result = analyse([*[10, 12] * 8, 30, 17, 13])
    assert result.upper_near < 17 < result.upper_limit < 30
    assert rules_at(result, Rule.NEAR_LIMIT) == []
    assert result.points[17].signal is None
    assert result.points[16].signal is Signal.IMPROVEMENT


# One direction per value, by the reference's precedence


def test_a_value_below_the_lower_limit_is_a_concern_even_in_a_rising_trend():
    # Higher is better. The -2 and the 3 are below the lower limit (3.95) and start a
    # rising trend: outside the limits comes first, so they are concerns, not improvements.
    result = analyse([*[10, 12] * 8, -2, 3, 5, 7, 9, 11, 13])
    for i in (16, 17):
        assert {f.rule for f in result.points[i].flags} >= {Rule.OUTSIDE_LIMITS, Rule.TREND}
        assert result.points[i].signal is Signal.CONCERN
        assert result.points[i].flags[0].rule is Rule.OUTSIDE_LIMITS
    assert [p.signal for p in result.points[18:]] == [Signal.IMPROVEMENT] * 5


def test_a_falling_trend_above_the_mean_is_a_concern_when_higher_is_better():
    # 17 down to 14 are above the mean (13) in a run of 7 (a shift, improvement) and in a
    # falling trend (concern): the trend comes before the shift.
    values = [*[10, 12] * 6, 20, 19, 18, 17, 16, 15, 14, 10, 12]
    result = analyse(values)
    for i in range(15, 19):
        assert {f.rule for f in result.points[i].flags} >= {Rule.SHIFT, Rule.TREND}
        assert result.points[i].signal is Signal.CONCERN
    assert [p.signal for p in result.points[12:15]] == [Signal.IMPROVEMENT] * 3  # above UCL


def test_the_latest_value_takes_its_direction_by_precedence_too():
    values = [*[10, 12] * 6, 20, 19, 18, 17, 16, 15, 14]
    result = analyse(values)
    assert result.points[-1].signal is Signal.CONCERN
    assert result.variation.value == "concern"


# Point by point against the port of the reference


def _equal_step_between_trends(values) -> bool:
    """The one place we part from the reference on purpose: where a value ends one trend
    and the next value, equal to it, starts another, the reference's direction for the first
    comes from the step between them, which is flat, and it calls that "decreasing" (an
    artefact of ``ifelse(sdy == 1, "In", "De")``). Here it keeps its own trend's direction."""
    parts = ptd.part_of_seven_trend(ptd.seven_point_trend([Fraction(v) for v in values]))
    return any(
        parts[i] and parts[i + 1] and values[i] == values[i + 1] for i in range(len(values) - 1)
    )


SIGNALS = {
    "special_cause_improvement": Signal.IMPROVEMENT,
    "special_cause_concern": Signal.CONCERN,
    "special_cause_neutral_high": Signal.NEITHER,
    "special_cause_neutral_low": Signal.NEITHER,
    "common_cause": None,
}
DIRECTIONS = {HIGHER: 1, LOWER: -1, BAND: 0}


def _random_series(rng: random.Random) -> list[int]:
    n = rng.randint(12, 60)
    kind = rng.choice(["noise", "walk", "steps", "chunky"])
    if kind == "noise":
        return [rng.randint(0, 20) for _ in range(n)]
    if kind == "chunky":  # few distinct values, many ties
        return [rng.choice([29, 30, 30, 31]) for _ in range(n)]
    if kind == "walk":
        values, v = [], 50
        for _ in range(n):
            v += rng.randint(-3, 4)
            values.append(v)
        return values
    level = rng.randint(0, 10)
    values = []
    for _ in range(n):
        if rng.random() < 0.1:
            level += rng.randint(-8, 8)
        values.append(level + rng.randint(-2, 2) + (30 if rng.random() < 0.03 else 0))
    return values


def test_point_by_point_the_same_as_the_reference_on_random_series():
    rng = random.Random(20261203)
    compared = skipped = 0
    for _ in range(200):
        values = _random_series(rng)
        if _equal_step_between_trends(values):
            skipped += 1
            continue
        polarity = rng.choice([HIGHER, LOWER, BAND])
        screen = rng.random() < 0.5
        ours = analyse(values, polarity, screen_outliers=screen)
        theirs = ptd.ptd_spc(
            values, improvement_direction=DIRECTIONS[polarity], screen_outliers=screen
        )
        assert Fraction(ours.mean) == theirs["mean"] or abs(
            Fraction(ours.mean) - theirs["mean"]
        ) < Fraction(1, 10**20), values
        assert abs(Fraction(ours.upper_limit) - theirs["upl"]) < Fraction(1, 10**20), values
        expected = [SIGNALS[t] for t in theirs["point_type"]]
        assert [p.signal for p in ours.points] == expected, (values, polarity, screen)
        compared += 1
    assert compared > 175 and skipped < 25


def test_the_equal_step_between_trends_keeps_its_own_direction():
    # Rising 1..7, then 7 again starting a rising trend 7..13: the reference calls the
    # first 7 "decreasing" (a concern when higher is better); here it is part of a rising
    # trend either way, an improvement.
    values = [1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    theirs = ptd.ptd_spc(values, improvement_direction=1)
    assert theirs["special_cause_type"][6] == "7 Point Trend (Decreasing)"
    assert analyse(values).points[6].signal is Signal.IMPROVEMENT


# Assurance, as ptd_calculate_assurance_type: limits 1-3 / 5-7 / 1-5 against a target of 4


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [(HIGHER, 20, "missed"), (HIGHER, 5, "met"), (LOWER, 20, "met"), (LOWER, 5, "missed")],
)
def test_assurance_as_the_reference(polarity, target, expected):
    # Limits 5.68 to 16.32: a target above the upper limit is consistently failed when
    # higher is better and consistently passed when lower is better.
    result = analyse([10, 12] * 6, polarity, target=target)
    assert result.assurance.value == expected
