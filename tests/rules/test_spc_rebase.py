"""Recalculating the limits after a change (MDC; NHSRplotthedots' ``rebase``): from each
process change on, the chart has its own mean, moving ranges, limits and rules. Compared
with the port of the reference (``plotthedots.py``, grouped by rebase group as its
ptd_spc_standard and ptd_calculate_point_type are) and with the reference's own example.
"""

import random
from decimal import Decimal as D
from fractions import Fraction
from itertools import pairwise

import pytest

from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Polarity
from goldenthread.rules.spc import Assurance, xmr

from . import plotthedots as ptd
from .test_spc_reference import (
    DIRECTIONS,
    RNORM,
    SIGNALS,
    _equal_step_between_trends,
    analyse,
    close_to,
)

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND
TINY = Fraction(1, 10**20)


def test_the_reference_summary_example_two_groups_of_ten():
    # test-ptd_spc.R "it outputs expected content": rnorm(20) (set.seed(123)) in two groups
    # of ten, means 0.0746 and 0.209, limits -2.60 to 2.75 and -3.28 to 3.70. A rebase at
    # the eleventh point splits it the same way (the reference groups by facet and rebase
    # group alike). Ten points are trial limits there; here the minimum is lowered to ten.
    result = analyse(RNORM, rebase=[10], minimum_points=10)
    first, second = result.segments
    assert (first.start, second.start) == (0, 10)
    assert round(first.mean, 4) == D("0.0746")
    assert round(first.lower_limit, 2) == D("-2.60")
    assert round(first.upper_limit, 2) == D("2.75")
    assert round(second.mean, 3) == D("0.209")
    assert round(second.lower_limit, 2) == D("-3.28")
    assert round(second.upper_limit, 2) == D("3.70")
    # The chart's own mean and limits are the latest segment's.
    assert (result.mean, result.upper_limit) == (second.mean, second.upper_limit)
    assert [p.segment for p in result.points] == [0] * 10 + [1] * 10


def test_a_rebase_date_outside_the_data_changes_nothing():
    # test-ptd_spc.R: rebase = 2020-01-01, before the first point (2020-01-02): one group,
    # the limits of the whole series (-3.01 to 3.29).
    result = analyse(RNORM, rebase=[Period.parse("Jan 2020")])
    assert len(result.segments) == 1
    assert close_to(result.lower_limit, "-3.0113796")
    assert result == analyse(RNORM)


def test_no_moving_range_crosses_a_rebase():
    result = analyse([10, 11, 10, 11, 10, 11, 50, 51, 50, 51, 50, 51], rebase=[6], minimum_points=6)
    assert result.points[6].moving_range is None
    assert result.segments[0].mean_moving_range == 1
    assert result.segments[1].mean == D("50.5")


def test_a_step_change_marked_as_such_is_no_longer_special_cause():
    # 12 months around 20, then a new service and 12 around 30: over all 24 every value is
    # marked (a shift each side of the mean); rebased, each half is common cause.
    before = [20, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19]
    after = [30, 31, 29, 30, 32, 30, 29, 31, 30, 30, 31, 29]
    whole = analyse(before + after)
    assert len(whole.flagged) > 12
    rebased = analyse(before + after, rebase=[Period.parse("Apr 2021")])
    assert rebased.flagged == []
    assert rebased.segments[1].start == 12
    assert any("recalculated" in sentence for sentence in rebased.summary)


def test_a_segment_with_too_few_points_says_so():
    values = [*range(20, 32), 40, 41, 40]
    result = analyse(values, rebase=[12], target=35)
    first, latest = result.segments
    assert not first.too_few and latest.too_few
    assert latest.needed == 9
    # Without limits for the latest process there is no verdict on it, and no assurance.
    assert result.variation is None and result.assurance is None
    assert not result.too_few  # the earlier process still has its chart
    assert any("3 results since Apr 2021" in s and "9 more" in s for s in result.summary)


def test_assurance_is_judged_on_the_latest_segment():
    # Before: limits about 10..14, target 20 missed; after: about 30..34, met.
    before = [12, 11, 13] * 4
    after = [32, 31, 33] * 4
    assert analyse(before, target=20).assurance is Assurance.MISSED
    result = analyse(before + after, rebase=[12], target=20)
    assert result.assurance is Assurance.MET


def test_rebase_by_period_matches_rebase_by_index():
    values = [5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7] * 2
    by_index = analyse(values, rebase=[12])
    by_period = analyse(values, rebase=[Period.parse("Apr 2021")])
    assert by_index == by_period


def test_a_rebase_at_a_period_with_no_result_starts_at_the_next_result():
    periods = Period.parse("Apr 2020").periods_until(Period.parse("Mar 2023"))
    values = [(p, D(10 + i % 3)) for i, p in enumerate(periods) if i != 12]
    result = xmr(values, polarity=HIGHER, rebase=[periods[12]])
    assert result.segments[1].start == 12
    assert result.points[12].period == periods[13]


def test_a_rebase_index_out_of_range_is_refused():
    with pytest.raises(ValueError):
        analyse(list(range(12)), rebase=[12])


def _random_rebased(rng: random.Random) -> tuple[list[int], list[int]]:
    parts = rng.randint(2, 4)
    values, rebase = [], []
    level = rng.randint(0, 50)
    for part in range(parts):
        if part:
            rebase.append(len(values))
            level += rng.randint(-15, 15)
        kind = rng.choice(["noise", "walk", "chunky"])
        v = level
        for _ in range(rng.randint(12, 30)):
            if kind == "noise":
                values.append(level + rng.randint(-5, 5))
            elif kind == "chunky":
                values.append(level + rng.choice([-1, 0, 0, 1]))
            else:
                v += rng.randint(-3, 4)
                values.append(v)
    return values, rebase


def test_point_by_point_the_same_as_the_reference_with_rebase():
    rng = random.Random(20261203)
    compared = 0
    for _ in range(150):
        values, rebase = _random_rebased(rng)
        bounds = [0, *rebase, len(values)]
        if any(_equal_step_between_trends(values[a:b]) for a, b in pairwise(bounds)):
            continue  # the one deliberate difference, see test_spc_reference
        polarity = rng.choice([HIGHER, LOWER, BAND])
        screen = rng.random() < 0.5
        ours = analyse(values, polarity, screen_outliers=screen, rebase=rebase)
        theirs = ptd.ptd_spc(
            values,
            improvement_direction=DIRECTIONS[polarity],
            screen_outliers=screen,
            rebase=rebase,
        )
        assert [p.segment for p in ours.points] == theirs["rebase_group"], values
        for point, mean, lpl, upl in zip(
            ours.points, theirs["mean_col"], theirs["lpl_col"], theirs["upl_col"], strict=True
        ):
            segment = ours.segments[point.segment]
            assert abs(Fraction(segment.mean) - mean) < TINY
            assert abs(Fraction(segment.lower_limit) - lpl) < TINY
            assert abs(Fraction(segment.upper_limit) - upl) < TINY
        expected = [SIGNALS[t] for t in theirs["point_type"]]
        assert [p.signal for p in ours.points] == expected, (values, rebase, polarity, screen)
        compared += 1
    assert compared > 100


def test_without_rebase_one_segment_of_everything():
    result = analyse(RNORM)
    (segment,) = result.segments
    assert segment.start == 0 and segment.mean == result.mean
    assert all(p.segment == 0 for p in result.points)


def test_a_run_does_not_cross_a_rebase():
    # Six 2.5s above the mean at the end of one segment and six at the start of the next: a
    # run of twelve over the whole series, two runs of six (no shift) rebased.
    values = [3, 1, 3, 1, 3, 1, *["2.5"] * 12, 1, 3, 1, 3, 1, 3]
    assert analyse(values).flagged
    assert analyse(values, rebase=[12]).flagged == []
