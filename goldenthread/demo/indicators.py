"""The demo's indicators and their numbers, written through the services as their owners
would write them: each indicator drafted into the partnership's first plan, its published
history loaded as past results (``core.services.history``), targets before the plan as past
targets, and the plan's own targets drafted into the plan, to go live when it is approved.

The targets are illustrative (``targets.py``); the results are the published values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from goldenthread.core.models import Indicator, Organisation, Plan, User
from goldenthread.core.services.history import (
    PastResult,
    periods_reported_in_returns,
    record_past_results,
    record_past_targets,
)
from goldenthread.core.services.plans import create_indicator, set_plan_targets, update_indicator
from goldenthread.rules import Period, Polarity, Rag, ToleranceKind, rag

from .catalogue import PLAN_FIRST_YEAR, PLAN_LAST_YEAR, IndicatorSpec
from .published import Skipped, read_series
from .targets import illustrative_targets


@dataclass
class Numbers:
    """What one indicator's load adds up to, for the command's report."""

    results: int = 0
    targets: int = 0
    latest_rag: Counter[Rag] = field(default_factory=Counter)


@dataclass(frozen=True)
class Series:
    """An indicator's published results and its illustrative targets, by period."""

    actuals: dict[Period, Decimal]
    targets: dict[Period, Decimal]
    commentary: str  # on the latest result, when it is amber or red
    latest_rag: Rag


def series_of(spec: IndicatorSpec, skipped: Skipped) -> Series:
    actuals = read_series(spec.series, skipped)
    targets = illustrative_targets(
        actuals,
        frequency=spec.series.frequency,
        polarity=spec.polarity,
        ambition=spec.ambition,
        decimals=spec.decimals,
        is_percentage=spec.is_percentage,
        plan_first_year=PLAN_FIRST_YEAR,
        plan_last_year=PLAN_LAST_YEAR,
    )
    latest = max(actuals)
    latest_rag = rag(
        actual=actuals[latest],
        target=targets.get(latest),
        polarity=Polarity(spec.polarity),
        tolerance=spec.tolerance,
        tolerance_kind=ToleranceKind.PERCENT,
    )
    commentary = spec.commentary if latest_rag in (Rag.RED, Rag.AMBER) else ""
    return Series(actuals, targets, commentary, latest_rag)


def _fields(
    spec: IndicatorSpec, series: Series, people: dict[str, User], orgs: dict[str, Organisation]
) -> dict:
    baseline_period = min(series.actuals)
    return {
        "code": spec.code,
        "title": spec.title,
        "definition": spec.definition,
        "unit": spec.unit,
        "decimals": spec.decimals,
        "polarity": spec.polarity.value,
        "frequency": spec.series.frequency.value,
        "roll_up": spec.roll_up,
        "baseline": series.actuals[baseline_period],
        "baseline_period": baseline_period,
        "data_source": spec.data_source,
        "owner": people[spec.owner],
        "owner_organisation": orgs[spec.owner_org],
        "tolerance_kind": ToleranceKind.PERCENT.value,
        "tolerance": spec.tolerance,
    }


def _past(series: Series, indicator: Indicator, plans: list[Plan]) -> tuple[dict, dict]:
    """The results no return reports, and the targets no plan sets."""
    returned = periods_reported_in_returns(indicator)
    latest = max(series.actuals)
    results = {
        period: PastResult(value, commentary=series.commentary if period == latest else "")
        for period, value in series.actuals.items()
        if period not in returned
    }
    targets = {
        period: (value, None)
        for period, value in series.targets.items()
        if not any(plan.covers(period) for plan in plans)
    }
    return results, targets


def draft_indicator(
    spec: IndicatorSpec,
    *,
    plan: Plan,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    skipped: Skipped,
    numbers: Numbers,
) -> Indicator:
    """A new indicator in the draft plan, drafted by its owner with its past and its
    targets for the plan's years."""
    owner = people[spec.owner]
    series = series_of(spec, skipped)
    indicator = create_indicator(
        plan=plan, objective=None, by=owner, **_fields(spec, series, people, orgs)
    )
    results, targets = _past(series, indicator, [plan])
    record_past_results(indicator=indicator, by=owner, results=results)
    record_past_targets(indicator=indicator, by=owner, targets=targets)
    planned = {p: (v, None) for p, v in series.targets.items() if plan.covers(p)}
    set_plan_targets(plan=plan, indicator=indicator, by=owner, targets=planned)
    _count(numbers, series)
    return indicator


def refresh_indicator(
    spec: IndicatorSpec,
    *,
    indicator: Indicator,
    lead: User,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    skipped: Skipped,
    numbers: Numbers,
) -> None:
    """An indicator loaded before: put back its definition, past results and past targets
    where they differ. The targets of its plans are the plans' own, changed by revising."""
    series = series_of(spec, skipped)
    wanted = _fields(spec, series, people, orgs)
    changed = {name: value for name, value in wanted.items() if not _same(indicator, name, value)}
    if changed:
        # As the lead: the owner in the catalogue may not be the owner recorded now.
        indicator = update_indicator(indicator=indicator, by=lead, **changed)
    owner = indicator.owner or lead
    results, targets = _past(series, indicator, list(indicator.partnership.plans.all()))
    record_past_results(indicator=indicator, by=owner, results=results)
    record_past_targets(indicator=indicator, by=owner, targets=targets)
    _count(numbers, series)


def _same(indicator: Indicator, name: str, value) -> bool:
    if name in ("owner", "owner_organisation"):
        # Compare ids, so checking costs no query.
        return getattr(indicator, f"{name}_id") == value.pk
    return getattr(indicator, name) == value


def _count(numbers: Numbers, series: Series) -> None:
    numbers.results += len(series.actuals)
    numbers.targets += len(series.targets)
    numbers.latest_rag[series.latest_rag] += 1
