"""The success stories a partnership published for the year, as the annual report
shows them (the public page reads the same stories through core.public)."""

from goldenthread.core.models import Partnership
from goldenthread.core.public import published_stories

from .content import StoryLine


def report_stories(partnership: Partnership, year: int) -> list[StoryLine]:
    """The year's published stories, each with every indicator it is about (the report
    covers them all). Two queries."""
    return [
        StoryLine(title=s.title, story=s.story, indicators=s.indicators)
        for s in published_stories(partnership, year, every_indicator=True)
    ]
