"""Reads for the Revise stage: the lessons-learned log searched across partnerships, the
under-performance trigger that asks for an improvement plan, and the highlights that
celebrate success. Each runs a fixed number of queries, however many rows there are.

Under-performance ("red for two quarters running") is computed, never ticked by hand:

- a quarterly indicator triggers when its two latest quarters are both red;
- an annual indicator when its two latest years are both red;
- a monthly indicator when the last months of two quarters running are both red (June and
  September, say). The month that ends a quarter is the figure the quarterly return and
  review meeting look at, so "two quarters running" means the same for every frequency,
  and one bad month inside a quarter does not ask for a plan on its own.

"Latest" is the latest period with a reported value. The trigger stays until a plan is
started; once that plan is closed it can fire again only for a later pair of periods, so
closing a plan never immediately asks for the same plan again.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from goldenthread.rules import ActionState, Frequency, Period, Polarity, Rag

from .access import Need, allows
from .models import (
    Action,
    ImprovementPlan,
    Indicator,
    Lesson,
    Objective,
    Partnership,
    Plan,
    Result,
    Target,
    User,
)

# --- Lessons learned ------------------------------------------------------------------

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
    team sees every partnership's)."""
    return Lesson.objects.filter(partnership__in=Partnership.objects.visible_to(user))


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
    words found marked, and the count of all matches by outcome. Three queries."""
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
    hits = [
        LessonHit(
            lesson=lesson,
            title=mark_words(lesson.title, words),
            excerpt=mark_words(excerpt(lesson.what_happened, words), words),
            source_detail=mark_words(lesson.source_detail, words),
            tags=[(t, any(w in t for w in lowered)) for t in lesson.tag_list],
            objectives=list(lesson.objectives.all()),
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


# --- Under-performance: improvement plans ---------------------------------------------------


def is_review_period(period: Period) -> bool:
    """Whether the trigger looks at this period: every quarter and year, and for monthly
    indicators only the month that ends a quarter."""
    return period.frequency is not Frequency.MONTHLY or period.number % 3 == 0


def period_before(period: Period) -> Period:
    """The period the trigger compares with: the one before, or for a monthly indicator
    the month that ended the quarter before."""
    if period.frequency is Frequency.MONTHLY:
        return period.previous().previous().previous()
    return period.previous()


@dataclass
class RedPeriod:
    period: Period
    value: Decimal
    target: Decimal
    target_upper: Decimal | None


@dataclass
class Trigger:
    """An indicator red in two review periods running, which asks for an improvement plan."""

    indicator: Indicator
    earlier: RedPeriod
    later: RedPeriod

    @property
    def period(self) -> Period:
        """The second red period: what ImprovementPlan.triggered_by records."""
        return self.later.period

    @property
    def description(self) -> str:
        return f"red in {self.earlier.period.label} and {self.later.period.label}"


@dataclass
class _Series:
    values: dict[Period, Decimal] = field(default_factory=dict)
    targets: dict[Period, tuple[Decimal, Decimal | None]] = field(default_factory=dict)


def _series(indicator_ids: list[int]) -> dict[int, _Series]:
    """Every reported value and every target of the indicators: two queries."""
    series: dict[int, _Series] = defaultdict(_Series)
    results = Result.objects.filter(indicator_id__in=indicator_ids, value__isnull=False)
    for indicator_id, period, value in results.values_list("indicator_id", "period", "value"):
        series[indicator_id].values[period] = value
    targets = Target.objects.filter(indicator_id__in=indicator_ids)
    for indicator_id, period, value, upper in targets.values_list(
        "indicator_id", "period", "value", "upper"
    ):
        series[indicator_id].targets[period] = (value, upper)
    return series


def _rag_at(indicator: Indicator, series: _Series, period: Period) -> Rag:
    target, upper = series.targets.get(period, (None, None))
    return indicator.rag(series.values.get(period), target, upper)


def _red(indicator: Indicator, series: _Series, period: Period) -> RedPeriod | None:
    value = series.values.get(period)
    target, upper = series.targets.get(period, (None, None))
    if value is None or target is None or indicator.rag(value, target, upper) is not Rag.RED:
        return None
    return RedPeriod(period=period, value=value, target=target, target_upper=upper)


def latest_trigger(indicator: Indicator, series: _Series) -> Trigger | None:
    """The latest review period and the one before it, if both are red."""
    reviewed = [p for p in series.values if is_review_period(p)]
    if not reviewed:
        return None
    latest = max(reviewed)
    later = _red(indicator, series, latest)
    earlier = _red(indicator, series, period_before(latest)) if later else None
    if later is None or earlier is None:
        return None
    return Trigger(indicator=indicator, earlier=earlier, later=later)


def _waiting_triggers(indicators: list[Indicator]) -> tuple[list[Trigger], list[ImprovementPlan]]:
    """Triggers with no open plan that a closed plan has not already answered, and the
    open plans. Three queries for any number of indicators."""
    ids = [i.pk for i in indicators]
    series = _series(ids)
    plans = list(
        ImprovementPlan.objects.filter(indicator_id__in=ids)
        .select_related("indicator", "owner")
        .order_by("indicator__code", "-created_at")
    )
    open_plans = [p for p in plans if p.closed_at is None]
    has_open = {p.indicator_id for p in open_plans}
    answered: dict[int, Period] = {}
    for plan in plans:
        if plan.closed_at is not None:
            last = answered.get(plan.indicator_id)
            answered[plan.indicator_id] = (
                plan.triggered_by if last is None else max(last, plan.triggered_by)
            )
    waiting = []
    for indicator in indicators:
        if indicator.pk in has_open:
            continue
        trigger = latest_trigger(indicator, series[indicator.pk])
        if trigger is None:
            continue
        last = answered.get(indicator.pk)
        if last is not None and trigger.period <= last:
            continue
        waiting.append(trigger)
    return waiting, open_plans


def _partnership_indicators(partnership: Partnership) -> list[Indicator]:
    return list(
        Indicator.objects.filter(partnership=partnership)
        .select_related("owner", "partnership")
        .order_by("code")
    )


def improvement_needed(partnership: Partnership) -> list[Trigger]:
    """Indicators red two review periods running with no open improvement plan, by code.
    Four queries, however many indicators and results."""
    return _waiting_triggers(_partnership_indicators(partnership))[0]


def trigger_for(indicator: Indicator) -> Trigger | None:
    """The trigger waiting for this indicator's improvement plan, if any."""
    waiting, _ = _waiting_triggers([indicator])
    return waiting[0] if waiting else None


def plan_actions(partnership: Partnership) -> QuerySet[Action]:
    """Actions an improvement plan may list: the unfinished actions of the approved plan
    (a completed or cancelled action cannot help any more)."""
    return (
        Action.objects.filter(
            objective__plan__partnership=partnership,
            objective__plan__status=Plan.Status.APPROVED,
        )
        .exclude(state__in=[ActionState.COMPLETED, ActionState.CANCELLED])
        .select_related("objective")
        .order_by("objective__order", "objective__ref", "ref")
    )


@dataclass
class WaitingLine:
    trigger: Trigger
    can_start: bool


@dataclass
class OpenPlanLine:
    plan: ImprovementPlan
    review_overdue: bool


@dataclass
class ImprovementBanner:
    """What the partial web/lessons/_improvement_banner.html shows: improvement plans
    asked for and not yet started, and open plans. Shown until each plan is closed."""

    waiting: list[WaitingLine]
    open_plans: list[OpenPlanLine]
    indicator: Indicator | None = None

    @property
    def show(self) -> bool:
        return bool(self.waiting or self.open_plans)


def improvement_banner(
    user: User,
    partnership: Partnership,
    *,
    today: datetime.date,
    indicator: Indicator | None = None,
) -> ImprovementBanner:
    """For the partnership page (every indicator) or an indicator page (that one). Four
    queries for a partnership, three for one indicator."""
    indicators = [indicator] if indicator is not None else _partnership_indicators(partnership)
    waiting, open_plans = _waiting_triggers(indicators)
    return ImprovementBanner(
        waiting=[
            WaitingLine(
                trigger=t,
                can_start=allows(user, partnership, Need.EDIT, t.indicator.owner_id),
            )
            for t in waiting
        ],
        open_plans=[OpenPlanLine(plan=p, review_overdue=p.review_date < today) for p in open_plans],
        indicator=indicator,
    )


# --- Celebrating success -----------------------------------------------------------------


@dataclass
class Highlight:
    """One indicator's latest two periods, and what changed between them, in words."""

    indicator: Indicator
    previous_period: Period
    previous_value: Decimal
    previous_rag: Rag
    latest_period: Period
    latest_value: Decimal
    latest_rag: Rag
    improvement: Decimal | None  # relative to the previous value, by polarity; None if unknown
    change: str


@dataclass
class Highlights:
    improved: list[Highlight]  # the largest improvements, at most IMPROVED_SHOWN
    turned_green: list[Highlight]  # green now, not green the period before

    @property
    def any(self) -> bool:
        return bool(self.improved or self.turned_green)


IMPROVED_SHOWN = 5


def _shown(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _distance_from_band(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    if value < lower:
        return lower - value
    if value > upper:
        return value - upper
    return Decimal(0)


def _percent(fraction: Decimal) -> str:
    return f"{_shown(abs(fraction) * 100, 1):,}%"


def _change(
    indicator: Indicator,
    previous: Decimal,
    latest: Decimal,
    band: tuple[Decimal, Decimal] | None,
) -> tuple[Decimal | None, str]:
    """The improvement relative to the previous value (positive is better, by polarity)
    and the change in words. Values are compared as the page shows them, so a change too
    small to see is no change."""
    previous, latest = _shown(previous, indicator.decimals), _shown(latest, indicator.decimals)
    shown_previous, shown_latest = indicator.format_value(previous), indicator.format_value(latest)
    polarity = Polarity(indicator.polarity)
    if latest == previous:
        return Decimal(0), f"No change from {shown_previous}"
    moved = "Up" if latest > previous else "Down"
    if polarity is Polarity.BAND:
        if band is None or previous == 0:
            return None, f"{moved} from {shown_previous} to {shown_latest}"
        before, after = _distance_from_band(previous, *band), _distance_from_band(latest, *band)
        low, high = (indicator.format_value(b) for b in band)
        aim = f"the target {low}" if band[0] == band[1] else f"the target band {low} to {high}"
        if after == 0:
            where = f"within {aim}" if before == 0 else f"now within {aim}"
        else:
            where = f"{'closer to' if after < before else 'further from'} {aim}"
        return (before - after) / abs(previous), (
            f"{moved} from {shown_previous} to {shown_latest}, {where}"
        )
    gain = latest - previous if polarity is Polarity.HIGHER else previous - latest
    better = Polarity(indicator.polarity).label.lower()
    if indicator.unit == "%":
        # A rate's change is told in percentage points, which is how councils report it.
        points = f"{abs(latest - previous):,.{indicator.decimals}f}"
        by = f" {points} percentage point{'' if points == '1' else 's'}"
    elif previous != 0:
        by = f" {_percent((latest - previous) / previous)}"
    else:
        by = ""
    text = f"{moved}{by} from {shown_previous} to {shown_latest} ({better})"
    return (gain / abs(previous) if previous != 0 else None), text


def highlights(
    partnership: Partnership, *, year: int | None = None, today: datetime.date
) -> Highlights:
    """Successes to celebrate: the indicators that improved most between their latest two
    periods (relative to the earlier value, by polarity; the top IMPROVED_SHOWN, only real
    improvements) and those that turned green (latest RAG green, the period before reported
    and not green). Only periods that have ended by `today` count; with `year` (the
    financial year's first calendar year, 2025 for 2025/26) the latest period is the latest
    within that year, as the annual report needs. An indicator whose period before the
    latest has no reported value is left out: there is nothing to compare with.

    This is what the partnership page shows as "Highlights to celebrate" and what the
    annual report offers. Three queries."""
    indicators = _partnership_indicators(partnership)
    series = _series([i.pk for i in indicators])
    improved: list[Highlight] = []
    turned_green: list[Highlight] = []
    for indicator in indicators:
        data = series[indicator.pk]
        eligible = [
            p
            for p in data.values
            if p.end < today and (year is None or p.financial_year().year == year)
        ]
        if not eligible:
            continue
        latest = max(eligible)
        previous = latest.previous()
        if previous not in data.values:
            continue

        band = None
        if Polarity(indicator.polarity) is Polarity.BAND and latest in data.targets:
            low, high = data.targets[latest]
            band = (low, high if high is not None else low)
        improvement, change = _change(indicator, data.values[previous], data.values[latest], band)
        line = Highlight(
            indicator=indicator,
            previous_period=previous,
            previous_value=data.values[previous],
            previous_rag=_rag_at(indicator, data, previous),
            latest_period=latest,
            latest_value=data.values[latest],
            latest_rag=_rag_at(indicator, data, latest),
            improvement=improvement,
            change=change,
        )
        if improvement is not None and improvement > 0:
            improved.append(line)
        if line.latest_rag is Rag.GREEN and line.previous_rag is not Rag.GREEN:
            turned_green.append(line)
    improved.sort(key=lambda h: (-h.improvement, h.indicator.code))
    return Highlights(improved=improved[:IMPROVED_SHOWN], turned_green=turned_green)
