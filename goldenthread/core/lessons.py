"""Reads for the lessons-learned log: the objectives a lesson may be linked to, what is
wrong with a lesson about to be saved, and the search across every partnership a person may
see, with the words found marked. Improvement plans and highlights are in improvement.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from .access import Need, allows
from .models import Lesson, Objective, Partnership, Plan, User

TAGS_MAX_LENGTH = Lesson._meta.get_field("tags").max_length
MAX_WORDS = 10
EXCERPT_LENGTH = 240
# Sources that need saying which partnership, organisation or sector.
SOURCES_NEEDING_DETAIL = {
    Lesson.Source.ANOTHER_PARTNERSHIP: "Enter which partnership the lesson came from",
    Lesson.Source.OTHER_ORGANISATION: "Enter which organisation the lesson came from",
    Lesson.Source.OTHER_SECTOR: "Enter which sector the lesson came from",
}


def normalise_tags(tags: str | Iterable[str]) -> list[str]:
    """Tags as stored and searched: split on commas, spaces trimmed and collapsed, lower
    case, each once, in the order first given."""
    parts = tags.split(",") if isinstance(tags, str) else [p for t in tags for p in t.split(",")]
    seen: list[str] = []
    for part in parts:
        tag = " ".join(part.split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def join_tags(tags: Iterable[str]) -> str:
    return ", ".join(tags)


def lesson_objectives(
    partnership: Partnership, lesson: Lesson | None = None
) -> QuerySet[Objective]:
    """Objectives a lesson may be linked to: those of the partnership's approved plan and of
    its draft (a revision in progress), and any it is already linked to, so editing a
    lesson never drops a link to a superseded version without being asked."""
    current = Q(plan__partnership=partnership) & Q(
        plan__status__in=[Plan.Status.APPROVED, Plan.Status.DRAFT]
    )
    if lesson is not None and lesson.pk:
        current |= Q(lessons=lesson)
    return (
        Objective.objects.filter(current)
        .distinct()
        .select_related("plan")
        .order_by("-plan__version", "order", "ref")
    )


def lesson_problems(
    *, partnership: Partnership, source: str, source_detail: str, tags: list[str]
) -> dict[str, str]:
    """What is wrong with a lesson about to be saved, by field name (shown by the form,
    enforced by the service)."""
    problems = {}
    if source in SOURCES_NEEDING_DETAIL and not source_detail.strip():
        problems["source_detail"] = SOURCES_NEEDING_DETAIL[source]
    if len(join_tags(tags)) > TAGS_MAX_LENGTH:
        problems["tags"] = f"Tags must be {TAGS_MAX_LENGTH} characters or fewer in all"
    return problems


def visible_lessons(user: User) -> QuerySet[Lesson]:
    """Deny by default: lessons of the partnerships the person may see (the performance
    team sees every partnership's), and, for anyone signed in, the lessons shared with
    every partnership."""
    if not (user.is_authenticated and user.is_active):
        return Lesson.objects.none()
    return Lesson.objects.filter(
        Q(partnership__in=Partnership.objects.visible_to(user)) | Q(shared=True)
    )


def may_share(user: User, lesson: Lesson) -> bool:
    """Whether the person may share the lesson with every partnership, or stop sharing
    it: its author (or a lead) chooses; the performance team may share any lesson."""
    if lesson.partnership.is_closed:
        return False
    return allows(user, lesson.partnership, Need.EDIT, lesson.created_by_id) or (
        user.is_authenticated and user.is_active and user.is_performance_team
    )


def search_words(text: str) -> list[str]:
    """The words of a search, each to be found somewhere in a lesson; punctuation around a
    word is ignored, and a word typed twice counts once."""
    words: list[str] = []
    for raw in text.split():
        word = raw.strip(".,;:!?\"'()[]{}“”‘’")
        if word and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words


@dataclass(frozen=True)
class LessonQuery:
    words: tuple[str, ...] = ()
    outcome: str = ""
    source: str = ""
    tag: str = ""
    partnership_id: int | None = None


def _tag_q(tag: str) -> Q:
    """Exactly this tag within the stored "a, b, c" (tags are stored normalised)."""
    return (
        Q(tags=tag)
        | Q(tags__startswith=f"{tag}, ")
        | Q(tags__endswith=f", {tag}")
        | Q(tags__contains=f", {tag}, ")
    )


def matching_lessons(user: User, query: LessonQuery) -> QuerySet[Lesson]:
    """Every word must appear (any case) in the title, what happened, the tags or the
    source detail; icontains, so SQLite and PostgreSQL give the same answer."""
    lessons = visible_lessons(user)
    for word in query.words:
        lessons = lessons.filter(
            Q(title__icontains=word)
            | Q(what_happened__icontains=word)
            | Q(tags__icontains=word)
            | Q(source_detail__icontains=word)
        )
    if query.outcome:
        lessons = lessons.filter(outcome=query.outcome)
    if query.source:
        lessons = lessons.filter(source=query.source)
    if query.tag:
        lessons = lessons.filter(_tag_q(query.tag.lower()))
    if query.partnership_id:
        lessons = lessons.filter(partnership_id=query.partnership_id)
    return lessons


@dataclass(frozen=True)
class Segment:
    """A piece of text, and whether it matched a search word (shown highlighted)."""

    text: str
    match: bool = False


def mark_words(text: str, words: Iterable[str]) -> list[Segment]:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words or not text:
        return [Segment(text)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    segments, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            segments.append(Segment(text[last : found.start()]))
        segments.append(Segment(found.group(), True))
        last = found.end()
    if last < len(text):
        segments.append(Segment(text[last:]))
    return segments


def excerpt(text: str, words: Iterable[str], length: int = EXCERPT_LENGTH) -> str:
    """Up to `length` characters of `text`, around the first word found, on word edges."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in words if w and w.lower() in lowered]
    first = min(hits, default=0)
    start = max(0, first - length // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + length)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


@dataclass
class LessonHit:
    lesson: Lesson
    title: list[Segment]
    excerpt: list[Segment]
    source_detail: list[Segment]
    tags: list[tuple[str, bool]]  # tag, whether a search word is in it
    objectives: list[Objective]
    # Shared from a partnership the person cannot otherwise see: labelled, and without
    # links into that partnership's pages.
    from_elsewhere: bool = False


@dataclass
class LessonResults:
    hits: list[LessonHit]
    total: int
    by_outcome: list[tuple[str, str, int]]  # value, label, count among all results
    page: int
    pages: int
    per_page: int

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.total, self.page * self.per_page)


def search_lessons(
    user: User, query: LessonQuery, *, page: int = 1, per_page: int = 20
) -> LessonResults:
    """One page of the lessons the person may see that match, newest first, with the
    words found marked, and the count of all matches by outcome. Four queries."""
    lessons = matching_lessons(user, query)
    counts = dict(lessons.order_by().values_list("outcome").annotate(n=Count("pk")))
    total = sum(counts.values())
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = (
        lessons.select_related("partnership", "created_by")
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("plan").order_by(
                    "-plan__version", "order", "ref"
                ),
            )
        )
        .order_by("-created_at", "-pk")[(page - 1) * per_page : page * per_page]
    )
    words = query.words
    lowered = [w.lower() for w in words]
    own = set(Partnership.objects.visible_to(user).values_list("pk", flat=True))
    hits = [
        LessonHit(
            lesson=lesson,
            title=mark_words(lesson.title, words),
            excerpt=mark_words(excerpt(lesson.what_happened, words), words),
            source_detail=mark_words(lesson.source_detail, words),
            tags=[(t, any(w in t for w in lowered)) for t in lesson.tag_list],
            objectives=list(lesson.objectives.all()) if lesson.partnership_id in own else [],
            from_elsewhere=lesson.partnership_id not in own,
        )
        for lesson in rows
    ]
    return LessonResults(
        hits=hits,
        total=total,
        by_outcome=[(o.value, o.label, counts.get(o.value, 0)) for o in Lesson.Outcome],
        page=page,
        pages=pages,
        per_page=per_page,
    )


def lesson_tags(user: User) -> list[str]:
    """Every tag in use on the lessons the person may see, A to Z. One query."""
    tags: set[str] = set()
    for text in visible_lessons(user).exclude(tags="").values_list("tags", flat=True).distinct():
        tags.update(normalise_tags(text))
    return sorted(tags)
