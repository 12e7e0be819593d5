"""Illustrative budgets and spend for the demo partnerships: a budget for each year of the
plan (2024/25 to 2026/27), budgets for two of each plan's actions, and spend for every
quarter that has ended by the day of loading. The amounts are made up, and follow a
pattern so that some partnerships run over budget and some under (each partnership's
first budget and lean are in its catalogue file).

Written as the lead link officer fills in the finance page: a year at a time through
``save_year_finance``, which writes only what differs, so a second load on the same day
writes nothing (a later day adds the quarters ended since).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.core.models import Action, Partnership, User
from goldenthread.core.services.finance import save_year_finance
from goldenthread.rules import ActionState, Frequency, Period

from .catalogue import PLAN_FIRST_YEAR, PLAN_LAST_YEAR, PartnershipSpec

# Later years' budgets grow by GROWTH.
GROWTH = Decimal("1.03")
# Spend in each quarter as a share of a quarter of the year's budget: a slow start and a
# busy last quarter, as public bodies' spending often goes; each partnership's lean tips
# it over or under budget.
QUARTER_PATTERN = (Decimal("0.82"), Decimal("0.97"), Decimal("1.04"), Decimal("1.12"))
# The first two actions (not cancelled) of each plan get these shares of the budget.
ACTION_SHARES = (Decimal("0.15"), Decimal("0.10"))
# Years differ a little, so the chart is not the same every year.
YEAR_DRIFT = {2024: Decimal("0.98"), 2025: Decimal("1.02"), 2026: Decimal("0.99")}


def _pounds(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def load_finance(
    spec: PartnershipSpec, partnership: Partnership, *, lead: User, today: datetime.date
) -> None:
    actions = list(
        Action.objects.filter(objective__plan__partnership=partnership, objective__plan__version=1)
        .exclude(state=ActionState.CANCELLED)
        .order_by("objective__order", "ref")[: len(ACTION_SHARES)]
    )
    shares = list(zip(actions, ACTION_SHARES, strict=False))
    for year in range(PLAN_FIRST_YEAR, PLAN_LAST_YEAR + 1):
        budget = _pounds(Decimal(spec.first_budget) * GROWTH ** (year - PLAN_FIRST_YEAR) / 1000)
        budget *= 1000
        budgets: dict[int | None, Decimal] = {None: budget}
        budgets |= {action.pk: _pounds(budget * share) for action, share in shares}
        spends: dict[tuple[Period, int | None], Decimal] = {}
        for number, pattern in enumerate(QUARTER_PATTERN, start=1):
            quarter = Period(Frequency.QUARTERLY, year, number)
            if quarter.end >= today:
                continue  # only quarters that have ended
            spend = _pounds(budget / 4 * pattern * spec.lean * YEAR_DRIFT[year])
            spends[(quarter, None)] = spend
            for action, share in shares:
                spends[(quarter, action.pk)] = _pounds(spend * share * pattern)
        save_year_finance(
            partnership=partnership, year=year, budgets=budgets, spends=spends, by=lead
        )
