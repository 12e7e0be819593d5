"""Why the demo's process charts marked nearly every result as special cause, on the demo's
own published series (goldenthread/demo/data/economy, Trafford): the rules were not at
fault, and the reference (NHSRplotthedots) marks them too. One series is recorded too
coarsely for its variation ("chunky" data); the other is not one stable process. The
analysis now says which, instead of leaving a chart full of marks unexplained."""

from decimal import Decimal as D

from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Polarity
from goldenthread.rules.spc import xmr

from . import plotthedots as ptd


def _values(text: str) -> list[str]:
    return text.split()


MONTHS = Period.parse("Mar 2023").periods_until(Period.parse("Mar 2026"))

# CS05, claimants as a proportion of residents aged 16-64 (%), lower is better: published
# to one decimal place, and most months the same as the month before.
CS05 = _values(
    "3.1 3.1 3.0 3.0 3.0 3.0 2.9 3.0 3.0 3.0 2.9 3.0 3.0 3.0 3.0 3.0 3.3 3.3 3.2 3.2 3.1 3.1 "
    "3.1 3.1 3.1 3.0 2.9 2.9 2.9 2.9 2.9 2.9 2.9 2.9 2.9 3.0 3.0"
)
# EG04, people on Universal Credit as a proportion of residents aged 16-64 (%), lower is
# better: rising from 10.9 % to 15.3 % over the three years as Universal Credit replaced
# the older benefits.
EG04 = _values(
    "10.9 11.0 11.0 11.1 11.2 11.2 11.5 11.6 11.7 11.8 11.7 12.0 12.2 12.3 12.3 12.5 12.5 "
    "12.7 12.9 13.0 13.2 13.4 13.4 13.6 13.8 13.9 14.0 14.1 14.3 14.6 14.7 14.9 15.2 15.2 "
    "15.2 15.2 15.3"
)


def analyse(values, **options):
    return xmr(
        list(zip(MONTHS, [D(v) for v in values], strict=True)), polarity=Polarity.LOWER, **options
    )


def test_the_demo_series_are_marked_as_the_reference_marks_them():
    for values in (CS05, EG04):
        ours = analyse(values)
        theirs = ptd.ptd_spc(values, improvement_direction=-1)
        assert [p.signal is not None for p in ours.points] == [
            t != "common_cause" for t in theirs["point_type"]
        ]
    assert len(analyse(CS05).flagged) == 37
    assert len(analyse(EG04).flagged) == 37


def test_chunky_data_is_recognised_and_explained():
    # Recorded in steps of 0.1, with a mean moving range of 0.029 (0.036 before
    # screening): the process limits, 2.94 % to 3.09 %, lie within one step of the mean,
    # so every result but 3.0 % is outside them. The marks say more about the rounding
    # than about the claimants.
    result = analyse(CS05)
    assert result.resolution == D("0.1")
    assert result.chunky
    assert result.upper_limit - result.lower_limit < result.resolution * 2
    assert any(
        "recorded in steps of 0.1" in sentence and "too coarse" in sentence
        for sentence in result.summary
    )


def test_a_series_that_is_not_one_process_says_so():
    result = analyse(EG04)
    assert not result.chunky  # steps of 0.1, but months move by 0.13 on average
    assert any(
        "37 of the 37 results are marked" in sentence and "recalculate" in sentence
        for sentence in result.summary
    )


def test_an_ordinary_series_says_neither():
    result = analyse(
        ["3.1", "3.4", "2.9", "3.3", "3.0", "3.2", "2.8", "3.3", "3.1", "2.9", "3.2", "3.0"] * 3
        + ["3.1"]
    )
    assert not result.chunky
    assert result.flagged == []
    assert not any("recalculate" in sentence for sentence in result.summary)
