"""Reads for finance: a partnership's budget and spend for a financial year, for the whole
partnership and for each action, with spend to date, variance and a straight-line forecast.

This module is the one place the finance arithmetic lives: the finance page, the summary
box on the partnership and return pages, and the return (core/monitoring.py) all use
``Finance``. Money is shown as councils write it: £12,345, with pence only when there are
some (£12,345.50).

Two ways of comparing spend with the budget, both said in plain words on the pages:
- to date: the spend so far against the budget for the quarters reported so far, taken as
  a quarter of the year's budget for each quarter with spend recorded (budget ÷ 4 ×
  quarters reported) — no profile of when the money is meant to go is kept;
- forecast: the year-end spend if the rest of the year goes at the average rate of the
  quarters reported so far (a straight line), against the whole year's budget.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from goldenthread.rules import Frequency, Period, year_label

from .models import Action, Budget, Partnership, Plan, Spend

PENNY = Decimal("0.01")
QUARTERS_IN_A_YEAR = 4
# Budget and Spend hold 14 digits, 2 of them pence.
TOO_MUCH = Decimal("1000000000000")


# --- Money in words ------------------------------------------------------------------------


def money(amount: Decimal | None) -> str:
    """£12,345, or £12,345.50 when there are pence; "−£500" below zero; "" for None."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount:,.2f}"


def plain_amount(amount: Decimal | None) -> str:
    """An amount as someone would type it into a form: 12500 or 12500.50."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(PENNY)
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def percent_of(part: Decimal, whole: Decimal | None) -> str:
    """How big `part` is against `whole`, in whole per cent: "3%", "less than 1%"; "" when
    there is nothing to compare with."""
    if not whole:
        return ""
    share = abs(part) / whole * 100
    if 0 < share < 1:
        return "less than 1%"
    return f"{share.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _over_or_under(difference: Decimal, base: Decimal, against: str) -> str:
    """ "£12,000 (3%) over the budget of £400,000"; "the same as …" when equal."""
    if difference == 0:
        return f"the same as {against}"
    share = percent_of(difference, base)
    share = f" ({share})" if share else ""
    side = "over" if difference > 0 else "under"
    return f"{money(abs(difference))}{share} {side} {against}"


def amount_problem(amount: Decimal, what: str, *, spend: bool = False) -> str | None:
    """What is wrong with an amount of money, in a sentence about `what` ("the 2025/26
    budget"), or None. Budgets and spend are never below zero: a refund is recorded by
    correcting the quarter's spend, whose old figure the history keeps."""
    what = what[:1].upper() + what[1:]
    if not amount.is_finite():
        return f"{what} must be an amount in pounds, like 12,500"
    if amount < 0:
        if spend:
            return (
                f"{what} must be £0 or more. To record a refund, lower the spend of the "
                "quarter it refunds: the history keeps the old figure"
            )
        return f"{what} must be £0 or more"
    # Size first: a number too long for the decimal context cannot even be rounded.
    if amount >= TOO_MUCH:
        return f"{what} must be less than {money(TOO_MUCH)}"
    if amount != amount.quantize(PENNY):
        return f"{what} can only have pounds and pence, like 12,500.50"
    return None


# --- One budget and its spend --------------------------------------------------------------


def year_quarters(year: int) -> list[Period]:
    """The four quarters of the financial year starting in `year` (2025 for 2025/26)."""
    return [Period(Frequency.QUARTERLY, year, n) for n in range(1, QUARTERS_IN_A_YEAR + 1)]


@dataclass
class Finance:
    """Budget and spend for one financial year — of the partnership, or of one action — as
    at `this_quarter`: spend recorded for later quarters is not counted "to date". None
    means the year has not started."""

    year: int
    budget: Decimal | None
    spend_by_quarter: dict[Period, Decimal]
    this_quarter: Period | None

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def quarters(self) -> list[Period]:
        return year_quarters(self.year)

    def _to_date(self) -> dict[Period, Decimal]:
        if self.this_quarter is None:
            return {}
        return {p: v for p, v in self.spend_by_quarter.items() if p <= self.this_quarter}

    @property
    def spent_to_date(self) -> Decimal:
        return sum(self._to_date().values(), Decimal(0))

    @property
    def quarters_reported(self) -> int:
        return len(self._to_date())

    @property
    def quarter_budget(self) -> Decimal | None:
        """A quarter of the year's budget: what the to-date comparison expects each
        quarter, there being no profile of when the money is meant to go."""
        if self.budget is None:
            return None
        return (self.budget / QUARTERS_IN_A_YEAR).quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def budget_to_date(self) -> Decimal | None:
        """budget ÷ 4 × quarters reported."""
        if self.budget is None:
            return None
        share = self.budget * self.quarters_reported / QUARTERS_IN_A_YEAR
        return share.quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def variance_to_date(self) -> Decimal | None:
        """Spent to date minus budget to date: above zero is an overspend."""
        if self.budget_to_date is None or not self.quarters_reported:
            return None
        return self.spent_to_date - self.budget_to_date

    @property
    def forecast(self) -> Decimal | None:
        """Year-end spend if the rest of the year goes at the average rate so far."""
        if not self.quarters_reported:
            return None
        average = self.spent_to_date / self.quarters_reported
        return (average * QUARTERS_IN_A_YEAR).quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def variance(self) -> Decimal | None:
        """Forecast minus budget: above zero is an overspend."""
        if self.budget is None or self.forecast is None:
            return None
        return self.forecast - self.budget

    @property
    def is_whole_year(self) -> bool:
        """Every quarter reported, so the forecast is what was spent."""
        return self.quarters_reported == QUARTERS_IN_A_YEAR

    @property
    def remaining(self) -> Decimal | None:
        """Budget left after the spend to date (below zero when overspent)."""
        if self.budget is None:
            return None
        return self.budget - self.spent_to_date

    # What the pages say, in plain words.

    @property
    def budget_text(self) -> str:
        return money(self.budget) if self.budget is not None else "Not set"

    @property
    def spent_to_date_text(self) -> str:
        n = self.quarters_reported
        if not n:
            return "No spend recorded yet"
        return f"{money(self.spent_to_date)} ({n} quarter{'s' if n != 1 else ''} reported)"

    @property
    def forecast_text(self) -> str:
        if self.forecast is None:
            return "No forecast until a quarter's spend is recorded"
        return money(self.forecast)

    @property
    def variance_to_date_text(self) -> str:
        """ "£10,000 (5%) over the £200,000 budgeted for 2 quarters"."""
        if self.variance_to_date is None:
            return "No budget set" if self.budget is None else "No spend recorded yet"
        n = self.quarters_reported
        against = f"the {money(self.budget_to_date)} budgeted for {n} quarter" + (
            "s" if n != 1 else ""
        )
        return _over_or_under(self.variance_to_date, self.budget_to_date, against)

    @property
    def variance_text(self) -> str:
        """ "£12,000 (3%) over the budget of £400,000"."""
        if self.variance is None:
            return "No budget set" if self.budget is None else "No forecast yet"
        return _over_or_under(self.variance, self.budget, f"the budget of {money(self.budget)}")

    @property
    def forecast_words(self) -> str:
        """ "Forecast year-end spend £412,000: £12,000 (3%) over the budget of £400,000."."""
        if self.forecast is None:
            return f"No spend is recorded for {self.year_label} yet, so there is no forecast."
        what = "Spend for the year" if self.is_whole_year else "Forecast year-end spend"
        if self.variance is None:
            return f"{what} {money(self.forecast)}. No budget is set for {self.year_label}."
        return f"{what} {money(self.forecast)}: {self.variance_text}."

    @property
    def to_date_words(self) -> str:
        """ "Spent to date £210,000: £10,000 (5%) over the £200,000 budgeted for 2
        quarters."."""
        if not self.quarters_reported:
            return f"No spend is recorded for {self.year_label} yet."
        if self.variance_to_date is None:
            return f"Spent to date {money(self.spent_to_date)}."
        return f"Spent to date {money(self.spent_to_date)}: {self.variance_to_date_text}."


def counted_up_to(year: int, today: datetime.date) -> Period | None:
    """The last quarter of the year whose spend counts "to date" on `today`: the quarter
    running today, the year's last for a past year, None for a year not yet started."""
    quarters = year_quarters(year)
    current = Period.containing(Frequency.QUARTERLY, today)
    if current < quarters[0]:
        return None
    return min(current, quarters[-1])


def started_quarters(year: int, today: datetime.date) -> list[Period]:
    """The quarters of the year that have started by `today`: spend can be recorded for
    those only."""
    return [q for q in year_quarters(year) if q.start <= today]


# --- A partnership's year ------------------------------------------------------------------


@dataclass
class ActionFinance:
    action: Action
    finance: Finance
    in_current_plan: bool


@dataclass
class FinanceSummary:
    """What `web/finance/summary.html` and the finance page show."""

    partnership: Partnership
    year: int
    up_to: Period | None
    total: Finance
    actions: list[ActionFinance]

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def quarters(self) -> list[Period]:
        return year_quarters(self.year)

    @property
    def has_figures(self) -> bool:
        return (
            self.total.budget is not None
            or bool(self.total.spend_by_quarter)
            or any(a.finance.budget is not None or a.finance.spend_by_quarter for a in self.actions)
        )

    @property
    def action_budgets(self) -> Decimal:
        return sum(
            (a.finance.budget for a in self.actions if a.finance.budget is not None), Decimal(0)
        )

    @property
    def unallocated(self) -> Decimal | None:
        """The partnership's budget not given to any action."""
        if self.total.budget is None:
            return None
        return self.total.budget - self.action_budgets


def _action_sort_key(row: ActionFinance) -> tuple:
    action = row.action
    digits = "".join(c for c in action.ref if c.isdigit())
    return (
        not row.in_current_plan,
        -action.objective.plan.version,
        action.objective.order,
        action.objective.ref,
        int(digits) if digits else 0,
        action.ref,
    )


def finance_summary(
    partnership: Partnership,
    year: int,
    today: datetime.date,
    *,
    up_to: Period | None = None,
) -> FinanceSummary:
    """The partnership's budget and spend for the financial year starting in `year`, for
    the whole partnership and for each action of its approved plan (and any other action
    with figures that year). Spend counts "to date" up to `up_to` — a return passes its
    own quarter — or else up to the quarter running on `today`. Three queries, whatever
    the number of actions."""
    quarters = year_quarters(year)
    if up_to is None:
        up_to = counted_up_to(year, today)
    budgets = list(Budget.objects.filter(partnership=partnership, year=year))
    spends = list(
        Spend.objects.filter(partnership=partnership, period__in=[q.key for q in quarters])
    )
    with_figures = {row.action_id for row in [*budgets, *spends]} - {None}
    actions = list(
        Action.objects.filter(objective__plan__partnership=partnership)
        .filter(Q(objective__plan__status=Plan.Status.APPROVED) | Q(pk__in=with_figures))
        .select_related("objective__plan")
    )
    budget_of = {b.action_id: b.amount for b in budgets}
    spend_of: dict[int | None, dict[Period, Decimal]] = {}
    for s in spends:
        spend_of.setdefault(s.action_id, {})[s.period] = s.amount

    def finance(action_id: int | None) -> Finance:
        return Finance(
            year=year,
            budget=budget_of.get(action_id),
            spend_by_quarter=dict(sorted(spend_of.get(action_id, {}).items())),
            this_quarter=up_to,
        )

    rows = [
        ActionFinance(
            action=a,
            finance=finance(a.pk),
            in_current_plan=a.objective.plan.status == Plan.Status.APPROVED,
        )
        for a in actions
    ]
    rows.sort(key=_action_sort_key)
    return FinanceSummary(
        partnership=partnership, year=year, up_to=up_to, total=finance(None), actions=rows
    )
