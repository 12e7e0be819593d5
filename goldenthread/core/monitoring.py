"""Reads for quarterly monitoring: what is due in a return, and what a person owes.
A fixed number of queries whatever the number of indicators, actions or risks."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from goldenthread.rules import ActionState, Direction, Frequency, Period, Polarity, Rag, direction

from .corrective_actions import AskedFor, asked_in
from .finance import Finance  # the one place for budget, spend and forecast
from .models import (
    Action,
    ActionUpdate,
    Budget,
    CorrectiveAction,
    Indicator,
    Partnership,
    Plan,
    Result,
    Return,
    Risk,
    RiskReview,
    Spend,
    Target,
    User,
)

OPEN_STATES = (
    ActionState.NOT_STARTED,
    ActionState.ON_TRACK,
    ActionState.AT_RISK,
    ActionState.OFF_TRACK,
)


def due_periods(frequency: str, quarter: Period) -> list[Period]:
    """The periods of an indicator that a quarter's return reports: the quarter itself,
    its three months, or — in the year's last quarter only — the financial year."""
    if frequency == Frequency.QUARTERLY:
        return [quarter]
    if frequency == Frequency.MONTHLY:
        months = [Period.containing(Frequency.MONTHLY, quarter.start)]
        while len(months) < 3:
            months.append(months[-1].next())
        return months
    return [quarter.financial_year()] if quarter.number == 4 else []


def unconfirmed_periods(partnership: Partnership) -> set[Period]:
    """The periods whose results are not yet confirmed: those due in any of the
    partnership's returns that the performance team has not signed off (still open,
    submitted, or returned for changes). Period keys differ by frequency ("2025-Q3",
    "2025-M10", "2025"), so the set serves indicators of every frequency."""
    pending = (
        Return.objects.filter(partnership=partnership)
        .exclude(status=Return.Status.SIGNED_OFF)
        .order_by()
        .values_list("round__period", flat=True)
    )
    return {
        period
        for quarter in pending
        for frequency in Frequency
        for period in due_periods(frequency, quarter)
    }


def published_results(partnership: Partnership):
    """The results the public may see, and a published annual report may show: those of
    signed-off returns, and those recorded outside any return (the history loaded when a
    partnership starts using Golden Thread has no return to wait for). A figure still
    being written or checked never leaves the partnership."""
    return Result.objects.filter(indicator__partnership=partnership).exclude(
        period__in=unconfirmed_periods(partnership)
    )


@dataclass
class DueResult:
    """One result the return asks for, with what it is measured against."""

    indicator: Indicator
    period: Period
    target: Target | None
    result: Result | None
    previous: Result | None
    last_year: Result | None
    corrective: CorrectiveAction | None

    @property
    def key(self) -> str:
        return f"{self.indicator.pk}_{self.period.key}"

    @property
    def rag(self) -> Rag:
        value = self.result.value if self.result else None
        return self.indicator.rag(
            value,
            self.target.value if self.target else None,
            self.target.upper if self.target else None,
        )

    @property
    def since_previous(self) -> Direction:
        return self._direction(self.previous)

    @property
    def since_last_year(self) -> Direction:
        return self._direction(self.last_year)

    def _direction(self, other: Result | None) -> Direction:
        band = None
        if self.indicator.polarity == Polarity.BAND and self.target:
            band = (
                self.target.value,
                self.target.upper if self.target.upper is not None else self.target.value,
            )
        return direction(
            current=self.result.value if self.result else None,
            previous=other.value if other else None,
            polarity=Polarity(self.indicator.polarity),
            band=band,
            decimals=self.indicator.decimals,
        )

    @property
    def is_reported(self) -> bool:
        return self.result is not None and (
            self.result.value is not None
            or (self.result.not_available and self.result.not_available_reason.strip())
        )


@dataclass
class DueAction:
    action: Action
    update: ActionUpdate | None


@dataclass
class DueRisk:
    risk: Risk
    review: RiskReview | None


@dataclass
class ReturnContents:
    ret: Return
    results: list[DueResult]
    actions: list[DueAction]
    risks: list[DueRisk]
    finance: Finance
    owners: dict[str, set[int]] = field(default_factory=dict)
    # Corrective actions of earlier quarters not yet closed: the return asks how each goes.
    corrective: list[AskedFor] = field(default_factory=list)


def current_approved_plan(partnership: Partnership) -> Plan | None:
    return partnership.plans.filter(status=Plan.Status.APPROVED).first()


def return_contents(ret: Return) -> ReturnContents:
    quarter = ret.period
    partnership = ret.partnership
    indicators = list(partnership.indicators.select_related("owner").order_by("code"))
    wanted: list[tuple[Indicator, Period]] = [
        (indicator, period)
        for indicator in indicators
        for period in due_periods(indicator.frequency, quarter)
    ]
    periods = {p for _, p in wanted}
    look_at = (
        periods | {p.previous() for p in periods} | {p.same_period_last_year() for p in periods}
    )
    ids = [i.pk for i in indicators]
    results = {
        (r.indicator_id, r.period): r
        for r in Result.objects.filter(indicator__in=ids, period__in=[p.key for p in look_at])
    }
    targets = {
        (t.indicator_id, t.period): t
        for t in Target.objects.filter(indicator__in=ids, period__in=[p.key for p in periods])
    }
    corrective = {
        (c.indicator_id, c.period): c for c in ret.corrective_actions.select_related("owner")
    }
    due = [
        DueResult(
            indicator=i,
            period=p,
            target=targets.get((i.pk, p)),
            result=results.get((i.pk, p)),
            previous=results.get((i.pk, p.previous())),
            last_year=results.get((i.pk, p.same_period_last_year())),
            corrective=corrective.get((i.pk, p)),
        )
        for i, p in wanted
    ]

    plan = current_approved_plan(partnership)
    actions = (
        list(
            Action.objects.filter(objective__plan=plan, state__in=OPEN_STATES)
            .select_related("owner", "objective", "lead_organisation")
            .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.filter(ret=ret)))
            .order_by("ref")
        )
        if plan
        else []
    )
    # A risk is due for review in a return when its review date falls on or before the
    # return's deadline, or when it was already reviewed in this return.
    risks = list(
        partnership.risks.filter(is_open=True)
        .filter(
            Q(review_date__lte=ret.deadline) | Q(review_date__isnull=True) | Q(reviews__ret=ret)
        )
        .distinct()
        .select_related("owner")
        .prefetch_related(Prefetch("reviews", queryset=RiskReview.objects.filter(ret=ret)))
        .order_by("ref")
    )
    year = quarter.year
    budget = Budget.objects.filter(partnership=partnership, year=year, action__isnull=True).first()
    spend = {
        s.period: s.amount
        for s in Spend.objects.filter(
            partnership=partnership,
            action__isnull=True,
            period__in=[Period(Frequency.QUARTERLY, year, n).key for n in range(1, 5)],
        )
    }
    return ReturnContents(
        ret=ret,
        results=due,
        actions=[DueAction(a, next(iter(a.updates.all()), None)) for a in actions],
        risks=[DueRisk(r, next(iter(r.reviews.all()), None)) for r in risks],
        finance=Finance(
            year=year,
            budget=budget.amount if budget else None,
            spend_by_quarter=spend,
            this_quarter=quarter,
        ),
        corrective=asked_in(ret),
    )


@dataclass
class Owed:
    """What one person still owes one return."""

    ret: Return
    results: list[tuple[Indicator, Period]]
    actions: list[Action]
    risks: list[Risk]

    @property
    def count(self) -> int:
        return len(self.results) + len(self.actions) + len(self.risks)


def what_i_owe(user: User) -> list[Owed]:
    """For each open return of the person's partnerships: results of indicators they own
    still to report, their open actions without an update in the return, and their risks
    due for review. Seven queries, however many partnerships and items."""
    returns = list(
        Return.objects.filter(
            partnership__memberships__person=user,
            status__in=[Return.Status.OPEN, Return.Status.RETURNED],
        ).select_related("round", "partnership")
    )
    if not returns:
        return []
    partnership_ids = {r.partnership_id for r in returns}
    indicators = list(
        Indicator.objects.filter(owner=user, partnership__in=partnership_ids).order_by("code")
    )
    due = {
        ret.pk: [
            (i, p)
            for i in indicators
            if i.partnership_id == ret.partnership_id
            for p in due_periods(i.frequency, ret.period)
        ]
        for ret in returns
    }
    keys = {p.key for pairs in due.values() for _, p in pairs}
    reported = {
        (r.indicator_id, r.period)
        for r in Result.objects.filter(indicator__in=indicators, period__in=keys)
        if r.value is not None or r.not_available
    }
    actions = list(
        Action.objects.filter(
            owner=user,
            state__in=OPEN_STATES,
            objective__plan__status=Plan.Status.APPROVED,
            objective__plan__partnership__in=partnership_ids,
        )
        .select_related("objective__plan")
        .order_by("ref")
    )
    updated = set(
        ActionUpdate.objects.filter(action__in=actions, ret__in=returns).values_list(
            "action_id", "ret_id"
        )
    )
    risks = list(
        Risk.objects.filter(owner=user, is_open=True, partnership__in=partnership_ids).order_by(
            "ref"
        )
    )
    reviewed = set(
        RiskReview.objects.filter(risk__in=risks, ret__in=returns).values_list("risk_id", "ret_id")
    )
    owed = []
    for ret in returns:
        item = Owed(
            ret=ret,
            results=[(i, p) for i, p in due[ret.pk] if (i.pk, p) not in reported],
            actions=[
                a
                for a in actions
                if a.objective.plan.partnership_id == ret.partnership_id
                and (a.pk, ret.pk) not in updated
            ],
            risks=[
                r
                for r in risks
                if r.partnership_id == ret.partnership_id
                and (r.review_date is None or r.review_date <= ret.deadline)
                and (r.pk, ret.pk) not in reviewed
            ],
        )
        if item.count:
            owed.append(item)
    return owed
