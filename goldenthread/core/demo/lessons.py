"""Illustrative lessons learned for the demo partnerships: what worked, what did not and
where the learning came from. All made up, like the rest of the demo's plans and actions.

Written like the rest of the demo: each lesson is found by partnership and title and saved
only when something differs, so a second load writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.core.models import Lesson, Objective, Partnership, User


@dataclass(frozen=True)
class LessonSpec:
    partnership: str
    title: str
    what_happened: str
    outcome: str
    source: str
    source_detail: str
    tags: str  # already normalised: lower case, ", " between tags
    objectives: tuple[str, ...]  # refs in the partnership's first plan
    author: str


LESSONS = (
    LessonSpec(
        "Community Safety Partnership",
        "Youth workers alongside police on Friday night patrols",
        "In two priority neighbourhoods, detached youth workers joined the Friday evening "
        "police patrols for twelve weeks. Young people talked to the youth workers rather "
        "than the officers, and several were referred to the youth club and to early help. "
        "Reports of antisocial behaviour fell in both areas while the patrols ran. We would "
        "do it again, with the youth service planning the routes from the start.",
        Lesson.Outcome.WORKED,
        Lesson.Source.THIS_PARTNERSHIP,
        "",
        "antisocial behaviour, youth, joint patrols",
        ("O3",),
        "lead",
    ),
    LessonSpec(
        "Community Safety Partnership",
        "Letters alone did not get tenants to mediation",
        "Neighbour disputes were offered mediation by letter. Fewer than one in ten replied. "
        "When the housing officer phoned or called round instead, most agreed to try it. "
        "The letter is now a follow-up to a conversation, not a first step.",
        Lesson.Outcome.DID_NOT_WORK,
        Lesson.Source.OTHER_ORGANISATION,
        "Irwell and Mersey Homes tenancy team",
        "antisocial behaviour, mediation, housing",
        ("O3",),
        "member",
    ),
    LessonSpec(
        "Community Safety Partnership",
        "A named key worker for young people leaving school without a place",
        "Following another council's model, each 16 and 17 year old without a confirmed place "
        "in September was given one named worker over the summer. More of them started "
        "education or training than the year before, but the workers' caseloads grew too "
        "large in August and some contact lapsed.",
        Lesson.Outcome.MIXED,
        Lesson.Source.OTHER_SECTOR,
        "A neighbouring council's careers service",
        "neet, youth, transition",
        ("O2",),
        "lead",
    ),
    LessonSpec(
        "Children and Young People's Partnership",
        "Story sacks lent through nurseries",
        "Nurseries lent bags of books and toys to take home, with a short note for parents "
        "on reading together. Families who borrowed them read at home more often, by their "
        "own account, and the nurseries asked to keep the scheme going.",
        Lesson.Outcome.WORKED,
        Lesson.Source.THIS_PARTNERSHIP,
        "",
        "early years, reading, families",
        ("O1",),
        "james.morgan",
    ),
    LessonSpec(
        "Climate Emergency Partnership",
        "Street-by-street recycling advice after bin collections",
        "Crews left a tag on bins with the wrong things in, and the waste team visited the "
        "streets with the most tags. Contamination fell on those streets within two months. "
        "The approach came from the Community Safety Partnership's way of working street by "
        "street in priority neighbourhoods.",
        Lesson.Outcome.WORKED,
        Lesson.Source.ANOTHER_PARTNERSHIP,
        "Community Safety Partnership",
        "recycling, waste, street by street",
        ("O4",),
        "stephen.wright",
    ),
    LessonSpec(
        "Health and Wellbeing Board",
        "Vaccination clinics in school holidays",
        "Catch-up immunisation clinics were held at the leisure centre in the summer "
        "holidays, with walk-in slots. Uptake was low in the first week and good once "
        "schools and the residents' forum had told families about them.",
        Lesson.Outcome.MIXED,
        Lesson.Source.COUNCIL,
        "Public health team",
        "immunisation, children, communication",
        ("O2",),
        "rachel.thompson",
    ),
)


def load_lessons() -> None:
    partnerships = {
        p.name: p for p in Partnership.objects.filter(name__in={s.partnership for s in LESSONS})
    }
    people = {u.username: u for u in User.objects.filter(username__in={s.author for s in LESSONS})}
    for spec in LESSONS:
        partnership = partnerships.get(spec.partnership)
        if partnership is None:
            continue
        values = {
            "what_happened": spec.what_happened,
            "outcome": spec.outcome,
            "source": spec.source,
            "source_detail": spec.source_detail,
            "tags": spec.tags,
            "created_by": people.get(spec.author),
        }
        lesson = Lesson.objects.filter(partnership=partnership, title=spec.title).first()
        if lesson is None:
            lesson = Lesson.objects.create(partnership=partnership, title=spec.title, **values)
        else:
            changed = [name for name, value in values.items() if getattr(lesson, name) != value]
            if changed:
                for name in changed:
                    setattr(lesson, name, values[name])
                lesson.save(update_fields=changed)
        wanted = set(
            Objective.objects.filter(
                plan__partnership=partnership, plan__version=1, ref__in=spec.objectives
            ).values_list("pk", flat=True)
        )
        if set(lesson.objectives.values_list("pk", flat=True)) != wanted:
            lesson.objectives.set(wanted)
