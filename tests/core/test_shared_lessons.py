"""Learning from other partnerships: a lesson shared with every partnership (by its
author, a lead, or the performance team) is found by everyone signed in; an unshared one
stays within its partnership."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from goldenthread.core.access import get_lesson_for_user
from goldenthread.core.lessons import LessonQuery, may_share, search_lessons, visible_lessons
from goldenthread.core.services.lessons import record_lesson, share_lesson, update_lesson


def test_an_outsider_finds_a_lesson_only_once_it_is_shared(world):
    lesson = world.lesson
    assert lesson not in visible_lessons(world.outsider)
    with pytest.raises(Http404):
        get_lesson_for_user(world.outsider, lesson.pk)

    share_lesson(lesson=lesson, by=world.member, shared=True)  # its author

    assert lesson in visible_lessons(world.outsider)
    assert get_lesson_for_user(world.outsider, lesson.pk) == lesson
    hit = search_lessons(world.outsider, LessonQuery(words=("door",))).hits[0]
    assert hit.lesson == lesson and hit.from_elsewhere
    assert hit.objectives == []  # no links into a partnership they cannot open
    assert hit.lesson.partnership == world.partnership  # labelled with its partnership


def test_sharing_is_recorded_with_who_when_and_why(world):
    lesson = world.lesson
    share_lesson(lesson=lesson, by=world.member, shared=True)
    lesson.refresh_from_db()
    assert lesson.shared and lesson.shared_by == world.member and lesson.shared_at
    latest = lesson.history.latest()
    assert latest.history_user == world.member
    assert latest.history_change_reason == "Shared with every partnership"

    share_lesson(lesson=lesson, by=world.performance, shared=False)
    lesson.refresh_from_db()
    assert not lesson.shared and lesson.shared_by is None and lesson.shared_at is None
    latest = lesson.history.latest()
    assert latest.history_user == world.performance
    assert latest.history_change_reason == "No longer shared with other partnerships"
    with pytest.raises(Http404):
        get_lesson_for_user(world.outsider, lesson.pk)


def test_sharing_twice_records_nothing(world):
    share_lesson(lesson=world.lesson, by=world.member, shared=True)
    count = world.lesson.history.count()
    share_lesson(lesson=world.lesson, by=world.lead, shared=True)
    assert world.lesson.history.count() == count


def test_the_performance_team_may_share_any_lesson(world):
    assert may_share(world.performance, world.lesson)
    share_lesson(lesson=world.lesson, by=world.performance, shared=True)
    world.lesson.refresh_from_db()
    assert world.lesson.shared_by == world.performance


@pytest.mark.parametrize("who", ["viewer", "other_member", "outsider", "nobody"])
def test_others_may_not_share(world, who):
    person = world.person(who)
    assert not may_share(person, world.lesson)
    with pytest.raises(PermissionDenied):
        share_lesson(lesson=world.lesson, by=person, shared=True)
    world.lesson.refresh_from_db()
    assert not world.lesson.shared


def test_the_author_chooses_when_recording_or_editing(world):
    lesson = record_lesson(
        partnership=world.partnership,
        by=world.member,
        title="Street lighting audit",
        what_happened="Walked the estate at night.",
        shared=True,
    )
    assert lesson.shared and lesson.shared_by == world.member
    assert lesson.history.latest().history_change_reason == (
        "Lesson recorded and shared with every partnership"
    )
    assert lesson in visible_lessons(world.outsider)

    update_lesson(lesson=lesson, by=world.member, shared=False, title="Street lighting walk")
    lesson.refresh_from_db()
    assert not lesson.shared and lesson.title == "Street lighting walk"
    assert lesson not in visible_lessons(world.outsider)


def test_no_one_signed_out_sees_shared_lessons(world):
    from django.contrib.auth.models import AnonymousUser

    share_lesson(lesson=world.lesson, by=world.member, shared=True)
    assert not visible_lessons(AnonymousUser()).exists()
    with pytest.raises(Http404):
        get_lesson_for_user(AnonymousUser(), world.lesson.pk)
