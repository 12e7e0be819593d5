"""Our value against a comparator group's for one period: rank, quartile, median, the
distance from the median, and whether we are better, similar or worse.

The definitions, chosen so that an officer can check every figure by hand:

- **The group** is the other areas' values. Our own value is never one of them (the caller
  leaves our area out), so the **median** and the group's spread are the group's alone:
  the question asked is "how do we compare with our neighbours?", and counting ourselves in
  would pull the yardstick towards us.
- **Median**: the middle value of the group sorted; for an even count, the mean of the two
  middle values.
- **Quartiles of the group** (drawn on the chart as the interquartile range): by linear
  interpolation between the sorted values, the "inclusive" method of Excel's QUARTILE.INC
  and Python's ``statistics.quantiles(method="inclusive")``: the lower quartile sits at
  position (n − 1) × ¼ counting the lowest as position 0, the upper at (n − 1) × ¾.
- **Rank**: our place among the N areas with a value, us included; 1 is the best by the
  indicator's polarity (the highest value when higher is better, the lowest when lower is
  better). Ties share a rank, the best of the places they fill ("1, 2, 2, 4"): our rank is
  one more than the number of other areas strictly better than us.
- **Quartile** (1 is the best quarter), by rank position: p = (rank − 1) ÷ (N − 1), the share
  of the other areas ranked above us, from 0 (nobody above us) to 1 (everybody above us);
  quartile 1 when p < ¼, 2 when p < ½, 3 when p < ¾, and 4 otherwise. With 15 neighbours
  (N = 16), ranks 1–4 are quartile 1, 5–8 quartile 2, 9–12 quartile 3 and 13–16 quartile 4.
  With no other area there is no quartile.
- **Distance from the median**: our value minus the median, and that as a percentage of the
  median's size (none when the median is 0), rounded to one decimal place for showing.
- **Better / similar / worse**: similar when our value is within 5% of the median's size
  (edge included; with a median of 0, only a value of 0 is similar); otherwise better or
  worse by polarity. The verdict uses the exact figures, not the rounded percentage.
- An indicator whose target is a band (``Polarity.BAND``) has no better or worse side, so it
  gets no rank, quartile or verdict; the median and the distance from it still stand.

Everything is ``Decimal`` (or int), as in ``rag``: floats are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.rag import Polarity

Number = Decimal | int

SIMILAR_WITHIN = Decimal(5)  # per cent of the median's size
PERCENT_PLACES = Decimal("0.1")


class Verdict(LabelledEnum):
    BETTER = "better", "Better"
    SIMILAR = "similar", "Similar"
    WORSE = "worse", "Worse"


@dataclass(frozen=True)
class Spread:
    """The comparator group's values for one period, without ours."""

    count: int
    lowest: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    highest: Decimal


@dataclass(frozen=True)
class Benchmark:
    """Our value against the group's for one period. ``areas`` counts every area ranked:
    the group's, plus us when we have a value. Anything that cannot be worked out (no value
    of ours, no group, a band indicator) is None."""

    ours: Decimal | None
    group: Spread | None
    areas: int
    rank: int | None
    quartile: int | None
    difference: Decimal | None
    percent: Decimal | None
    verdict: Verdict | None


def spread(values: Iterable[Number]) -> Spread | None:
    """Lowest, quartiles, median and highest of the values; None for no values."""
    ordered = sorted(_decimal(v) for v in values)
    if not ordered:
        return None
    return Spread(
        count=len(ordered),
        lowest=ordered[0],
        lower_quartile=_quantile(ordered, Decimal(1) / 4),
        median=_median(ordered),
        upper_quartile=_quantile(ordered, Decimal(3) / 4),
        highest=ordered[-1],
    )


def benchmark(
    ours: Number | None,
    others: Iterable[Number],
    polarity: Polarity,
    *,
    similar_within: Number = SIMILAR_WITHIN,
) -> Benchmark:
    """Compare ``ours`` with ``others``, the group's values for the same period (ours not
    among them). See the module's description for every definition."""
    polarity = Polarity(polarity)
    similar_within = _decimal(similar_within)
    if similar_within < 0:
        raise ValueError(f"“Similar” cannot be within a negative amount ({similar_within}%).")
    values = [_decimal(v) for v in others]
    group = spread(values)
    ours = None if ours is None else _decimal(ours)
    areas = len(values) + (ours is not None)
    if ours is None:
        return Benchmark(None, group, areas, None, None, None, None, None)

    rank = quartile = verdict = None
    if polarity is not Polarity.BAND:
        rank = 1 + sum(1 for value in values if _better(value, ours, polarity))
        quartile = _quartile(rank, areas)
    if group is None:
        return Benchmark(ours, None, areas, rank, None, None, None, None)

    difference = ours - group.median
    percent = None
    if group.median != 0:
        percent = (difference * 100 / abs(group.median)).quantize(
            PERCENT_PLACES, rounding=ROUND_HALF_UP
        )
    if polarity is not Polarity.BAND:
        if abs(difference) * 100 <= abs(group.median) * similar_within:
            verdict = Verdict.SIMILAR
        elif _better(ours, group.median, polarity):
            verdict = Verdict.BETTER
        else:
            verdict = Verdict.WORSE
    return Benchmark(ours, group, areas, rank, quartile, difference, percent, verdict)


def _better(value: Decimal, than: Decimal, polarity: Polarity) -> bool:
    return value > than if polarity is Polarity.HIGHER else value < than


def _quartile(rank: int, areas: int) -> int | None:
    if areas < 2:
        return None
    # p = (rank - 1) / (areas - 1), compared with 1/4, 1/2 and 3/4 in whole numbers.
    above, others = rank - 1, areas - 1
    for quartile in (1, 2, 3):
        if 4 * above < quartile * others:
            return quartile
    return 4


def _median(ordered: list[Decimal]) -> Decimal:
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _quantile(ordered: list[Decimal], fraction: Decimal) -> Decimal:
    position = (len(ordered) - 1) * fraction
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[below]
    return ordered[below] + (position - below) * (ordered[below + 1] - ordered[below])


def _decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Benchmarks take Decimal or int values, not {type(value).__name__}.")
    return Decimal(value)
