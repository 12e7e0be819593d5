"""The golden thread: strategic plan → outcome → partnership objective → indicators and
actions, read for many partnerships at once, and the breaks in it.

Only objectives of each partnership's current plan count (`current_plans`, the bulk twin
of `performance.current_plan`). Objectives and their statuses are read as on every other
page, by `performance.objective_views`. The number of SQL queries never depends on how
many outcomes, partnerships, objectives or indicators there are. The thread is drawn, as a
diagram and as a list, by `charts.thread`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from goldenthread.rules import ActionState, Frequency, Period, Rag, year_label

from .models import (
    Action,
    Indicator,
    Objective,
    Outcome,
    Partnership,
    Plan,
    StrategicPlan,
    User,
)
from .performance import ObjectiveView, current_plan, objective_views


def strategic_plans() -> list[tuple[StrategicPlan, str]]:
    """Every strategic plan with the years it covers, as councils write them, and its
    number of themes and outcomes (`outcome_count`). One query."""
    plans = StrategicPlan.objects.annotate(outcome_count=Count("outcomes"))
    return [(plan, plan_years(plan)) for plan in plans]


def plan_years(strategic_plan: StrategicPlan) -> str:
    """The years a strategic plan covers: "2024/25 to 2028/29", or one year's label."""
    first, last = year_label(strategic_plan.first_year), year_label(strategic_plan.last_year)
    return first if first == last else f"{first} to {last}"


def periods_now(today: datetime.date) -> list[Period]:
    """The period of each frequency that contains today: the periods whose targets the
    breaks look for."""
    return [Period.containing(f, today) for f in Frequency]


def current_plans() -> QuerySet[Plan]:
    """Every partnership's current plan, in one query: the approved version, or while
    none is approved the newest draft (what `performance.current_plan` returns for one
    partnership)."""
    newest = (
        Plan.objects.filter(partnership=OuterRef("pk"))
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by(
            Case(
                When(status=Plan.Status.APPROVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-version",
        )
        .values("pk")[:1]
    )
    return Plan.objects.filter(
        pk__in=Partnership.objects.annotate(current=Subquery(newest)).values("current")
    )


def action_rag(state: ActionState, *, overdue: bool) -> Rag:
    """The colour an action is shown in: overdue or off track red, at risk amber, on track
    or completed green, not started or cancelled grey."""
    if overdue:
        return Rag.RED
    return {
        ActionState.OFF_TRACK: Rag.RED,
        ActionState.AT_RISK: Rag.AMBER,
        ActionState.ON_TRACK: Rag.GREEN,
        ActionState.COMPLETED: Rag.GREEN,
    }.get(ActionState(state), Rag.GREY)


@dataclass
class OutcomeBranch:
    """An outcome (a theme when it has children), the objectives linked to it, and its
    child outcomes. `hidden_objectives` counts objectives of partnerships the reader may
    not see: they are counted, never named."""

    outcome: Outcome
    depth: int  # 1 for a top-level theme or outcome
    children: list[OutcomeBranch] = field(default_factory=list)
    objectives: list[ObjectiveView] = field(default_factory=list)
    hidden_objectives: int = 0

    @property
    def worked_towards(self) -> bool:
        """Some current-plan objective is linked to it or to an outcome under it: a theme
        is worked towards through its outcomes."""
        return bool(
            self.objectives
            or self.hidden_objectives
            or any(child.worked_towards for child in self.children)
        )

    def walk(self) -> Iterator[OutcomeBranch]:
        yield self
        for child in self.children:
            yield from child.walk()


def outcome_tree(
    outcomes: Iterable[Outcome],
    objectives: dict[int, list[ObjectiveView]],
    hidden: dict[int, int] | None = None,
    *,
    prune: bool = False,
) -> list[OutcomeBranch]:
    """Outcomes as a tree through `Outcome.parent`, each with its objectives (by outcome
    pk). An outcome whose parent is not among `outcomes` is a root. With `prune`, only
    branches that some objective works towards are kept."""
    outcomes = list(outcomes)
    known = {o.pk for o in outcomes}
    by_parent: dict[int | None, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_parent[outcome.parent_id if outcome.parent_id in known else None].append(outcome)
    hidden = hidden or {}
    seen: set[int] = set()  # a parent loop typed into the admin must not recurse for ever

    def grow(outcome: Outcome, depth: int) -> OutcomeBranch:
        seen.add(outcome.pk)
        branch = OutcomeBranch(
            outcome=outcome,
            depth=depth,
            objectives=objectives.get(outcome.pk, []),
            hidden_objectives=hidden.get(outcome.pk, 0),
        )
        branch.children = [
            grow(child, depth + 1) for child in by_parent[outcome.pk] if child.pk not in seen
        ]
        if prune:
            branch.children = [child for child in branch.children if child.worked_towards]
        return branch

    roots = [grow(outcome, 1) for outcome in by_parent[None]]
    return [root for root in roots if root.worked_towards] if prune else roots


@dataclass
class UntargetedIndicator:
    indicator: Indicator
    period: Period
    objective: Objective  # one objective it measures, for naming its partnership


@dataclass
class UnreadyAction:
    action: Action
    objective: Objective
    no_owner: bool
    no_due_date: bool

    @property
    def missing(self) -> str:
        if self.no_owner and self.no_due_date:
            return "no owner and no due date"
        return "no owner" if self.no_owner else "no due date"


@dataclass
class Breaks:
    """Where the line of sight is broken. `idle_outcomes` is None where it does not
    apply (a partnership's page)."""

    unlinked_objectives: list[Objective]
    idle_outcomes: list[Outcome] | None
    untargeted_indicators: list[UntargetedIndicator]
    unready_actions: list[UnreadyAction]

    @property
    def count(self) -> int:
        return (
            len(self.unlinked_objectives)
            + len(self.idle_outcomes or [])
            + len(self.untargeted_indicators)
            + len(self.unready_actions)
        )


def _item_breaks(
    views: Iterable[ObjectiveView], today: datetime.date
) -> tuple[list[UntargetedIndicator], list[UnreadyAction]]:
    """Indicators with no live target for the period that contains today, and open
    actions with no owner or no due date; each once, however many outcomes its
    objective is linked to."""
    indicators: dict[int, UntargetedIndicator] = {}
    actions: dict[int, UnreadyAction] = {}
    for view in views:
        for line in view.indicators:
            indicator = line.indicator
            period = Period.containing(Frequency(indicator.frequency), today)
            if indicator.pk not in indicators and period not in {
                t.period for t in indicator.targets.all()
            }:
                indicators[indicator.pk] = UntargetedIndicator(indicator, period, view.objective)
        for action in view.actions:
            # Finished work needs neither an owner nor a due date any more.
            if action.action_state in (ActionState.COMPLETED, ActionState.CANCELLED):
                continue
            if action.owner_id is None or action.due_date is None:
                actions[action.pk] = UnreadyAction(
                    action=action,
                    objective=view.objective,
                    no_owner=action.owner_id is None,
                    no_due_date=action.due_date is None,
                )
    return list(indicators.values()), list(actions.values())


def _objective_order(view: ObjectiveView) -> tuple:
    objective = view.objective
    return (objective.plan.partnership.name, objective.order, objective.ref, objective.pk)


@dataclass
class StrategicThread:
    """One strategic plan's thread as a reader sees it."""

    strategic_plan: StrategicPlan
    outcomes: list[OutcomeBranch]
    hidden_objectives: int = 0  # distinct objectives of partnerships the reader cannot see
    breaks: Breaks | None = None

    def branches(self) -> Iterator[OutcomeBranch]:
        for root in self.outcomes:
            yield from root.walk()

    @property
    def objective_views(self) -> list[ObjectiveView]:
        """Each objective once, however many outcomes it is linked to."""
        unique = {}
        for branch in self.branches():
            for view in branch.objectives:
                unique.setdefault(view.objective.pk, view)
        return list(unique.values())


def strategic_plan_thread(
    strategic_plan: StrategicPlan, user: User, today: datetime.date
) -> StrategicThread:
    """The plan's outcomes, each with the current-plan objectives of the partnerships the
    reader may see, and a count of the others. Nine queries, whatever the numbers."""
    outcomes = list(strategic_plan.outcomes.all())
    visible = Partnership.objects.visible_to(user)
    links = Objective.outcomes.through.objects.filter(
        outcome__strategic_plan=strategic_plan, objective__plan__in=current_plans()
    )
    views = objective_views(
        Objective.objects.filter(
            pk__in=links.values("objective_id"), plan__partnership__in=visible
        ).select_related("plan__partnership"),
        today,
    )
    views.sort(key=_objective_order)
    by_outcome: dict[int, list[ObjectiveView]] = defaultdict(list)
    for view in views:
        for outcome in view.objective.outcomes.all():
            by_outcome[outcome.pk].append(view)

    hidden_pairs = list(
        links.exclude(objective__plan__partnership__in=visible).values_list(
            "outcome_id", "objective_id"
        )
    )
    hidden: dict[int, int] = defaultdict(int)
    for outcome_id, _ in hidden_pairs:
        hidden[outcome_id] += 1

    tree = outcome_tree(outcomes, by_outcome, hidden)
    unlinked = list(
        Objective.objects.filter(
            plan__in=current_plans(), plan__partnership__in=visible, outcomes__isnull=True
        )
        .select_related("plan__partnership")
        .order_by("plan__partnership__name", "order", "ref")
    )
    thread = StrategicThread(
        strategic_plan=strategic_plan,
        outcomes=tree,
        hidden_objectives=len({objective_id for _, objective_id in hidden_pairs}),
    )
    indicators, actions = _item_breaks(thread.objective_views, today)
    thread.breaks = Breaks(
        unlinked_objectives=unlinked,
        idle_outcomes=[b.outcome for b in thread.branches() if not b.worked_towards],
        untargeted_indicators=indicators,
        unready_actions=actions,
    )
    return thread


@dataclass
class PartnershipThread:
    """A partnership's current plan traced up to every strategic plan it serves."""

    partnership: Partnership
    plan: Plan | None
    strategic: list[StrategicThread]
    unlinked: list[ObjectiveView]
    breaks: Breaks


def partnership_thread(partnership: Partnership, today: datetime.date) -> PartnershipThread:
    """The partnership's current plan (`performance.current_plan`) traced up to the
    strategic plans. A fixed number of queries, whatever the numbers."""
    plan = current_plan(partnership)
    views = (
        objective_views(plan.objectives.select_related("plan__partnership"), today) if plan else []
    )
    by_outcome: dict[int, list[ObjectiveView]] = defaultdict(list)
    strategic_plan_ids: set[int] = set()
    unlinked = []
    for view in views:
        linked = view.objective.outcomes.all()
        if not linked:
            unlinked.append(view)
        for outcome in linked:
            by_outcome[outcome.pk].append(view)
            strategic_plan_ids.add(outcome.strategic_plan_id)

    # Every outcome of the plans reached, for the themes above the linked outcomes.
    outcomes_by_plan: dict[StrategicPlan, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(strategic_plan__in=strategic_plan_ids).select_related(
        "strategic_plan"
    ):
        outcomes_by_plan[outcome.strategic_plan].append(outcome)
    strategic = [
        StrategicThread(strategic_plan=sp, outcomes=outcome_tree(outcomes, by_outcome, prune=True))
        for sp, outcomes in sorted(
            outcomes_by_plan.items(), key=lambda item: (-item[0].first_year, item[0].title)
        )
    ]
    indicators, actions = _item_breaks(views, today)
    return PartnershipThread(
        partnership=partnership,
        plan=plan,
        strategic=strategic,
        unlinked=unlinked,
        breaks=Breaks(
            unlinked_objectives=[view.objective for view in unlinked],
            idle_outcomes=None,
            untargeted_indicators=indicators,
            unready_actions=actions,
        ),
    )
