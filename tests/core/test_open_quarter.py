"""Opening a quarter (issue 12, judgement 7): a quarter that has not ended yet is opened
only when the performance team confirms it, whichever interface asks; opening one already
open changes nothing and says so. The page: tests/web/test_returns.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goldenthread.core.models import ReportingRound, Return
from goldenthread.core.services.returns import open_quarter
from goldenthread.rules import Period
from tests.conftest import at, make_partnership


def test_it_refuses_a_quarter_that_has_not_ended_without_confirmation(world):
    with at(2026, 12, 3), pytest.raises(ValidationError) as refused:
        open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance)
    assert refused.value.message_dict == {
        "early": [
            "2026/27 Q3 has not ended yet: it ends on 31 December 2026. "
            "Confirm that you want to open it early."
        ]
    }
    assert not ReportingRound.objects.filter(period=Period.parse("2026/27 Q3")).exists()


def test_the_last_day_of_the_quarter_is_not_yet_its_end(world):
    with at(2026, 12, 31), pytest.raises(ValidationError):
        open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance)
    with at(2027, 1, 1):
        round_ = open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance)
    assert round_.opened_now


def test_it_opens_a_quarter_early_when_confirmed(world):
    with at(2026, 12, 3):
        round_ = open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance, early=True)
    assert round_.opened_now and round_.returns_added == 2
    assert round_.returns.count() == 2
    ret = Return.objects.get(round=round_, partnership=world.partnership)
    assert ret.history.first().history_change_reason == "2026/27 Q3 opened"


def test_opening_an_open_quarter_again_says_so_and_changes_nothing(world):
    round_ = open_quarter(period=Period.parse("2025/26 Q3"), by=world.performance)
    assert not round_.opened_now and round_.returns_added == 1  # the other partnership's
    again = open_quarter(period=Period.parse("2025/26 Q3"), by=world.performance)
    assert not again.opened_now and again.returns_added == 0
    assert again.deadline == datetime.date(2026, 1, 31)


def test_an_open_quarter_that_has_not_ended_needs_no_confirmation_to_add_returns(world):
    with at(2026, 12, 3):
        open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance, early=True)
        make_partnership("New Partnership", world.council)
        again = open_quarter(period=Period.parse("2026/27 Q3"), by=world.performance)
    assert not again.opened_now and again.returns_added == 1
