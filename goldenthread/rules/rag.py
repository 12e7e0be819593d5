"""Red/amber/green status of a result against its target, and direction of travel.

Everything is ``Decimal``: a result of 0.1 + 0.2 must meet a target of 0.3, which floats
cannot promise, so floats are refused rather than converted.
"""

from __future__ import annotations

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
    target, tolerance = _decimal(target), _decimal(tolerance)
    if tolerance < 0:
        raise ValueError(f"A tolerance cannot be negative, but {tolerance} was given.")
    if ToleranceKind(kind) is ToleranceKind.PERCENT:
        return abs(target) * tolerance / 100
    return tolerance


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
    ``target`` when None); each edge gets its own tolerance.
    """
    polarity = Polarity(polarity)
    if (
        polarity is Polarity.BAND
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

    if polarity is Polarity.HIGHER:
        return _miss(target - actual, tolerance_amount(target, tolerance, tolerance_kind))
    if polarity is Polarity.LOWER:
        return _miss(actual - target, tolerance_amount(target, tolerance, tolerance_kind))

    lower = target
    upper = lower if target_upper is None else _decimal(target_upper)
    if actual < lower:
        return _miss(lower - actual, tolerance_amount(lower, tolerance, tolerance_kind))
    return _miss(actual - upper, tolerance_amount(upper, tolerance, tolerance_kind))


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
    show on the page is not reported as one.
    """
    polarity = Polarity(polarity)
    if current is None or previous is None:
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


def _miss(shortfall: Decimal, allowed: Decimal) -> Rag:
    """RAG from how far a result falls short of target (zero or less means it met it)."""
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= allowed:
        return Rag.AMBER
    return Rag.RED


def _distance(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    if value < lower:
        return lower - value
    if value > upper:
        return value - upper
    return Decimal(0)


def _decimal(value: Number) -> Decimal:
    # bool is an int, but True as a target is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Expected a Decimal or int, not {type(value).__name__} ({value!r}).")
    return Decimal(value)
