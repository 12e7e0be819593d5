"""An indicator with no better direction (``Polarity.NEITHER``: a count of activity, a
context measure) in every rule that reads polarity: no RAG, no better or worse direction of
travel, SPC's "neither" without assurance, no SMART rate or comparator check. Its benchmark
(ranked highest first, no verdict): tests/rules/test_benchmark.py."""

from dataclasses import replace
from decimal import Decimal as D

from goldenthread.rules import (
    Direction,
    Polarity,
    Rag,
    direction,
    quick_rag_rule,
    rag,
    rag_rule,
)
from goldenthread.rules.smart import annual_changes, check_target
from goldenthread.rules.spc import Signal, Variation
from tests.rules.test_smart import TARGET, TODAY
from tests.rules.test_spc import SHIFT_UP, analyse

NEITHER = Polarity.NEITHER


def test_it_is_a_choice_with_its_words():
    assert ("neither", "Neither higher nor lower is better") in Polarity.choices()


def test_it_has_no_rag_whatever_its_target():
    for actual in (D(0), D(50), D(100), None):
        for target in (D(50), None):
            assert (
                rag(
                    actual=actual,
                    target=target,
                    polarity=NEITHER,
                    tolerance=D(5),
                    tolerance_kind="percent",
                )
                is Rag.GREY
            )
    judge = rag_rule(polarity=NEITHER, tolerance=D(0), tolerance_kind="absolute")
    assert judge(D(1), D(2)) is Rag.GREY
    quick = quick_rag_rule(polarity=NEITHER, tolerance=D(0), tolerance_kind="absolute")
    assert quick(1.0, 2.0, None) is Rag.GREY


def test_it_has_no_better_or_worse_direction_of_travel():
    assert direction(current=D(5), previous=D(3), polarity=NEITHER) is Direction.UNKNOWN
    assert direction(current=D(3), previous=D(3), polarity=NEITHER) is Direction.UNKNOWN


def test_spc_calls_special_causes_neither_and_gives_no_assurance():
    result = analyse(SHIFT_UP, NEITHER, target=D(10))
    assert {p.signal for p in result.points} == {Signal.NEITHER}
    assert result.variation is Variation.NEITHER
    assert result.assurance is None
    assert "no assurance to judge" in " ".join(result.summary)


def test_smart_needs_no_rate_or_comparator_check():
    assert annual_changes(TARGET.history, NEITHER) == []
    # A target that would need a fast change and beat every comparator when higher is better
    # fails neither check when neither direction is better.
    facts = replace(TARGET, value=D("64.0"), comparators=[D(1), D(2), D(3)])
    assert check_target(facts, today=TODAY) != []
    assert check_target(replace(facts, polarity=NEITHER), today=TODAY) == []
