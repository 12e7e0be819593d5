"""Celebrating success: a partnership's own success stories, beside the computed
highlights, each with the indicators it is about, published on the partnership's public
page and in its annual report only when the partnership chooses.

Who: leads and members write stories; a story is changed, published, unpublished or
deleted by its author or a lead (the members with edit rights over it); the council
performance team may do all of these for any partnership. Each write is atomic and
recorded in the history with who and why."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goldenthread.core.access import Need, allows, require_open
from goldenthread.core.models import Indicator, Partnership, SuccessStory, User

from . import delete_audited, financial_year, save_audited

WRITE_REFUSAL = (
    "Only the partnership's leads and members, or the council performance team, write "
    "success stories."
)
EDIT_REFUSAL = (
    "Only the story's author, the partnership's leads or the council performance team can "
    "change, publish or delete it."
)


def _performance_team(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_performance_team


def may_write_story(user: User, partnership: Partnership) -> bool:
    return not partnership.is_closed and (
        allows(user, partnership, Need.CONTRIBUTE) or _performance_team(user)
    )


def may_edit_story(user: User, story: SuccessStory) -> bool:
    partnership = story.partnership
    return not partnership.is_closed and (
        allows(user, partnership, Need.EDIT, story.created_by_id) or _performance_team(user)
    )


def _checked(
    *, partnership: Partnership, year: int, title: str, text: str, indicators: list[Indicator]
) -> dict:
    problems: dict[str, str] = {}
    try:
        financial_year(year)
    except ValidationError as error:
        problems.update({k: v[0] for k, v in error.message_dict.items()})
    title, text = title.strip(), text.strip()
    if not title:
        problems["title"] = "Enter a title for the success story"
    if not text:
        problems["story"] = "Enter the story: what went well, and for whom"
    if any(i.partnership_id != partnership.pk for i in indicators):
        problems["indicators"] = "Choose indicators of this partnership"
    story = SuccessStory(partnership=partnership, year=year, title=title, story=text)
    try:  # lengths and characters, by the fields' own rules
        story.clean_fields(exclude=["partnership", "created_by", "year", *problems])
    except ValidationError as error:
        problems.update({k: v[0] for k, v in error.message_dict.items()})
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})
    return {"year": year, "title": title, "story": text}


@transaction.atomic
def write_success_story(
    *,
    partnership: Partnership,
    by: User,
    year: int,
    title: str,
    text: str,
    indicators: Iterable[Indicator] = (),
    published: bool = False,
) -> SuccessStory:
    """A new story for the financial year starting in `year`, about `indicators` (the
    partnership's own), published at once if `published`."""
    require_open(partnership)
    if not may_write_story(by, partnership):
        raise PermissionDenied(WRITE_REFUSAL)
    indicators = list(indicators)
    fields = _checked(
        partnership=partnership, year=year, title=title, text=text, indicators=indicators
    )
    story = SuccessStory(partnership=partnership, created_by=by, published=published, **fields)
    save_audited(
        story,
        by=by,
        reason="Success story written and published" if published else "Success story written",
    )
    story.indicators.set(indicators)
    return story


def _require_edit(by: User, story: SuccessStory) -> None:
    require_open(story.partnership)
    if not may_edit_story(by, story):
        raise PermissionDenied(EDIT_REFUSAL)


@transaction.atomic
def update_success_story(
    *,
    story: SuccessStory,
    by: User,
    year: int,
    title: str,
    text: str,
    indicators: Iterable[Indicator] = (),
    published: bool | None = None,
) -> SuccessStory:
    """Change the story; `published` (when given) publishes or unpublishes it too."""
    _require_edit(by, story)
    indicators = list(indicators)
    fields = _checked(
        partnership=story.partnership, year=year, title=title, text=text, indicators=indicators
    )
    changed = [name for name, value in fields.items() if getattr(story, name) != value]
    indicators_changed = {i.pk for i in indicators} != set(
        story.indicators.values_list("pk", flat=True)
    )
    if published is not None and published != story.published:
        fields["published"] = published
        changed.append("published")
    if not changed and not indicators_changed:
        return story
    for name in changed:
        setattr(story, name, fields[name])
    labels = [
        str(SuccessStory._meta.get_field(name).verbose_name)
        for name in changed
        if name != "published"
    ]
    if indicators_changed:
        labels.append("indicators")
    reason = f"Changed {', '.join(labels)}" if labels else ""
    if "published" in changed:
        what = "published" if published else "unpublished"
        reason = f"{reason} and {what}" if reason else what.capitalize()
    save_audited(story, by=by, reason=reason)
    if indicators_changed:
        story.indicators.set(indicators)
    return story


@transaction.atomic
def publish_success_story(*, story: SuccessStory, by: User) -> SuccessStory:
    """Shown on the public page (when the partnership has one) and in the annual report
    of its year."""
    _require_edit(by, story)
    if story.published:
        return story
    story.published = True
    return save_audited(story, by=by, reason="Published")


@transaction.atomic
def unpublish_success_story(*, story: SuccessStory, by: User) -> SuccessStory:
    """No longer on the public page; an annual report already published keeps it, as
    published editions never change."""
    _require_edit(by, story)
    if not story.published:
        return story
    story.published = False
    return save_audited(story, by=by, reason="Unpublished")


@transaction.atomic
def delete_success_story(*, story: SuccessStory, by: User) -> None:
    _require_edit(by, story)
    delete_audited(story, by=by, reason="Success story deleted")
