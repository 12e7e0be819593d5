"""The annual report's read: `annual_report_content(partnership, year, today=...)` reads
what is recorded for the financial year starting in `year` (2025 for 2025/26) in a fixed
number of queries and writes it up as content.AnnualReportContent (see the package's notes
for the decisions it follows)."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from goldenthread.core.charts.report import Bar, BarChart, chart_number
from goldenthread.core.finance import finance_summary, money
from goldenthread.core.improvement import Highlights as Successes
from goldenthread.core.improvement import highlights as successes
from goldenthread.core.models import (
    Action,
    AnnualReport,
    Attendee,
    CorrectiveAction,
    Indicator,
    Lesson,
    Objective,
    Organisation,
    OutsideContribution,
    Partnership,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    Target,
    User,
)
from goldenthread.core.monitoring import published_results
from goldenthread.core.risks import risk_level
from goldenthread.rules import (
    ActionState,
    Frequency,
    ObjectiveStatus,
    Period,
    Rag,
    long_date,
    objective_status,
    status_rag,
    year_label,
)

from .as_at import history_at, year_end_figures
from .content import (
    DRAFT_MARKING,
    ActionLine,
    AnnualReportContent,
    AttendanceLine,
    ContributionLine,
    CorrectiveLine,
    FinanceYear,
    IndicatorYear,
    LessonLine,
    MoneyLine,
    Note,
    ObjectiveYear,
    RagCount,
    Reviews,
    RiskLine,
    Row,
    counted,
)
from .measures import (
    TOP_HIGHLIGHTS,
    YEARS_OF_HISTORY,
    Measure,
    concern_text,
    concerns,
    improvement_text,
    indicator_year,
    measure,
    target_text,
)
from .stories import report_stories
from .years import added_after, year_end_state, year_plan

# The history entry's reason when the commentary is saved (services.annual_reports): the
# report reads it back to say who wrote the commentary.
COMMENTARY_REASON = "Annual report commentary saved"
TOP_RISKS = 5
# A summary, and quick to make however much a partnership records in a year: the notes of
# the latest meetings and the latest lessons, with how many more there are and where.
SHOWN_MEETING_NOTES = 4
SHOWN_LESSONS = 6
RAG_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)
RAG_WORDS = {
    Rag.GREEN: "Green: on target",
    Rag.AMBER: "Amber: close to target",
    Rag.RED: "Red: off target",
    Rag.GREY: "Grey: no result or target",
}


def _results(partnership: Partnership, published_on: datetime.date | None):
    """A published edition shows only confirmed results (core.monitoring.published_results):
    it goes to the public, who must never see a figure still being checked. A draft shows
    everything recorded, and says which results are still waiting (`awaiting_sign_off`)."""
    if published_on is None:
        return Result.objects.all()
    return published_results(partnership)


def annual_report_content(
    partnership: Partnership,
    year: int,
    *,
    today: datetime.date,
    report: AnnualReport | None = None,
    published_on: datetime.date | None = None,
) -> AnnualReportContent:
    """The report for the financial year starting in `year`, as at the end of that year
    (as_at.py has the rules: the plan version, indicators, targets and action states as
    they stood then, results as signed off, later changes shown as corrections).
    `report` is the edition (its commentary and correction note); `published_on` is given
    when publishing, which makes the content a published edition rather than a draft."""
    partnership = Partnership.objects.select_related("lead_organisation", "lead_link_officer").get(
        pk=partnership.pk
    )
    fy = Period(Frequency.ANNUAL, year, 1)
    quarters = [Period(Frequency.QUARTERLY, year, n) for n in range(1, 5)]
    as_of = min(today, fy.end)
    plan = year_plan(partnership, year)
    # The moment the year-end reads are taken at; None while the year runs, or for a year
    # recorded after it ended (years.year_end_state).
    at = year_end_state([partnership.pk], year)[partnership.pk] if fy.end < today else None

    # Measures: the partnership's indicators of the year's end, with the years the report
    # looks at.
    window = Q(period__gte=str(year - YEARS_OF_HISTORY)) & Q(period__lt=str(year + 1))
    chosen = Indicator.objects.filter(partnership=partnership)
    if at is not None:
        chosen = chosen.exclude(pk__in=added_after([partnership.pk], at))
    indicators = list(
        chosen.order_by("code").prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(window)),
            Prefetch("results", queryset=_results(partnership, published_on).filter(window)),
        )
    )
    figures = year_end_figures(partnership, indicators, year, at, window)
    measures = {
        i.pk: measure(i, year, targets=figures.targets[i.pk], results=figures.results[i.pk])
        for i in indicators
    }
    written = {
        pk: indicator_year(m, year, figures.corrections(m.indicator, _shown_period(m, year)))
        for pk, m in measures.items()
    }

    objectives = []
    in_plan: set[int] = set()
    if plan is not None:
        plan_objectives = list(
            plan.objectives.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("code").only("pk")),
                Prefetch(
                    "actions",
                    queryset=Action.objects.select_related("lead_organisation").order_by(
                        "due_date", "ref"
                    ),
                ),
            )
        )
        actions = _actions_at(plan_objectives, at)
        for objective in plan_objectives:
            objectives.append(
                _objective_year(objective, actions[objective.pk], measures, written, year, as_of)
            )
            in_plan |= {i.pk for i in objective.indicators.all()}
    other = [written[i.pk] for i in indicators if i.pk not in in_plan]

    counts = Counter(m.rag for m in measures.values())
    rag_counts = [
        RagCount(rag=r.value, label=RAG_WORDS[r], count=counts.get(r, 0)) for r in RAG_ORDER
    ]
    success = successes(partnership, year=year, today=today)
    # Only the year's measures are celebrated (an indicator added since is not one).
    success = dataclasses.replace(
        success,
        improved=[h for h in success.improved if h.indicator.pk in measures],
        turned_green=[h for h in success.turned_green if h.indicator.pk in measures],
    )
    concerning = concerns(list(measures.values()))

    returns = list(
        Return.objects.filter(partnership=partnership, round__period__in=quarters)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "corrective_actions",
                queryset=CorrectiveAction.objects.select_related(
                    "indicator", "owner__organisation"
                ).order_by("period", "indicator__code"),
            )
        )
        .order_by("round__period")
    )
    meetings = list(
        ReviewMeeting.objects.filter(partnership=partnership, period__in=quarters)
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("person__organisation"))
        )
        .order_by("held_on")
    )
    risks = (
        _risks_at(partnership, at)
        if at is not None
        else Risk.objects.filter(partnership=partnership, is_open=True)
        .select_related("owner__organisation")
        .annotate(residual=F("residual_likelihood") * F("residual_impact"))
        .order_by("-residual", "ref")[:TOP_RISKS]
    )
    lessons = list(
        Lesson.objects.filter(
            partnership=partnership,
            created_at__date__gte=fy.start,
            created_at__date__lte=fy.end,
        ).order_by("created_at")
    )
    more_lessons = len(lessons) - SHOWN_LESSONS
    lessons = lessons[-SHOWN_LESSONS:]
    noted = meetings[-SHOWN_MEETING_NOTES:]
    more_notes = len(meetings) - len(noted)

    went_well, did_not = (
        _went_well(measures.values(), objectives, success),
        _did_not(measures.values(), objectives),
    )
    commentary, commentary_by = "", ""
    if report is not None:
        commentary = report.commentary.strip()
        commentary_by = _commentary_by(report, partnership)

    published = long_date(published_on) if published_on else ""
    edition = report.edition if report else 1
    correction = ""
    if report is not None and report.correction_note.strip():
        earlier = (
            AnnualReport.objects.filter(
                partnership=partnership, year=year, status=AnnualReport.Status.PUBLISHED
            )
            .exclude(pk=report.pk)
            .order_by("-edition")
            .first()
        )
        corrected = (
            f"edition {earlier.edition}, published "
            f"{long_date(timezone.localdate(earlier.published_at))}"
            if earlier and earlier.published_at
            else "an earlier edition"
        )
        correction = f"This edition corrects {corrected}: {report.correction_note.strip()}"

    total = len(measures)
    green = counts.get(Rag.GREEN, 0)
    headline = (
        f"At the end of {fy.label}, {green} of the partnership's {counted(total, 'measure')} "
        f"{'was' if green == 1 else 'were'} on target, {counts.get(Rag.AMBER, 0)} close to "
        f"target and {counts.get(Rag.RED, 0)} off target"
        + (
            f"; {counts[Rag.GREY]} had no result or no target for the year."
            if counts.get(Rag.GREY)
            else "."
        )
        if total
        else f"The partnership recorded no measures for {fy.label}."
    )
    statuses = Counter(o.status for o in objectives)
    objectives_summary = (
        ", ".join(
            f"{statuses[s.value]} {s.label.lower()}"
            for s in ObjectiveStatus
            if statuses.get(s.value)
        )
        if objectives
        else ""
    )
    if objectives_summary:
        objectives_summary = (
            f"Of the plan's {counted(len(objectives), 'objective')}: {objectives_summary}."
        )

    about = [
        Row("Partnership", partnership.name),
        Row("Financial year", f"{fy.label}: {long_date(fy.start)} to {long_date(fy.end)}"),
        Row("Lead organisation", str(partnership.lead_organisation)),
        Row("Lead link officer", str(partnership.lead_link_officer or "Not yet named")),
        Row(
            "Plan",
            f"{plan.title}, version {plan.version} ({plan.years_label})"
            if plan
            else "No plan recorded for this year",
        ),
        Row(
            "Edition",
            f"Draft of edition {edition}, not yet published"
            if not published_on
            else f"Edition {edition}, published {published}",
        ),
        Row("Figures as recorded on", long_date(today)),
        Row("Figures as at", _as_at_words(at, fy, today)),
    ]
    return AnnualReportContent(
        partnership=partnership.name,
        year=year,
        year_label=fy.label,
        title=f"{partnership.name}: annual performance report {fy.label}",
        edition=edition,
        is_draft=published_on is None,
        marking=DRAFT_MARKING if published_on is None else "",
        published=published,
        as_at=long_date(today),
        correction=correction,
        about=about,
        is_demo=partnership.is_demo,
        headline=headline,
        rag_counts=rag_counts,
        rag_chart=BarChart(
            id="chart-rag",
            title=f"Measures by status at the end of {fy.label}",
            summary=(
                "; ".join(f"{c.label}: {c.count}" for c in rag_counts)
                + ". The numbers are in the table."
            ),
            bars=[
                Bar(label=c.label.split(":")[0], value=c.count, text=str(c.count), colour=c.rag)
                for c in rag_counts
            ],
        ),
        improvements=[improvement_text(h) for h in success.improved[:TOP_HIGHLIGHTS]],
        concerns=[concern_text(m) for m in concerning],
        objectives_summary=objectives_summary,
        went_well=went_well,
        went_well_notes=_notes(returns, noted, "highlights", "went_well"),
        did_not_go_well=did_not,
        did_not_go_well_notes=_notes(returns, noted, "exceptions", "challenges"),
        corrective_actions=[
            CorrectiveLine(
                measure=f"{c.indicator.code} {c.indicator.title}",
                period=c.period.label,
                description=c.description.strip(),
                owner=str(
                    (c.owner.organisation if c.owner and c.owner.organisation else None)
                    or "Not named"
                ),
                due=long_date(c.due_date) or "No date set",
            )
            for r in returns
            for c in r.corrective_actions.all()
        ],
        history_years=[year_label(y) for y in range(year - YEARS_OF_HISTORY + 1, year + 1)],
        objectives=objectives,
        other_indicators=other,
        risks=[
            RiskLine(
                ref=r.ref,
                title=r.title,
                score=r.residual_score,
                level=risk_level(r.residual_score).label,
                organisation=str(
                    (r.owner.organisation if r.owner and r.owner.organisation else None)
                    or "Not named"
                ),
                mitigation=r.mitigation.strip() or "None recorded",
            )
            for r in risks
        ],
        risks_as_at=long_date(fy.end) if at is not None else long_date(today),
        finance=_finance(partnership, year, today),
        reviews=_reviews(meetings),
        lessons=[
            LessonLine(
                title=lesson.title,
                what_happened=lesson.what_happened.strip(),
                outcome=lesson.get_outcome_display(),
                source=lesson.get_source_display()
                + (f" ({lesson.source_detail})" if lesson.source_detail else ""),
            )
            for lesson in lessons
        ],
        commentary=commentary,
        commentary_by=commentary_by,
        more_lessons=(
            f"{counted(more_lessons, 'more lesson')} learned in {fy.label} "
            f"{'is' if more_lessons == 1 else 'are'} in the partnership's lessons log in "
            "Golden Thread."
            if more_lessons > 0
            else ""
        ),
        success_stories=report_stories(partnership, year),
        contributions=_contributions(plan, year),
        more_meeting_notes=(
            f"The notes of {counted(more_notes, 'earlier review meeting')} in {fy.label} "
            "are in Golden Thread."
            if more_notes
            else ""
        ),
    )


def _contributions(plan, year: int) -> list[ContributionLine]:
    """What organisations outside the partnership gave to the partnership's objectives in
    the year, by objective. Whichever version of the plan the objective is in now (a
    contribution follows its objective into a revision), so a year keeps its
    contributions after the plan is revised. One query."""
    if plan is None:
        return []
    rows = (
        OutsideContribution.objects.filter(objective__plan__partnership_id=plan.partnership_id)
        .filter(year=year)
        .select_related("objective")
        .order_by("objective__ref", "organisation_name", "pk")
    )
    return [
        ContributionLine(
            objective=f"{c.objective.ref} {c.objective.title}",
            organisation=c.organisation_name,
            kind=c.get_kind_display(),
            description=c.description.strip(),
            amount=money(c.amount) if c.amount is not None else "",
        )
        for c in rows
    ]


def _shown_period(m: Measure, year: int) -> Period | None:
    """The period whose figures a measure's row shows: its year end, or with no result in
    the year, the period of the year's last target."""
    if m.year_end is not None:
        return m.year_end.period
    return next((r.period for r in reversed(m.rows) if r.period.year == year and r.target), None)


def _as_at_words(at: datetime.datetime | None, fy: Period, today: datetime.date) -> str:
    if at is not None:
        return (
            f"The end of the year, {long_date(fy.end)}: the plan, measures, targets and "
            "actions as they stood then, and results as signed off, with any later "
            "change shown beside the figure it changes."
        )
    if fy.end >= today:
        return f"As recorded on {long_date(today)}: the year has not ended yet."
    return (
        f"As recorded on {long_date(today)}: the partnership's record of {fy.label} was "
        "entered in Golden Thread after the year ended, so there is no earlier state to "
        "read."
    )


def _actions_at(
    objectives: list[Objective], at: datetime.datetime | None
) -> dict[int, list[Action]]:
    """Each objective's actions as they stood at `at` (the year end), from the history in
    two queries: the state, completion date and reason for closing then. An action with no
    history is read as it is; one added since did not exist then."""
    current = {o.pk: list(o.actions.all()) for o in objectives}
    if at is None or not objectives:
        return current
    past = history_at(Action, at, Q(objective_id__in=list(current)))
    shown: dict[int, list[Action]] = {pk: [] for pk in current}
    for pk, actions in current.items():
        shown[pk] = [state for a in actions if (state := past.state(a)) is not None]
    for action in past.gone(a.pk for actions in current.values() for a in actions):
        shown[action.objective_id].append(action)
    organisations = Organisation.objects.in_bulk(
        {a.lead_organisation_id for actions in shown.values() for a in actions} - {None}
    )
    far = datetime.date.max
    for actions in shown.values():
        for action in actions:
            action.lead_organisation = organisations.get(action.lead_organisation_id)
        actions.sort(key=lambda a: (a.due_date or far, a.ref))
    return shown


def _risks_at(partnership: Partnership, at: datetime.datetime) -> list[Risk]:
    """The top open risks as they stood at `at` (the year end: open then, scored as then),
    from the history in three queries. A risk with no history is read as it is."""
    past = history_at(Risk, at, Q(partnership_id=partnership.pk))
    current = list(Risk.objects.filter(partnership=partnership))
    risks = [state for r in current if (state := past.state(r)) is not None]
    risks += past.gone(r.pk for r in current)
    risks = [r for r in risks if r.is_open]
    risks = sorted(risks, key=lambda r: (-r.residual_score, r.ref))[:TOP_RISKS]
    owners = User.objects.select_related("organisation").in_bulk(
        {r.owner_id for r in risks} - {None}
    )
    for risk in risks:
        risk.owner = owners.get(risk.owner_id)
    return risks


def _objective_year(
    objective: Objective,
    actions: list[Action],
    measures: dict[int, Measure],
    written: dict[int, IndicatorYear],
    year: int,
    as_of: datetime.date,
) -> ObjectiveYear:
    pks = [i.pk for i in objective.indicators.all() if i.pk in measures]
    status = objective_status(
        indicator_rags=[measures[pk].rag for pk in pks],
        actions=[(_state_at(a, as_of), a.due_date) for a in actions],
        today=as_of,
    )
    return ObjectiveYear(
        ref=objective.ref,
        title=objective.title,
        status=status.value,
        status_label=status.label,
        status_rag=status_rag(status).value,
        indicators=[written[pk] for pk in pks],
        actions=[_action_line(a, year) for a in actions],
    )


def _state_at(action: Action, day: datetime.date) -> ActionState:
    """An action finished after `day` was still under way on it."""
    state = action.action_state
    if state is ActionState.COMPLETED and action.completed_on and action.completed_on > day:
        return ActionState.ON_TRACK
    return state


def _went_well(measures, objectives: list[ObjectiveYear], success: Successes) -> list[str]:
    measures = list(measures)
    lines = []
    green = [m for m in measures if m.rag is Rag.GREEN]
    if green:
        lines.append(
            f"{len(green)} of {counted(len(measures), 'measure')} "
            f"{'was' if len(green) == 1 else 'were'} on target at the year end."
        )
    for h in success.turned_green:
        lines.append(
            f"{h.indicator.code} {h.indicator.title} turned green in {h.latest_period.label}: "
            f"it was {h.previous_rag.label.lower()} in {h.previous_period.label}."
        )
    done = [a for o in objectives for a in o.completed]
    if done:
        lines.append(
            f"{counted(len(done), 'action')} of the plan {'was' if len(done) == 1 else 'were'} "
            "completed: " + "; ".join(a.name for a in done) + "."
        )
    return lines


def _did_not(measures, objectives: list[ObjectiveYear]) -> list[str]:
    lines = []
    for m in measures:
        if m.rag is Rag.RED:
            lines.append(
                f"{m.indicator.code} {m.indicator.title} was off target: "
                f"{m.indicator.format_value(m.year_end.actual)} in {m.year_end.period.label} "
                f"against a target of {target_text(m.indicator, m.year_end.target)}."
            )
    carried = [a for o in objectives for a in o.carried_forward]
    if carried:
        lines.append(
            f"{counted(len(carried), 'action')} {'was' if len(carried) == 1 else 'were'} not "
            "finished and carried forward: " + "; ".join(a.name for a in carried) + "."
        )
    return lines


def _notes(
    returns: list[Return], meetings: list[ReviewMeeting], return_field: str, meeting_field: str
) -> list[Note]:
    notes = [
        Note(source=f"{r.period.label} monitoring return", text=getattr(r, return_field).strip())
        for r in returns
        if getattr(r, return_field).strip()
    ]
    notes += [
        Note(
            source=f"Review of {m.period.label}, held on {long_date(m.held_on)}",
            text=getattr(m, meeting_field).strip(),
        )
        for m in meetings
        if getattr(m, meeting_field).strip()
    ]
    return notes


def _commentary_by(report: AnnualReport, partnership: Partnership) -> str:
    """Who wrote the commentary: the last person to save it, as the history records."""
    entry = (
        report.history.filter(history_change_reason=COMMENTARY_REASON)
        .select_related("history_user")
        .first()
    )
    author = entry.history_user if entry and entry.history_user else None
    if author is None:
        author = partnership.lead_link_officer
    if author is None:
        return ""
    role = (
        "lead link officer"
        if author.pk == partnership.lead_link_officer_id
        else "lead, on behalf of the partnership"
    )
    return f"{author}, {role}"


def _finance(partnership: Partnership, year: int, today: datetime.date) -> FinanceYear:
    summary = finance_summary(partnership, year, today)
    total = summary.total
    quarters = [
        MoneyLine(
            label=q.label,
            budget=money(total.quarter_budget) if total.quarter_budget is not None else "–",
            spent=money(total.spend_by_quarter[q]) if q in total.spend_by_quarter else "–",
        )
        for q in summary.quarters
    ]
    actions = [
        MoneyLine(
            label=f"{row.action.ref} {row.action.title}",
            budget=row.finance.budget_text,
            spent=money(sum(row.finance.spend_by_quarter.values(), Decimal(0))),
        )
        for row in summary.actions
        if row.finance.budget is not None or row.finance.spend_by_quarter
    ]
    chart = None
    if total.spend_by_quarter or total.budget is not None:
        chart = BarChart(
            id="chart-spend",
            title=f"Spend by quarter, {summary.year_label}",
            summary=(
                "; ".join(f"{line.label}: {line.spent}" for line in quarters)
                + (
                    f". A quarter's share of the budget is {money(total.quarter_budget)}."
                    if total.quarter_budget is not None
                    else "."
                )
                + " The numbers are in the table."
            ),
            bars=[
                Bar(
                    label=q.label,
                    value=float(total.spend_by_quarter.get(q, Decimal(0))),
                    text=money(total.spend_by_quarter[q])
                    if q in total.spend_by_quarter
                    else "None recorded",
                    colour="blue",
                )
                for q in summary.quarters
            ],
            reference=chart_number(total.quarter_budget),
            reference_text=(
                f"Dashed line: a quarter's share of the budget ({money(total.quarter_budget)})"
                if total.quarter_budget is not None
                else ""
            ),
        )
    spent = sum(total.spend_by_quarter.values(), Decimal(0))
    return FinanceYear(
        has_figures=summary.has_figures,
        budget=total.budget_text,
        spent=money(spent) if total.spend_by_quarter else "No spend recorded",
        words=total.forecast_words,
        quarters=quarters,
        actions=actions,
        chart=chart,
    )


def _reviews(meetings: list[ReviewMeeting]) -> Reviews:
    kinds: Counter[str] = Counter()
    organisations: set[str] = set()
    for meeting in meetings:
        for attendee in meeting.attendees.all():
            kinds[attendee.kind] += 1
            organisation = attendee.organisation.strip() or (
                attendee.person.organisation.name
                if attendee.person and attendee.person.organisation
                else ""
            )
            if organisation:
                organisations.add(organisation)
    return Reviews(
        meetings=[f"{m.period.label}, reviewed on {long_date(m.held_on)}" for m in meetings],
        attendance=[
            AttendanceLine(kind=label, count=kinds[value])
            for value, label in Attendee.Kind.choices
            if kinds.get(value)
        ],
        organisations=sorted(organisations),
    )


def _action_line(action: Action, year: int) -> ActionLine:
    start, end = Period(Frequency.ANNUAL, year, 1).start, Period(Frequency.ANNUAL, year, 1).end
    state = ActionState(action.state)
    organisation = str(action.lead_organisation or "No lead organisation named")
    if state is ActionState.CANCELLED:
        outcome, text = "cancelled", "Cancelled"
        if action.closed_reason.strip():
            text += f": {action.closed_reason.strip()}"
    elif state is ActionState.COMPLETED and (
        action.completed_on is None or action.completed_on <= end
    ):
        outcome = "completed"
        text = f"Completed {long_date(action.completed_on)}" if action.completed_on else "Completed"
        if action.completed_on and action.completed_on < start:
            text += ", before this year"
    else:
        outcome = "carried_forward"
        text = f"Carried forward into {year_label(year + 1)}"
        if action.due_date:
            text += f", due {long_date(action.due_date)}"
    return ActionLine(
        ref=action.ref, title=action.title, organisation=organisation, outcome=outcome, text=text
    )
