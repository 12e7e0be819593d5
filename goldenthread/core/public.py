"""Reads for the public pages (no sign-in): which partnerships publish anything, and
their published success stories. Only what a partnership chose to publish: its public page
switched on, and at least one published indicator, annual report or success story."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from goldenthread.rules import year_label

from .models import AnnualReport, Indicator, Partnership, SuccessStory


@dataclass(frozen=True)
class PublicEntry:
    pk: int
    name: str
    purpose: str


def public_partnerships() -> list[PublicEntry]:
    """Every partnership with a public page that publishes something, A to Z. One query."""
    published_indicator = Indicator.objects.filter(partnership=OuterRef("pk"), is_published=True)
    published_report = AnnualReport.objects.filter(
        partnership=OuterRef("pk"), status=AnnualReport.Status.PUBLISHED
    )
    published_story = SuccessStory.objects.filter(partnership=OuterRef("pk"), published=True)
    rows = (
        Partnership.objects.filter(is_public=True)
        .filter(Exists(published_indicator) | Exists(published_report) | Exists(published_story))
        .order_by("name")
        .values_list("pk", "name", "purpose")
    )
    return [PublicEntry(pk=pk, name=name, purpose=purpose.strip()) for pk, name, purpose in rows]


@dataclass(frozen=True)
class PublicStory:
    title: str
    year: str  # "2025/26"
    story: str
    indicators: list[str]  # "SS01 Burglaries"


def published_stories(
    partnership: Partnership, year: int | None = None, *, every_indicator: bool = False
) -> list[PublicStory]:
    """The partnership's published success stories (of one financial year, if given),
    newest year first, each naming only those of its indicators that are published too:
    nothing unpublished reaches the public page through a story. The annual report, which
    reports on every indicator, names them all (`every_indicator`). Two queries."""
    stories = SuccessStory.objects.filter(partnership=partnership, published=True)
    if year is not None:
        stories = stories.filter(year=year)
    stories = stories.order_by("-year", "created_at", "pk").prefetch_related(
        Prefetch(
            "indicators",
            queryset=(
                Indicator.objects.all()
                if every_indicator
                else Indicator.objects.filter(is_published=True)
            ).order_by("code"),
            to_attr="public_indicators",
        )
    )
    return [
        PublicStory(
            title=s.title,
            year=year_label(s.year),
            story=s.story.strip(),
            indicators=[f"{i.code} {i.title}" for i in s.public_indicators],
        )
        for s in stories
    ]
