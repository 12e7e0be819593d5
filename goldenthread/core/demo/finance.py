"""Illustrative budgets and spend for the demo partnerships: a budget for each year of the
plan (2024/25 to 2026/27), budgets for two of each plan's actions, and spend for every
quarter that has ended by the day of loading. The amounts are made up, and follow a
pattern per partnership so that some run over budget and some under.

Written like the rest of the demo: found by natural key, saved only when different, so a
second load on the same day writes nothing (a later day adds the quarters ended since).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.core.models import Action, Budget, Partnership, Spend
from goldenthread.rules import ActionState, Frequency, Period

from .world import PLAN_FIRST_YEAR, PLAN_LAST_YEAR

# The partnership's budget in the plan's first year, in pounds; later years grow by GROWTH.
FIRST_BUDGET = {
    "Community Safety Partnership": 400_000,
    "Health and Wellbeing Board": 650_000,
    "Children and Young People's Partnership": 520_000,
    "Climate Emergency Partnership": 300_000,
    "Economic Growth Partnership": 750_000,
}
GROWTH = Decimal("1.03")
# Spend in each quarter as a share of a quarter of the year's budget, by partnership: a slow
# start and a busy last quarter, as public bodies' spending often goes, with a lean per
# partnership so that some end over budget and some under.
QUARTER_PATTERN = (Decimal("0.82"), Decimal("0.97"), Decimal("1.04"), Decimal("1.12"))
LEAN = {
    "Community Safety Partnership": Decimal("1.04"),
    "Health and Wellbeing Board": Decimal("0.93"),
    "Children and Young People's Partnership": Decimal("1.00"),
    "Climate Emergency Partnership": Decimal("1.09"),
    "Economic Growth Partnership": Decimal("0.88"),
}
# The first two actions (not cancelled) of each plan get these shares of the budget.
ACTION_SHARES = (Decimal("0.15"), Decimal("0.10"))
# Years differ a little, so the chart is not the same every year.
YEAR_DRIFT = {2024: Decimal("0.98"), 2025: Decimal("1.02"), 2026: Decimal("0.99")}


def _pounds(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _put(model: type[Budget] | type[Spend], keys: dict, amount: Decimal) -> None:
    row = model.objects.filter(**keys).first()
    if row is None:
        model.objects.create(**keys, amount=amount)
    elif row.amount != amount:
        row.amount = amount
        row.save(update_fields=["amount"])


def load_finance(partnership: Partnership, today: datetime.date) -> None:
    first = FIRST_BUDGET.get(partnership.name)
    if first is None:
        return
    lean = LEAN[partnership.name]
    actions = list(
        Action.objects.filter(objective__plan__partnership=partnership, objective__plan__version=1)
        .exclude(state=ActionState.CANCELLED)
        .order_by("objective__order", "ref")[: len(ACTION_SHARES)]
    )
    for year in range(PLAN_FIRST_YEAR, PLAN_LAST_YEAR + 1):
        budget = _pounds(Decimal(first) * GROWTH ** (year - PLAN_FIRST_YEAR) / 1000) * 1000
        _put(Budget, {"partnership": partnership, "year": year, "action": None}, budget)
        for action, share in zip(actions, ACTION_SHARES, strict=False):
            key = {"partnership": partnership, "year": year, "action": action}
            _put(Budget, key, _pounds(budget * share))
        for number, pattern in enumerate(QUARTER_PATTERN, start=1):
            quarter = Period(Frequency.QUARTERLY, year, number)
            if quarter.end >= today:
                continue  # only quarters that have ended
            spend = _pounds(budget / 4 * pattern * lean * YEAR_DRIFT[year])
            _put(Spend, {"partnership": partnership, "period": quarter, "action": None}, spend)
            for action, share in zip(actions, ACTION_SHARES, strict=False):
                key = {"partnership": partnership, "period": quarter, "action": action}
                _put(Spend, key, _pounds(spend * share * pattern))
