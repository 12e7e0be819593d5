"""The lessons-learned log without HTTP: tags and search words as typed, matches marked and
excerpted, recording and editing through the services (what is checked, what the history
says), and a tag matching whole tags only. The pages, and searching through them:
tests/web/test_lessons.py."""

import pytest

from goldenthread.core.lessons import (
    LessonQuery,
    excerpt,
    mark_words,
    normalise_tags,
    search_lessons,
    search_words,
)
from goldenthread.core.models import Lesson
from goldenthread.core.services.lessons import update_lesson
from tests.conftest import add_lesson


@pytest.fixture(autouse=True)
def empty_log(world):
    # The world may carry a sample lesson for the URL walk; these tests count their own.
    Lesson.objects.all().delete()


# --- Rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("", []),
        ("youth", ["youth"]),
        (" Youth , EARLY  help,youth,, ", ["youth", "early help"]),
        (["a, b", "B", " c "], ["a", "b", "c"]),
    ],
)
def test_tags_are_trimmed_lower_cased_and_unique(typed, tags):
    assert normalise_tags(typed) == tags


def test_search_words_drop_punctuation_and_repeats():
    assert search_words(' "youth," Youth  (patrols) ') == ["youth", "patrols"]


def test_matches_are_marked_in_any_case():
    segments = mark_words("Youth patrols and YOUTH clubs", ["youth"])
    assert [(s.text, s.match) for s in segments] == [
        ("Youth", True),
        (" patrols and ", False),
        ("YOUTH", True),
        (" clubs", False),
    ]


def test_an_excerpt_is_taken_around_the_first_match():
    text = "word " * 100 + "needle " + "word " * 100
    short = excerpt(text, ["needle"], length=60)
    assert "needle" in short
    assert short.startswith("…")
    assert short.endswith("…")
    assert len(short) <= 62


# --- Recording and editing ---------------------------------------------------------------


def test_the_council_and_this_partnership_need_no_detail(world):
    lesson = add_lesson(world.partnership, world.member, "Ours", source="this_partnership")
    assert lesson.source_detail == ""
    lesson = add_lesson(world.partnership, world.member, "Council's", source="council")
    assert lesson.source == "council"


def test_an_unchanged_edit_writes_no_history(world):
    lesson = add_lesson(world.partnership, world.member, "Patrols", tags="a, b")
    update_lesson(lesson=lesson, by=world.lead, title="Patrols", tags="B, a")
    assert lesson.history.count() == 1


# --- Searching ---------------------------------------------------------------------------


def test_a_tag_matches_whole_tags_only(world):
    add_lesson(world.partnership, world.member, "Housing", tags="social housing, youth")
    add_lesson(world.partnership, world.member, "Mixed", tags="housing")
    found = search_lessons(world.member, LessonQuery(tag="housing"))
    assert [h.lesson.title for h in found.hits] == ["Mixed"]
