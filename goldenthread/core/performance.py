"""Reads that turn recorded targets and results into what a page shows: RAG, direction
of travel and objective status, always through goldenthread.rules. The number of SQL
queries here never depends on how many partnerships, objectives or indicators there are."""

import datetime
import decimal
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Field,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from goldenthread.rules import (
    Direction,
    Frequency,
    ObjectiveStatus,
    Period,
    Polarity,
    Rag,
    RagRule,
    direction,
    latest_ended,
    objective_status,
    quick_rag_rule,
    rag_rule,
)

from .models import (
    Action,
    Indicator,
    Membership,
    Objective,
    Partnership,
    Plan,
    Result,
    Target,
    User,
)

RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY)


@dataclass
class PartnershipSummary:
    partnership: Partnership
    role_label: str
    rag_counts: dict[Rag, int]
    overdue_actions: int

    @property
    def rag_items(self) -> list[tuple[Rag, int]]:
        return [(r, self.rag_counts.get(r, 0)) for r in RAG_ORDER]

    @property
    def indicator_count(self) -> int:
        return sum(self.rag_counts.values())


def partnership_summaries(user: User, today: datetime.date) -> list[PartnershipSummary]:
    """The home page: each visible partnership with RAG counts of its indicators' latest
    reported period and its overdue actions. Four queries, whatever the numbers (five when
    some indicator's latest result is neither of the periods `compared_periods` gives)."""
    partnerships = list(Partnership.objects.visible_to(user).select_related("lead_organisation"))
    ids = [p.pk for p in partnerships]
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}
    for partnership_id, rag in latest_rags(ids, today).values():
        counts[partnership_id][rag] += 1
    overdue = dict(
        Action.objects.in_current_plans()
        .overdue(today)
        .filter(objective__plan__partnership__in=ids)
        .values_list("objective__plan__partnership")
        .annotate(n=Count("pk"))
    )
    roles = dict(
        Membership.objects.filter(person=user, partnership__in=ids).values_list(
            "partnership_id", "role"
        )
    )
    return [
        PartnershipSummary(
            partnership=p,
            role_label=_role_label(user, roles.get(p.pk)),
            rag_counts=dict(counts[p.pk]),
            overdue_actions=overdue.get(p.pk, 0),
        )
        for p in partnerships
    ]


def _role_label(user: User, role: str | None) -> str:
    if role:
        return Membership(role=role).get_role_display()
    return "Performance team" if user.is_performance_team else ""


@dataclass
class PeriodRow:
    """One period of an indicator's history: what was aimed for, what happened, and
    what that means."""

    period: Period
    target: Target | None
    result: Result | None
    rag: Rag
    since_previous: Direction
    since_last_year: Direction

    @property
    def actual(self) -> Decimal | None:
        return self.result.value if self.result else None


def indicator_history(
    indicator: Indicator,
    *,
    targets: Iterable[Target] | None = None,
    results: Iterable[Result] | None = None,
) -> list[PeriodRow]:
    """Every period with a target or a result, oldest first. Uses the indicator's
    prefetched `targets` and `results` when present, so a page listing many indicators
    runs two queries for all of them; `targets` and `results`, when given, are used
    instead (the annual report's, as at the year end)."""
    targets = {t.period: t for t in (indicator.targets.all() if targets is None else targets)}
    results = {r.period: r for r in (indicator.results.all() if results is None else results)}
    polarity = Polarity(indicator.polarity)

    def value(period: Period) -> Decimal | None:
        result = results.get(period)
        return result.value if result else None

    rows = []
    for period in sorted(targets.keys() | results.keys()):
        target, result = targets.get(period), results.get(period)
        band = (
            (target.value, target.upper if target.upper is not None else target.value)
            if target and polarity is Polarity.BAND
            else None
        )
        rows.append(
            PeriodRow(
                period=period,
                target=target,
                result=result,
                rag=indicator.rag(
                    value(period),
                    target.value if target else None,
                    target.upper if target else None,
                ),
                since_previous=direction(
                    current=value(period),
                    previous=value(period.previous()),
                    polarity=polarity,
                    band=band,
                    decimals=indicator.decimals,
                ),
                since_last_year=direction(
                    current=value(period),
                    previous=value(period.same_period_last_year()),
                    polarity=polarity,
                    band=band,
                    decimals=indicator.decimals,
                ),
            )
        )
    return rows


def latest_row(rows: list[PeriodRow]) -> PeriodRow | None:
    """The latest period with a reported value: what 'current' means on summary pages."""
    reported = [row for row in rows if row.actual is not None]
    return reported[-1] if reported else None


@dataclass
class IndicatorLine:
    indicator: Indicator
    latest: PeriodRow | None

    @property
    def rag(self) -> Rag:
        return self.latest.rag if self.latest else Rag.GREY


@dataclass
class ObjectiveView:
    objective: Objective
    indicators: list[IndicatorLine]
    actions: list[Action]
    status: ObjectiveStatus
    overdue_action_ids: set[int] = field(default_factory=set)


def current_plan(partnership: Partnership) -> Plan | None:
    """The approved plan, or while none is approved the newest draft."""
    plans = list(partnership.plans.exclude(status=Plan.Status.SUPERSEDED).order_by("-version"))
    approved = [p for p in plans if p.status == Plan.Status.APPROVED]
    return approved[0] if approved else (plans[0] if plans else None)


def plan_objectives(plan: Plan, today: datetime.date) -> list[ObjectiveView]:
    """Objectives of a plan with their outcomes, indicators (latest RAG and direction)
    and actions. A fixed number of queries for any size of plan."""
    return objective_views(plan.objectives.select_related("owner", "lead_organisation"), today)


def objective_views(objectives: QuerySet[Objective], today: datetime.date) -> list[ObjectiveView]:
    """Each objective with its indicators' latest rows, its actions and its status rolled
    up from them (`rules.objective_status`), for any set of objectives: one plan's or, on
    the golden thread, many partnerships'. A fixed number of queries, whatever the numbers."""
    objectives = objectives.prefetch_related(
        Prefetch("outcomes"),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("owner").prefetch_related(
                "targets", "results"
            ),
        ),
        Prefetch("actions", queryset=Action.objects.select_related("owner", "lead_organisation")),
    )
    views = []
    for objective in objectives:
        lines = [
            IndicatorLine(indicator=i, latest=latest_row(indicator_history(i)))
            for i in objective.indicators.all()
        ]
        actions = list(objective.actions.all())
        views.append(
            ObjectiveView(
                objective=objective,
                indicators=lines,
                actions=actions,
                status=objective_status(
                    indicator_rags=[line.rag for line in lines],
                    actions=[(a.action_state, a.due_date) for a in actions],
                    today=today,
                ),
                overdue_action_ids={a.pk for a in actions if a.is_overdue(today)},
            )
        )
    return views


# What `with_latest` annotates, as RagRule takes them.
LATEST = ("latest_value", "latest_target", "latest_target_upper")


def read_numbers(*names: str) -> dict[str, ExpressionWrapper]:
    """Annotations reading each decimal column or annotation as `as_read` does, in order,
    named with "_read" after each name."""
    return {f"{name}_read": as_read(name) for name in names}


RuleFor = Callable[[str, str, Decimal | float | int], RagRule]
Read = Decimal | float | int | None  # a number as `as_read` reads it


def rag_rules() -> RuleFor:
    """Each indicator's RAG rule from its stored polarity, tolerance kind and tolerance,
    made once for each different rule (a council's thousands of indicators share a
    handful). The rules take numbers as `as_read` reads them, and so does the tolerance."""
    # PostgreSQL's driver gives exact Decimals already: no need to pass each through `exact`.
    decimals = connection.vendor == "postgresql"

    @functools.cache
    def rule(polarity: str, kind: str, tolerance: Decimal | float | int) -> RagRule:
        judge = rag_rule(polarity=polarity, tolerance=exact(tolerance), tolerance_kind=kind)
        if decimals:
            return judge
        # SQLite's floats: judged as floats where that is sure, which it nearly always is,
        # else as the Decimals the ORM would read (turning each number into a Decimal costs
        # more than the judging).
        quick = quick_rag_rule(polarity=polarity, tolerance=exact(tolerance), tolerance_kind=kind)

        def judge_read(actual: Read, target: Read, target_upper: Read = None) -> Rag:
            try:
                found = quick(actual, target, target_upper)
            except TypeError:  # Decimals, not as SQLite reads numbers: for the rule
                found = None
            return found or judge(exact(actual), exact(target), exact(target_upper))

        return judge_read

    return rule


def as_read(name: str) -> ExpressionWrapper:
    """A decimal column (or annotation) exactly as the database driver reads it, skipping
    Django's conversion: for pages that read tens of thousands of numbers, where that
    conversion costs more than the query. Pass each value through `exact`, or judge them
    with the rules `rag_rules` makes, which take them as read."""
    # A plain Field: neither the backend nor the expression converts it (a FloatField
    # would turn PostgreSQL's exact Decimal into a float).
    return ExpressionWrapper(F(name), output_field=Field())


_FIFTEEN_DIGITS = decimal.Context(prec=15)


def exact(value: Decimal | float | int | None) -> Decimal | None:
    """A number from `as_read` as the Decimal the ORM would give. PostgreSQL's driver reads
    numeric columns as Decimal already; SQLite keeps decimals as floats with 15 significant
    digits, so this reads them back to those digits as Django does (every stored value has
    at most 6 decimal places, so Django's rounding to the field's places changes only how
    the number is written, never its value)."""
    if type(value) is float:
        return _FIFTEEN_DIGITS.create_decimal_from_float(value)
    if type(value) is int:  # SQLite keeps whole numbers as integers
        return Decimal(value)
    return value


def with_latest(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Annotate indicators with what summary pages count as "latest": the latest period
    with a reported value (`latest_period`, as its key, e.g. "2025-Q3"), that value
    (`latest_value`) and that period's target (`latest_target`, `latest_target_upper`).
    One query, joining each indicator's latest result and its target. Quick for a few
    indicators; for thousands PostgreSQL hashes every result ever recorded, which is why
    the home page and the council view read `_compared` first and this only for
    indicators whose latest period is neither compared one."""
    latest = (
        Result.objects.filter(indicator=OuterRef("pk"), value__isnull=False)
        .order_by("-period")
        .values("period")[:1]
    )
    return (
        indicators.annotate(
            latest_result=FilteredRelation("results", condition=Q(results__period=Subquery(latest)))
        )
        # The key as stored: turning thousands of keys back into Periods costs more than
        # the page.
        .annotate(latest_period=ExpressionWrapper(F("latest_result__period"), CharField()))
        .annotate(
            latest_target_row=FilteredRelation(
                "targets", condition=Q(targets__period=F("latest_period"))
            ),
            latest_value=F("latest_result__value"),
            latest_target=F("latest_target_row__value"),
            latest_target_upper=F("latest_target_row__upper"),
        )
    )


# --- Each indicator's latest RAG, and its RAG in the two periods compared ------------------


class IndicatorRags(NamedTuple):
    partnership_id: int
    latest: Rag  # of its latest reported period (grey with nothing reported)
    now: Rag | None  # of the latest period ended; None with no result for it yet
    before: Rag  # of the period before that


def compared_periods(today: datetime.date) -> dict[Frequency, tuple[Period, Period]]:
    """For each frequency, its latest period ended before today and the one before."""
    pairs = {}
    for frequency in Frequency:
        latest = latest_ended(frequency, today)
        pairs[frequency] = (latest, latest.previous())
    return pairs


def _own_period(periods: dict[Frequency, Period]) -> Case:
    """Each indicator's own period of the given ones, chosen in SQL by its frequency."""
    return Case(
        *[When(frequency=f.value, then=Value(p.key)) for f, p in periods.items()],
        output_field=CharField(),
    )


def indicator_rags(
    ids: list[int], pairs: dict[Frequency, tuple[Period, Period]]
) -> dict[int, IndicatorRags]:
    """The RAGs of every indicator of the given partnerships, by indicator, for the council
    view: its latest reported period's (what "latest" means on every summary page), and
    those of the periods `compared_periods` gives. See `_compared` for how they are
    read."""
    rags: dict[int, IndicatorRags] = {}
    elsewhere: dict[int, tuple[Rag | None, Rag]] = {}  # latest is neither compared period
    rule = rag_rules()
    grey = Rag.GREY
    # One loop over thousands of rows: every name unpacked, nothing called that need not be.
    for (
        pk,
        partnership_id,
        latest,
        now_key,
        before_key,
        polarity,
        kind,
        tolerance,
        now_value,
        now_target,
        now_upper,
        before_value,
        before_target,
        before_upper,
    ) in _compared(ids, pairs):
        judge = rule(polarity, kind, tolerance)
        now = None if now_value is None else judge(now_value, now_target, now_upper)
        before = judge(before_value, before_target, before_upper)
        if latest == now_key:  # the usual case once the quarter's return is in
            rags[pk] = IndicatorRags(partnership_id, now, now, before)
        elif latest == before_key:  # the usual case while it is being written
            rags[pk] = IndicatorRags(partnership_id, before, now, before)
        elif latest is None:  # nothing reported yet
            rags[pk] = IndicatorRags(partnership_id, grey, now, before)
        else:
            elsewhere[pk] = (now, before)
    for pk, (partnership_id, latest_rag) in _latest_elsewhere(list(elsewhere), rule).items():
        rags[pk] = IndicatorRags(partnership_id, latest_rag, *elsewhere[pk])
    return rags


def latest_rags(ids: list[int], today: datetime.date) -> dict[int, tuple[int, Rag]]:
    """Each indicator's RAG of its latest reported period, as {indicator: (partnership,
    RAG)}, for the home page: what `indicator_rags` gives as `latest`, judging only that."""
    rags: dict[int, tuple[int, Rag]] = {}
    elsewhere = []
    rule = rag_rules()
    for (
        pk,
        partnership_id,
        latest,
        now_key,
        before_key,
        polarity,
        kind,
        tolerance,
        *numbers,
    ) in _compared(ids, compared_periods(today)):
        if latest == now_key:
            rags[pk] = (partnership_id, rule(polarity, kind, tolerance)(*numbers[:3]))
        elif latest == before_key:
            rags[pk] = (partnership_id, rule(polarity, kind, tolerance)(*numbers[3:]))
        elif latest is None:
            rags[pk] = (partnership_id, Rag.GREY)
        else:
            elsewhere.append(pk)
    rags.update(_latest_elsewhere(elsewhere, rule))
    return rags


def _compared(ids: list[int], pairs: dict[Frequency, tuple[Period, Period]]) -> QuerySet:
    """One row per indicator of the given partnerships: its id, partnership, latest
    reported period's key, the keys of its own two compared periods, its polarity,
    tolerance kind and tolerance (for `rag_rules`), and the result, target and upper edge
    of each compared period (the numbers as `as_read` reads them, which is how the rule
    takes them).

    Read so that both databases touch little: each indicator's latest reported period by
    index, and its results and targets of the two periods compared, joined by index and
    also limited to those few periods, so PostgreSQL reads them through the period index
    rather than hashing every result ever recorded. The latest reported period is nearly
    always one of those two; `_latest_elsewhere` reads the others."""
    return _compared_rows(tuple(pairs.items())).filter(partnership__in=ids)


@functools.lru_cache(maxsize=4)
def _compared_rows(pairs: tuple[tuple[Frequency, tuple[Period, Period]], ...]) -> QuerySet:
    """`_compared`'s query for every indicator, made once for each day's periods: building
    it (resolving its joins and thirteen columns) took longer than judging its rows. Only
    ever used through a filter, which copies it, so this one is never run and its results
    never kept."""
    pairs = dict(pairs)
    now = _own_period({f: pair[0] for f, pair in pairs.items()})
    before = _own_period({f: pair[1] for f, pair in pairs.items()})
    now_keys = [pair[0] for pair in pairs.values()]
    before_keys = [pair[1] for pair in pairs.values()]
    reported = Result.objects.filter(indicator=OuterRef("pk"), value__isnull=False)
    numbers = read_numbers(
        "tolerance",
        *(f"now_{name}" for name in ("result__value", "target__value", "target__upper")),
        *(f"before_{name}" for name in ("result__value", "target__value", "target__upper")),
    )
    return (
        Indicator.objects.order_by()
        .annotate(
            # The key as stored: turning thousands back into Periods costs more than the page.
            latest_key=Subquery(reported.order_by("-period").values("period")[:1], CharField()),
            now_key=now,
            before_key=before,
            now_result=FilteredRelation(
                "results",
                condition=Q(
                    results__period__in=now_keys, results__period=now, results__value__isnull=False
                ),
            ),
            now_target=FilteredRelation(
                "targets", condition=Q(targets__period__in=now_keys, targets__period=now)
            ),
            before_result=FilteredRelation(
                "results",
                condition=Q(
                    results__period__in=before_keys,
                    results__period=before,
                    results__value__isnull=False,
                ),
            ),
            before_target=FilteredRelation(
                "targets", condition=Q(targets__period__in=before_keys, targets__period=before)
            ),
            **numbers,
        )
        .values_list(
            "pk",
            "partnership_id",
            "latest_key",
            "now_key",
            "before_key",
            "polarity",
            "tolerance_kind",
            *numbers,
        )
    )


def _latest_elsewhere(pks: list[int], rule: RuleFor) -> dict[int, tuple[int, Rag]]:
    """The latest RAG of indicators whose latest reported period is neither compared one
    (not reported for a while, or reported ahead): one query, when there are any."""
    if not pks:
        return {}
    numbers = read_numbers("tolerance", *LATEST)
    return {
        pk: (partnership_id, rule(polarity, kind, tolerance)(*values))
        for pk, partnership_id, polarity, kind, tolerance, *values in (
            with_latest(Indicator.objects.filter(pk__in=pks).order_by())
            .annotate(**numbers)
            .values_list("pk", "partnership_id", "polarity", "tolerance_kind", *numbers)
        )
    }
