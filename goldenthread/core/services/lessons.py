"""Writes to the lessons-learned log: record a lesson (leads and members), change it
(its author or a lead), and share it with every partnership in the council or stop
sharing it (its author or a lead, and the performance team for any lesson). Each is
atomic, checks who may make it and the log's rules (goldenthread.core.lessons), and
records who did it and why in the history."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import Need, require, require_open
from goldenthread.core.lessons import (
    join_tags,
    lesson_objectives,
    lesson_problems,
    may_share,
    normalise_tags,
)
from goldenthread.core.models import Lesson, Objective, Partnership, User

from . import save_audited

EDITABLE = (
    "title",
    "what_happened",
    "outcome",
    "source",
    "source_detail",
    "tags",
    "objectives",
)


def _check(
    *,
    partnership: Partnership,
    lesson: Lesson | None,
    title: str,
    what_happened: str,
    outcome: str,
    source: str,
    source_detail: str,
    tags: list[str],
    objectives: list[Objective],
) -> None:
    problems = lesson_problems(
        partnership=partnership, source=source, source_detail=source_detail, tags=tags
    )
    if not title.strip():
        problems["title"] = "Enter a title for the lesson"
    if not what_happened.strip():
        problems["what_happened"] = "Enter what happened"
    if outcome not in Lesson.Outcome.values:
        problems["outcome"] = "Choose whether it worked, did not work or had mixed results"
    if source not in Lesson.Source.values:
        problems["source"] = "Choose where the lesson came from"
    allowed = set(lesson_objectives(partnership, lesson).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in objectives):
        problems["objectives"] = "Choose objectives of this partnership's approved or draft plan"
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})


@transaction.atomic
def record_lesson(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    what_happened: str,
    outcome: str = Lesson.Outcome.WORKED,
    source: str = Lesson.Source.THIS_PARTNERSHIP,
    source_detail: str = "",
    tags: str | Iterable[str] = "",
    objectives: Iterable[Objective] = (),
    shared: bool = False,
) -> Lesson:
    """Add a lesson to the partnership's log; tags are normalised (trimmed, lower case,
    each once). `shared`: the author chooses to share it with every partnership."""
    require(by, partnership, Need.CONTRIBUTE)
    tag_list, objectives = normalise_tags(tags), list(objectives)
    fields = {
        "title": title.strip(),
        "what_happened": what_happened.strip(),
        "outcome": outcome,
        "source": source,
        "source_detail": source_detail.strip(),
    }
    _check(partnership=partnership, lesson=None, tags=tag_list, objectives=objectives, **fields)
    lesson = Lesson(partnership=partnership, created_by=by, tags=join_tags(tag_list), **fields)
    if shared:
        lesson.shared, lesson.shared_by, lesson.shared_at = True, by, timezone.now()
    save_audited(
        lesson,
        by=by,
        reason="Lesson recorded and shared with every partnership" if shared else "Lesson recorded",
    )
    lesson.objectives.set(objectives)
    return lesson


def _differs(name: str, wanted, current) -> bool:
    if name == "objectives":
        return {o.pk for o in wanted} != {o.pk for o in current}
    if name == "tags":  # the same tags in another order are the same tags
        return set(wanted) != set(current)
    return wanted != current


@transaction.atomic
def update_lesson(*, lesson: Lesson, by: User, **changes) -> Lesson:
    """Change any of EDITABLE, and `shared` (see share_lesson); the history reason names
    what changed."""
    require(by, lesson.partnership, Need.EDIT, lesson.created_by_id)
    shared = changes.pop("shared", None)
    if shared is not None:
        share_lesson(lesson=lesson, by=by, shared=shared)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_lesson() cannot change {', '.join(sorted(unknown))}")
    current = {
        "title": lesson.title,
        "what_happened": lesson.what_happened,
        "outcome": lesson.outcome,
        "source": lesson.source,
        "source_detail": lesson.source_detail,
        "tags": lesson.tag_list,
        "objectives": list(lesson.objectives.all()),
    }
    wanted = dict(current)
    for name, value in changes.items():
        if name == "tags":
            wanted[name] = normalise_tags(value)
        elif name == "objectives":
            wanted[name] = list(value)
        else:
            wanted[name] = value.strip() if isinstance(value, str) else value
    _check(partnership=lesson.partnership, lesson=lesson, **wanted)

    changed = [name for name in EDITABLE if _differs(name, wanted[name], current[name])]
    if not changed:
        return lesson
    for name in changed:
        if name == "tags":
            lesson.tags = join_tags(wanted["tags"])
        elif name != "objectives":
            setattr(lesson, name, wanted[name])
    labels = ", ".join(
        "linked objectives" if name == "objectives" else Lesson._meta.get_field(name).verbose_name
        for name in changed
    )
    save_audited(lesson, by=by, reason=f"Changed {labels}")
    if "objectives" in changed:
        lesson.objectives.set(wanted["objectives"])
    return lesson


SHARE_REFUSAL = (
    "Only the lesson's author, the partnership's leads or the council performance team "
    "can share a lesson with every partnership."
)


@transaction.atomic
def share_lesson(*, lesson: Lesson, by: User, shared: bool) -> Lesson:
    """Share the lesson with every partnership in the council (every signed-in person can
    then find and read it, labelled with its partnership), or stop sharing it. Saying
    the same again changes nothing and records nothing."""
    require_open(lesson.partnership)
    if not may_share(by, lesson):
        raise PermissionDenied(SHARE_REFUSAL)
    if lesson.shared == shared:
        return lesson
    if shared:
        lesson.shared, lesson.shared_by, lesson.shared_at = True, by, timezone.now()
        reason = "Shared with every partnership"
    else:
        lesson.shared, lesson.shared_by, lesson.shared_at = False, None, None
        reason = "No longer shared with other partnerships"
    return save_audited(lesson, by=by, reason=reason)
