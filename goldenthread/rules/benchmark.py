"""Our value against a comparator group's for one period: rank, quartile, median, the
distance from the median (raw, in per cent and in robust units), whether we are better,
similar or worse, and whether our figure looks implausible.

The definitions follow the national publications (LG Inform, the local government data
explorer, Fingertips), so that an officer can check every figure by hand against theirs:

- **The set.** The median, quartiles and spread are over the group's areas *as the group is
  defined*. A group that lists our own area (all English metropolitan districts) includes
  our value; a group that does not (CIPFA nearest neighbours) is the neighbours alone,
  because that is how they are published. Areas with no figure for the period are not in
  the set, and the number of areas stated is the number with a figure.
- **Median**: the middle value of the set sorted; for an even count, the mean of the two
  middle values.
- **Quartiles of the set** (drawn on the chart as the interquartile range): by linear
  interpolation between the sorted values, the "inclusive" method of Excel's QUARTILE.INC
  and Python's ``statistics.quantiles(method="inclusive")``: the lower quartile sits at
  position (n − 1) × ¼ counting the lowest as position 0, the upper at (n − 1) × ¾.
- **MAD**, the median absolute deviation: the median of |x − median| over the same set,
  unscaled (not multiplied by 1.4826), as the local government data explorer publishes it.
- **Rank**: our place among every area with a value, us included (with a neighbours group,
  the neighbours plus us: "12th of 16"); 1 is the best by the indicator's polarity (the
  highest value when higher is better, the lowest when lower is better) and, for an
  indicator with no better direction (``Polarity.NEITHER``), the highest value. Ties share
  the best of the places they fill ("1, 2, 2, 4"): our rank is one more than the number of
  other areas strictly ahead of us.
- **Quartile** (1 is the best, or for ``NEITHER`` the highest, quarter), by rank position:
  p = (rank − 1) ÷ (N − 1), the share of the other areas ranked above us; quartile 1 when
  p < ¼, 2 when p < ½, 3 when p < ¾, and 4 otherwise. With 16 areas, ranks 1–4 are
  quartile 1, 5–8 quartile 2, 9–12 quartile 3 and 13–16 quartile 4. With no other area
  there is no quartile.
- **One rounding rule**: half up (away from zero at a half), as published statistics do.
  With ``decimals`` (the indicator's), our value and the median are rounded to them first,
  and the **difference** is the difference of those rounded figures, so it is what a reader
  gets subtracting the figures shown; a difference of 0 is "the same as the median". The
  **percentage** is that difference over the rounded median's size, rounded to one decimal
  place (none when the median is 0).
- **Robust distance**: (our value − median) ÷ MAD, from the unrounded figures, rounded to
  one decimal place: how many "typical deviations" we are from the middle. With a MAD of 0
  (half the set or more share the median's value) there is no robust distance.
- **Better / similar / worse**, one rule over what is shown: in the worst quartile, worse;
  otherwise the same as the median (as shown) is similar; on the better side of the median,
  better when more than 1 MAD from it (any distance at all when the MAD is 0) or in the best
  quartile, else similar; on the worse side, worse when more than 1 MAD from it (any
  distance when the MAD is 0), else similar. So a value in the worst quartile is never
  "similar", and a value in the middle two quartiles is similar only within 1 MAD of the
  median. The parts never pull opposite ways: the worst quartile is always below the median
  (three quarters of the others are ahead of us), and the best quartile is never on the worse
  side of it (half the others or more are ahead of anything there).
- **Check this figure**: our value is flagged, not judged, when it is far outside the
  others: more than ``IMPLAUSIBLE_MADS`` (5) MADs from the median (any distance when the MAD
  is 0) *and* further beyond the nearest of the other areas' figures than those figures are
  spread (lowest to highest; others 70 to 90 flag a value under 50 or over 110), or when it
  is 0 and every other area's figure is on the median's side of 0 and at least half the
  median's size away from it (a zero where the group's values are far from zero: usually a
  missing figure typed as 0). Many MADs alone is not enough: real neighbours' figures can
  bunch so tightly (a MAD of 0.4 points in an employment rate) that an ordinary figure 5%
  from the median is 10 MADs away; a typing slip (741 for 74.1, 0.741) is far beyond both.
  Another area's figure is checked by the same rule against the rest (ours included), and
  listed to check (``doubtful``); it too stays in the median and the rank, as published.
  A flagged figure keeps its place in the median and the rank (as it would in the
  published set, which we are matching) but gets no verdict until someone checks it.
- An indicator whose target is a band (``Polarity.BAND``) has no better or worse side, so it
  gets no rank, quartile or verdict; the median and the distances from it still stand. An
  indicator with no preferred direction (``Polarity.NEITHER``: counts of activity, context
  measures) is ranked highest first and placed in a quartile, without better or worse.

Everything is ``Decimal`` (or int), as in ``rag``: floats are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.rag import Polarity

Number = Decimal | int

SIMILAR_WITHIN_MADS = Decimal(1)
IMPLAUSIBLE_MADS = Decimal(5)
FAR_OUTSIDE = (
    f"far outside the other areas' figures: more than {IMPLAUSIBLE_MADS} MADs from the median "
    "and further beyond them than they are spread"
)
ZERO_AMONG_OTHERS = "0, where every other area's figure is at least half the median away from 0"


class Verdict(LabelledEnum):
    BETTER = "better", "Better"
    SIMILAR = "similar", "Similar"
    WORSE = "worse", "Worse"


@dataclass(frozen=True)
class Spread:
    """The set's values for one period (the group's areas with a figure, us among them when
    the group lists our area)."""

    count: int
    lowest: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    highest: Decimal
    mad: Decimal


@dataclass(frozen=True)
class Benchmark:
    """Our value against the set's for one period. ``areas`` counts every area ranked: the
    other areas with a figure, plus us when we have one. ``ours_in_set`` says whether our
    value is one of the set's (the group lists our area). Anything that cannot be worked out
    (no value of ours, no group, a band indicator, a zero MAD) is None; ``check`` is the
    reason our figure looks implausible, or None, and ``doubtful`` the positions in the
    others given of the figures that look implausible by the same rule."""

    ours: Decimal | None
    group: Spread | None
    areas: int
    rank: int | None
    quartile: int | None
    difference: Decimal | None
    percent: Decimal | None
    verdict: Verdict | None
    robust: Decimal | None = None
    check: str | None = None
    ours_in_set: bool = False
    doubtful: tuple[int, ...] = ()  # positions in ``others`` of figures to check


def spread(values: Iterable[Number]) -> Spread | None:
    """Lowest, quartiles, median, highest and MAD of the values; None for no values."""
    ordered = sorted(_decimal(v) for v in values)
    if not ordered:
        return None
    middle = _median(ordered)
    return Spread(
        count=len(ordered),
        lowest=ordered[0],
        lower_quartile=_quantile(ordered, Decimal(1) / 4),
        median=middle,
        upper_quartile=_quantile(ordered, Decimal(3) / 4),
        highest=ordered[-1],
        mad=_median(sorted(abs(v - middle) for v in ordered)),
    )


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """The one rounding rule: half up, away from zero at a half (2.45 → 2.5, −2.45 → −2.5)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def benchmark(
    ours: Number | None,
    others: Iterable[Number],
    polarity: Polarity,
    *,
    ours_in_set: bool = False,
    decimals: int | None = None,
) -> Benchmark:
    """Compare ``ours`` with ``others``, the other areas' values for the same period (ours
    not among them). ``ours_in_set`` when the group lists our area, so our value counts in
    the median; ``decimals`` to round as the figures are shown. See the module's
    description for every definition."""
    polarity = Polarity(polarity)
    values = [_decimal(v) for v in others]
    ours = None if ours is None else _decimal(ours)
    in_set = ours_in_set and ours is not None
    group = spread([*values, ours] if in_set else values)
    areas = len(values) + (ours is not None)
    doubtful = _doubtful(ours, values, group)
    if ours is None:
        return Benchmark(None, group, areas, None, None, None, None, None, doubtful=doubtful)

    rank = quartile = verdict = None
    if polarity is not Polarity.BAND:
        rank = 1 + sum(1 for value in values if _ahead(value, ours, polarity))
        quartile = _quartile(rank, areas)
    if group is None:
        return Benchmark(ours, None, areas, rank, None, None, None, None, ours_in_set=in_set)

    shown, median = ours, group.median
    if decimals is not None:
        shown, median = round_half_up(ours, decimals), round_half_up(median, decimals)
    difference = shown - median
    percent = None
    if median != 0:
        percent = round_half_up(difference * 100 / abs(median), 1)
    robust = None
    if group.mad != 0:
        robust = round_half_up((ours - group.median) / group.mad, 1)
    check = _ours_implausible(ours, values, group)
    if check is None and polarity in (Polarity.HIGHER, Polarity.LOWER):
        verdict = _verdict(difference, robust, quartile, polarity)
    return Benchmark(
        ours,
        group,
        areas,
        rank,
        quartile,
        difference,
        percent,
        verdict,
        robust=robust,
        check=check,
        ours_in_set=in_set,
        doubtful=doubtful,
    )


def _verdict(
    difference: Decimal, robust: Decimal | None, quartile: int | None, polarity: Polarity
) -> Verdict:
    if quartile == 4:
        return Verdict.WORSE
    if difference == 0:
        return Verdict.SIMILAR
    # With a MAD of 0 any difference is more than 1 MAD.
    far = robust is None or abs(robust) > SIMILAR_WITHIN_MADS
    if difference > 0 if polarity is Polarity.HIGHER else difference < 0:
        return Verdict.BETTER if far or quartile == 1 else Verdict.SIMILAR
    return Verdict.WORSE if far else Verdict.SIMILAR


def _implausible(
    value: Decimal, low: Decimal, high: Decimal, zero_is_near: bool, group: Spread
) -> str | None:
    """Why ``value`` looks implausible against the other figures (``low`` to ``high``, and
    whether any of them is near 0 or on the other side of it), or None."""
    median = group.median
    beyond = max(low - value, value - high)
    many_mads = abs(value - median) > IMPLAUSIBLE_MADS * group.mad
    if high > low and beyond > high - low and many_mads:
        return FAR_OUTSIDE
    if value == 0 and median != 0 and not zero_is_near:
        return ZERO_AMONG_OTHERS
    return None


def _near_zero(value: Decimal, median: Decimal) -> bool:
    """On the other side of 0 from the median, or nearer 0 than half the median's size."""
    return not (value * median > 0 and abs(value) * 2 >= abs(median))


def _ours_implausible(ours: Decimal, others: list[Decimal], group: Spread) -> str | None:
    if not others:
        return None
    near = any(_near_zero(v, group.median) for v in others)
    return _implausible(ours, min(others), max(others), near, group)


def _doubtful(ours: Decimal | None, others: list[Decimal], group: Spread | None) -> tuple[int, ...]:
    """The positions in ``others`` of figures that look implausible against the rest (every
    other figure, ours included), by the same rule as ours. Linear: the rest's lowest and
    highest come from the two lowest and two highest of everyone."""
    everyone = [*others, *([] if ours is None else [ours])]
    if group is None or len(everyone) < 2:
        return ()
    ordered = sorted(everyone)
    near = sum(_near_zero(v, group.median) for v in everyone)
    flagged = []
    for position, value in enumerate(others):
        low = ordered[1] if value == ordered[0] else ordered[0]
        high = ordered[-2] if value == ordered[-1] else ordered[-1]
        rest_near = near - _near_zero(value, group.median) > 0
        if _implausible(value, low, high, rest_near, group):
            flagged.append(position)
    return tuple(flagged)


def _ahead(value: Decimal, of: Decimal, polarity: Polarity) -> bool:
    """Whether ``value`` ranks ahead of ``of``: better, or higher for NEITHER."""
    return value < of if polarity is Polarity.LOWER else value > of


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
