"""The demo's success stories (``data/catalogue/stories.toml``), each written by its author
through the success stories service, for the latest financial year ended. Loading again
finds each story by partnership and title and puts back what differs through the same
service."""

from __future__ import annotations

import datetime

from goldenthread.core.models import Indicator, Partnership, SuccessStory, User
from goldenthread.core.services.success_stories import (
    update_success_story,
    write_success_story,
)
from goldenthread.rules import Frequency, latest_ended

from .catalogue import STORIES


def load_stories(people: dict[str, User], today: datetime.date) -> None:
    year = latest_ended(Frequency.ANNUAL, today).year
    for spec in STORIES:
        partnership = Partnership.objects.filter(name=spec.partnership).first()
        if partnership is None:
            continue
        fields = {
            "year": year,
            "title": spec.title,
            "text": spec.story,
            "indicators": list(
                Indicator.objects.filter(partnership=partnership, code__in=spec.indicators)
            ),
            "published": spec.published,
        }
        author = people[spec.author]
        story = SuccessStory.objects.filter(partnership=partnership, title=spec.title).first()
        if story is None:
            write_success_story(partnership=partnership, by=author, **fields)
        else:
            update_success_story(story=story, by=author, **fields)
