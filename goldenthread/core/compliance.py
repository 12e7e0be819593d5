"""The compliance tracker's reads: for every partnership a person may see and a financial
year, the facts behind the five minimum requirements, in a fixed number of queries, and
each requirement's status from goldenthread.rules.compliance (where the rules live).

Each row carries the evidence the status rests on, with a link to it: the approved plan
and when it was approved, the year's four returns with their status and dates, how many
indicators have results recorded for the year, the published report and the annual update
form. Nothing here is ticked by hand: the tracker is always computed from the data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from goldenthread.rules import (
    Compliance,
    Frequency,
    Period,
    Requirement,
    financial_year_of,
    year_label,
)
from goldenthread.rules.compliance import (
    Assessment,
    PlanFacts,
    QuarterFacts,
    YearFacts,
    assess,
    plan_met,
)

from .annual_report.years import added_after, year_end_moment, year_end_state
from .models import (
    AnnualReport,
    AnnualUpdateForm,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    User,
    default_deadline,
)

# The years offered on the tracker: this many before the current financial year.
YEARS_SHOWN = 5
TAG_COLOURS = {
    Compliance.MET: "green",
    # Met, but an auditor will ask why it was late: not the plain green of on time.
    Compliance.MET_LATE: "turquoise",
    Compliance.DUE: "grey",
    Compliance.OVERDUE: "orange",
    Compliance.NOT_MET: "red",
}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: what it is, in words, and where to see it."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class QuarterEvidence:
    period: Period
    deadline: datetime.date
    ret: Return | None

    @property
    def submitted(self) -> bool:
        return counts_as_submitted(self.ret)

    @property
    def submitted_on(self) -> datetime.date | None:
        """The day it was (last) submitted: a return sent back and submitted again is
        delivered when it came back."""
        if not self.submitted or self.ret is None or self.ret.submitted_at is None:
            return None
        return timezone.localdate(self.ret.submitted_at)

    @property
    def text(self) -> str:
        if self.ret is None:
            return f"{self.period.label}: not opened yet (due {self.deadline:%-d %B %Y})"
        state = self.ret.get_status_display().lower()
        when = f", submitted {self.ret.submitted_at:%-d %B %Y}" if self.ret.submitted_at else ""
        return f"{self.period.label}: {state}{when} (due {self.deadline:%-d %B %Y})"


@dataclass(frozen=True)
class Cell:
    requirement: Requirement
    assessment: Assessment
    evidence: tuple[Evidence, ...]

    @property
    def status(self) -> Compliance:
        return self.assessment.status

    @property
    def deadline(self) -> datetime.date:
        """The deadline the status is about: for monitoring, the quarter missed or due."""
        return self.assessment.deadline

    @property
    def delivered_on(self) -> datetime.date | None:
        return self.assessment.delivered_on

    @property
    def reason(self) -> str:
        """Why, in words: "2026/27 Q2 return, due 30 November 2026, not submitted"."""
        return self.assessment.reason

    @property
    def colour(self) -> str:
        return TAG_COLOURS[self.status]

    @property
    def evidence_text(self) -> str:
        """The evidence in one line, for the export."""
        return "; ".join(e.text for e in self.evidence)

    @property
    def summary(self) -> str:
        """The reason and the evidence in one line: what the annual update form keeps of
        the tracker when it is saved, so a late delivery stays reported with its dates."""
        return f"{self.reason}. Evidence: {self.evidence_text}"


@dataclass
class Row:
    partnership: Partnership
    year: int
    plan: Plan | None
    quarters: list[QuarterEvidence]
    indicators_with_results: int
    report: AnnualReport | None
    form: AnnualUpdateForm | None
    report_first_published_on: datetime.date | None = None
    cells: list[Cell] = field(default_factory=list)

    @property
    def statuses(self) -> set[Compliance]:
        return {cell.status for cell in self.cells}

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def evidence_url(self) -> str:
        return reverse("compliance_evidence", args=[self.partnership.pk, self.year])

    def cell(self, requirement: Requirement) -> Cell:
        return next(c for c in self.cells if c.requirement is requirement)


def current_year(today: datetime.date | None = None) -> int:
    return financial_year_of(today or timezone.localdate())


def year_choices(today: datetime.date) -> list[int]:
    """The financial years offered, newest first."""
    this = financial_year_of(today)
    return list(range(this, this - YEARS_SHOWN, -1))


def counts_as_submitted(ret: Return | None) -> bool:
    """A return counts once submitted (and while signed off); a returned or reopened one
    waits to be submitted again."""
    return (
        ret is not None
        and ret.submitted_at is not None
        and ret.status in (Return.Status.SUBMITTED, Return.Status.SIGNED_OFF)
    )


def quarters_of(year: int) -> list[Period]:
    return [Period(Frequency.QUARTERLY, year, n) for n in range(1, 5)]


def compliance_rows(
    partnerships: QuerySet[Partnership] | Iterable[Partnership],
    year: int,
    today: datetime.date | None = None,
) -> list[Row]:
    """A row per partnership, in seven queries whatever the number of partnerships."""
    today = today or timezone.localdate()
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    periods = quarters_of(year)

    plans: dict[int, list[Plan]] = defaultdict(list)
    for plan in (
        Plan.objects.filter(
            partnership_id__in=ids,
            status__in=[Plan.Status.APPROVED, Plan.Status.SUPERSEDED],
            approved_at__isnull=False,
            first_year__lte=year,
            last_year__gte=year,
        )
        .select_related("approved_by")
        .order_by("-approved_at")
    ):
        plans[plan.partnership_id].append(plan)

    rounds = {r.period: r for r in ReportingRound.objects.filter(period__in=periods)}
    returns: dict[tuple[int, Period], Return] = {}
    for ret in Return.objects.filter(
        partnership_id__in=ids, round__period__in=periods
    ).select_related("round"):
        returns[(ret.partnership_id, ret.round.period)] = ret

    # As at the year end (issue 12): a measure added after the year is not one of the
    # year's, even with results back-filled for it (see annual_report.years).
    in_year = Result.objects.filter(
        indicator__partnership_id__in=ids, period__startswith=f"{year:04d}"
    )
    if kept := [pk for pk, moment in year_end_state(ids, year).items() if moment]:
        in_year = in_year.exclude(indicator_id__in=added_after(kept, year_end_moment(year)))
    with_results = dict(
        in_year.values_list("indicator__partnership_id")
        .annotate(n=Count("indicator_id", distinct=True))
        .order_by()
    )

    reports: dict[int, AnnualReport] = {}
    first_published: dict[int, datetime.date] = {}
    for report in (
        AnnualReport.objects.filter(
            partnership_id__in=ids, year=year, status=AnnualReport.Status.PUBLISHED
        )
        .defer("pdf", "docx", "snapshot")
        .order_by("edition")
    ):
        reports[report.partnership_id] = report  # the latest edition wins
        # The report was delivered when its first edition was published: a correction
        # published later does not make an on-time report late.
        if report.published_at and report.partnership_id not in first_published:
            first_published[report.partnership_id] = timezone.localdate(report.published_at)

    forms = {
        form.partnership_id: form
        for form in AnnualUpdateForm.objects.filter(partnership_id__in=ids, year=year)
    }

    rows = []
    for partnership in partnerships:
        quarters = []
        for period in periods:
            ret = returns.get((partnership.pk, period))
            round_ = rounds.get(period)
            deadline = round_.deadline if round_ else default_deadline(period)
            quarters.append(QuarterEvidence(period, deadline, ret))
        own_plans = plans.get(partnership.pk, [])
        row = Row(
            partnership=partnership,
            year=year,
            plan=_evidence_plan(own_plans, year),
            quarters=quarters,
            indicators_with_results=with_results.get(partnership.pk, 0),
            report=reports.get(partnership.pk),
            form=forms.get(partnership.pk),
            report_first_published_on=first_published.get(partnership.pk),
        )
        form = row.form
        facts = YearFacts(
            year=year,
            plans=tuple(_plan_facts(p) for p in own_plans),
            quarters=tuple(
                QuarterFacts(q.deadline, q.submitted, q.submitted_on, q.period.label)
                for q in quarters
            ),
            results_in_year=row.indicators_with_results,
            report_published=row.report is not None,
            update_form_status=form.status if form else None,
            report_published_on=row.report_first_published_on,
            update_form_submitted_on=(
                timezone.localdate(form.submitted_at) if form and form.submitted_at else None
            ),
        )
        found = assess(facts, today)
        row.cells = [
            Cell(requirement, found[requirement], _evidence(row, requirement))
            for requirement in Requirement
        ]
        rows.append(row)
    return rows


def _approved_on(plan: Plan) -> datetime.date | None:
    if plan.approved_at is None:
        return None
    return timezone.localdate(plan.approved_at)


def _plan_facts(plan: Plan) -> PlanFacts:
    return PlanFacts(plan.first_year, plan.last_year, plan.status, _approved_on(plan))


def _evidence_plan(plans: list[Plan], year: int) -> Plan | None:
    """The plan that meets the requirement, or else the latest approved one covering
    the year (approved too late), to show what there is."""
    for plan in plans:
        if plan_met([_plan_facts(plan)], year):
            return plan
    return plans[0] if plans else None


def _evidence(row: Row, requirement: Requirement) -> tuple[Evidence, ...]:
    pk, year = row.partnership.pk, row.year
    if requirement is Requirement.PLAN:
        if row.plan is None:
            return (Evidence(f"No approved plan covers {year_label(year)}"),)
        plan = row.plan
        approved = f"approved {_approved_on(plan):%-d %B %Y}"
        return (
            Evidence(
                f"{plan.title}, version {plan.version} ({plan.years_label}), {approved}",
                plan.get_absolute_url(),
            ),
        )
    if requirement is Requirement.MONITORING:
        return tuple(
            Evidence(q.text, q.ret.get_absolute_url() if q.ret else None) for q in row.quarters
        )
    if requirement is Requirement.SYSTEM:
        n = row.indicators_with_results
        words = "1 indicator has" if n == 1 else f"{n} indicators have"
        return (
            Evidence(
                f"{words} results recorded for {year_label(year)}",
                reverse("partnership", args=[pk]),
            ),
        )
    if requirement is Requirement.REPORT:
        if row.report is None:
            return (
                Evidence(
                    f"No report for {year_label(year)} published yet",
                    reverse("annual_report", args=[pk, year]),
                ),
            )
        report = row.report
        when = f", published {report.published_at:%-d %B %Y}" if report.published_at else ""
        return (
            Evidence(f"Edition {report.edition}{when}", reverse("annual_report", args=[pk, year])),
        )
    url = reverse("update_form", args=[pk, year])
    if row.form is None:
        return (Evidence("Not started", url),)
    form = row.form
    when = f", submitted {form.submitted_at:%-d %B %Y}" if form.submitted_at else ""
    return (Evidence(f"{form.get_status_display()}{when}", url),)


def compliance_for_user(user: User, year: int, today: datetime.date | None = None) -> list[Row]:
    """Every partnership the person may see (all of them for the performance team) that
    ran in the year: one closed before the year began is not expected to report in it."""
    partnerships = (
        Partnership.objects.visible_to(user)
        .exclude(closed_on__lt=datetime.date(year, 4, 1))
        .order_by("name")
    )
    return compliance_rows(partnerships, year, today)


def partnership_row(
    partnership: Partnership, year: int | None = None, today: datetime.date | None = None
) -> Row:
    """One partnership's row (the current financial year unless told), for its page."""
    today = today or timezone.localdate()
    return compliance_rows([partnership], year or financial_year_of(today), today)[0]


def compliance_context(partnership: Partnership, today: datetime.date | None = None) -> dict:
    """The context of web/compliance/_row.html on the partnership page."""
    return {"compliance_row": partnership_row(partnership, today=today)}
