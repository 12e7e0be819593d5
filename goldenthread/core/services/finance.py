"""Writes for finance: a partnership's (or an action's) budget for a financial year, and
what was spent in a quarter. Only the partnership's leads set budgets and record spend;
the performance team and everyone else in the partnership reads them.

Budgets and spend are never below zero. A refund is recorded by correcting the spend of
the quarter it refunds — the history keeps who changed it, when, and the old figure — so
no quarter shows a negative spend that nobody can explain. An amount of None removes the
budget or the spend (recorded in the history too). Writing the amount already there
changes nothing and writes no history.

The partnership's figures are its totals: its actions' budgets for a year fit within its
budget for the year, and what was spent on its actions in a quarter within its spend that
quarter (which must be recorded once anything was spent on an action). Every write here
checks the totals as they will stand after it; a refusal names the box of the finance
form it concerns (`budget_key`, `spend_key`).
"""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from goldenthread.core.access import Need, require
from goldenthread.core.finance import amount_problem, money
from goldenthread.core.models import Action, Budget, Partnership, Spend, User
from goldenthread.rules import Frequency, Period, year_label

from . import delete_audited, financial_year, save_audited

REFUSAL = "Only the partnership's lead link officer or leads set budgets and record spend."


def budget_key(action_id: int | None = None) -> str:
    """The name of the finance form's box for a budget: the partnership's, or an action's."""
    return "budget" if action_id is None else f"budget_a{action_id}"


def spend_key(period: Period, action_id: int | None = None) -> str:
    """The name of the finance form's box for a quarter's spend."""
    return f"spend_{period.key}" + ("" if action_id is None else f"_a{action_id}")


def _check_quarter(period: Period) -> None:
    if not isinstance(period, Period) or period.frequency is not Frequency.QUARTERLY:
        shown = period.label if isinstance(period, Period) else repr(period)
        raise ValidationError(
            {
                "period": f"Spend is recorded by quarter: {shown} is not one. "
                "Use one like 2025/26 Q3."
            }
        )


def _check_amount(amount: Decimal | int | None, what: str, *, spend: bool = False) -> None:
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise ValidationError({"amount": f"Enter {what} as an amount in pounds, like 12,500"})
    problem = amount_problem(Decimal(amount), what, spend=spend)
    if problem:
        raise ValidationError({"amount": problem})


def _actions_of(partnership: Partnership, ids: set[int]) -> dict[int, Action]:
    """The partnership's actions among `ids` (of any version of its plans); an action of
    another partnership is refused."""
    if not ids:
        return {}
    found = {
        a.pk: a for a in Action.objects.filter(pk__in=ids, objective__plan__partnership=partnership)
    }
    if set(found) != ids:
        raise ValidationError({"action": "That action is not in any of this partnership's plans."})
    return found


def _whose(action: Action | None) -> str:
    return f" for {action.ref}" if action is not None else ""


def _totals_problems(
    partnership: Partnership,
    year: int,
    budgets: Mapping[int | None, Decimal | None],
    spends: Mapping[tuple[Period, int | None], Decimal | None],
) -> dict[str, str]:
    """What the partnership's totals would break once `budgets` (by action id, None for
    the partnership's own) and `spends` (by quarter and action id) are written over what is
    stored: by the form box each problem is shown beside. Only the year's budgets, when any
    budget changes, and only the quarters whose spend changes, are checked."""
    problems = {}
    if budgets:
        stored = dict(
            Budget.objects.filter(partnership=partnership, year=year).values_list(
                "action_id", "amount"
            )
        )
        after = {**stored, **budgets}
        budget = after.pop(None, None)
        on_actions = sum((a for a in after.values() if a is not None), Decimal(0))
        if budget is not None and on_actions > budget:
            problems[budget_key()] = (
                f"The actions' budgets add up to {money(on_actions)}, more than the "
                f"partnership's {year_label(year)} budget of {money(budget)}: the "
                "partnership's budget includes them"
            )
    quarters = sorted({period for period, _ in spends})
    if quarters:
        stored_spends = {
            (s.period, s.action_id): s.amount
            for s in Spend.objects.filter(
                partnership=partnership, period__in=[q.key for q in quarters]
            )
        }
        after = {**stored_spends, **spends}
        for q in quarters:
            given = [
                amount
                for (period, action_id), amount in after.items()
                if period == q and action_id is not None and amount is not None
            ]
            if not given:
                continue
            total = after.get((q, None))
            spent_on_actions = sum(given, Decimal(0))
            if total is None:
                problems[spend_key(q)] = (
                    f"Enter the partnership's total {q.label} spend: it includes the "
                    f"{money(spent_on_actions)} spent on actions"
                )
            elif spent_on_actions > total:
                problems[spend_key(q)] = (
                    f"The partnership's total {q.label} spend of {money(total)} is less than "
                    f"the {money(spent_on_actions)} spent on its actions: the total includes "
                    "them"
                )
    return problems


def _check_totals(problems: Mapping[str, str], *, key: str | None = None) -> None:
    """Refuse on the totals' problems, each by its form box, or all by `key` when the
    caller writes one figure and has no form of boxes."""
    if not problems:
        return
    if key is None:
        raise ValidationError(dict(problems))
    raise ValidationError({key: list(problems.values())})


def _id(action: Action | None) -> int | None:
    return action.pk if action is not None else None


def _pounds(amount: Decimal | int | None) -> Decimal | None:
    """The amount as it will be stored: to the penny."""
    return None if amount is None else Decimal(amount).quantize(Decimal("0.01"))


def _write(
    model: type[Budget] | type[Spend],
    existing: Budget | Spend | None,
    keys: dict,
    amount: Decimal | None,
    *,
    by: User,
    reason: str,
) -> tuple[Model | None, bool]:
    """Create, change or remove one row; nothing at all when the amount is unchanged.
    Returns the row (None once removed) and whether anything was written."""
    if amount is None:
        if existing is None:
            return None, False
        delete_audited(existing, by=by, reason=f"{reason} removed")
        return None, True
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if existing is None:
        return save_audited(model(**keys, amount=amount), by=by, reason=reason), True
    if existing.amount == amount:
        return existing, False
    was = existing.amount
    existing.amount = amount
    return save_audited(existing, by=by, reason=f"{reason} changed from {money(was)}"), True


@transaction.atomic
def set_budget(
    *,
    partnership: Partnership,
    year: int,
    amount: Decimal | None,
    action: Action | None = None,
    by: User,
) -> Budget | None:
    """The budget for the financial year starting in `year` (2025 for 2025/26), for the
    partnership or, given `action`, for one of its actions. None removes it."""
    require(by, partnership, Need.LEAD, refusal=REFUSAL)
    financial_year(year)
    what = f"the {year_label(year)} budget{_whose(action)}"
    _check_amount(amount, what)
    if action is not None:
        action = _actions_of(partnership, {action.pk})[action.pk]
    _check_totals(
        _totals_problems(partnership, year, {_id(action): _pounds(amount)}, {}), key="amount"
    )
    existing = Budget.objects.filter(partnership=partnership, year=year, action=action).first()
    row, _ = _write(
        Budget,
        existing,
        {"partnership": partnership, "year": year, "action": action},
        amount,
        by=by,
        reason=f"Budget for {year_label(year)}{_whose(action)}",
    )
    return row


@transaction.atomic
def record_spend(
    *,
    partnership: Partnership,
    period: Period,
    amount: Decimal | None,
    action: Action | None = None,
    by: User,
) -> Spend | None:
    """What was spent in the quarter `period`, by the partnership as a whole or, given
    `action`, on one of its actions. None removes it."""
    require(by, partnership, Need.LEAD, refusal=REFUSAL)
    _check_quarter(period)
    what = f"the {period.label} spend{_whose(action)}"
    _check_amount(amount, what, spend=True)
    if action is not None:
        action = _actions_of(partnership, {action.pk})[action.pk]
    _check_totals(
        _totals_problems(partnership, period.year, {}, {(period, _id(action)): _pounds(amount)}),
        key="amount",
    )
    existing = Spend.objects.filter(partnership=partnership, period=period, action=action).first()
    row, _ = _write(
        Spend,
        existing,
        {"partnership": partnership, "period": period, "action": action},
        amount,
        by=by,
        reason=f"Spend for {period.label}{_whose(action)}",
    )
    return row


@transaction.atomic
def save_year_finance(
    *,
    partnership: Partnership,
    year: int,
    budgets: Mapping[int | None, Decimal | None],
    spends: Mapping[tuple[Period, int | None], Decimal | None],
    by: User,
) -> int:
    """Everything on the finance form in one go, all or nothing: `budgets` by action id
    (None for the partnership's own), `spends` by (quarter, action id). Every quarter must
    belong to the year. Returns how many budgets and spends changed."""
    require(by, partnership, Need.LEAD, refusal=REFUSAL)
    financial_year(year)
    label = year_label(year)
    for period, _ in spends:
        _check_quarter(period)
        if period.year != year:
            raise ValidationError(
                {"period": f"{period.label} is not in {label}: record its spend in its own year."}
            )
    ids = {i for i in budgets if i is not None} | {i for _, i in spends if i is not None}
    actions = _actions_of(partnership, ids)
    for action_id, amount in budgets.items():
        _check_amount(amount, f"the {label} budget{_whose(actions.get(action_id))}")
    for (period, action_id), amount in spends.items():
        what = f"the {period.label} spend{_whose(actions.get(action_id))}"
        _check_amount(amount, what, spend=True)
    _check_totals(
        _totals_problems(
            partnership,
            year,
            {a: _pounds(amount) for a, amount in budgets.items()},
            {key: _pounds(amount) for key, amount in spends.items()},
        )
    )

    old_budgets = {
        b.action_id: b for b in Budget.objects.filter(partnership=partnership, year=year)
    }
    old_spends = {
        (s.period, s.action_id): s
        for s in Spend.objects.filter(
            partnership=partnership, period__in=[p.key for p, _ in spends]
        )
    }
    changed = 0
    for action_id, amount in budgets.items():
        action = actions.get(action_id)
        _, wrote = _write(
            Budget,
            old_budgets.get(action_id),
            {"partnership": partnership, "year": year, "action": action},
            amount,
            by=by,
            reason=f"Budget for {label}{_whose(action)}",
        )
        changed += wrote
    for (period, action_id), amount in spends.items():
        action = actions.get(action_id)
        _, wrote = _write(
            Spend,
            old_spends.get((period, action_id)),
            {"partnership": partnership, "period": period, "action": action},
            amount,
            by=by,
            reason=f"Spend for {period.label}{_whose(action)}",
        )
        changed += wrote
    return changed


__all__ = ["budget_key", "record_spend", "save_year_finance", "set_budget", "spend_key"]
