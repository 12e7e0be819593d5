"""How each indicator did over its latest periods: red in two review periods running asks
for an improvement plan (the trigger, and the banner that shows it until the plan is
closed); improving, or turning green, is a success to celebrate (the highlights). Both read
the same values and targets, so they live together.

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
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from goldenthread.rules import ActionState, Frequency, Period, Polarity, Rag

from .access import Need, allows
from .models import (
    Action,
    ImprovementPlan,
    Indicator,
    Partnership,
    Plan,
    Result,
    Target,
    User,
)

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
    # Neither higher nor lower is better (a context measure): a change, never an improvement.
    if polarity in (Polarity.BAND, Polarity.NEITHER):
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
