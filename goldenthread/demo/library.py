"""The demo's council indicator library (issue 16): one measure, the proportion of 16 and
17 year olds not in education, employment or training or whose activity is not known,
defined once by the performance team with its published figures for Trafford (DfE, via
Trafford Data Lab), and used by two partnerships' plans, each with its own targets, so
the library indicator's page shows the golden thread across partnerships: one result, a
different RAG in each plan.

The targets are illustrative; the results are the published values."""

from __future__ import annotations

import datetime
from decimal import Decimal

from goldenthread.core.models import LibraryIndicator, Objective, Plan, User
from goldenthread.core.services.history import record_past_targets
from goldenthread.core.services.library import (
    LibraryResultInput,
    create_library_indicator,
    record_library_results,
    use_library_indicator,
)
from goldenthread.core.services.plans import set_plan_targets, update_indicator
from goldenthread.rules import Frequency

from .catalogue import OGL
from .published import Series, Skipped, read_series

CODE = "NEET2"
DEFINITION = {
    "code": CODE,
    "title": "16 and 17 year olds NEET or whose activity is not known",
    "definition": "The proportion of academic age 16 and 17 year olds not in education, "
    "employment or training, or whose activity is not known.",
    "source": "NEET and participation: local authority figures, DfE." + OGL,
    "metric_reference": "LG Inform metric 9612",
    "unit": "%",
    "decimals": 1,
    "polarity": "lower",
    "frequency": Frequency.ANNUAL.value,
    "roll_up": "latest",
}
SERIES = Series(
    file="children/neet.csv",
    indicator="Not in education, employment or training (NEET)(inc not know)(16-17 years old)",
    frequency=Frequency.ANNUAL,
)
# partnership key: (objective, its code for the indicator, its target each year). The
# children's partnership aims lower than the economic partnership, so the same result
# is off track for one and on track for the other.
USES = {
    "children_and_young_people": ("O2", "CY-NEET", Decimal("3.5")),
    "economic_growth": ("O1", "EG-NEET", Decimal("4.5")),
}


def load_library(*, performance: User, today: datetime.date) -> None:
    """The library indicator and its results, entered once by its owner (the performance
    team). Loading again writes nothing that is already so. The rows it skips are the
    partnership indicator's to report (CS04 reads the same series), so not counted here."""
    library = LibraryIndicator.objects.filter(code=CODE).first()
    if library is None:
        library = create_library_indicator(
            by=performance,
            owner=performance,
            owner_organisation=performance.organisation,
            **DEFINITION,
        )
    results = {
        period: LibraryResultInput(value=value)
        for period, value in read_series(SERIES, Skipped()).items()
        if period.end < today
    }
    record_library_results(library_indicator=library, by=performance, results=results)


def use_in_plan(key: str, *, plan: Plan, objectives: dict[str, Objective], lead: User) -> None:
    """A partnership's first plan, still a draft, starts using the library indicator."""
    if key not in USES:
        return
    ref, code, target = USES[key]
    indicator = use_library_indicator(
        plan=plan,
        objective=objectives[ref],
        library_indicator=LibraryIndicator.objects.get(code=CODE),
        by=lead,
        code=code,
        owner=lead,
        owner_organisation=lead.organisation,
    )
    # Like every demo indicator: its first result is its baseline, and the years before
    # the plan have targets too (the same, illustrative), so every result has a RAG.
    results = sorted(indicator.results.all(), key=lambda r: r.period)
    if results:
        update_indicator(
            indicator=indicator,
            by=lead,
            baseline=results[0].value,
            baseline_period=results[0].period,
        )
    past = {r.period: (target, None) for r in results if not plan.covers(r.period)}
    record_past_targets(indicator=indicator, by=lead, targets=past)
    targets = {period: (target, None) for period in plan.periods(Frequency.ANNUAL)}
    set_plan_targets(plan=plan, indicator=indicator, by=lead, targets=targets)
