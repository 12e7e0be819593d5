"""Statistical process control: an XmR (individuals and moving range) chart read the way
NHS England's "Making Data Count" (MDC) guidance reads one, and as NHSRplotthedots, the
NHS-R community's implementation of the MDC rules, computes it (github.com/nhs-r-community/
NHSRplotthedots: R/ptd_spc_standard.R, R/ptd_calculate_point_type.R). Its tests and
worked examples are in tests/rules/test_spc_reference.py, which also compares every value's
verdict with a port of its code on random series.

- The mean of the values, the moving ranges (the absolute change from each value to the
  next), their mean, and the process limits: mean ± 2.66 × mean moving range. A moving
  range is only taken between consecutive periods: across a period with no result there is
  none (the reference, given a missing value, has none either).
- Screening (``screen_outliers``, on by default as in the reference): a moving range of
  3.267 × the mean moving range or more (above the moving range chart's own upper limit,
  itself a special cause) is left out and the mean moving range worked out again, so one
  exceptional month does not widen the limits for every other. The MDC spreadsheet does not
  screen; ``screen_outliers=False`` gives its limits. The mean is of every value either way.
- Four rules mark special cause variation, each MDC's:
  1. a single value outside the process limits;
  2. a shift: a run of 7 or more values all above, or all below, the mean (a value on the
     mean ends the run);
  3. a trend: a run of 7 or more values each higher, or each lower, than the one before
     (an equal value ends the run). The reference counts 7 for both runs, and so does MDC's
     spreadsheet by default (it lets an analyst choose 6): 7 it is here, and
     ``shift_points``/``trend_points`` take 6 where a partnership has agreed it;
  4. two of three values in a row close to a process limit: beyond two sigma (two thirds of
     the way from the mean to the limit) but not beyond the limit itself, on the same side,
     with all three on that side of the mean. Only the close values are marked.
- Each value gets one verdict. Where several rules mark it, the first of them in the
  reference's order decides its direction: outside the limits, then trend, then two of
  three, then shift. So a value below the lower limit is below it, even at the start of a
  rising trend. A value that ends one trend and starts another takes the later's direction.
- The direction is an improvement or a concern by the indicator's polarity: above the mean
  or rising is an improvement when higher is better, a concern when lower is better, and
  neither for an indicator whose target is a band (a move either way may be bad) or that
  has no better direction (``Polarity.NEITHER``: a count of activity, a context measure).
- The variation summary (MDC's first icon) describes the latest value: common cause,
  special cause improvement, special cause concern, or special cause neither.
- Assurance (MDC's second icon) compares the target with the process limits: a target
  beyond the limits on the wrong side is consistently missed, beyond them on the good side
  consistently met, and between them hit and miss. Without a target there is none. (The
  reference gives none for a neutral measure, and nor does ``Polarity.NEITHER`` here; a band
  target here is met when the limits lie inside the band.)
- Limits from a handful of values mislead. MDC's own tool draws limits from 13 values and
  the reference warns below 12 ("trial limits"); the minimum here is 12 (three years of
  quarters), and with fewer the result says how many more are needed instead of giving
  limits.
- Recalculating the limits after a change (MDC's advice once a change is understood; the
  reference's ``rebase``): from each process change on, the values are a segment of their
  own, with their own mean, moving ranges (none across a change), limits, minimum number
  of values and rules, exactly as if charted alone. The variation summary and assurance
  are the latest segment's, as in the reference's summary.
- Two readings the reference does not give, both said in the summary, because a chart
  marked all over is otherwise left unexplained: values recorded too coarsely for their
  variation ("chunky" data, Wheeler: the moving range limit, 3.267 × the mean moving range,
  is less than three recording steps, so rounding makes the marks), and most values
  marked, when the results are not one stable process and the limits describe none of it.

One deliberate difference from the reference: where a value ends one trend and the next,
equal to it, starts another, the reference calls the first "decreasing" whatever the
trend's way (its direction comes from the flat step between them); here it keeps its own
trend's direction.

Everything is ``Decimal``, like the RAG rules, so limits and flags do not depend on how a
float happens to round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Number, Polarity, _decimal

# 3 / d2, where d2 = 1.128 is the expected range of two values from a normal distribution
# in standard deviations: the mean moving range times 2.66 is three sigma.
LIMIT_FACTOR = Decimal("2.66")
MINIMUM_POINTS = 12
SHIFT_POINTS = 7
TREND_POINTS = 7
# D4 for moving ranges of two: the moving range chart's upper limit is 3.267 × its mean.
SCREEN_FACTOR = Decimal("3.267")
# Screen by default, as the reference does (after Nelson 1982 and Provost & Murray, The
# Health Care Data Guide, 2011): a moving range that large is itself a special cause, and
# counting it widens the limits for every other value, hiding real signals. The page says
# which way its limits were worked out, so they can be set beside the MDC spreadsheet's.
SCREEN_OUTLIERS = True
# "Chunky" data (Wheeler): when fewer than this many recording steps fit under the moving
# range chart's upper limit, rounding, not the process, decides which values are marked.
CHUNKY_STEPS = 3


class Rule(LabelledEnum):
    OUTSIDE_LIMITS = "outside", "Outside the process limits"
    SHIFT = "shift", "Run on one side of the mean"
    TREND = "trend", "Run rising or falling"
    NEAR_LIMIT = "near_limit", "Two of three close to a limit"


# The reference's order: the first rule that marks a value decides its direction.
PRECEDENCE = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.NEAR_LIMIT, Rule.SHIFT)


class Signal(LabelledEnum):
    IMPROVEMENT = "improvement", "Improvement"
    CONCERN = "concern", "Concern"
    NEITHER = "neither", "Neither improvement nor concern"


class Variation(LabelledEnum):
    COMMON_CAUSE = "common", "Common cause variation"
    IMPROVEMENT = "improvement", "Special cause variation: improvement"
    CONCERN = "concern", "Special cause variation: concern"
    NEITHER = "neither", "Special cause variation: neither improvement nor concern"


class Assurance(LabelledEnum):
    MET = "met", "Consistently met"
    MISSED = "missed", "Consistently missed"
    HIT_AND_MISS = "hit_and_miss", "Hit and miss"


@dataclass(frozen=True)
class Flag:
    """One rule that marked a value, and what it means for this indicator."""

    rule: Rule
    signal: Signal
    high: bool  # about values higher than usual (above the mean, or rising)
    description: str  # "one of 8 results in a row above the mean"


@dataclass(frozen=True)
class Point:
    period: Period
    value: Decimal
    moving_range: Decimal | None  # None for the first value (of its segment)
    flags: tuple[Flag, ...] = ()
    segment: int = 0  # which stretch of the process, counting from 0: see ``Segment``

    @property
    def deciding(self) -> Flag | None:
        """The flag whose direction the value takes: the first by ``PRECEDENCE`` (of two
        trends, the one listed first: the later, as ``xmr`` lists them)."""
        if not self.flags:
            return None
        return min(self.flags, key=lambda flag: PRECEDENCE.index(flag.rule))

    @property
    def signal(self) -> Signal | None:
        """None for common cause; otherwise the deciding rule's direction."""
        deciding = self.deciding
        return None if deciding is None else deciding.signal

    @property
    def rules_text(self) -> str:
        return "; ".join(flag.description for flag in self.flags)


@dataclass(frozen=True)
class SpcResult:
    points: tuple[Point, ...]
    polarity: Polarity
    minimum_points: int
    too_few: bool
    # The numbers below are None when there are too few points to work them out.
    mean: Decimal | None
    mean_moving_range: Decimal | None
    lower_limit: Decimal | None
    upper_limit: Decimal | None
    lower_near: Decimal | None  # two sigma below the mean
    upper_near: Decimal | None
    variation: Variation | None  # of the latest value
    target: Decimal | None
    target_upper: Decimal | None
    assurance: Assurance | None  # None without a target or limits
    summary: tuple[str, ...]  # plain-English sentences for the page
    screen_outliers: bool = SCREEN_OUTLIERS
    # The periods whose moving range (from the period before) was screened out.
    screened: tuple[Period, ...] = ()
    resolution: Decimal | None = None  # the step the values are recorded in
    chunky: bool = False  # too coarse a step for the variation: see CHUNKY_STEPS
    # The stretches between process changes, oldest first; one when there is no change.
    # With several, the fields above (mean, limits, variation, assurance, too_few apart)
    # are the latest segment's, and ``too_few`` is whether no segment has limits.
    segments: tuple[Segment, ...] = ()

    @property
    def needed(self) -> int:
        """How many more values are needed before limits are drawn (for the latest
        segment, when the limits are recalculated after a change)."""
        if len(self.segments) > 1:
            return self.segments[-1].needed
        return max(0, self.minimum_points - len(self.points))

    @property
    def flagged(self) -> list[Point]:
        return [point for point in self.points if point.flags]


@dataclass(frozen=True)
class Segment:
    """One stretch of the process, from the start or a process change to the next change:
    its own mean, moving ranges, limits and rules (``analysis``, the segment on its own)."""

    start: int  # the index of its first value in the whole result's points
    analysis: SpcResult

    @property
    def points(self) -> tuple[Point, ...]:
        return self.analysis.points

    @property
    def first(self) -> Period:
        return self.analysis.points[0].period

    @property
    def last(self) -> Period:
        return self.analysis.points[-1].period

    @property
    def too_few(self) -> bool:
        return self.analysis.too_few

    @property
    def needed(self) -> int:
        return self.analysis.needed

    @property
    def mean(self) -> Decimal | None:
        return self.analysis.mean

    @property
    def mean_moving_range(self) -> Decimal | None:
        return self.analysis.mean_moving_range

    @property
    def lower_limit(self) -> Decimal | None:
        return self.analysis.lower_limit

    @property
    def upper_limit(self) -> Decimal | None:
        return self.analysis.upper_limit


def xmr(
    values: Sequence[tuple[Period, Number]],
    *,
    polarity: Polarity,
    target: Number | None = None,
    target_upper: Number | None = None,
    fmt: Callable[[Decimal], str] | None = None,
    minimum_points: int = MINIMUM_POINTS,
    shift_points: int = SHIFT_POINTS,
    trend_points: int = TREND_POINTS,
    screen_outliers: bool = SCREEN_OUTLIERS,
    rebase: Sequence[Period | int] = (),
) -> SpcResult:
    """The XmR analysis of ``values`` (period, value), oldest first, one per period.

    ``target`` (and ``target_upper`` for a band) is what assurance is judged against; ``fmt``
    writes a value in the summary sentences as the indicator shows it; ``screen_outliers``
    leaves unusually large moving ranges out of the limits (see ``SCREEN_OUTLIERS``).

    ``rebase`` recalculates the limits after a change, as the reference's ``rebase`` does:
    each item is the first period of a new process (or the index of its first value), and
    from each one on the chart has its own segment, with its own mean, moving ranges (none
    across a change), limits and rules. A period with no value starts the segment at the
    next value; one at or before the first value, or after the last, changes nothing (the
    reference ignores a date that is no row's).
    """
    periods = [period for period, _ in values]
    if len(set(periods)) != len(periods) or periods != sorted(periods):
        raise ValueError("Give one value per period, oldest first.")
    starts: set[int] = set()
    for item in rebase:
        if isinstance(item, Period):
            index = next((i for i, period in enumerate(periods) if period >= item), None)
        elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(values):
            index = item
        else:
            raise ValueError(f"A rebase is a period or the index of a value, not {item!r}.")
        if index:  # None (after the last value) and 0 (the first) change nothing
            starts.add(index)
    options = dict(
        polarity=polarity,
        target=target,
        target_upper=target_upper,
        fmt=fmt,
        minimum_points=minimum_points,
        shift_points=shift_points,
        trend_points=trend_points,
        screen_outliers=screen_outliers,
    )
    if not starts:
        result = _xmr_one(values, **options)
        return replace(result, segments=(Segment(0, result),))
    bounds = [0, *sorted(starts), len(values)]
    segments = tuple(
        Segment(start, _xmr_one(values[start:end], **options)) for start, end in pairwise(bounds)
    )
    latest = segments[-1].analysis
    result = replace(
        latest,
        points=tuple(
            replace(point, segment=k)
            for k, segment in enumerate(segments)
            for point in segment.points
        ),
        too_few=all(segment.too_few for segment in segments),
        screened=tuple(period for segment in segments for period in segment.analysis.screened),
        segments=segments,
    )
    return replace(result, summary=_segments_summary(result, fmt or _plain))


def _segments_summary(result: SpcResult, fmt: Callable[[Decimal], str]) -> tuple[str, ...]:
    """The summary of a chart with its limits recalculated after each process change: a
    line for each earlier segment, then the latest segment's own summary."""
    *earlier, latest = result.segments
    changes = _and([segment.first.label for segment in result.segments[1:]])
    sentences = [
        f"The limits are recalculated from each process change ({changes}): each part of the "
        "chart has its own mean and process limits, and special cause is looked for within "
        "each part only, as Making Data Count advises once a change is understood."
    ]
    for segment in earlier:
        n = len(segment.points)
        span = f"From {segment.first.label} to {segment.last.label}"
        if segment.too_few:
            sentences.append(
                f"{span} there {'is' if n == 1 else 'are'} {n} "
                f"{'result' if n == 1 else 'results'}, too few for process limits (they need "
                f"at least {result.minimum_points})."
            )
        else:
            marked = len(segment.analysis.flagged)
            sentences.append(
                f"{span} the mean was {fmt(segment.mean)} and the process limits "
                f"{fmt(segment.lower_limit)} to {fmt(segment.upper_limit)}; {marked} of its "
                f"{n} results {'was' if marked == 1 else 'were'} marked as special cause."
            )
    n = len(latest.points)
    if latest.too_few and latest.needed:
        sentences.append(
            f"There {'is' if n == 1 else 'are'} {n} {'result' if n == 1 else 'results'} since "
            f"{latest.first.label}, the latest change: process limits need at least "
            f"{result.minimum_points}, so {latest.needed} more "
            f"{'is' if latest.needed == 1 else 'are'} "
            "needed before the new process has limits of its own. Until then there is no "
            "verdict on the latest result and no assurance against the target."
        )
    else:
        sentences.extend(latest.analysis.summary)
    return tuple(sentences)


def _xmr_one(
    values: Sequence[tuple[Period, Number]],
    *,
    polarity: Polarity,
    target: Number | None,
    target_upper: Number | None,
    fmt: Callable[[Decimal], str] | None,
    minimum_points: int,
    shift_points: int,
    trend_points: int,
    screen_outliers: bool,
) -> SpcResult:
    """``xmr`` for one segment: one process, no change within it."""
    polarity = Polarity(polarity)
    fmt = fmt or _plain
    if minimum_points < 2:
        raise ValueError("Process limits need at least two values, for one moving range.")
    periods = [period for period, _ in values]
    if len(set(periods)) != len(periods) or periods != sorted(periods):
        raise ValueError("Give one value per period, oldest first.")
    numbers = [_decimal(value) for _, value in values]
    # No moving range across a period with no result: it would be a change over two
    # periods, not one, and would widen the limits.
    ranges: list[Decimal | None] = [None] + [
        abs(b - a) if before.next() == after else None
        for (before, a), (after, b) in pairwise(zip(periods, numbers, strict=True))
    ]
    ranges = ranges[: len(numbers)]
    target = None if target is None else _decimal(target)
    target_upper = None if target_upper is None else _decimal(target_upper)
    counted = [r for r in ranges if r is not None]

    if len(numbers) < minimum_points or not counted:
        points = tuple(
            Point(period, value, moving_range)
            for period, value, moving_range in zip(periods, numbers, ranges, strict=True)
        )
        sentence = (
            _too_few_sentence(len(numbers), minimum_points)
            if len(numbers) < minimum_points
            else "No two results are for periods next to each other, so there is no change "
            "from one period to the next to work process limits out from."
        )
        return SpcResult(
            points=points,
            polarity=polarity,
            minimum_points=minimum_points,
            too_few=True,
            mean=None,
            mean_moving_range=None,
            lower_limit=None,
            upper_limit=None,
            lower_near=None,
            upper_near=None,
            variation=None,
            target=target,
            target_upper=target_upper,
            assurance=None,
            summary=(sentence,),
            screen_outliers=screen_outliers,
        )

    mean = sum(numbers) / len(numbers)
    mean_range = sum(counted) / len(counted)
    screened: tuple[Period, ...] = ()
    if screen_outliers and mean_range > 0:
        cut = SCREEN_FACTOR * mean_range
        screened = tuple(
            period for period, r in zip(periods, ranges, strict=True) if r is not None and r >= cut
        )
        kept = [r for r in counted if r < cut]
        mean_range = sum(kept) / len(kept)
    sigma3 = LIMIT_FACTOR * mean_range
    sigma2 = sigma3 * 2 / 3
    lower, upper = mean - sigma3, mean + sigma3
    lower_near, upper_near = mean - sigma2, mean + sigma2

    flags: list[list[Flag]] = [[] for _ in numbers]

    def mark(index: int, rule: Rule, high: bool, description: str) -> None:
        flags[index].append(Flag(rule, _signal(polarity, high), high, description))

    for i, value in enumerate(numbers):
        if value > upper:
            mark(i, Rule.OUTSIDE_LIMITS, True, "above the upper process limit")
        elif value < lower:
            mark(i, Rule.OUTSIDE_LIMITS, False, "below the lower process limit")

    steps = [_sign(after - before) for before, after in pairwise(numbers)]
    # Later trends first: a value that ends one trend and starts the next takes the later's
    # direction, as in the reference.
    for start, end, step in reversed(_runs(steps)):
        # ``end - start`` steps join ``end - start + 1`` values.
        if step and end - start + 1 >= trend_points:
            way = "rising" if step > 0 else "falling"
            for i in range(start, end + 1):
                mark(i, Rule.TREND, step > 0, f"one of {end - start + 1} in a row {way}")

    sides = [_sign(value - mean) for value in numbers]
    # Close to a limit: beyond two sigma but not beyond the limit, which is rule 1's.
    near = [1 if upper_near < v <= upper else -1 if lower <= v < lower_near else 0 for v in numbers]
    marked_near: set[int] = set()
    for start in range(len(numbers) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            if all(sides[i] == side for i in window) and sum(near[i] == side for i in window) >= 2:
                marked_near.update(i for i in window if near[i] == side)
    for i in sorted(marked_near):
        limit = "upper" if near[i] > 0 else "lower"
        mark(i, Rule.NEAR_LIMIT, near[i] > 0, f"two of three close to the {limit} limit")

    for start, end, side in _runs(sides):
        if side and end - start >= shift_points:
            where = "above" if side > 0 else "below"
            for i in range(start, end):
                mark(i, Rule.SHIFT, side > 0, f"one of {end - start} in a row {where} the mean")

    points = tuple(
        Point(period, value, moving_range, tuple(point_flags))
        for period, value, moving_range, point_flags in zip(
            periods, numbers, ranges, flags, strict=True
        )
    )
    variation = _VARIATION[points[-1].signal]
    assurance = _assurance(polarity, target, target_upper, lower, upper)
    resolution = _resolution(numbers)
    result = SpcResult(
        points=points,
        polarity=polarity,
        minimum_points=minimum_points,
        too_few=False,
        mean=mean,
        mean_moving_range=mean_range,
        lower_limit=lower,
        upper_limit=upper,
        lower_near=lower_near,
        upper_near=upper_near,
        variation=variation,
        target=target,
        target_upper=target_upper,
        assurance=assurance,
        summary=(),
        screen_outliers=screen_outliers,
        screened=screened,
        resolution=resolution,
        chunky=SCREEN_FACTOR * mean_range < CHUNKY_STEPS * resolution,
    )
    return _with_summary(result, fmt)


def _resolution(numbers: list[Decimal]) -> Decimal:
    """The step the values are recorded in: the largest power of ten they are all whole
    multiples of (0.1 for 3.1, 2.9 and 3.0; 5 is not a power of ten, so counts rounded to
    5 give 1)."""
    exponents = [n.normalize().as_tuple().exponent for n in numbers if n]
    exponent = min((e for e in exponents if isinstance(e, int)), default=0)
    return Decimal(1).scaleb(exponent)


_VARIATION = {
    None: Variation.COMMON_CAUSE,
    Signal.IMPROVEMENT: Variation.IMPROVEMENT,
    Signal.CONCERN: Variation.CONCERN,
    Signal.NEITHER: Variation.NEITHER,
}


def _signal(polarity: Polarity, high: bool) -> Signal:
    if polarity in (Polarity.BAND, Polarity.NEITHER):
        return Signal.NEITHER
    if high == (polarity is Polarity.HIGHER):
        return Signal.IMPROVEMENT
    return Signal.CONCERN


def _assurance(
    polarity: Polarity,
    target: Decimal | None,
    target_upper: Decimal | None,
    lower: Decimal,
    upper: Decimal,
) -> Assurance | None:
    if target is None or polarity is Polarity.NEITHER:
        return None
    if polarity is Polarity.HIGHER:
        if target > upper:
            return Assurance.MISSED
        return Assurance.MET if target < lower else Assurance.HIT_AND_MISS
    if polarity is Polarity.LOWER:
        if target < lower:
            return Assurance.MISSED
        return Assurance.MET if target > upper else Assurance.HIT_AND_MISS
    # A band: met when the whole range the process varies over lies inside it.
    band_top = target if target_upper is None else target_upper
    if upper < target or lower > band_top:
        return Assurance.MISSED
    if target <= lower and upper <= band_top:
        return Assurance.MET
    return Assurance.HIT_AND_MISS


def _runs(signs: list[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal signs as (start, end exclusive, sign)."""
    runs = []
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            runs.append((start, i, signs[start]))
            start = i
    return runs


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def _plain(value: Decimal) -> str:
    return f"{value:,.2f}"


def _too_few_sentence(have: int, need: int) -> str:
    result = "result" if have == 1 else "results"
    return (
        f"There {'is' if have == 1 else 'are'} {have} {result} so far: process limits need at "
        f"least {need}, so the process chart is not drawn yet."
    )


def _with_summary(result: SpcResult, fmt: Callable[[Decimal], str]) -> SpcResult:
    points = result.points
    first, last = points[0], points[-1]
    sentences = [
        f"Over the {len(points)} results from {first.period.label} to {last.period.label} the "
        f"mean is {fmt(result.mean)}. Results between {fmt(result.lower_limit)} and "
        f"{fmt(result.upper_limit)} (the process limits) are what this process gives by "
        "ordinary, common cause variation."
    ]
    if result.screened:
        n = len(result.screened)
        which = _and([period.label for period in result.screened])
        sentences.append(
            f"{n} unusually large moving {'range' if n == 1 else 'ranges'} ({which}) "
            f"{'is' if n == 1 else 'are'} left out of the average the limits are worked out "
            "from, as NHSRplotthedots does: a change from one result to the next of "
            f"{SCREEN_FACTOR} times the average or more is itself special cause. The Making "
            "Data Count spreadsheet counts every change, so its limits are wider."
        )
    elif not result.screen_outliers:
        sentences.append(
            "Every moving range counts in the limits, as in the Making Data Count "
            "spreadsheet; none is screened out."
        )
    if result.variation is Variation.COMMON_CAUSE:
        sentences.append(
            f"The latest result ({last.period.label}) shows common cause variation: "
            "nothing out of the ordinary for this process."
        )
    else:
        nature = {
            Variation.IMPROVEMENT: "special cause variation of an improving nature",
            Variation.CONCERN: "special cause variation of a concerning nature",
            Variation.NEITHER: (
                "special cause variation; as the target is a band, a move either way is "
                "neither an improvement nor a concern in itself"
            ),
        }[result.variation]
        sentences.append(
            f"The latest result ({last.period.label}) shows {nature} ({last.rules_text}): "
            "something has changed and is worth understanding."
        )
    earlier = [point for point in points[:-1] if point.flags]
    if earlier:
        counts = [(signal, sum(p.signal is signal for p in earlier)) for signal in Signal]
        parts = [f"{count} {_SIGNAL_WORDS[signal]}" for signal, count in counts if count]
        sentences.append(
            f"Earlier, {len(earlier)} {'result was' if len(earlier) == 1 else 'results were'} "
            f"marked as special cause: {', '.join(parts)}."
        )
    marked = len(result.flagged)
    if result.chunky:
        step = f"{result.resolution.normalize():f}"
        sentences.append(
            f"The results are recorded in steps of {step}, too coarse for how little they "
            f"vary: the average change from one result to the next is "
            f"{fmt(result.mean_moving_range)}, so the process limits are narrower than "
            f"{CHUNKY_STEPS} steps either side of the mean and rounding alone can put a "
            "result outside them. Read the marks with care: results recorded to more decimal "
            "places would give a truer chart."
        )
    elif marked * 2 > len(points):
        sentences.append(
            f"{marked} of the {len(points)} results are marked as special cause: they do not "
            "come from one stable process, so limits worked out over all of them describe "
            "none of it well. Once the change is understood, Making Data Count's advice is "
            "to recalculate the limits from the point where it began."
        )
    sentences.append(_assurance_sentence(result, fmt))
    return replace(result, summary=tuple(sentences))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


_SIGNAL_WORDS = {
    Signal.IMPROVEMENT: "improvement",
    Signal.CONCERN: "concern",
    Signal.NEITHER: "neither improvement nor concern",
}


def _assurance_sentence(result: SpcResult, fmt: Callable[[Decimal], str]) -> str:
    if result.target is None:
        return "There is no target to judge assurance against."
    if result.polarity is Polarity.NEITHER:
        return "Neither higher nor lower is better, so there is no assurance to judge."
    if result.polarity is Polarity.BAND:
        top = result.target if result.target_upper is None else result.target_upper
        band = f"the target band of {fmt(result.target)} to {fmt(top)}"
        return {
            Assurance.MET: (
                f"The process limits lie inside {band}, so it will be consistently met unless "
                "the process changes."
            ),
            Assurance.MISSED: (
                f"The process limits lie wholly outside {band}, so it will be consistently "
                "missed unless the process changes."
            ),
            Assurance.HIT_AND_MISS: (
                f"The process limits reach beyond {band}, so it will be hit and missed by "
                "ordinary variation alone."
            ),
        }[result.assurance]
    target = f"The target of {fmt(result.target)}"
    return {
        Assurance.MET: (
            f"{target} lies beyond the process limits on the good side, so it will be "
            "consistently met unless the process changes."
        ),
        Assurance.MISSED: (
            f"{target} lies beyond the process limits on the wrong side, so it will be "
            "consistently missed unless the process changes."
        ),
        Assurance.HIT_AND_MISS: (
            f"{target} lies within the process limits, so it will be hit and missed by "
            "ordinary variation alone."
        ),
    }[result.assurance]
