"""Reads for the public pages (no sign-in): which partnerships publish anything, their
published success stories, the approved plan on a page, and the answers to residents'
feedback the partnership published. Only what a partnership chose to publish: its public
page switched on, and at least one published indicator, annual report or success story.

The plan on a page is the approved plan (never a draft), with each objective's lead
organisation (its own, else its owner's: organisations, never people) and, of its
indicators, only the published ones, each with its latest confirmed result
(`monitoring.published_results`) and that period's RAG."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from goldenthread.rules import Rag, year_label

from .models import (
    AnnualReport,
    Feedback,
    Indicator,
    Partnership,
    Plan,
    Result,
    SuccessStory,
    Target,
)
from .monitoring import published_results


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


# --- the plan on a page -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanMeasure:
    code: str
    title: str
    period: str  # "" with no confirmed result yet
    figure: str  # "No result yet" with none
    rag: Rag


@dataclass(frozen=True)
class PlanObjective:
    ref: str
    title: str
    organisation: str  # "" when none is recorded
    measures: list[PlanMeasure]


@dataclass(frozen=True)
class PublicPlan:
    title: str
    span: str  # "2024/25 to 2026/27"
    vision: str
    objectives: list[PlanObjective]


def public_plan(partnership: Partnership) -> PublicPlan | None:
    """The partnership's approved plan on a page, as the module's docstring says; None
    without one. Three queries, six when an objective has a published indicator."""
    plan = (
        Plan.objects.filter(partnership=partnership, status=Plan.Status.APPROVED)
        .only("pk", "title", "vision", "first_year", "last_year")
        .order_by("-version")
        .first()
    )
    if plan is None:
        return None
    objectives = list(
        plan.objectives.select_related("lead_organisation", "owner__organisation")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.filter(is_published=True).order_by("code"),
                to_attr="public_indicators",
            )
        )
        .order_by("order", "ref")
    )
    indicators = {i.pk: i for o in objectives for i in o.public_indicators}
    latest: dict[int, Result] = {}
    targets: dict[tuple, Target] = {}
    if indicators:  # three queries more, for the published indicators' latest results
        for result in (
            published_results(partnership)
            .filter(indicator__in=list(indicators), value__isnull=False)
            .order_by("-period")
            .only("indicator_id", "period", "value")
        ):
            latest.setdefault(result.indicator_id, result)
        targets = {
            (t.indicator_id, t.period): t
            for t in Target.objects.filter(
                indicator__in=list(latest), period__in=[r.period.key for r in latest.values()]
            )
        }

    def measure(indicator: Indicator) -> PlanMeasure:
        result = latest.get(indicator.pk)
        if result is None:
            return PlanMeasure(indicator.code, indicator.title, "", "No result yet", Rag.GREY)
        target = targets.get((indicator.pk, result.period))
        return PlanMeasure(
            code=indicator.code,
            title=indicator.title,
            period=result.period.label,
            figure=indicator.format_value(result.value),
            rag=indicator.rag(
                result.value, target.value if target else None, target.upper if target else None
            ),
        )

    return PublicPlan(
        title=plan.title,
        span=f"{year_label(plan.first_year)} to {year_label(plan.last_year)}",
        vision=plan.vision.strip(),
        objectives=[
            PlanObjective(
                ref=o.ref,
                title=o.title,
                organisation=str(
                    o.lead_organisation or (o.owner.organisation if o.owner else None) or ""
                ),
                measures=[measure(i) for i in o.public_indicators],
            )
            for o in objectives
        ],
    )


# --- residents' feedback answered in public ------------------------------------------------


@dataclass(frozen=True)
class PublishedAnswer:
    about: str
    question: str
    answer: str
    answered_on: datetime.date | None


def published_answers(partnership: Partnership) -> list[PublishedAnswer]:
    """The feedback from the public page whose answers the partnership published, newest
    answer first: the question and the answer only, never who asked. One query."""
    rows = (
        Feedback.objects.filter(
            partnership=partnership, source=Feedback.Source.PUBLIC, answer_published=True
        )
        .exclude(answer="")
        .order_by("-answered_at", "-pk")
        .values_list("about", "body", "answer", "answered_at")
    )
    return [
        PublishedAnswer(
            about=about,
            question=body.strip(),
            answer=answer.strip(),
            answered_on=answered_at.date() if answered_at else None,
        )
        for about, body, answer, answered_at in rows
    ]
