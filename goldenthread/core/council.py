"""The council-wide view: every partnership on one page for the performance team, with
its RAG counts, what changed since last quarter, its latest return, what is overdue and
which objectives are at risk.

A fixed number of queries whatever the number of partnerships, indicators or results: nine
(ten with a filter, to count every partnership; one more when some indicator's latest
result is older than the two periods compared, or ahead of them), and two for the
filter's choices. Each read fetches only the columns the page shows, for every
partnership at once, as plain rows (`values_list`: no model instances for thousands of
rows, and numbers as the driver reads them, see `performance.as_read`), and Python groups
them. Each indicator's results and targets are read by index for the two periods
compared, never its whole history (see `performance.indicator_rags`). Every RAG comes from
`goldenthread.rules.rag_rule` and every objective status from
`goldenthread.rules.objective_status`, so this page agrees with the home page and the
partnership pages.

What the page counts:

- RAG counts: each indicator by its latest reported result against that period's target,
  exactly as the home page: both read them through one query (`performance.indicator_rags`
  here, `performance.latest_rags` there).
- What changed since last quarter: "last quarter" is the latest quarter that ended before
  today (`rules.latest_ended`). Each quarterly indicator's RAG in that quarter is compared
  with its RAG in the quarter before; a monthly or annual indicator compares its own latest
  ended period with the one before it (on 26 November 2026: 2026/27 Q2 with Q1, Oct 2026
  with Sep 2026, 2025/26 with 2024/25). Red is below amber, amber below green: moving up
  is "improved", down is "worsened"; grey (no result or no target) in either period is
  neither. "Newly red" is red now and not red before (amber, green, or nothing to judge),
  "newly green" likewise. "Not yet reported" counts indicators with no result for the
  latest period.
- Returns: the partnership's return for the quarter chosen (`shown_round`): by default
  the latest quarter opened whose deadline has passed, so opening the next quarter early
  does not hide the last one's returns before they are signed off; before any deadline
  has passed, the quarter due soonest. The picker lists every quarter opened.
- Overdue: actions of the approved plan past their due date and not finished
  (`rules.is_overdue`); open risks whose review date has passed (`risks.review_overdue`);
  the return, when still open or returned for changes after its deadline (as the
  reminders count it).
- Corrective actions: those of the partnership's returns not yet closed, and of those the
  ones past their due date (`corrective_actions.is_overdue`).
- Objectives at risk: objectives of the approved plan whose status, rolled up from their
  indicators' latest RAG and their actions, is off track or at risk.
- Filters: a strategic outcome picks the partnerships whose approved plan has an objective
  linked to it or to an outcome beneath it; an organisation picks the partnerships it leads
  or is a member of.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from goldenthread.rules import (
    Frequency,
    ObjectiveStatus,
    Period,
    Rag,
    is_overdue,
    objective_status,
)

from .corrective_actions import counts_subqueries as corrective_counts
from .models import (
    Action,
    Membership,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    ReportingRound,
    Return,
    Risk,
)
from .performance import RAG_ORDER, IndicatorRags, compared_periods, indicator_rags

AT_RISK = (ObjectiveStatus.OFF_TRACK, ObjectiveStatus.AT_RISK)
_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass
class Changes:
    """How one partnership's indicators moved between the two periods compared."""

    improved: int = 0
    worsened: int = 0
    newly_red: int = 0
    newly_green: int = 0
    not_reported: int = 0

    def add(self, now: Rag, before: Rag, count: int = 1) -> None:
        """`count` indicators moved from `before` to `now`."""
        if now in _RANK and before in _RANK:
            self.improved += count * (_RANK[now] > _RANK[before])
            self.worsened += count * (_RANK[now] < _RANK[before])
        self.newly_red += count * (now is Rag.RED and before is not Rag.RED)
        self.newly_green += count * (now is Rag.GREEN and before is not Rag.GREEN)

    @property
    def moved(self) -> bool:
        return bool(self.improved or self.worsened or self.newly_red or self.newly_green)


@dataclass
class ObjectiveAtRisk:
    pk: int
    ref: str
    title: str
    status: ObjectiveStatus


@dataclass
class ObjectiveGroup:
    status: ObjectiveStatus
    objectives: list[ObjectiveAtRisk]

    @property
    def first(self) -> ObjectiveAtRisk:
        return self.objectives[0]

    @property
    def refs(self) -> str:
        return ", ".join(o.ref for o in self.objectives)


@dataclass
class CouncilRow:
    partnership: Partnership
    rag_counts: Counter
    changes: Changes
    ret: Return | None
    return_overdue: bool
    overdue_actions: int
    overdue_reviews: int
    has_plan: bool
    objectives_at_risk: list[ObjectiveAtRisk]
    open_corrective: int = 0  # corrective actions not yet closed
    overdue_corrective: int = 0  # of those, past their due date

    @property
    def rag_items(self) -> list[tuple[Rag, int]]:
        return [(r, self.rag_counts.get(r, 0)) for r in RAG_ORDER]

    @property
    def objectives_by_status(self) -> list[ObjectiveGroup]:
        """Off track first, then at risk, each in plan order."""
        return [
            ObjectiveGroup(status, mine)
            for status in AT_RISK
            if (mine := [o for o in self.objectives_at_risk if o.status is status])
        ]

    @property
    def overdue_count(self) -> int:
        return self.overdue_actions + self.overdue_reviews + self.return_overdue


@dataclass
class CouncilOverview:
    rows: list[CouncilRow]
    quarter: Period
    compared: list[tuple[Period, Period]]  # (latest, before) for each frequency
    round: ReportingRound | None
    total: int | None = None  # every partnership, when a filter shows fewer
    totals: dict[str, int] = field(default_factory=dict)
    rounds: list[ReportingRound] = field(default_factory=list)  # every quarter opened, newest first


def shown_round(
    rounds: list[ReportingRound], today: datetime.date, quarter: Period | None = None
) -> ReportingRound | None:
    """The quarter whose returns the page shows, from the rounds opened (newest first):
    the one asked for, if it was opened; else the latest whose deadline has passed (due
    today is not passed, as for an overdue return); else, before any deadline has
    passed, the one due soonest, never a later quarter opened early."""
    if quarter is not None:
        asked = next((r for r in rounds if r.period == quarter), None)
        if asked is not None:
            return asked
    passed = next((r for r in rounds if r.deadline < today), None)
    return passed or min(rounds, key=lambda r: (r.deadline, r.period), default=None)


def council_overview(
    *,
    today: datetime.date,
    outcome_ids: set[int] | None = None,
    organisation_id: int | None = None,
    quarter: Period | None = None,
) -> CouncilOverview:
    """Every partnership (or those the filters pick) with what the page shows, and the
    returns of `quarter` (or the default quarter, see `shown_round`)."""
    partnerships = (
        Partnership.objects.select_related("lead_organisation")
        .only("name", "is_demo", "lead_organisation__name")
        # Counted in the same query, as subqueries: the page's query count stays.
        .annotate(**corrective_counts(today))
    )
    filtered = bool(outcome_ids) or organisation_id is not None
    if outcome_ids:
        partnerships = partnerships.filter(
            pk__in=Objective.objects.filter(
                plan__status=Plan.Status.APPROVED, outcomes__in=outcome_ids
            ).values("plan__partnership")
        )
    if organisation_id is not None:
        partnerships = partnerships.filter(
            Q(lead_organisation=organisation_id)
            | Q(
                pk__in=Membership.objects.filter(organisation=organisation_id).values("partnership")
            )
        )
    partnerships = list(partnerships.order_by("name"))
    ids = [p.pk for p in partnerships]

    pairs = compared_periods(today)
    rags = indicator_rags(ids, pairs)
    rag_counts: dict[int, Counter] = defaultdict(Counter)
    changes: dict[int, Changes] = defaultdict(Changes)
    # Indicators alike counted at once: a few dozen kinds in a partnership's forty.
    for (partnership_id, latest, now, before), count in Counter(rags.values()).items():
        rag_counts[partnership_id][latest] += count
        if now is None:
            changes[partnership_id].not_reported += count
        elif now is not Rag.GREY:
            changes[partnership_id].add(now, before, count)
    # Every round in one query (four a year), in place of the latest one alone.
    rounds = list(ReportingRound.objects.order_by("-period"))
    round_ = shown_round(rounds, today, quarter)
    returns = (
        {
            r.partnership_id: r
            for r in Return.objects.filter(round=round_, partnership__in=ids)
            .only("partnership_id", "status", "deadline", "round_id")
            .order_by()
        }
        if round_
        else {}
    )
    overdue_reviews = Counter(
        Risk.objects.filter(partnership__in=ids, is_open=True, review_date__lt=today)
        .order_by()
        .values_list("partnership_id", flat=True)
    )
    plans = _approved_plans(ids, rags, today)

    rows = []
    for p in partnerships:
        ret = returns.get(p.pk)
        plan = plans.get(p.pk)
        rows.append(
            CouncilRow(
                partnership=p,
                rag_counts=rag_counts[p.pk],
                changes=changes[p.pk],
                ret=ret,
                return_overdue=ret is not None and ret.is_overdue(today),
                overdue_actions=plan.overdue_actions if plan else 0,
                overdue_reviews=overdue_reviews.get(p.pk, 0),
                has_plan=plan is not None,
                objectives_at_risk=plan.at_risk if plan else [],
                open_corrective=p.open_corrective,
                overdue_corrective=p.overdue_corrective,
            )
        )
    return CouncilOverview(
        rows=rows,
        quarter=pairs[Frequency.QUARTERLY][0],
        compared=[pairs[f] for f in (Frequency.QUARTERLY, Frequency.MONTHLY, Frequency.ANNUAL)],
        round=round_,
        total=Partnership.objects.count() if filtered else None,
        totals=_totals(rows),
        rounds=rounds,
    )


@dataclass
class _PlanFacts:
    overdue_actions: int = 0
    at_risk: list[ObjectiveAtRisk] = field(default_factory=list)


def _approved_plans(
    ids: list[int], rags: dict[int, IndicatorRags], today: datetime.date
) -> dict[int, _PlanFacts]:
    """Each partnership's approved plan: its overdue actions and the objectives whose
    rolled-up status is off track or at risk. Four queries."""
    plans = dict(
        Plan.objects.filter(partnership__in=ids, status=Plan.Status.APPROVED)
        .order_by()
        .values_list("pk", "partnership_id")
    )
    objectives = list(
        Objective.objects.filter(plan__in=plans)
        .order_by("order", "ref")
        .values_list("pk", "plan_id", "ref", "title")
    )
    latest = {pk: r.latest for pk, r in rags.items()}
    linked_rags = defaultdict(list)  # each objective's indicators' latest RAGs
    for objective, indicator in (
        Objective.indicators.through.objects.filter(objective__plan__in=plans)
        .order_by()
        .values_list("objective_id", "indicator_id")
    ):
        linked_rags[objective].append(latest.get(indicator, Rag.GREY))
    actions = defaultdict(list)
    for objective, state, due in (
        Action.objects.filter(objective__plan__in=plans)
        .order_by()
        .values_list("objective_id", "state", "due_date")
    ):
        actions[objective].append((state, due))  # the rules take the stored values

    facts = {partnership_id: _PlanFacts() for partnership_id in plans.values()}
    for pk, plan_id, ref, title in objectives:
        mine = facts[plans[plan_id]]
        own = actions.get(pk, [])
        mine.overdue_actions += sum(
            is_overdue(state=state, due=due, today=today) for state, due in own
        )
        status = objective_status(
            indicator_rags=linked_rags.get(pk, ()),
            actions=own,
            today=today,
        )
        if status in AT_RISK:
            mine.at_risk.append(ObjectiveAtRisk(pk=pk, ref=ref, title=title, status=status))
    return facts


def _totals(rows: list[CouncilRow]) -> dict[str, int]:
    totals: Counter = Counter()
    for row in rows:
        for value, count in row.rag_counts.items():
            totals[value.value] += count
        totals["improved"] += row.changes.improved
        totals["worsened"] += row.changes.worsened
        totals["newly_red"] += row.changes.newly_red
        totals["newly_green"] += row.changes.newly_green
        totals["overdue_actions"] += row.overdue_actions
        totals["overdue_reviews"] += row.overdue_reviews
        totals["overdue_returns"] += row.return_overdue
        totals["open_corrective"] += row.open_corrective
        totals["overdue_corrective"] += row.overdue_corrective
        totals["objectives_at_risk"] += len(row.objectives_at_risk)
        if row.ret:
            totals["return_" + row.ret.status] += 1
    return dict(totals)


# --- The filters ----------------------------------------------------------------------------


def outcome_choices() -> list[Outcome]:
    """Every outcome, by strategic plan, for the filter."""
    return list(
        Outcome.objects.select_related("strategic_plan").order_by(
            "strategic_plan__title", "strategic_plan_id", "code"
        )
    )


def organisation_choices() -> list[Organisation]:
    """The organisations that lead a partnership or are a member of one."""
    return list(
        Organisation.objects.filter(
            Q(pk__in=Partnership.objects.values("lead_organisation"))
            | Q(pk__in=Membership.objects.values("organisation"))
        ).order_by("name")
    )


def with_outcomes_beneath(outcomes: list[Outcome], pk: int) -> set[int]:
    """The outcome and every outcome under it (a theme's outcomes), from a list already
    read."""
    children = defaultdict(list)
    for outcome in outcomes:
        children[outcome.parent_id].append(outcome.pk)
    found, todo = set(), [pk]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children[current])
    return found
