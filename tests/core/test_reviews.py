"""Reviewing together without HTTP: recording a review meeting writes all or nothing, and
the comment thread that the indicator and return pages show. The pages:
tests/web/test_reviews.py."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from goldenthread.core.reviews import comment_thread
from goldenthread.core.services.reviews import FollowUp, Guest
from goldenthread.rules import Period
from tests.conftest import make_meeting, snapshot


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def test_the_service_writes_all_or_nothing(world):
    good = FollowUp(
        title="Good one",
        objective=world.objective,
        owner=world.member,
        due_date=datetime.date(2026, 3, 1),
    )
    late = FollowUp(
        title="Due before the meeting",
        objective=world.objective,
        owner=world.member,
        due_date=datetime.date(2026, 1, 1),
    )
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        make_meeting(world, guests=[Guest(name="Pat Jones")], follow_ups=[good, late])
    assert "follow_ups" in error.value.message_dict
    assert snapshot() == before
    with pytest.raises(ValidationError):
        make_meeting(world, guests=[Guest(name="  ")])
    with pytest.raises(ValidationError):
        make_meeting(world, members=[world.outsider])
    with pytest.raises(ValidationError):
        make_meeting(world, period=Period.parse("2025/26"))
    assert snapshot() == before


def test_the_comment_thread_for_the_indicator_and_return_pages(world):
    from goldenthread.core.services.reviews import add_comment

    add_comment(on=world.indicator, by=world.member, body="First")
    add_comment(on=world.indicator, by=world.lead, body="Second")
    add_comment(on=world.ret, by=world.lead, body="On the return")
    thread = comment_thread(world.viewer, world.indicator)
    assert [c.body for c in thread.comments] == ["First", "Second"]
    assert (thread.can_comment, thread.can_give_feedback) == (False, True)
    assert thread.url_name == "indicator_comment"
    thread = comment_thread(world.performance, world.ret)
    assert [c.body for c in thread.comments] == ["On the return"]
    assert (thread.can_comment, thread.can_give_feedback) == (True, False)
