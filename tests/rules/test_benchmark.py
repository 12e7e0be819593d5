"""Benchmark statistics on small examples worked out by hand in the comments."""

import statistics
from decimal import Decimal as D

import pytest

from goldenthread.rules import Polarity, Verdict, benchmark, spread
from goldenthread.rules.benchmark import FAR_OUTSIDE, ZERO_AMONG_OTHERS, round_half_up

HIGHER, LOWER, BAND, NEITHER = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND, Polarity.NEITHER
BETTER, SIMILAR, WORSE = Verdict.BETTER, Verdict.SIMILAR, Verdict.WORSE

# Seven neighbours, sorted: 40 45 50 55 60 65 70 (positions 0 to 6).
SEVEN = [D(70), D(40), D(55), D(65), D(45), D(60), D(50)]


def test_a_group_that_does_not_list_us_is_the_neighbours_alone():
    result = benchmark(D(52), SEVEN, HIGHER)
    group = result.group
    # Median: the 4th of 7, 55. Lower quartile at position (7 - 1) x 1/4 = 1.5, halfway
    # between 45 and 50; upper at 4.5, halfway between 60 and 65.
    assert (group.count, group.lowest, group.median, group.highest) == (7, 40, 55, 70)
    assert (group.lower_quartile, group.upper_quartile) == (D("47.5"), D("62.5"))
    # Distances from 55: 15 10 5 0 5 10 15, sorted 0 5 5 10 10 15 15: the MAD is 10.
    assert group.mad == 10
    assert result.ours_in_set is False
    # 55, 60, 65 and 70 beat 52: rank 5 of the 8 areas (the neighbours and us).
    assert (result.rank, result.areas) == (5, 8)
    # p = (5 - 1) / (8 - 1) = 0.571: at least 1/2, under 3/4, so quartile 3.
    assert result.quartile == 3
    # 52 - 55 = -3; -3 / 55 = -5.45% -> -5.5; -3 / 10 = -0.3 MADs.
    assert (result.difference, result.percent, result.robust) == (D(-3), D("-5.5"), D("-0.3"))
    # On the worse side, within 1 MAD, in quartile 3: similar.
    assert result.verdict is SIMILAR
    assert result.check is None


def test_a_group_that_lists_us_counts_our_value_in_the_median():
    result = benchmark(D(52), SEVEN, HIGHER, ours_in_set=True)
    group = result.group
    # The set is 40 45 50 52 55 60 65 70: median (52 + 55) / 2 = 53.5. Lower quartile at
    # 7 x 1/4 = 1.75: 45 + 0.75 x 5 = 48.75; upper at 5.25: 60 + 0.25 x 5 = 61.25.
    assert (group.count, group.median) == (8, D("53.5"))
    assert (group.lower_quartile, group.upper_quartile) == (D("48.75"), D("61.25"))
    # Distances from 53.5: 13.5 8.5 3.5 1.5 1.5 6.5 11.5 16.5, sorted 1.5 1.5 3.5 6.5 | 8.5
    # 11.5 13.5 16.5: the MAD is (6.5 + 8.5) / 2 = 7.5.
    assert group.mad == D("7.5")
    assert result.ours_in_set is True
    # The rank is the same rule either way: 5 of 8, quartile 3.
    assert (result.rank, result.areas, result.quartile) == (5, 8, 3)
    # -1.5, -1.5 / 53.5 = -2.80% -> -2.8, -1.5 / 7.5 = -0.2 MADs.
    assert (result.difference, result.percent, result.robust) == (D("-1.5"), D("-2.8"), D("-0.2"))
    assert result.verdict is SIMILAR


def test_a_group_that_lists_us_without_a_value_of_ours_is_the_others():
    result = benchmark(None, SEVEN, HIGHER, ours_in_set=True)
    assert (result.group.count, result.group.median, result.areas) == (7, 55, 7)
    assert result.ours_in_set is False


def test_the_same_figures_when_lower_is_better():
    result = benchmark(D(52), SEVEN, LOWER)
    # 40, 45 and 50 beat 52: rank 4 of 8; p = 3/7 = 0.43, quartile 2; below the median
    # (the better side) by 0.3 MADs: similar.
    assert (result.rank, result.areas, result.quartile) == (4, 8, 2)
    assert result.verdict is SIMILAR
    assert result.group.median == 55  # the group does not change with polarity


def test_an_even_group_takes_the_mean_of_the_two_middle_values():
    result = benchmark(D(26), [D(40), D(10), D(30), D(20)], HIGHER)
    # Sorted 10 20 30 40: median (20 + 30) / 2 = 25. Lower quartile at 3 x 1/4 = 0.75:
    # 10 + 0.75 x 10 = 17.5; upper at 2.25: 30 + 0.25 x 10 = 32.5. Distances 15 5 5 15,
    # sorted 5 5 15 15: MAD (5 + 15) / 2 = 10.
    assert result.group.median == 25
    assert (result.group.lower_quartile, result.group.upper_quartile) == (D("17.5"), D("32.5"))
    assert result.group.mad == 10
    # 30 and 40 beat 26: rank 3 of 5; p = 2/4 = 1/2: quartile 3.
    assert (result.rank, result.areas, result.quartile) == (3, 5, 3)
    # 26 - 25 = 1, 4.0% of 25, 0.1 MADs: similar.
    assert (result.difference, result.percent, result.robust) == (D(1), D("4.0"), D("0.1"))
    assert result.verdict is SIMILAR
    # Listing us: 10 20 26 30 40, median 26, ours is the median; distances 16 6 0 4 14,
    # sorted 0 4 6 14 16: MAD 6.
    listed = benchmark(D(26), [D(40), D(10), D(30), D(20)], HIGHER, ours_in_set=True)
    assert (listed.group.median, listed.group.mad, listed.difference) == (26, 6, 0)
    assert (listed.robust, listed.verdict) == (0, SIMILAR)


def test_ties_share_the_best_of_their_places():
    # 30 beats 20; the two other 20s tie with us and do not: rank 2 of 5 ("1, 2, 2, 2, 5").
    result = benchmark(D(20), [D(10), D(20), D(20), D(30)], HIGHER)
    assert (result.rank, result.areas) == (2, 5)
    # p = 1/4: not under 1/4, so quartile 2. The median is (20 + 20) / 2 = 20: the same.
    assert result.quartile == 2
    assert (result.difference, result.verdict) == (0, SIMILAR)
    # Level with everyone: all share rank 1, and quartile 1 does not make us better.
    level = benchmark(D(20), [D(20), D(20)], LOWER)
    assert (level.rank, level.areas, level.quartile) == (1, 3, 1)
    assert (level.group.mad, level.robust, level.verdict) == (0, None, SIMILAR)


def test_quartiles_split_sixteen_areas_into_fours():
    # Fifteen neighbours valued 1 to 15, higher is better. Ours = k + 0.5 beats the k
    # neighbours valued 1 to k, so 15 - k are above us and our rank is 16 - k.
    neighbours = [D(v) for v in range(1, 16)]
    quartiles = {}
    for k in range(0, 16):
        result = benchmark(D(k) + D("0.5"), neighbours, HIGHER)
        quartiles[result.rank] = result.quartile
    assert sorted(quartiles) == list(range(1, 17))
    assert [quartiles[r] for r in range(1, 17)] == [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4


@pytest.mark.parametrize(
    ("rank", "areas", "quartile"),
    [
        # p = (rank - 1) / (areas - 1)
        (1, 2, 1),  # p = 0
        (2, 2, 4),  # p = 1
        (2, 3, 3),  # p = 1/2
        (3, 3, 4),
        (2, 5, 2),  # p = 1/4 exactly: not under 1/4
        (3, 5, 3),  # p = 1/2
        (4, 5, 4),  # p = 3/4
        (125, 151, 4),  # p = 124/150 = 0.83
    ],
)
def test_quartile_by_rank_position(rank, areas, quartile):
    # Others ranked above us are worth 100, those below 0; we are 50, higher is better.
    others = [D(100)] * (rank - 1) + [D(0)] * (areas - rank)
    result = benchmark(D(50), others, HIGHER)
    assert (result.rank, result.areas, result.quartile) == (rank, areas, quartile)


# --- the verdict rule ------------------------------------------------------------------------

# Twelve neighbours, skewed: three far below, the rest bunched above. Sorted:
# 10 20 30 51 52 53 | 53 60 61 62 63 64; median (53 + 53) / 2 = 53. Distances from 53:
# 43 33 23 2 1 0 0 7 8 9 10 11, sorted 0 0 1 2 7 8 | 9 10 11 23 33 43: MAD (8 + 9) / 2 = 8.5.
SKEWED = [D(v) for v in (10, 20, 30, 51, 52, 53, 53, 60, 61, 62, 63, 64)]


def test_a_bottom_quartile_value_is_never_similar():
    # The old rule called a value ranked 125th of 151 "similar" because it was near the
    # median. Here: 50 is beaten by the nine areas from 51 up: rank 10 of 13, p = 9/12 = 3/4,
    # quartile 4; yet it is only 3 below the median, -3 / 8.5 = -0.35 -> -0.4 MADs. Within
    # 1 MAD alone would say similar; the worst quartile says worse, and the rule says so.
    result = benchmark(D(50), SKEWED, HIGHER)
    assert (result.group.median, result.group.mad) == (53, D("8.5"))
    assert (result.rank, result.areas, result.quartile) == (10, 13, 4)
    assert (result.difference, result.robust) == (D(-3), D("-0.4"))
    assert result.verdict is WORSE


def test_the_middle_quartiles_are_similar_only_within_one_mad():
    # 52.5 is beaten by 53, 53, 60 ... 64 (7 areas): rank 8 of 13, p = 7/12, quartile 3;
    # 0.5 below the median, -0.06 -> -0.1 MADs: similar.
    near = benchmark(D("52.5"), SKEWED, HIGHER)
    assert (near.quartile, near.robust, near.verdict) == (3, D("-0.1"), SIMILAR)
    # 62.5 is beaten by 63 and 64: rank 3 of 13, p = 2/12, quartile 1: better. And 57: beaten
    # by 60 ... 64, rank 6, p = 5/12, quartile 2; +4 / 8.5 = +0.47 -> +0.5 MADs: similar.
    assert benchmark(D("62.5"), SKEWED, HIGHER).verdict is BETTER
    middle = benchmark(D(57), SKEWED, HIGHER)
    assert (middle.quartile, middle.robust, middle.verdict) == (2, D("0.5"), SIMILAR)
    # Lower is better: 57 is on the worse side, 0.5 MADs off, quartile 3 (rank 8): similar;
    # 62.5 is 1.1 MADs off (+9.5 / 8.5 = 1.12), and in quartile 4 (rank 11 of 13): worse.
    assert benchmark(D(57), SKEWED, LOWER).verdict is SIMILAR
    assert benchmark(D("62.5"), SKEWED, LOWER).robust == D("1.1")
    assert benchmark(D("62.5"), SKEWED, LOWER).verdict is WORSE


def test_the_best_quartile_is_better_even_within_one_mad():
    # Sorted 10 20 30 40 50 51 52 53: median 45; distances 35 25 15 5 5 6 7 8, sorted
    # 5 5 6 7 | 8 15 25 35: MAD 7.5.
    top_bunched = [D(v) for v in (10, 20, 30, 40, 50, 51, 52, 53)]
    # 52.5: beaten by 53 only, rank 2 of 9, p = 1/8: quartile 1; +7.5 / 7.5 = exactly 1 MAD,
    # not more: better by its quartile.
    result = benchmark(D("52.5"), top_bunched, HIGHER)
    assert (result.group.mad, result.rank, result.quartile) == (D("7.5"), 2, 1)
    assert (result.robust, result.verdict) == (D("1.0"), BETTER)
    # 51.5: rank 3, p = 2/8 = 1/4, quartile 2; +6.5 / 7.5 = 0.87 -> 0.9 MADs: similar.
    assert benchmark(D("51.5"), top_bunched, HIGHER).verdict is SIMILAR
    # 44: 1 below the median, -0.1 MADs; rank 5 of 9, p = 4/8: quartile 3: similar.
    assert benchmark(D(44), top_bunched, HIGHER).verdict is SIMILAR
    # 37: -8 / 7.5 = -1.07 -> -1.1 MADs: worse, though only in quartile 3 (rank 6 of 9).
    far = benchmark(D(37), top_bunched, HIGHER)
    assert (far.robust, far.quartile, far.verdict) == (D("-1.1"), 3, WORSE)


def test_a_zero_mad_has_no_robust_distance_and_any_difference_counts():
    # 5 5 5 9: median 5, distances 0 0 0 4: the MAD is 0.
    others = [D(5), D(5), D(5), D(9)]
    on = benchmark(D(5), others, HIGHER)
    assert (on.group.mad, on.robust, on.difference, on.verdict) == (0, None, 0, SIMILAR)
    # 6 is above the median; any distance is more than 0 MADs: better. Rank 2 of 5,
    # p = 1/4: quartile 2.
    above = benchmark(D(6), others, HIGHER)
    assert (above.robust, above.rank, above.quartile, above.verdict) == (None, 2, 2, BETTER)
    below = benchmark(D("4.9"), others, HIGHER)
    assert (below.rank, below.quartile, below.verdict) == (5, 4, WORSE)
    # With no robust distance, far outside alone flags a figure: the others run from 5 to 9,
    # a spread of 4; 13 is 4 beyond them (not more), 13.1 is more.
    assert benchmark(D(13), others, HIGHER).check is None
    assert benchmark(D("13.1"), others, HIGHER).check == FAR_OUTSIDE
    # Others all level (no spread) say nothing about what is plausible.
    assert benchmark(D(500), [D(5), D(5)], HIGHER).check is None


# --- implausible figures -------------------------------------------------------------------


def test_a_zero_among_figures_far_from_zero_is_flagged_not_judged():
    # 40 60 80 100 120: median 80, distances 40 20 0 20 40, MAD 20; 0 is 4 MADs away (not
    # more than 5), but every other figure is at least 40, half the median, from zero.
    result = benchmark(D(0), [D(40), D(60), D(80), D(100), D(120)], HIGHER)
    assert result.robust == D(-4)
    assert result.check == ZERO_AMONG_OTHERS
    assert result.verdict is None
    # It still counts in the rank (last of 6) as it would in the published table.
    assert (result.rank, result.areas, result.quartile) == (6, 6, 4)
    # A figure of 10 near zero makes a zero plausible: judged, and worse.
    plausible = benchmark(D(0), [D(10), D(60), D(80), D(100), D(120)], HIGHER)
    assert (plausible.check, plausible.verdict) == (None, WORSE)


def test_a_figure_far_outside_the_others_is_flagged():
    # 70 72 74 76 78: median 74, distances 4 2 0 2 4: MAD 2; 5 MADs is 10. The others
    # spread over 8 (70 to 78), so a flagged figure is more than 8 beyond 78 (or below 70).
    others = [D(70), D(72), D(74), D(76), D(78)]
    assert benchmark(D(84), others, HIGHER).check is None  # 5 MADs, 6 beyond
    assert benchmark(D(86), others, HIGHER).check is None  # 6 MADs, but only 8 beyond
    assert benchmark(D(86), others, HIGHER).verdict is BETTER
    flagged = benchmark(D("86.1"), others, HIGHER)
    assert flagged.check == FAR_OUTSIDE
    assert (flagged.verdict, flagged.rank) == (None, 1)
    # A slip of the decimal point: 741 for 74.1.
    assert benchmark(D(741), others, HIGHER).check == FAR_OUTSIDE
    # A zero here is far outside too: the first reason given.
    assert benchmark(D(0), others, HIGHER).check == FAR_OUTSIDE
    # Many MADs inside the others' spread is not enough. A tight middle: 50 79 80 80 80 81
    # 110, median 80, distances 30 1 0 0 0 1 30, sorted 0 0 0 1 1 30 30: MAD 1. 65 is 15
    # MADs from the median but inside 50 to 110: not flagged, and judged.
    tight = [D(50), D(79), D(80), D(80), D(80), D(81), D(110)]
    inside = benchmark(D(65), tight, HIGHER)
    assert (inside.robust, inside.check, inside.verdict) == (D(-15), None, WORSE)


def test_another_areas_implausible_figure_is_listed_to_check():
    # Others 70 0 72 74 76 78, ours 75 (not in the set): sorted 0 70 72 74 76 78, median
    # (72 + 74) / 2 = 73; distances 73 3 1 1 3 5, sorted 1 1 3 | 3 5 73: MAD 3. Against the
    # rest (70 to 78 with ours, a spread of 8) the 0 is 70 beyond and 24 MADs away.
    others = [D(70), D(0), D(72), D(74), D(76), D(78)]
    result = benchmark(D(75), others, HIGHER)
    assert (result.group.median, result.group.mad) == (73, 3)
    assert result.doubtful == (1,)
    assert result.check is None
    # It stays in the median and the rank, as published: 76 and 78 beat 75, rank 3 of 7.
    assert (result.group.count, result.rank) == (6, 3)
    # The same without a value of ours.
    assert benchmark(None, others, HIGHER).doubtful == (1,)
    # A zero where the rest are far from zero: others 40 60 0 100 120, median 60; the rest
    # (40 to 120, ours 80 among them) are all at least 30, half the median, from 0.
    zero = benchmark(D(80), [D(40), D(60), D(0), D(100), D(120)], HIGHER)
    assert zero.doubtful == (2,)
    # Two zeros make each other plausible.
    assert benchmark(D(80), [D(0), D(60), D(0), D(100), D(120)], HIGHER).doubtful == ()


# --- polarities without a better side --------------------------------------------------------


def test_neither_is_ranked_highest_first_without_a_verdict():
    result = benchmark(D(52), SEVEN, NEITHER)
    # 55, 60, 65 and 70 are higher: rank 5 of 8, quartile 3, whichever way is better.
    assert (result.rank, result.areas, result.quartile) == (5, 8, 3)
    assert (result.group.median, result.difference, result.robust) == (55, D(-3), D("-0.3"))
    assert result.verdict is None
    # Highest first, even far from the median.
    top = benchmark(D(69), SEVEN, NEITHER)
    assert (top.rank, top.quartile, top.verdict) == (2, 1, None)
    # An implausible figure is still flagged.
    assert benchmark(D(200), SEVEN, NEITHER).check == FAR_OUTSIDE


def test_a_band_indicator_gets_the_median_but_no_rank_or_verdict():
    result = benchmark(D(52), SEVEN, BAND)
    assert result.group.median == 55
    assert (result.difference, result.robust) == (D(-3), D("-0.3"))
    assert (result.rank, result.quartile, result.verdict) == (None, None, None)
    assert result.areas == 8


# --- rounding, half up ---------------------------------------------------------------------


def test_one_rounding_rule_half_up():
    assert round_half_up(D("2.45"), 1) == D("2.5")
    assert round_half_up(D("-2.45"), 1) == D("-2.5")
    assert round_half_up(D("2.25"), 1) == D("2.3")  # half to even would give 2.2
    assert round_half_up(D("2.5"), 0) == D(3)
    # The median of 1.0 and 1.1 is 1.05, shown (one decimal place) as 1.1; our 1.0 is 0.1
    # below it as shown, -0.1 / 1.1 = -9.09% -> -9.1%.
    below = benchmark(D("1.0"), [D("1.0"), D("1.1")], HIGHER, decimals=1)
    assert (below.difference, below.percent) == (D("-0.1"), D("-9.1"))
    # Our 1.1 shows the same as the median as shown: a difference of 0, similar (though it
    # is 0.05 above the unrounded median).
    same = benchmark(D("1.1"), [D("1.0"), D("1.1")], HIGHER, decimals=1)
    assert (same.difference, same.percent, same.verdict) == (0, 0, SIMILAR)
    # Percentages half up: 1 / 16 = 6.25% -> 6.3%.
    assert benchmark(D(17), [D(16)], HIGHER).percent == D("6.3")
    # The robust distance half up: +0.25 / 1 -> 0.3. Sorted 0 1 2: median 1, MAD 1.
    assert benchmark(D("1.25"), [D(0), D(1), D(2)], HIGHER).robust == D("0.3")


# --- the edges ---------------------------------------------------------------------------------


def test_one_area_is_ranked_first_of_one_with_nothing_to_compare():
    result = benchmark(D(7), [], HIGHER)
    assert (result.ours, result.rank, result.areas) == (D(7), 1, 1)
    assert result.group is None
    assert result.quartile is None
    assert (result.difference, result.percent, result.verdict) == (None, None, None)


def test_no_values_at_all():
    result = benchmark(None, [], LOWER)
    assert result.areas == 0
    assert (result.ours, result.group, result.rank, result.quartile) == (None, None, None, None)
    assert (result.difference, result.percent, result.verdict) == (None, None, None)


def test_the_group_without_a_value_of_ours():
    result = benchmark(None, [D(3), D(1), D(2)], HIGHER)
    assert result.group.median == 2
    assert result.areas == 3  # the number of areas with a figure
    assert (result.rank, result.quartile, result.difference, result.verdict) == (
        None,
        None,
        None,
        None,
    )


def test_a_median_of_zero_has_no_percentage():
    # Sorted -1 0 1: median 0, MAD 1.
    on = benchmark(D(0), [D(-1), D(0), D(1)], HIGHER)
    assert (on.difference, on.percent, on.verdict) == (D(0), None, SIMILAR)
    above = benchmark(D("0.5"), [D(-1), D(0), D(1)], HIGHER)
    # 0.5 MADs above, rank 2 of 4, p = 1/3: quartile 2: similar.
    assert (above.percent, above.robust, above.verdict) == (None, D("0.5"), SIMILAR)


def test_a_negative_median_takes_the_percentage_of_its_size():
    # Median -10, MAD 2; ours -9 is 1 above it, which is 10% of 10, and rank 2 of 4.
    result = benchmark(D(-9), [D(-10), D(-12), D(-8)], HIGHER)
    assert (result.difference, result.percent, result.robust) == (D(1), D("10.0"), D("0.5"))
    assert result.verdict is SIMILAR


def test_spread_agrees_with_the_standard_library():
    for values in ([D(5)], [D(1), D(9)], [D(3), D(1), D(4), D(1), D(5), D(9), D(2), D(6)]):
        group = spread(values)
        if len(values) == 1:  # statistics.quantiles needs two values before Python 3.13
            lower = median = upper = values[0]
        else:
            lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
        assert (group.lower_quartile, group.median, group.upper_quartile) == (lower, median, upper)
        assert group.median == statistics.median(values)
        assert group.mad == statistics.median(abs(v - group.median) for v in values)
    assert spread([]) is None


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        benchmark(0.1, [D(1)], HIGHER)
    with pytest.raises(TypeError):
        benchmark(D(1), [0.5], HIGHER)


def test_verdict_labels():
    assert Verdict.choices() == [("better", "Better"), ("similar", "Similar"), ("worse", "Worse")]
