"""The five minimum requirements every partnership meets each financial year, and when
each is met, due, overdue or not met.

Everything the council has chosen is written here, in one place: what counts as evidence
for each requirement and its deadline. The deadlines are the council's policy, not law;
change a date here and the tracker, the exports and the annual update form all follow.

A financial year Y runs from 1 April Y to 31 March Y+1. Every requirement follows the same
common rule once its own evidence and deadline are known (`status_for`):

- met, if the evidence exists (whenever it arrived: late evidence still meets it);
- due, while today is on or before the deadline;
- overdue, after the deadline while the year is still open (today on or before the
  year's closing date);
- not met, once the year has closed without the evidence.

The year closes on 31 December Y+1: the last deadline of the year is the annual report's
and the annual update form's (30 June Y+1), and a further quarter is allowed for late
evidence before the year is recorded as not met.

Nothing here imports Django: the facts are plain values gathered by
goldenthread.core.compliance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from goldenthread.rules._labels import LabelledEnum


class Compliance(LabelledEnum):
    MET = "met", "Met"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    NOT_MET = "not_met", "Not met"


class Requirement(LabelledEnum):
    PLAN = "plan", "Written plan"
    MONITORING = "monitoring", "Monitored at least quarterly"
    SYSTEM = "system", "Performance system used"
    REPORT = "report", "Annual performance summary report"
    UPDATE_FORM = "update_form", "Annual update form"


# --- the council's chosen dates ---------------------------------------------------------------


def year_start(year: int) -> date:
    """1 April: the first day of financial year ``year``."""
    return date(year, 4, 1)


def year_end(year: int) -> date:
    """31 March: the last day of financial year ``year``."""
    return date(year + 1, 3, 31)


def closing_date(year: int) -> date:
    """31 December Y+1: the last deadline (the annual report's, 30 June Y+1) plus a
    quarter's grace for late evidence. After it, a missing requirement is not met."""
    return date(year + 1, 12, 31)


def plan_deadline(year: int) -> date:
    """A written plan covering the year, approved by 30 April Y: a month into the year,
    so the partnership does not work a whole quarter without an agreed plan."""
    return date(year, 4, 30)


def report_deadline(year: int) -> date:
    """The annual performance summary report, published by 30 June Y+1: the fourth
    quarter's return is due by 30 April, leaving two months to write and publish."""
    return date(year + 1, 6, 30)


def update_form_deadline(year: int) -> date:
    """The annual update form, submitted by 30 June Y+1, alongside the annual report."""
    return date(year + 1, 6, 30)


# --- the facts ---------------------------------------------------------------------------------

APPROVED_PLAN_STATUSES = frozenset({"approved", "superseded"})
SUBMITTED_FORM_STATUSES = frozenset({"submitted", "accepted"})


@dataclass(frozen=True)
class PlanFacts:
    first_year: int
    last_year: int
    status: str  # "draft", "approved" or "superseded"
    approved_on: date | None


@dataclass(frozen=True)
class QuarterFacts:
    """One quarter of the year: its return's deadline (the reporting round's, or the
    default when the quarter has not been opened) and whether the return was submitted."""

    deadline: date
    submitted: bool


@dataclass(frozen=True)
class Assessment:
    requirement: Requirement
    status: Compliance
    deadline: date


# --- the common rule ---------------------------------------------------------------------------


def status_for(*, met: bool, deadline: date, year: int, today: date) -> Compliance:
    """The common rule: met, else due until the deadline, else overdue until the year's
    closing date, else not met. The deadline day itself is still due."""
    if met:
        return Compliance.MET
    if today <= deadline:
        return Compliance.DUE
    if today <= closing_date(year):
        return Compliance.OVERDUE
    return Compliance.NOT_MET


# --- one rule per requirement ------------------------------------------------------------------


def plan_met(plans: Sequence[PlanFacts], year: int) -> bool:
    """1. A written plan: a plan that was approved (now approved, or since superseded by
    a later version), covers year Y, and was approved on or before the year's end."""
    return any(
        plan.status in APPROVED_PLAN_STATUSES
        and plan.approved_on is not None
        and plan.first_year <= year <= plan.last_year
        and plan.approved_on <= year_end(year)
        for plan in plans
    )


def assess_plan(plans: Sequence[PlanFacts], year: int, today: date) -> Assessment:
    deadline = plan_deadline(year)
    status = status_for(met=plan_met(plans, year), deadline=deadline, year=year, today=today)
    return Assessment(Requirement.PLAN, status, deadline)


def assess_monitoring(quarters: Sequence[QuarterFacts], year: int, today: date) -> Assessment:
    """2. Monitored at least quarterly: each of the year's four quarters has a submitted
    (or signed-off) return. The deadline is the fourth quarter's return deadline, but a
    quarter whose own deadline has passed without a submitted return makes the
    requirement overdue at once: the council wants to know in the year, not after it."""
    if len(quarters) != 4:
        raise ValueError("A financial year has four quarters.")
    deadline = quarters[-1].deadline
    met = all(quarter.submitted for quarter in quarters)
    late = any(not q.submitted and q.deadline < today for q in quarters)
    if met or not late:
        status = status_for(met=met, deadline=deadline, year=year, today=today)
    else:
        status = Compliance.OVERDUE if today <= closing_date(year) else Compliance.NOT_MET
    return Assessment(Requirement.MONITORING, status, deadline)


def assess_system(
    results_in_year: int, first_quarter_deadline: date, year: int, today: date
) -> Assessment:
    """3. The performance system used: at least one result recorded here for a period in
    year Y. Due by the first quarter's return deadline (31 July Y by default), when the
    first results of the year should be in."""
    status = status_for(
        met=results_in_year > 0, deadline=first_quarter_deadline, year=year, today=today
    )
    return Assessment(Requirement.SYSTEM, status, first_quarter_deadline)


def assess_report(report_published: bool, year: int, today: date) -> Assessment:
    """4. The annual performance summary report: an edition for year Y published."""
    deadline = report_deadline(year)
    status = status_for(met=report_published, deadline=deadline, year=year, today=today)
    return Assessment(Requirement.REPORT, status, deadline)


def assess_update_form(form_status: str | None, year: int, today: date) -> Assessment:
    """5. The annual update form for year Y, submitted or accepted. A draft does not
    count, nor does a form returned for changes until it is submitted again."""
    deadline = update_form_deadline(year)
    met = form_status in SUBMITTED_FORM_STATUSES
    status = status_for(met=met, deadline=deadline, year=year, today=today)
    return Assessment(Requirement.UPDATE_FORM, status, deadline)


@dataclass(frozen=True)
class YearFacts:
    """Everything the five rules need about one partnership's financial year."""

    year: int
    plans: tuple[PlanFacts, ...]
    quarters: tuple[QuarterFacts, ...]  # Q1 to Q4
    results_in_year: int
    report_published: bool
    update_form_status: str | None


def assess(facts: YearFacts, today: date) -> dict[Requirement, Assessment]:
    """The five requirements for the year, in the order the council lists them."""
    year = facts.year
    found = [
        assess_plan(facts.plans, year, today),
        assess_monitoring(facts.quarters, year, today),
        assess_system(facts.results_in_year, facts.quarters[0].deadline, year, today),
        assess_report(facts.report_published, year, today),
        assess_update_form(facts.update_form_status, year, today),
    ]
    return {a.requirement: a for a in found}
