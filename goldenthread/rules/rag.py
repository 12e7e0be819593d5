"""Red/amber/green status of a result against its target, and direction of travel.

Everything is ``Decimal``: a result of 0.1 + 0.2 must meet a target of 0.3, which floats
cannot promise, so floats are refused rather than converted.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules._labels import LabelledEnum

Number = Decimal | int


class Rag(LabelledEnum):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    GREY = "grey", "Grey"


class Polarity(LabelledEnum):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    BAND = "band", "Within a target band"
    # Counts of activity and context measures: ranked and watched, never judged, so no
    # RAG (grey, like a result with no target), no better or worse direction of travel.
    NEITHER = "neither", "Neither higher nor lower is better"


class ToleranceKind(LabelledEnum):
    PERCENT = "percent", "Percentage of target"
    ABSOLUTE = "absolute", "Absolute amount"


class Direction(LabelledEnum):
    BETTER = "better", "Improving"
    WORSE = "worse", "Getting worse"
    SAME = "same", "No change"
    UNKNOWN = "unknown", "Not known"


def tolerance_amount(target: Number, tolerance: Number, kind: ToleranceKind) -> Decimal:
    """How far a result may miss ``target`` and still be amber.

    A percentage is of the target's size, so a negative target (a budget deficit, a fall in a
    rate) gets the same room as a positive one, and a zero target gets none.
    """
    percent = ToleranceKind(kind) is ToleranceKind.PERCENT
    return _allowed(_decimal(target), _tolerance(tolerance), percent)


def rag(
    *,
    actual: Number | None,
    target: Number | None,
    polarity: Polarity,
    tolerance: Number,
    tolerance_kind: ToleranceKind,
    target_upper: Number | None = None,
) -> Rag:
    """Green on or better than target, amber within tolerance (edge included), red beyond.

    For a band, ``target`` is the lower edge and ``target_upper`` the upper edge (the same as
    ``target`` when None); each edge gets its own tolerance. An indicator with no better
    direction (``Polarity.NEITHER``) is never judged: grey, whatever its target.
    """
    judge = rag_rule(polarity=polarity, tolerance=tolerance, tolerance_kind=tolerance_kind)
    return judge(actual, target, target_upper)


RagRule = Callable[[Number | None, Number | None, Number | None], Rag]


def rag_rule(*, polarity: Polarity, tolerance: Number, tolerance_kind: ToleranceKind) -> RagRule:
    """One indicator's RAG rule, checked once: ``judge(actual, target, target_upper)`` gives
    what ``rag`` gives for those. For pages that judge thousands of results (the council
    view judges some 8,000), where checking the rule again for each costs more than the
    judging."""
    polarity = Polarity(polarity)
    tolerance = _tolerance(tolerance)
    percent = ToleranceKind(tolerance_kind) is ToleranceKind.PERCENT
    band = polarity is Polarity.BAND
    higher = polarity is Polarity.HIGHER
    if polarity is Polarity.NEITHER:

        def unjudged(
            actual: Number | None, target: Number | None, target_upper: Number | None = None
        ) -> Rag:
            return Rag.GREY

        return unjudged

    def judge(
        actual: Number | None, target: Number | None, target_upper: Number | None = None
    ) -> Rag:
        if (
            band
            and target is not None
            and target_upper is not None
            and _decimal(target_upper) < _decimal(target)
        ):
            raise ValueError(
                f"The top of the target band ({target_upper}) is below its bottom ({target})."
            )
        if actual is None or target is None:
            return Rag.GREY
        actual, target = _decimal(actual), _decimal(target)
        if not band:
            shortfall = target - actual if higher else actual - target
            edge = target
        elif actual < target:  # below the band's bottom edge
            shortfall, edge = target - actual, target
        else:  # compared with the band's top edge
            edge = target if target_upper is None else _decimal(target_upper)
            shortfall = actual - edge
        # How far the result falls short of the edge: zero or less means it met it.
        if shortfall <= 0:
            return Rag.GREEN
        if shortfall <= _allowed(edge, tolerance, percent):
            return Rag.AMBER
        return Rag.RED

    return judge


Read = float | int | None
QuickRule = Callable[[Read, Read, Read], "Rag | None"]

# How close, relative to the numbers compared, a result may come to an edge (of green or
# of amber) before `quick_rag_rule` leaves it to `rag_rule`. Its floats are within
# 5e-15 of the decimals they stand for, and its arithmetic within 1e-16, so 1e-12 leaves
# a margin of a hundred times over.
MARGIN = 1e-12


def quick_rag_rule(
    *, polarity: Polarity, tolerance: Number, tolerance_kind: ToleranceKind
) -> QuickRule:
    """``rag_rule``'s judgement, in floating point, of numbers read as SQLite keeps
    decimals: each float stands for the decimal that rounding it to 15 significant digits
    gives (an int for itself). ``judge(actual, target, target_upper)`` gives exactly what
    ``rag_rule`` gives for those decimals, or None where a float cannot be sure (a result
    within ``MARGIN`` of an edge, a missing number, a band upside down): judge those
    decimals with ``rag_rule``. Several times quicker than turning each number into a
    Decimal, for pages that judge thousands.

    Why it is exact: rounding to 15 digits keeps order, so a result on the right side of
    its target as a float is on it as a decimal, which is green; and farther than the
    margin from an edge, floating point's small error cannot put it on the other side.
    """
    rag_rule(polarity=polarity, tolerance=tolerance, tolerance_kind=tolerance_kind)  # refuse
    polarity = Polarity(polarity)
    percent = ToleranceKind(tolerance_kind) is ToleranceKind.PERCENT
    share = float(_decimal(tolerance)) / 100
    absolute = float(_decimal(tolerance))
    green, amber, red = Rag.GREEN, Rag.AMBER, Rag.RED

    def beyond(shortfall: float, actual: Read, edge: Read) -> Rag | None:
        """Amber or red for a shortfall past green, or None if too close to call."""
        allowed = abs(edge) * share if percent else absolute
        margin = (abs(actual) + abs(edge) + allowed) * MARGIN
        if shortfall <= margin:  # perhaps no shortfall at all
            return None
        if shortfall <= allowed - margin:
            return amber
        if shortfall > allowed + margin:
            return red
        return None

    if polarity is Polarity.HIGHER:

        def judge(actual: Read, target: Read, target_upper: Read = None) -> Rag | None:
            if actual is None or target is None:
                return None
            if actual >= target:
                return green
            return beyond(target - actual, actual, target)

    elif polarity is Polarity.LOWER:

        def judge(actual: Read, target: Read, target_upper: Read = None) -> Rag | None:
            if actual is None or target is None:
                return None
            if actual <= target:
                return green
            return beyond(actual - target, actual, target)

    elif polarity is Polarity.NEITHER:

        def judge(actual: Read, target: Read, target_upper: Read = None) -> Rag | None:
            return Rag.GREY

    else:

        def judge(actual: Read, target: Read, target_upper: Read = None) -> Rag | None:
            if actual is None or target is None:
                return None
            top = target if target_upper is None else target_upper
            if top < target:  # upside down: rag_rule refuses it
                return None
            if actual < target:  # below the band's bottom edge
                return beyond(target - actual, actual, target)
            if actual <= top:
                return green
            return beyond(actual - top, actual, top)

    return judge


def direction(
    *,
    current: Number | None,
    previous: Number | None,
    polarity: Polarity,
    band: tuple[Number, Number] | None = None,
    decimals: int | None = None,
) -> Direction:
    """Whether ``current`` is better, worse or the same as ``previous``.

    With ``decimals`` the values are compared as they are shown, so a change that does not
    show on the page is not reported as one. An indicator with no better direction
    (``Polarity.NEITHER``) has none: unknown.
    """
    polarity = Polarity(polarity)
    if current is None or previous is None or polarity is Polarity.NEITHER:
        return Direction.UNKNOWN
    current, previous = _decimal(current), _decimal(previous)
    if decimals is not None:
        places = Decimal(1).scaleb(-decimals)
        current = current.quantize(places, rounding=ROUND_HALF_UP)
        previous = previous.quantize(places, rounding=ROUND_HALF_UP)

    if polarity is Polarity.HIGHER:
        gain = current - previous
    elif polarity is Polarity.LOWER:
        gain = previous - current
    elif band is None:
        return Direction.UNKNOWN
    else:
        lower, upper = _decimal(band[0]), _decimal(band[1])
        if upper < lower:
            raise ValueError(f"The top of the target band ({upper}) is below its bottom ({lower}).")
        gain = _distance(previous, lower, upper) - _distance(current, lower, upper)

    if gain > 0:
        return Direction.BETTER
    if gain < 0:
        return Direction.WORSE
    return Direction.SAME


def _tolerance(tolerance: Number) -> Decimal:
    tolerance = _decimal(tolerance)
    if tolerance < 0:
        raise ValueError(f"A tolerance cannot be negative, but {tolerance} was given.")
    return tolerance


def _allowed(edge: Decimal, tolerance: Decimal, percent: bool) -> Decimal:
    return abs(edge) * tolerance / 100 if percent else tolerance


def _distance(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    if value < lower:
        return lower - value
    if value > upper:
        return value - upper
    return Decimal(0)


def _decimal(value: Number) -> Decimal:
    if type(value) is Decimal:  # nearly always: what the database gives back
        return value
    if type(value) is int:  # SQLite gives whole numbers back as int
        return Decimal(value)
    # bool is an int, but True as a target is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Expected a Decimal or int, not {type(value).__name__} ({value!r}).")
    return Decimal(value)
