"""The demo's lessons learned (``data/catalogue/lessons.toml``), each recorded by its author
through the lessons service. Loading again finds each lesson by partnership and title and
puts back what differs through the same service, which writes nothing when nothing does.
"""

from __future__ import annotations

from goldenthread.core.models import Lesson, Objective, Partnership, User
from goldenthread.core.services.lessons import record_lesson, update_lesson

from .catalogue import LESSONS


def load_lessons(people: dict[str, User]) -> None:
    partnerships = {
        p.name: p for p in Partnership.objects.filter(name__in={s.partnership for s in LESSONS})
    }
    for spec in LESSONS:
        partnership = partnerships.get(spec.partnership)
        if partnership is None:
            continue
        objectives = Objective.objects.filter(
            plan__partnership=partnership, plan__version=1, ref__in=spec.objectives
        )
        fields = {
            "title": spec.title,
            "what_happened": spec.what_happened,
            "outcome": spec.outcome,
            "source": spec.source,
            "source_detail": spec.source_detail,
            "tags": spec.tags,
            "objectives": list(objectives),
            "shared": spec.shared,
        }
        author = people[spec.author]
        lesson = Lesson.objects.filter(partnership=partnership, title=spec.title).first()
        if lesson is None:
            record_lesson(partnership=partnership, by=author, **fields)
        else:
            update_lesson(lesson=lesson, by=author, **fields)
