"""The five minimum requirements every partnership meets each financial year, and when
each is met, due, overdue or not met.

Everything the council has chosen is written here, in one place: what counts as evidence
for each requirement and its deadline. The deadlines are the council's policy, not law;
change a date here and the tracker, the exports and the annual update form all follow.

A financial year Y runs from 1 April Y to 31 March Y+1. Every requirement follows the same
common rule once its own evidence and deadline are known (`status_for`):

- met, if the evidence exists and arrived by the deadline (on the deadline day counts);
- met late, if it exists but arrived after the deadline: late evidence still meets the
  requirement, and says so, with both dates, whenever the tracker is read (an auditor
  asks "was it on time?" long after the year);
- due, while today is on or before the deadline;
- overdue, after the deadline while the year is still open (today on or before the
  year's closing date);
- not met, once the year has closed without the evidence.

The year closes on 31 December Y+1: the last deadline of the year is the annual report's
and the annual update form's (30 June Y+1), and a further quarter is allowed for late
evidence before the year is recorded as not met.

Each assessment carries the deadline its status is about (for monitoring, the quarter
that was missed or is due next, not the year's last), when the evidence arrived, and the
reason in words ("2026/27 Q2 return, due 30 November 2026, not submitted").

Nothing here imports Django: the facts are plain values gathered by
goldenthread.core.compliance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.periods import long_date, year_label


class Compliance(LabelledEnum):
    MET = "met", "Met"
    MET_LATE = "met_late", "Met late"
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
    default when the quarter has not been opened), whether the return was submitted, the
    day it was (last) submitted, and its name in words ("2026/27 Q2")."""

    deadline: date
    submitted: bool
    submitted_on: date | None = None
    label: str = ""


@dataclass(frozen=True)
class Assessment:
    """A requirement's status, the deadline the status is about, when the evidence
    arrived (where known) and why, in words."""

    requirement: Requirement
    status: Compliance
    deadline: date
    delivered_on: date | None = None
    reason: str = ""


# --- the common rule ---------------------------------------------------------------------------


def status_for(
    *, met: bool, deadline: date, year: int, today: date, delivered_on: date | None = None
) -> Compliance:
    """The common rule: met (late, if delivered after the deadline), else due until the
    deadline, else overdue until the year's closing date, else not met. The deadline day
    itself is still due, and evidence delivered on it is on time. Evidence with no known
    date counts as met on time: lateness is never guessed."""
    if met:
        if delivered_on is not None and delivered_on > deadline:
            return Compliance.MET_LATE
        return Compliance.MET
    if today <= deadline:
        return Compliance.DUE
    if today <= closing_date(year):
        return Compliance.OVERDUE
    return Compliance.NOT_MET


def reason_for(
    status: Compliance,
    *,
    what: str,
    done: str,
    deadline: date,
    year: int,
    delivered_on: date | None = None,
) -> str:
    """Why, in words: what is (or is not) there, its deadline and, once delivered, when.
    `what` names the evidence ("2025/26 annual report"), `done` its verb ("published")."""
    due = f"{what}, due {long_date(deadline)}"
    if status in (Compliance.MET, Compliance.MET_LATE):
        return f"{due}, {done} {long_date(delivered_on)}" if delivered_on else f"{due}, {done}"
    if status is Compliance.DUE:
        return f"{due}, not {done} yet"
    if status is Compliance.OVERDUE:
        return f"{due}, not {done}"
    return f"{due}, not {done} by the year's close on {long_date(closing_date(year))}"


def _assessment(
    requirement: Requirement,
    *,
    met: bool,
    deadline: date,
    year: int,
    today: date,
    what: str,
    done: str,
    delivered_on: date | None = None,
) -> Assessment:
    """The common rule and its reason, for a requirement with one piece of evidence."""
    status = status_for(
        met=met, deadline=deadline, year=year, today=today, delivered_on=delivered_on
    )
    return Assessment(
        requirement,
        status,
        deadline,
        delivered_on if met else None,
        reason_for(
            status,
            what=what,
            done=done,
            deadline=deadline,
            year=year,
            delivered_on=delivered_on if met else None,
        ),
    )


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
    """Met late when the first plan that meets it was approved after 30 April: any
    version approved in time meets it on time, whatever was approved since."""
    approvals = [p.approved_on for p in plans if plan_met([p], year) and p.approved_on]
    return _assessment(
        Requirement.PLAN,
        met=bool(approvals),
        deadline=plan_deadline(year),
        year=year,
        today=today,
        what=f"Plan covering {year_label(year)}",
        done="approved",
        delivered_on=min(approvals, default=None),
    )


def assess_monitoring(quarters: Sequence[QuarterFacts], year: int, today: date) -> Assessment:
    """2. Monitored at least quarterly: each of the year's four quarters has a submitted
    (or signed-off) return. The deadline is the fourth quarter's return deadline, but a
    quarter whose own deadline has passed without a submitted return makes the
    requirement overdue at once: the council wants to know in the year, not after it.

    The deadline and reason are each status's own: overdue or not met names every quarter
    missed, with the first one's deadline; due names the next return to come in; met late
    names every return submitted after its deadline, with the first one's dates; met on
    time gives the year's last deadline."""
    if len(quarters) != 4:
        raise ValueError("A financial year has four quarters.")

    def name(n: int, quarter: QuarterFacts) -> str:
        return f"{quarter.label or f'Quarter {n}'} return"

    def why(status: Compliance, n: int, quarter: QuarterFacts) -> str:
        return reason_for(
            status,
            what=name(n, quarter),
            done="submitted",
            deadline=quarter.deadline,
            year=year,
            delivered_on=quarter.submitted_on,
        )

    numbered = list(enumerate(quarters, 1))
    if all(quarter.submitted for quarter in quarters):
        late = [
            (n, q)
            for n, q in numbered
            if q.submitted_on is not None and q.submitted_on > q.deadline
        ]
        if late:
            first = late[0][1]
            reason = "; ".join(why(Compliance.MET_LATE, n, q) for n, q in late)
            return Assessment(
                Requirement.MONITORING,
                Compliance.MET_LATE,
                first.deadline,
                first.submitted_on,
                reason,
            )
        last = quarters[-1]
        return Assessment(
            Requirement.MONITORING,
            Compliance.MET,
            last.deadline,
            max((q.submitted_on for q in quarters if q.submitted_on), default=None),
            "Four returns, each submitted by its deadline",
        )
    missed = [(n, q) for n, q in numbered if not q.submitted and q.deadline < today]
    if missed:
        status = Compliance.OVERDUE if today <= closing_date(year) else Compliance.NOT_MET
        reason = "; ".join(why(status, n, q) for n, q in missed)
        return Assessment(Requirement.MONITORING, status, missed[0][1].deadline, None, reason)
    n, upcoming = next((n, q) for n, q in numbered if not q.submitted)
    return Assessment(
        Requirement.MONITORING,
        Compliance.DUE,
        upcoming.deadline,
        None,
        why(Compliance.DUE, n, upcoming),
    )


def assess_system(
    results_in_year: int, first_quarter_deadline: date, year: int, today: date
) -> Assessment:
    """3. The performance system used: at least one result recorded here for a period in
    year Y. Due by the first quarter's return deadline (31 July Y by default), when the
    first results of the year should be in.

    Never met late: a result keeps only the time it was last changed, not when it was
    first recorded, so whether the system was used in time is not known."""
    return _assessment(
        Requirement.SYSTEM,
        met=results_in_year > 0,
        deadline=first_quarter_deadline,
        year=year,
        today=today,
        what=f"Results for {year_label(year)}",
        done="recorded",
    )


def assess_report(
    report_published: bool, year: int, today: date, published_on: date | None = None
) -> Assessment:
    """4. The annual performance summary report: an edition for year Y published; met
    late when the first edition was published after the deadline (a later correction
    does not make an on-time report late)."""
    return _assessment(
        Requirement.REPORT,
        met=report_published,
        deadline=report_deadline(year),
        year=year,
        today=today,
        what=f"{year_label(year)} annual report",
        done="published",
        delivered_on=published_on,
    )


def assess_update_form(
    form_status: str | None, year: int, today: date, submitted_on: date | None = None
) -> Assessment:
    """5. The annual update form for year Y, submitted or accepted. A draft does not
    count, nor does a form returned for changes until it is submitted again; met late
    when (last) submitted after the deadline."""
    return _assessment(
        Requirement.UPDATE_FORM,
        met=form_status in SUBMITTED_FORM_STATUSES,
        deadline=update_form_deadline(year),
        year=year,
        today=today,
        what=f"{year_label(year)} annual update form",
        done="submitted",
        delivered_on=submitted_on,
    )


@dataclass(frozen=True)
class YearFacts:
    """Everything the five rules need about one partnership's financial year."""

    year: int
    plans: tuple[PlanFacts, ...]
    quarters: tuple[QuarterFacts, ...]  # Q1 to Q4
    results_in_year: int
    report_published: bool
    update_form_status: str | None
    report_published_on: date | None = None  # the first edition's
    update_form_submitted_on: date | None = None


def assess(facts: YearFacts, today: date) -> dict[Requirement, Assessment]:
    """The five requirements for the year, in the order the council lists them."""
    year = facts.year
    found = [
        assess_plan(facts.plans, year, today),
        assess_monitoring(facts.quarters, year, today),
        assess_system(facts.results_in_year, facts.quarters[0].deadline, year, today),
        assess_report(facts.report_published, year, today, facts.report_published_on),
        assess_update_form(facts.update_form_status, year, today, facts.update_form_submitted_on),
    ]
    return {a.requirement: a for a in found}
