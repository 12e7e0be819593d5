"""Benchmark statistics on small examples worked out by hand in the comments."""

import statistics
from decimal import Decimal as D

import pytest

from goldenthread.rules import Polarity, Verdict, benchmark, spread

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND

# Seven neighbours, sorted: 40 45 50 55 60 65 70 (positions 0 to 6).
SEVEN = [D(70), D(40), D(55), D(65), D(45), D(60), D(50)]


def test_it_works_out_an_odd_group_by_hand_when_higher_is_better():
    result = benchmark(D(52), SEVEN, HIGHER)
    group = result.group
    # Median: the 4th of 7, 55. Lower quartile at position (7 - 1) x 1/4 = 1.5, halfway
    # between 45 and 50; upper at 4.5, halfway between 60 and 65.
    assert (group.count, group.lowest, group.median, group.highest) == (7, 40, 55, 70)
    assert (group.lower_quartile, group.upper_quartile) == (D("47.5"), D("62.5"))
    # 55, 60, 65 and 70 beat 52: rank 5 of the 8 areas (us included).
    assert (result.rank, result.areas) == (5, 8)
    # p = (5 - 1) / (8 - 1) = 0.571: at least 1/2, under 3/4, so quartile 3.
    assert result.quartile == 3
    # 52 - 55 = -3; -3 / 55 = -5.45% -> -5.5. 5% of 55 is 2.75, less than 3: not similar.
    assert result.difference == D(-3)
    assert result.percent == D("-5.5")
    assert result.verdict is Verdict.WORSE


def test_the_same_figures_when_lower_is_better():
    result = benchmark(D(52), SEVEN, LOWER)
    # 40, 45 and 50 beat 52: rank 4 of 8; p = 3/7 = 0.43, quartile 2; below the median by
    # more than 5% of it, so better.
    assert (result.rank, result.areas, result.quartile) == (4, 8, 2)
    assert result.verdict is Verdict.BETTER
    assert result.group.median == 55  # the group does not change with polarity


def test_an_even_group_takes_the_mean_of_the_two_middle_values():
    result = benchmark(D(26), [D(40), D(10), D(30), D(20)], HIGHER)
    # Sorted 10 20 30 40: median (20 + 30) / 2 = 25. Lower quartile at 3 x 1/4 = 0.75:
    # 10 + 0.75 x 10 = 17.5; upper at 2.25: 30 + 0.25 x 10 = 32.5.
    assert result.group.median == 25
    assert (result.group.lower_quartile, result.group.upper_quartile) == (D("17.5"), D("32.5"))
    # 30 and 40 beat 26: rank 3 of 5; p = 2/4 = 1/2: quartile 3.
    assert (result.rank, result.areas, result.quartile) == (3, 5, 3)
    # 26 - 25 = 1, which is 4.0% of 25: within 5%, similar.
    assert (result.difference, result.percent) == (D(1), D("4.0"))
    assert result.verdict is Verdict.SIMILAR


def test_similar_includes_the_edge_of_five_per_cent():
    # Median 100; 5% of it is 5.
    assert benchmark(D(105), [D(100)], HIGHER).verdict is Verdict.SIMILAR
    assert benchmark(D(95), [D(100)], HIGHER).verdict is Verdict.SIMILAR
    assert benchmark(D("105.01"), [D(100)], HIGHER).verdict is Verdict.BETTER
    assert benchmark(D("94.99"), [D(100)], HIGHER).verdict is Verdict.WORSE
    assert benchmark(D("94.99"), [D(100)], LOWER).verdict is Verdict.BETTER
    # The threshold can be changed; 0 means only the median itself is similar.
    assert benchmark(D(101), [D(100)], HIGHER, similar_within=0).verdict is Verdict.BETTER
    assert benchmark(D(100), [D(100)], HIGHER, similar_within=0).verdict is Verdict.SIMILAR


def test_ties_share_the_best_of_their_places():
    # 30 beats 20; the two other 20s tie with us and do not: rank 2 of 5 ("1, 2, 2, 2, 5").
    result = benchmark(D(20), [D(10), D(20), D(20), D(30)], HIGHER)
    assert (result.rank, result.areas) == (2, 5)
    # p = 1/4: not under 1/4, so quartile 2.
    assert result.quartile == 2
    # Level with everyone: all share rank 1.
    level = benchmark(D(20), [D(20), D(20)], LOWER)
    assert (level.rank, level.areas, level.quartile) == (1, 3, 1)
    assert level.verdict is Verdict.SIMILAR


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
    ],
)
def test_quartile_by_rank_position(rank, areas, quartile):
    # Others ranked above us are worth 100, those below 0; we are 50, higher is better.
    others = [D(100)] * (rank - 1) + [D(0)] * (areas - rank)
    result = benchmark(D(50), others, HIGHER)
    assert (result.rank, result.areas, result.quartile) == (rank, areas, quartile)


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
    assert result.areas == 3
    assert (result.rank, result.quartile, result.difference, result.verdict) == (
        None,
        None,
        None,
        None,
    )


def test_a_median_of_zero_has_no_percentage():
    # Sorted -1 0 1: median 0. Nothing is within 5% of 0 except 0 itself.
    on = benchmark(D(0), [D(-1), D(0), D(1)], HIGHER)
    assert (on.difference, on.percent, on.verdict) == (D(0), None, Verdict.SIMILAR)
    above = benchmark(D("0.5"), [D(-1), D(0), D(1)], HIGHER)
    assert (above.percent, above.verdict) == (None, Verdict.BETTER)


def test_a_negative_median_takes_the_percentage_of_its_size():
    # Median -10; ours -9 is 1 above it, which is 10% of 10: better when higher is better.
    result = benchmark(D(-9), [D(-10), D(-12), D(-8)], HIGHER)
    assert (result.difference, result.percent, result.verdict) == (D(1), D("10.0"), Verdict.BETTER)


def test_a_band_indicator_gets_the_median_but_no_rank_or_verdict():
    result = benchmark(D(52), SEVEN, BAND)
    assert result.group.median == 55
    assert result.difference == D(-3)
    assert (result.rank, result.quartile, result.verdict) == (None, None, None)
    assert result.areas == 8


def test_spread_agrees_with_the_standard_library():
    for values in ([D(5)], [D(1), D(9)], [D(3), D(1), D(4), D(1), D(5), D(9), D(2), D(6)]):
        group = spread(values)
        if len(values) == 1:  # statistics.quantiles needs two values before Python 3.13
            lower = median = upper = values[0]
        else:
            lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
        assert (group.lower_quartile, group.median, group.upper_quartile) == (lower, median, upper)
        assert group.median == statistics.median(values)
    assert spread([]) is None


def test_it_refuses_floats_and_a_negative_threshold():
    with pytest.raises(TypeError):
        benchmark(0.1, [D(1)], HIGHER)
    with pytest.raises(TypeError):
        benchmark(D(1), [0.5], HIGHER)
    with pytest.raises(ValueError):
        benchmark(D(1), [D(1)], HIGHER, similar_within=-1)


def test_verdict_labels():
    assert Verdict.choices() == [("better", "Better"), ("similar", "Similar"), ("worse", "Worse")]
