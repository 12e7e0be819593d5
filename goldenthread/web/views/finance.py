"""Finance: a partnership's budget against its spend by quarter for a financial year, with
variance and a straight-line forecast (everyone in the partnership and the performance
team), and the one form where a lead sets the year's budgets and records its spend.

The summary box (web/finance/summary.html) shown on the partnership and return pages
takes a `core.finance.FinanceSummary`:

    {% include "web/finance/summary.html" with finance=finance %}

with `finance = finance_summary(partnership, year, today)` in the view (a return passes
`up_to=ret.period`); `summary_for(partnership)` below builds it for the current year.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import Need, allows, get_partnership_for_user
from goldenthread.core.charts.finance import spend_chart
from goldenthread.core.finance import (
    Finance,
    FinanceSummary,
    amount_problem,
    finance_summary,
    money,
    plain_amount,
    started_quarters,
)
from goldenthread.core.models import Partnership, Plan
from goldenthread.core.services.finance import budget_key, save_year_finance, spend_key
from goldenthread.rules import Frequency, Period, PeriodError, financial_year_of, year_label
from goldenthread.rules.inputs import FIRST_YEAR, LAST_YEAR, NumberError, read_number
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted


def chosen_year(request: HttpRequest, today: datetime.date) -> int:
    """?year=2025 (or 2025/26); the current financial year when missing or unreadable."""
    text = request.GET.get("year", "").strip()
    year = None
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
    elif text:
        try:
            period = Period.parse(text)
        except PeriodError:
            period = None
        if period is not None and period.frequency is Frequency.ANNUAL:
            year = period.year
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return financial_year_of(today)
    return year


def summary_for(partnership: Partnership, today: datetime.date | None = None) -> FinanceSummary:
    """The summary box's `finance` for the current financial year."""
    today = today or timezone.localdate()
    return finance_summary(partnership, financial_year_of(today), today)


def finance_url(partnership_id: int, year: int) -> str:
    return f"{reverse('finance', args=[partnership_id])}?year={year}"


# --- The page ------------------------------------------------------------------------------


@dataclass
class QuarterRow:
    period: Period
    budget: str
    spend: str
    difference: str


@dataclass
class ActionRow:
    ref: str
    title: str
    note: str
    budget: str
    spends: list[str]
    spent_to_date: str
    remaining: str


def _difference(spend: Decimal | None, budget: Decimal | None) -> str:
    if spend is None or budget is None:
        return "–"
    if spend == budget:
        return "On budget"
    return f"{money(abs(spend - budget))} {'over' if spend > budget else 'under'}"


def quarter_rows(total: Finance, today: datetime.date) -> list[QuarterRow]:
    rows = []
    for q in total.quarters:
        spend = total.spend_by_quarter.get(q)
        if spend is not None:
            shown = money(spend)
        elif q.start > today:
            shown = "Not started"
        else:
            shown = "Not recorded"
        rows.append(
            QuarterRow(
                period=q,
                budget=money(total.quarter_budget) or "–",
                spend=shown,
                difference=_difference(spend, total.quarter_budget),
            )
        )
    return rows


def action_rows(summary: FinanceSummary) -> list[ActionRow]:
    rows = []
    for item in summary.actions:
        f, action = item.finance, item.action
        if f.remaining is None:
            remaining = "–"
        elif f.remaining < 0:
            remaining = f"{money(-f.remaining)} over budget"
        else:
            remaining = money(f.remaining)
        rows.append(
            ActionRow(
                ref=action.ref,
                title=action.title,
                note=""
                if item.in_current_plan
                else f"(plan version {action.objective.plan.version})",
                budget=money(f.budget) or "–",
                spends=[money(f.spend_by_quarter.get(q)) or "–" for q in f.quarters],
                spent_to_date=money(f.spent_to_date) if f.spend_by_quarter else "–",
                remaining=remaining,
            )
        )
    return rows


@login_required
@minimum_role("viewer")
@require_GET
def finance(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    year = chosen_year(request, today)
    summary = finance_summary(partnership, year, today)
    return render(
        request,
        "web/finance/page.html",
        {
            "partnership": partnership,
            "finance": summary,
            "quarters": quarter_rows(summary.total, today),
            "to_date": {
                "budget": money(summary.total.budget_to_date) or "–",
                "spend": money(summary.total.spent_to_date)
                if summary.total.quarters_reported
                else "–",
                "difference": _difference(
                    summary.total.spent_to_date if summary.total.quarters_reported else None,
                    summary.total.budget_to_date,
                ),
            },
            "actions": action_rows(summary),
            "unallocated": money(summary.unallocated) if summary.actions else "",
            "previous_year": (year - 1, year_label(year - 1)),
            "next_year": (year + 1, year_label(year + 1)),
            "can_edit": allows(request.user, partnership, Need.LEAD),
        },
    )


# pygal writes its styling as a <style> element inside the SVG; the SVG is only ever
# loaded as an image, where nothing in it can run.
@csp_update({"style-src": ["'unsafe-inline'"]})
@login_required
@minimum_role("viewer")
@require_GET
def finance_chart(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    summary = finance_summary(partnership, chosen_year(request, today), today)
    return HttpResponse(spend_chart(summary), content_type="image/svg+xml")


# --- The form ------------------------------------------------------------------------------


class MoneyInput(forms.TextInput):
    # A text box, not type=number (GOV.UK advice), that takes "£12,500.50" as typed.
    def __init__(self):
        super().__init__(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        )


class MoneyField(forms.Field):
    """An amount in pounds: "12500", "12,500.50" and "£12,500" all read; blank is None.
    `what` names the amount in messages: "the 2025/26 Q2 spend for A1"."""

    widget = MoneyInput

    def __init__(self, *, what: str, spend: bool = False, **kwargs):
        super().__init__(required=False, **kwargs)
        self.what, self.spend = what, spend

    def to_python(self, value) -> Decimal | None:
        try:
            amount = read_number(str(value or ""), money=True)
        except NumberError:
            raise ValidationError(
                f"Enter {self.what} as an amount in pounds, like 12,500 or 12,500.50"
            ) from None
        if amount is None:
            return None
        if problem := amount_problem(amount, self.what, spend=self.spend):
            raise ValidationError(problem)
        return amount


@dataclass
class FormRow:
    """One group of the form: the partnership as a whole, or one action, with its
    year's budget and the spend of each quarter started so far."""

    action_id: int | None
    title: str
    items: list[tuple[str, forms.BoundField]]  # (short label, field)

    @property
    def errors(self) -> bool:
        return any(field.errors for _, field in self.items)


EXTRA_SPEND = re.compile(r"spend_(?P<key>\d{4}-Q\d)(_a(?P<action>\d+))?")


class FinanceForm(forms.Form):
    """The year's budgets and the spend of each quarter started so far, for the
    partnership and each action, in one table. The partnership's figures are its totals
    (goldenthread.core.services.finance checks that the actions' figures fit in them)."""

    def __init__(self, data=None, *, summary: FinanceSummary, today: datetime.date):
        self.year = summary.year
        self.year_label = summary.year_label
        self.quarters = started_quarters(summary.year, today)
        self.today = today
        self.actions = {item.action.pk: item.action for item in summary.actions}
        who = [(None, "the partnership", summary.total)] + [
            (a.action.pk, a.action.ref, a.finance) for a in summary.actions
        ]
        initial = {}
        fields = {}
        for action_id, name, figures in who:
            suffix = "" if action_id is None else f" for {name}"
            fields[budget_key(action_id)] = MoneyField(
                what=f"the {self.year_label} budget{suffix}",
                label=f"Budget for {self.year_label}, {self._row_title(action_id)}",
            )
            initial[budget_key(action_id)] = plain_amount(figures.budget)
            for q in self.quarters:
                fields[spend_key(q, action_id)] = MoneyField(
                    what=f"the {q.label} spend{suffix}",
                    spend=True,
                    label=f"{q.label} spend, {self._row_title(action_id)}",
                )
                initial[spend_key(q, action_id)] = plain_amount(figures.spend_by_quarter.get(q))
        super().__init__(data, initial=initial)
        self.fields.update(fields)

    def _row_title(self, action_id: int | None) -> str:
        if action_id is None:
            return "whole partnership"
        action = self.actions[action_id]
        if action.objective.plan.status == Plan.Status.APPROVED:
            return f"{action.ref} {action.title}"
        return f"{action.ref} {action.title} (plan version {action.objective.plan.version})"

    @property
    def rows(self) -> list[FormRow]:
        return [
            FormRow(
                action_id=action_id,
                title=self._row_title(action_id).capitalize()
                if action_id is None
                else self._row_title(action_id),
                items=[("Budget for the year", self[budget_key(action_id)])]
                + [(f"Q{q.number} spend", self[spend_key(q, action_id)]) for q in self.quarters],
            )
            for action_id in [None, *self.actions]
        ]

    def clean(self):
        data = super().clean()
        # The totals (the actions' figures within the partnership's) are the service's
        # rule: save_year_finance refuses them, by the box each concerns.
        self._refuse_fields_not_on_the_form()
        return data

    def _refuse_fields_not_on_the_form(self) -> None:
        """A figure for a quarter outside the year, or one not started, or for an action
        not on the form, is refused rather than silently dropped."""
        for key, value in self.data.items():
            if key in self.fields or not str(value).strip():
                continue
            if match := EXTRA_SPEND.fullmatch(key):
                period = Period.from_key(match["key"]) if _is_key(match["key"]) else None
                if period is None:
                    message = "That is not a quarter: spend is recorded by quarter"
                elif period.year != self.year:
                    message = (
                        f"{period.label} is not in {self.year_label}: choose "
                        f"{year_label(period.year)} to record its spend"
                    )
                elif period.start > self.today:
                    message = (
                        f"{period.label} has not started yet: record its spend once it has "
                        f"(from {period.start:%-d %B %Y})"
                    )
                else:
                    message = "That action is not in any of this partnership's plans"
                self.add_error(None, message)
            elif key.startswith("budget"):
                self.add_error(None, "That action is not in any of this partnership's plans")

    def budgets(self) -> dict[int | None, Decimal | None]:
        return {a: self.cleaned_data[budget_key(a)] for a in [None, *self.actions]}

    def spends(self) -> dict[tuple[Period, int | None], Decimal | None]:
        return {
            (q, a): self.cleaned_data[spend_key(q, a)]
            for q in self.quarters
            for a in [None, *self.actions]
        }


def _is_key(key: str) -> bool:
    try:
        Period.from_key(key)
    except PeriodError:
        return False
    return True


@login_required
@minimum_role("lead")
@require_http_methods(["GET", "POST"])
def finance_edit(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, need=Need.LEAD)
    today = timezone.localdate()
    year = chosen_year(request, today)
    summary = finance_summary(partnership, year, today)
    form = FinanceForm(posted(request), summary=summary, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            changed = save_year_finance(
                partnership=partnership,
                year=year,
                budgets=form.budgets(),
                spends=form.spends(),
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if changed:
                messages.success(request, f"Budget and spend for {summary.year_label} saved")
            else:
                messages.info(request, f"Nothing was changed in {summary.year_label}")
            return redirect(finance_url(partnership.pk, year))
    not_started = [q for q in summary.quarters if q not in form.quarters]
    return render(
        request,
        "web/finance/edit.html",
        {
            "partnership": partnership,
            "finance": summary,
            "form": form,
            "not_started": not_started,
            "previous_year": (year - 1, year_label(year - 1)),
            "next_year": (year + 1, year_label(year + 1)),
        },
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/finance/", finance, name="finance"),
    path(
        "partnerships/<int:partnership_id>/finance/chart.svg", finance_chart, name="finance_chart"
    ),
    path("partnerships/<int:partnership_id>/finance/edit/", finance_edit, name="finance_edit"),
]
