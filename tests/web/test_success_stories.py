"""Celebrating success: a partnership writes success stories about its indicators and
chooses to publish them on its public page and in its annual report."""

import datetime
import io
import json
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from goldenthread.core.annual_report import AnnualReportContent, annual_report_content
from goldenthread.core.models import SuccessStory
from goldenthread.core.services.success_stories import (
    delete_success_story,
    publish_success_story,
    unpublish_success_story,
    update_success_story,
    write_success_story,
)
from goldenthread.documents.annual_report import annual_report_docx


def _write(world, by=None, **changes):
    fields = dict(
        partnership=world.partnership,
        by=by or world.member,
        year=2025,
        title="Safer homes",
        text="400 homes visited.",
        indicators=[world.indicator],
    )
    return write_success_story(**{**fields, **changes})


# --- the service ---------------------------------------------------------------------------


def test_it_writes_a_story_with_its_indicators_and_history(world):
    story = _write(world)
    assert list(story.indicators.all()) == [world.indicator]
    assert story.created_by == world.member and not story.published
    entry = story.history.latest()
    assert entry.history_user == world.member
    assert entry.history_change_reason == "Success story written"


def test_indicators_must_be_the_partnerships_own(world):
    with pytest.raises(ValidationError) as error:
        _write(world, indicators=[world.other_indicator])
    assert "indicators" in error.value.message_dict
    assert not SuccessStory.objects.exists()


def test_it_refuses_blank_and_hostile_text(world):
    with pytest.raises(ValidationError) as error:
        _write(world, title="  ", text="bad\x00text")
    assert set(error.value.message_dict) == {"title", "story"}


def test_publishing_is_recorded_and_only_editors_may(world):
    story = _write(world)
    with pytest.raises(PermissionDenied):
        publish_success_story(story=story, by=world.other_member)
    with pytest.raises(PermissionDenied):
        publish_success_story(story=story, by=world.viewer)
    publish_success_story(story=story, by=world.lead)
    story.refresh_from_db()
    assert story.published
    assert story.history.latest().history_change_reason == "Published"
    unpublish_success_story(story=story, by=world.performance)
    story.refresh_from_db()
    assert not story.published
    assert story.history.latest().history_user == world.performance


def test_the_performance_team_writes_edits_and_deletes(world):
    story = _write(world, by=world.performance)
    update_success_story(
        story=story,
        by=world.performance,
        year=2024,
        title="Safer homes",
        text="More.",
        indicators=[],
        published=True,
    )
    story.refresh_from_db()
    assert story.year == 2024 and story.published and not story.indicators.exists()
    pk = story.pk
    delete_success_story(story=story, by=world.performance)
    assert not SuccessStory.objects.filter(pk=pk).exists()
    deleted = SuccessStory.history.get(id=pk, history_type="-")
    assert deleted.history_user == world.performance
    assert deleted.history_change_reason == "Success story deleted"


# --- the pages ---------------------------------------------------------------------------


def test_a_member_writes_and_publishes_a_story_from_the_form(client, world):
    client.force_login(world.member)
    url = reverse("story_create", args=[world.partnership.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Burglaries down",
            "year": "2025",
            "story": "Door-to-door visits worked.",
            "indicators": [str(world.indicator.pk)],
            "published": "on",
        },
    )
    assert response.status_code == 302
    story = SuccessStory.objects.get(title="Burglaries down")
    assert story.published and list(story.indicators.all()) == [world.indicator]
    page = client.get(reverse("story_list", args=[world.partnership.pk])).content.decode()
    assert "Burglaries down" in page and "Published" in page


def test_the_form_shows_errors_next_to_the_fields(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("story_create", args=[world.partnership.pk]),
        {"title": "", "year": "1800", "story": "", "indicators": [str(world.other_indicator.pk)]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a title for the success story" in page
    assert "Enter the story: what went well, and for whom" in page
    assert "Choose a year from the list" in page
    assert "Choose indicators of this partnership" in page
    assert not SuccessStory.objects.exists()


def test_who_may_open_the_pages(client, world):
    story = world.success_story
    pages = {
        reverse("story_list", args=[world.partnership.pk]): ["viewer", "member", "performance"],
        reverse("story_create", args=[world.partnership.pk]): ["member", "lead", "performance"],
        reverse("story_edit", args=[story.pk]): ["member", "lead", "performance"],
        reverse("story_delete", args=[story.pk]): ["member", "lead", "performance"],
    }
    for url, allowed in pages.items():
        for role in allowed:
            client.force_login(world.person(role))
            assert client.get(url).status_code == 200, (url, role)
        client.force_login(world.outsider)
        assert client.get(url).status_code == 404, url
    client.force_login(world.other_member)
    assert client.get(reverse("story_edit", args=[story.pk])).status_code == 403
    client.force_login(world.viewer)
    assert client.get(reverse("story_create", args=[world.partnership.pk])).status_code == 403


def test_an_editor_unpublishes_and_deletes(client, world):
    story = world.success_story
    story.published = True
    story.save()
    client.force_login(world.lead)
    client.post(
        reverse("story_edit", args=[story.pk]),
        {
            "title": story.title,
            "year": "2025",
            "story": story.story,
            "indicators": [str(world.indicator.pk)],
        },
    )
    story.refresh_from_db()
    assert not story.published
    assert story.history.latest().history_change_reason == "Unpublished"
    pk = story.pk
    client.post(reverse("story_delete", args=[pk]))
    assert not SuccessStory.objects.filter(pk=pk).exists()


def test_the_public_page_shows_only_published_stories(client, world):
    world.partnership.is_public = True
    world.partnership.save()
    draft = _write(world, title="Draft story")
    shown = _write(world, title="Published story", published=True)
    page = client.get(reverse("public_partnership", args=[world.partnership.pk])).content.decode()
    assert shown.title in page and shown.story in page
    assert draft.title not in page


# --- the annual report ------------------------------------------------------------------


def test_the_annual_report_includes_the_years_published_stories(world):
    _write(world, title="Published this year", published=True)
    _write(world, title="Not published", published=False)
    _write(world, title="Another year", year=2024, published=True)

    content = annual_report_content(world.partnership, 2025, today=datetime.date(2026, 5, 12))
    assert [s.title for s in content.success_stories] == ["Published this year"]
    assert content.success_stories[0].indicators == [
        f"{world.indicator.code} {world.indicator.title}"
    ]
    # A published edition keeps them in its snapshot.
    again = type(content).from_snapshot(content.to_snapshot())
    assert again.success_stories == content.success_stories
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(annual_report_docx(content))).paragraphs
    )
    assert "Success stories" in text and "Published this year" in text


def test_an_edition_stored_before_stories_existed_loads_with_none():
    stored = Path(__file__).parent.parent / "core" / "data" / "annual_report_snapshot_format_1.json"
    data = json.loads(stored.read_text())
    assert "success_stories" not in data
    assert AnnualReportContent.from_snapshot(data).success_stories == []
