"""Public pages: an index at /public/ of every partnership that publishes anything,
linked from the sign-in page; red results shown with their published commentary (only
results of signed-off returns)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import AnnualReport, Result, SuccessStory
from goldenthread.core.public import public_partnerships
from goldenthread.rules import Period
from tests.conftest import make_indicator, make_partnership


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


def _publish_indicator(world):
    world.partnership.is_public = True
    world.partnership.save()
    world.indicator.is_published = True
    world.indicator.save()


def test_the_index_lists_only_partnerships_that_publish_something(client, world):
    assert client.get(reverse("public_index")).status_code == 200
    assert public_partnerships() == []

    # A public page with nothing on it is not listed; nor is a published indicator of a
    # partnership whose public page is off.
    world.partnership.is_public = True
    world.partnership.save()
    world.other_indicator.is_published = True
    world.other_indicator.save()
    assert public_partnerships() == []

    world.indicator.is_published = True
    world.indicator.save()
    by_story = make_partnership("Story Partnership", world.council, is_public=True)
    SuccessStory.objects.create(
        partnership=by_story, year=2025, title="T", story="S", published=True
    )
    by_report = make_partnership("Report Partnership", world.council, is_public=True)
    AnnualReport.objects.create(partnership=by_report, year=2025, status="published")
    unpublished_story = make_partnership("Quiet Partnership", world.council, is_public=True)
    SuccessStory.objects.create(partnership=unpublished_story, year=2025, title="T", story="S")

    names = [p.name for p in public_partnerships()]
    assert names == ["Report Partnership", "Safer Streets Partnership", "Story Partnership"]
    page = client.get(reverse("public_index")).content.decode()
    for name in names:
        assert name in page
    assert reverse("public_partnership", args=[world.partnership.pk]) in page
    assert "Quiet Partnership" not in page and "Other Partnership" not in page


def test_the_index_reads_two_queries(client, world, django_assert_max_num_queries):
    for n in range(5):
        partnership = make_partnership(f"P{n}", world.council, is_public=True)
        make_indicator(partnership, f"X{n}", is_published=True)
    # The partnerships, and the open-data licence the page states (issue 15).
    with django_assert_max_num_queries(2):
        assert client.get(reverse("public_index")).status_code == 200


def test_the_sign_in_page_links_to_the_index(client, db):  # the page asks for the providers
    page = client.get(reverse("login")).content.decode()
    assert reverse("public_index") in page


def test_red_results_show_their_commentary_once_signed_off(client, world):
    _publish_indicator(world)
    result = Result.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
    result.value = Decimal("80")  # red against 100, higher is better
    result.commentary = "Two officers on long-term sick leave; cover agreed from January."
    result.save()
    green = Result.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q2"))
    green.commentary = "Green results' notes are not shown."
    green.save()
    url = reverse("public_partnership", args=[world.partnership.pk])

    # The Q3 return is still open: the result is not confirmed, so neither it nor its
    # commentary is public.
    page = client.get(url).content.decode()
    assert "long-term sick leave" not in page

    world.ret.status = "signed_off"
    world.ret.save()
    page = client.get(url).content.decode()
    assert "Two officers on long-term sick leave; cover agreed from January." in page
    assert "Off target: why, and what is being done" in page
    assert "Green results' notes are not shown." not in page


def test_the_public_page_shows_published_stories_and_only_published_indicators(client, world):
    _publish_indicator(world)
    secret = make_indicator(world.partnership, "SS99", title="Unpublished measure")
    story = SuccessStory.objects.create(
        partnership=world.partnership,
        year=2025,
        title="Safer homes",
        story="400 homes visited.",
        published=True,
    )
    story.indicators.set([world.indicator, secret])
    SuccessStory.objects.create(
        partnership=world.partnership, year=2025, title="Secret draft story", story="No."
    )
    page = client.get(reverse("public_partnership", args=[world.partnership.pk])).content.decode()
    assert "Safer homes" in page and "400 homes visited." in page
    assert f"{world.indicator.code} {world.indicator.title}" in page
    assert "Unpublished measure" not in page and "SS99" not in page
    assert "Secret draft story" not in page
