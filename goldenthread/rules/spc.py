"""Statistical process control: an XmR (individuals and moving range) chart read the way
NHS England's "Making Data Count" (MDC) guidance reads one.

- The mean of the values, the moving ranges (the absolute change from each value to the
  next), their mean, and the process limits: mean ± 2.66 × mean moving range. Every value
  counts, as in the MDC spreadsheet tools; nothing is screened out as an outlier.
- Four rules mark special cause variation, each MDC's:
  1. a single value outside the process limits;
  2. a shift: a run of 7 or more values all above, or all below, the mean (a value on the
     mean ends the run);
  3. a trend: a run of 7 or more values each higher, or each lower, than the one before
     (an equal value ends the run). MDC's spreadsheet lets an analyst choose 6 or 7 for
     both runs and starts at 7, as does NHSRplotthedots, the NHS-R community's
     implementation of the MDC rules: 7 it is here, and ``shift_points``/``trend_points``
     take 6 where a partnership has agreed it;
  4. two of three values in a row close to a process limit: beyond two sigma (two thirds of
     the way from the mean to the limit) on the same side, with all three on that side of
     the mean. Only the values beyond two sigma are marked.
- Each marked value is an improvement or a concern by the indicator's polarity: above the
  mean or rising is an improvement when higher is better, a concern when lower is better,
  and neither for an indicator whose target is a band (a move either way may be bad).
  A value marked both ways shows as an improvement, as the MDC spreadsheet does.
- The variation summary (MDC's first icon) describes the latest value: common cause,
  special cause improvement, special cause concern, or special cause neither.
- Assurance (MDC's second icon) compares the target with the process limits: a target
  beyond the limits on the wrong side is consistently missed, beyond them on the good side
  consistently met, and between them hit and miss. Without a target there is none.
- Limits from a handful of values mislead. MDC's own tool draws limits from 13 values and
  NHSRplotthedots warns below 12; the minimum here is 12 (three years of quarters), and
  with fewer the result says how many more are needed instead of giving limits.

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


class Rule(LabelledEnum):
    OUTSIDE_LIMITS = "outside", "Outside the process limits"
    SHIFT = "shift", "Run on one side of the mean"
    TREND = "trend", "Run rising or falling"
    NEAR_LIMIT = "near_limit", "Two of three close to a limit"


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
    moving_range: Decimal | None  # None for the first value
    flags: tuple[Flag, ...] = ()

    @property
    def signal(self) -> Signal | None:
        """None for common cause; improvement wins over concern, as in the MDC tool."""
        signals = {flag.signal for flag in self.flags}
        for signal in (Signal.IMPROVEMENT, Signal.CONCERN, Signal.NEITHER):
            if signal in signals:
                return signal
        return None

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

    @property
    def needed(self) -> int:
        """How many more values are needed before limits are drawn."""
        return max(0, self.minimum_points - len(self.points))

    @property
    def flagged(self) -> list[Point]:
        return [point for point in self.points if point.flags]


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
) -> SpcResult:
    """The XmR analysis of ``values`` (period, value), oldest first, one per period.

    ``target`` (and ``target_upper`` for a band) is what assurance is judged against; ``fmt``
    writes a value in the summary sentences as the indicator shows it.
    """
    polarity = Polarity(polarity)
    fmt = fmt or _plain
    if minimum_points < 2:
        raise ValueError("Process limits need at least two values, for one moving range.")
    periods = [period for period, _ in values]
    if len(set(periods)) != len(periods) or periods != sorted(periods):
        raise ValueError("Give one value per period, oldest first.")
    numbers = [_decimal(value) for _, value in values]
    ranges: list[Decimal | None] = [None, *(abs(b - a) for a, b in pairwise(numbers))]
    ranges = ranges[: len(numbers)]
    target = None if target is None else _decimal(target)
    target_upper = None if target_upper is None else _decimal(target_upper)

    if len(numbers) < minimum_points:
        points = tuple(
            Point(period, value, moving_range)
            for period, value, moving_range in zip(periods, numbers, ranges, strict=True)
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
            summary=(_too_few_sentence(len(numbers), minimum_points),),
        )

    mean = sum(numbers) / len(numbers)
    mean_range = sum(r for r in ranges if r is not None) / (len(numbers) - 1)
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

    sides = [_sign(value - mean) for value in numbers]
    for start, end, side in _runs(sides):
        if side and end - start >= shift_points:
            where = "above" if side > 0 else "below"
            for i in range(start, end):
                mark(i, Rule.SHIFT, side > 0, f"one of {end - start} in a row {where} the mean")

    steps = [_sign(after - before) for before, after in pairwise(numbers)]
    for start, end, step in _runs(steps):
        # ``end - start`` steps join ``end - start + 1`` values.
        if step and end - start + 1 >= trend_points:
            way = "rising" if step > 0 else "falling"
            for i in range(start, end + 1):
                mark(i, Rule.TREND, step > 0, f"one of {end - start + 1} in a row {way}")

    near = [1 if v > upper_near else -1 if v < lower_near else 0 for v in numbers]
    marked_near: set[int] = set()
    for start in range(len(numbers) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            if all(sides[i] == side for i in window) and sum(near[i] == side for i in window) >= 2:
                marked_near.update(i for i in window if near[i] == side)
    for i in sorted(marked_near):
        limit = "upper" if near[i] > 0 else "lower"
        mark(i, Rule.NEAR_LIMIT, near[i] > 0, f"two of three close to the {limit} limit")

    points = tuple(
        Point(period, value, moving_range, tuple(point_flags))
        for period, value, moving_range, point_flags in zip(
            periods, numbers, ranges, flags, strict=True
        )
    )
    variation = _VARIATION[points[-1].signal]
    assurance = _assurance(polarity, target, target_upper, lower, upper)
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
    )
    return _with_summary(result, fmt)


_VARIATION = {
    None: Variation.COMMON_CAUSE,
    Signal.IMPROVEMENT: Variation.IMPROVEMENT,
    Signal.CONCERN: Variation.CONCERN,
    Signal.NEITHER: Variation.NEITHER,
}


def _signal(polarity: Polarity, high: bool) -> Signal:
    if polarity is Polarity.BAND:
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
    if target is None:
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
    sentences.append(_assurance_sentence(result, fmt))
    return replace(result, summary=tuple(sentences))


_SIGNAL_WORDS = {
    Signal.IMPROVEMENT: "improvement",
    Signal.CONCERN: "concern",
    Signal.NEITHER: "neither improvement nor concern",
}


def _assurance_sentence(result: SpcResult, fmt: Callable[[Decimal], str]) -> str:
    if result.target is None:
        return "There is no target to judge assurance against."
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
