"""`quick_rag_rule` judges floats exactly as `rag_rule` judges the decimals they stand for
(each float rounded to 15 significant digits, as SQLite keeps decimals), or leaves the
result to `rag_rule` (None): on every edge, just either side of it, and far from it; with
floats that are not the nearest to their decimal; with negative, zero, tiny and huge
numbers."""

import itertools
import math
from decimal import Context, Decimal

import pytest

from goldenthread.rules import Polarity, Rag, ToleranceKind, quick_rag_rule, rag_rule

D = Decimal
FIFTEEN = Context(prec=15)


def stands_for(x: float | int | None) -> Decimal | None:
    """The decimal a number read from SQLite stands for (as core.performance.exact)."""
    if x is None or type(x) is int:
        return None if x is None else Decimal(x)
    return FIFTEEN.create_decimal_from_float(x)


TARGETS = ["100", "0", "-250", "33.3", "1.1", "0.000001", "123456789012.123456", "-0.3"]
PERCENT, ABSOLUTE = ToleranceKind.PERCENT, ToleranceKind.ABSOLUTE
TOLERANCES = [
    ("5", PERCENT),
    ("12.5", PERCENT),
    ("0", PERCENT),
    ("2.5", ABSOLUTE),
    ("0.1", ABSOLUTE),
    ("0.2", ABSOLUTE),
    ("10", PERCENT),
    ("0", ABSOLUTE),
]
STEP = D("0.000001")  # the smallest step a stored value takes


def actuals(target: Decimal, allowed: Decimal, upper: Decimal | None) -> list[Decimal]:
    """Results on, and a step either side of, each edge (of green and of amber, below and
    above), and far from them."""
    edges = [target, target - allowed, target + allowed]
    if upper is not None:
        edges += [upper, upper + allowed, upper - allowed]
    near = [e + k * STEP for e in edges for k in (-1, 0, 1)]
    far = [target * 2, target / 2, target - 1000, target + 1000, D(0)]
    return [v.quantize(STEP) for v in near + far if abs(v) < D("1e12")]


def floats_for(value: Decimal) -> list[float | int]:
    """The float nearest the decimal, and its neighbours: a float a little off, as a
    database's own arithmetic or parsing might store it; and a whole number as the int
    SQLite gives back."""
    x = float(value)
    whole = [int(value)] if value == value.to_integral_value() else []
    return [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf), *whole]


def cases():
    for polarity, target, (tolerance, kind) in itertools.product(Polarity, TARGETS, TOLERANCES):
        target, tolerance = D(target), D(tolerance)
        uppers = [None] if polarity is not Polarity.BAND else [None, target, target + D("10.5")]
        allowed = abs(target) * tolerance / 100 if kind is ToleranceKind.PERCENT else tolerance
        for upper in uppers:
            for actual in actuals(target, allowed, upper):
                yield polarity, tolerance, kind, actual, target, upper


CASES = list(cases())


@pytest.mark.parametrize("polarity", list(Polarity))
def test_it_judges_as_the_rule_judges_the_decimals_or_not_at_all(polarity) -> None:
    for case in (c for c in CASES if c[0] is polarity):
        _, tolerance, kind, actual, target, upper = case
        rule = rag_rule(polarity=polarity, tolerance=tolerance, tolerance_kind=kind)
        quick = quick_rag_rule(polarity=polarity, tolerance=tolerance, tolerance_kind=kind)
        for a, t in itertools.product(floats_for(actual), floats_for(target)):
            for u in [None] if upper is None else floats_for(upper):
                found = quick(a, t, u)
                try:
                    truth = rule(stands_for(a), stands_for(t), stands_for(u))
                except ValueError:  # a band upside down, by a float's width
                    assert found is None, (case, a, t, u, found)
                else:
                    assert found in (truth, None), (case, a, t, u, found, truth)
        # Of use: with the nearest floats, only a result within a step of where the RAG
        # changes is left to the rule (for numbers of up to 12 significant digits, whose
        # step a float can tell).
        judged = [rule(actual + k * STEP, target, upper) for k in (-1, 0, 1)]
        if len(set(judged)) == 1 and abs(target) < 1_000_000:
            nearest = None if upper is None else float(upper)
            assert quick(float(actual), float(target), nearest) is judged[0], case


def test_it_judges_results_clear_of_the_edges() -> None:
    quick = quick_rag_rule(polarity=Polarity.HIGHER, tolerance=D(5), tolerance_kind="percent")
    assert quick(100.0, 100.0) is Rag.GREEN  # on target
    assert quick(96.0, 100.0) is Rag.AMBER
    assert quick(94.9, 100) is Rag.RED
    assert quick(95.0, 100) is None  # on the amber edge: for the rule
    lower = quick_rag_rule(polarity=Polarity.LOWER, tolerance=D(2), tolerance_kind="absolute")
    assert (lower(10, 10), lower(11.5, 10), lower(12.5, 10)) == (Rag.GREEN, Rag.AMBER, Rag.RED)
    band = quick_rag_rule(polarity=Polarity.BAND, tolerance=D(10), tolerance_kind="percent")
    assert band(105, 100, 110) is Rag.GREEN
    assert band(95, 100, 110) is Rag.AMBER
    assert band(115, 100, 110) is Rag.AMBER  # 10% of the top edge, 11
    assert band(122, 100, 110) is Rag.RED
    assert band(100, 100) is Rag.GREEN  # no upper edge: the target alone


def test_it_leaves_what_the_rule_refuses_or_greys_to_the_rule() -> None:
    band = quick_rag_rule(polarity=Polarity.BAND, tolerance=D(5), tolerance_kind="percent")
    assert band(105, 110, 100) is None  # upside down: the rule raises
    with pytest.raises(ValueError):
        rag_rule(polarity=Polarity.BAND, tolerance=D(5), tolerance_kind="percent")(
            D(105), D(110), D(100)
        )
    assert band(None, 100, 110) is None and band(100, None) is None  # grey, for the rule


def test_a_negative_tolerance_is_refused_as_the_rule_refuses_it() -> None:
    with pytest.raises(ValueError):
        quick_rag_rule(polarity=Polarity.HIGHER, tolerance=D(-1), tolerance_kind="absolute")
