"""The finance services without HTTP: budgets and spend written with history, bad figures
refused, all or nothing, and the partnership's totals kept whatever writes the figures
(the finance form, the return page, an import or the API): its actions' budgets within its
budget, and a quarter's spend on actions within its spend that quarter. Each refusal names
the finance form's box it concerns.

The partnership's 2025/26 budget is £400,000, £60,000 of it for A1; it spent £100,000 in
Q1 (£10,000 of it on A1) and £106,000 in Q2 (money_world, in tests/conftest.py).
"""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.models import Action, Budget, Objective, Spend
from goldenthread.core.services.finance import (
    budget_key,
    record_spend,
    save_year_finance,
    set_budget,
    spend_key,
)
from goldenthread.rules import ActionState, Period

Q1, Q2, Q3 = (Period.parse(f"2025/26 Q{n}") for n in range(1, 4))


def figures() -> set[tuple]:
    return {
        *Budget.objects.values_list("year", "action_id", "amount"),
        *Spend.objects.values_list("period", "action_id", "amount"),
    }


def test_the_services_write_with_history_and_refuse_what_is_wrong(money_world):
    w = money_world
    budget = set_budget(partnership=w.partnership, year=2026, amount=Decimal("5"), by=w.lead)
    assert budget.history.first().history_user == w.lead
    spend = record_spend(partnership=w.partnership, period=Q3, amount=Decimal("7.5"), by=w.lead)
    assert spend.amount == Decimal("7.50")
    assert spend.history.first().history_change_reason == "Spend for 2025/26 Q3"
    # The same amount again writes nothing.
    record_spend(partnership=w.partnership, period=Q3, amount=Decimal("7.50"), by=w.lead)
    assert spend.history.count() == 1
    # None removes.
    assert record_spend(partnership=w.partnership, period=Q3, amount=None, by=w.lead) is None
    assert not Spend.objects.filter(period=Q3).exists()

    with pytest.raises(PermissionDenied):
        set_budget(partnership=w.partnership, year=2025, amount=Decimal("1"), by=w.member)
    with pytest.raises(PermissionDenied):
        record_spend(partnership=w.partnership, period=Q3, amount=Decimal(1), by=w.performance)
    with pytest.raises(ValidationError, match=re.escape("not one. Use one like 2025/26 Q3")):
        record_spend(partnership=w.partnership, period=Period.parse("2025/26"), amount=1, by=w.lead)
    with pytest.raises(ValidationError, match=re.escape("must be £0 or more. To record a refund")):
        record_spend(partnership=w.partnership, period=Q3, amount=Decimal(-1), by=w.lead)
    with pytest.raises(ValidationError, match="must be £0 or more"):
        set_budget(partnership=w.partnership, year=2025, amount=Decimal(-1), by=w.lead)
    with pytest.raises(ValidationError, match="Enter the 2025/26 budget as an amount"):
        set_budget(partnership=w.partnership, year=2025, amount="12", by=w.lead)
    with pytest.raises(ValidationError, match="year"):
        set_budget(partnership=w.partnership, year=12, amount=Decimal(1), by=w.lead)

    other_objective = Objective.objects.get(plan__partnership=w.other)
    theirs = Action.objects.create(
        objective=other_objective, ref="A9", title="Theirs", state=ActionState.ON_TRACK
    )
    with pytest.raises(ValidationError, match="not in any of this partnership's plans"):
        set_budget(
            partnership=w.partnership, year=2025, amount=Decimal(1), action=theirs, by=w.lead
        )
    with pytest.raises(ValidationError, match="not in any of this partnership's plans"):
        record_spend(
            partnership=w.partnership, period=Q1, amount=Decimal(1), action=theirs, by=w.lead
        )


def test_saving_the_year_is_all_or_nothing(money_world):
    w = money_world
    with pytest.raises(ValidationError, match="2026/27 Q1 is not in 2025/26"):
        save_year_finance(
            partnership=w.partnership,
            year=2025,
            budgets={None: Decimal("1")},
            spends={(Q3, None): Decimal("2"), (Period.parse("2026/27 Q1"), None): Decimal("3")},
            by=w.lead,
        )
    assert Budget.objects.get(action=None, year=2025).amount == 400000
    assert not Spend.objects.filter(period=Q3).exists()


def test_the_year_is_checked_once_for_every_service(money_world):
    w = money_world
    with pytest.raises(ValidationError) as refused:
        save_year_finance(partnership=w.partnership, year=2100, budgets={}, spends={}, by=w.lead)
    assert refused.value.message_dict == {"year": ["Enter a year from 1990 to 2099"]}


# --- The partnership's totals --------------------------------------------------------------


def year(w, **changes) -> int:
    """save_year_finance with the year's figures as they stand, changed by `changes`:
    budget=… or a1_budget=…, and q1=…, q1_a1=… for spend."""
    a = w.action.pk
    budgets = {None: Decimal("400000"), a: Decimal("60000")}
    spends = {(Q1, None): Decimal("100000"), (Q2, None): Decimal("106000"), (Q1, a): Decimal(10000)}
    for name, amount in changes.items():
        if name == "budget":
            budgets[None] = amount
        elif name == "a1_budget":
            budgets[a] = amount
        else:
            quarter, _, action = name.partition("_")
            spends[(Q1 if quarter == "q1" else Q3, a if action else None)] = amount
    return save_year_finance(
        partnership=w.partnership, year=2025, budgets=budgets, spends=spends, by=w.lead
    )


def test_the_actions_budgets_fit_in_the_partnerships(money_world):
    before = figures()
    with pytest.raises(ValidationError) as refused:
        year(money_world, a1_budget=Decimal("500000"))
    assert refused.value.message_dict == {
        budget_key(): [
            "The actions' budgets add up to £500,000, more than the partnership's 2025/26 "
            "budget of £400,000: the partnership's budget includes them"
        ]
    }
    assert figures() == before
    # Lowering the partnership's budget below its actions' is the same problem.
    with pytest.raises(ValidationError, match="add up to £60,000, more than"):
        year(money_world, budget=Decimal("50000"))
    assert year(money_world, a1_budget=Decimal("400000")) == 1


def test_spend_on_actions_needs_the_partnerships_total(money_world):
    before = figures()
    with pytest.raises(ValidationError) as refused:
        year(money_world, q3_a1=Decimal("700"))
    assert refused.value.message_dict == {
        spend_key(Q3): [
            "Enter the partnership's total 2025/26 Q3 spend: it includes the £700 spent on actions"
        ]
    }
    with pytest.raises(ValidationError) as refused:
        year(money_world, q1_a1=Decimal("100001"))
    assert refused.value.message_dict == {
        spend_key(Q1): [
            "The partnership's total 2025/26 Q1 spend of £100,000 is less than the £100,001 "
            "spent on its actions: the total includes them"
        ]
    }
    assert figures() == before
    assert year(money_world, q3=Decimal("700"), q3_a1=Decimal("700")) == 2


def test_one_figure_at_a_time_keeps_the_totals_too(money_world):
    """What the return page and any other caller write, one figure at a time."""
    w = money_world
    before = figures()
    with pytest.raises(ValidationError, match="add up to £500,000, more than"):
        set_budget(
            partnership=w.partnership, year=2025, amount=Decimal(500000), action=w.action, by=w.lead
        )
    with pytest.raises(ValidationError, match="add up to £60,000, more than"):
        set_budget(partnership=w.partnership, year=2025, amount=Decimal(1), by=w.lead)
    with pytest.raises(ValidationError, match="Enter the partnership's total 2025/26 Q3 spend"):
        record_spend(
            partnership=w.partnership, period=Q3, amount=Decimal(1), action=w.action, by=w.lead
        )
    with pytest.raises(ValidationError, match="Q1 spend of £9,000 is less than the £10,000"):
        record_spend(partnership=w.partnership, period=Q1, amount=Decimal(9000), by=w.lead)
    with pytest.raises(ValidationError, match="Enter the partnership's total 2025/26 Q1 spend"):
        record_spend(partnership=w.partnership, period=Q1, amount=None, by=w.lead)
    assert figures() == before
    # Without a budget for the partnership as a whole, its actions' budgets are not limited.
    set_budget(partnership=w.partnership, year=2025, amount=None, by=w.lead)
    set_budget(
        partnership=w.partnership, year=2025, amount=Decimal(900000), action=w.action, by=w.lead
    )
