"""A plan version as one plain content structure, and the plan's PDF and Word files.

`plan_document(plan)` reads everything a shared plan shows in a fixed number of queries
and returns plain dataclasses whose text is already written out (dates, values, names,
statuses), so the web pages, the PDF and the Word file all say exactly the same thing.

Two layouts are drawn from the same content:
- "page", the plan on a page: what the plan is for, its objectives with their measures
  and the target for each year (the year-end target for quarterly and monthly
  measures), its actions and top risks;
- "full", the full plan: adds descriptions, the golden thread to strategic outcomes in
  full, every period's target, action start dates and milestones.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, Prefetch
from django.utils import dateformat, timezone
from django.utils.text import slugify

from goldenthread.core.models import (
    Action,
    Indicator,
    Milestone,
    Objective,
    Outcome,
    Plan,
    PlanTarget,
    Risk,
    SmartWaiver,
)
from goldenthread.core.risks import risk_level
from goldenthread.rules import ActionState, Criterion, Frequency, Period, Polarity

from . import word
from .pdf import render_pdf

DRAFT_MARKING = "Draft – not yet approved"
SUPERSEDED_MARKING = "Superseded – a later version of this plan replaces it"
TOP_RISKS = 5
DEMO_NOTICE = (
    "Demonstration data. The partnership, plan, objectives, actions, risks, owners and "
    "targets in this document are illustrative, made up to show how Golden Thread works."
)


class Layout(StrEnum):
    PAGE = "page"
    FULL = "full"

    @property
    def label(self) -> str:
        return "Plan on a page" if self is Layout.PAGE else "Full plan"

    @classmethod
    def from_query(cls, value: str | None) -> Layout:
        return cls.PAGE if value == cls.PAGE else cls.FULL


# --- the content structure ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetCell:
    period: str  # "2025/26 Q4", "Mar 2026", "2025/26"
    value: Decimal
    upper: Decimal | None
    text: str  # "12.5%", or "40 to 45" for a band


@dataclass(frozen=True)
class YearTargets:
    """One financial year of an indicator's targets: `cells` has one place per period of
    the year (None where the plan sets no target), `year_end` the last period's."""

    year: str
    cells: list[TargetCell | None]
    in_plan: bool  # False for a year outside the plan's span that has a target anyway

    @property
    def year_end(self) -> TargetCell | None:
        return self.cells[-1]

    @property
    def year_end_text(self) -> str:
        return self.year_end.text if self.year_end else "None set"


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    title: str
    definition: str
    unit: str
    frequency: str  # "Quarterly"
    polarity: str  # "Higher is better"
    baseline: str  # "125 (2014/15)" or "Not recorded"
    period_names: list[str]  # column headings within a year: ["Q1", …] or ["Apr", …]
    years: list[YearTargets]

    @property
    def is_annual(self) -> bool:
        return len(self.period_names) == 1

    @property
    def year_end_name(self) -> str:
        return {4: "Q4", 12: "March"}.get(len(self.period_names), "")

    @property
    def every(self) -> str:
        """Either "quarterly" or "monthly" for indicators with more than one target a year."""
        return {4: "quarterly", 12: "monthly"}.get(len(self.period_names), "")

    @property
    def year_end_note(self) -> str:
        """Said beside a year-end target, where the plan holds more targets than it shows."""
        return _year_end_note([self.code], self.every, self.year_end_name) if self.every else ""

    @property
    def unit_words(self) -> str:
        """The unit where the values do not already show it."""
        return "" if self.unit.lower() in ("", "%", "count", "number") else self.unit

    @property
    def has_targets(self) -> bool:
        return any(cell for year in self.years for cell in year.cells)


@dataclass(frozen=True)
class OutcomeEntry:
    code: str
    title: str
    strategic_plan: str

    @property
    def text(self) -> str:
        return f"{self.code} {self.title} ({self.strategic_plan})"


@dataclass(frozen=True)
class MilestoneEntry:
    title: str
    due: str
    done: str  # "" while not done


@dataclass(frozen=True)
class ActionEntry:
    ref: str
    title: str
    owner: str
    lead_organisation: str
    start: str
    due: str
    status: str
    milestones: list[MilestoneEntry]


@dataclass(frozen=True)
class ObjectiveEntry:
    ref: str
    title: str
    description: str
    owner: str
    organisation: str
    deadline: str
    outcomes: list[OutcomeEntry]
    indicators: list[IndicatorEntry]
    actions: list[ActionEntry]

    @property
    def heading(self) -> str:
        return f"{self.ref}: {self.title}"

    @property
    def owner_text(self) -> str:
        if self.organisation and self.owner != "No owner named":
            return f"{self.owner}, {self.organisation}"
        return self.owner

    @property
    def year_end_notes(self) -> list[str]:
        """One note per frequency: "CS05 and CS06 are measured monthly: …"."""
        notes = []
        for every, name in (("quarterly", "Q4"), ("monthly", "March")):
            codes = [i.code for i in self.indicators if i.every == every]
            if codes:
                notes.append(_year_end_note(codes, every, name))
        return notes


@dataclass(frozen=True)
class RiskEntry:
    ref: str
    title: str
    score: int  # residual: likelihood × impact after mitigation
    level: str
    owner: str
    mitigation: str

    @property
    def score_text(self) -> str:
        return f"{self.score} ({self.level})"


@dataclass(frozen=True)
class WaiverEntry:
    subject: str
    criterion: str
    failure: str
    reason: str

    @property
    def text(self) -> str:
        return (
            f"{self.subject}, {self.criterion}: approved knowing that {_lower_first(self.failure)}."
        )


@dataclass(frozen=True)
class PlanDocument:
    partnership: str
    purpose: str
    lead_organisation: str
    lead_link_officer: str
    title: str
    version: int
    status: str  # "Approved", "Draft – not yet approved", …
    is_draft: bool
    marking: str  # shown on every page of a plan that is not the approved one; "" if approved
    span: str  # "2024/25 to 2026/27"
    years: list[str]  # ["2024/25", "2025/26", "2026/27"]
    approved: str  # "15 May 2024 by Sarah Bennett", or ""
    vision: str
    key_issues: list[str]
    objectives: list[ObjectiveEntry]
    risks: list[RiskEntry]
    waivers: list[WaiverEntry]
    is_demo: bool
    demo_notice: str = field(default=DEMO_NOTICE)

    def filename(self, layout: Layout, extension: str) -> str:
        suffix = "-plan-on-a-page" if layout is Layout.PAGE else ""
        return f"{slugify(self.title)}-v{self.version}{suffix}.{extension}"

    def document_title(self, layout: Layout) -> str:
        title = f"{self.title}: plan on a page" if layout is Layout.PAGE else self.title
        return f"{title} ({DRAFT_MARKING.lower()})" if self.is_draft else title

    @property
    def summary_rows(self) -> list[tuple[str, str]]:
        """The rows of "About this plan", the same in every output."""
        rows = [
            ("Partnership", self.partnership),
            ("Lead organisation", self.lead_organisation),
            ("Lead link officer", self.lead_link_officer),
            ("Covers", self.span),
            ("Version", str(self.version)),
            ("Status", self.status),
        ]
        if self.approved:
            rows.append(("Approved", self.approved))
        return rows


# --- reading a plan ----------------------------------------------------------------------------


def plan_document(plan: Plan) -> PlanDocument:
    """Everything a shared plan shows, in nine queries whatever the plan's size."""
    plan = Plan.objects.select_related(
        "partnership__lead_organisation", "partnership__lead_link_officer", "approved_by"
    ).get(pk=plan.pk)
    partnership = plan.partnership
    objectives = list(
        plan.objectives.select_related("owner", "lead_organisation").prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.select_related("strategic_plan")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("code")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "owner", "lead_organisation"
                ).prefetch_related(
                    Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk"))
                ),
            ),
        )
    )
    targets: dict[int, list[PlanTarget]] = defaultdict(list)
    for target in PlanTarget.objects.filter(plan=plan):
        targets[target.indicator_id].append(target)
    risks = (
        Risk.objects.filter(partnership=partnership, is_open=True)
        .select_related("owner")
        .annotate(residual=F("residual_likelihood") * F("residual_impact"))
        .order_by("-residual", "ref")[:TOP_RISKS]
    )
    waivers = SmartWaiver.objects.filter(plan=plan).order_by("pk")

    status = {
        Plan.Status.APPROVED: "Approved",
        Plan.Status.DRAFT: DRAFT_MARKING,
        Plan.Status.SUPERSEDED: SUPERSEDED_MARKING,
    }[plan.status]
    years = [
        Period(Frequency.ANNUAL, year, 1).label
        for year in range(plan.first_year, plan.last_year + 1)
    ]
    approved = ""
    if plan.status != Plan.Status.DRAFT and plan.approved_at:
        approved = _date(timezone.localdate(plan.approved_at))
        if plan.approved_by:
            approved += f" by {plan.approved_by}"
    return PlanDocument(
        partnership=partnership.name,
        purpose=partnership.purpose,
        lead_organisation=str(partnership.lead_organisation),
        lead_link_officer=str(partnership.lead_link_officer or "Not yet named"),
        title=plan.title,
        version=plan.version,
        status=status,
        is_draft=plan.status == Plan.Status.DRAFT,
        marking="" if plan.status == Plan.Status.APPROVED else status,
        span=plan.years_label,
        years=years,
        approved=approved,
        vision=plan.vision.strip(),
        key_issues=[line.strip() for line in plan.key_issues.splitlines() if line.strip()],
        objectives=[_objective(o, plan, targets) for o in objectives],
        risks=[_risk(r) for r in risks],
        waivers=[
            WaiverEntry(
                subject=w.subject,
                criterion=_criterion(w.criterion),
                failure=w.failure,
                reason=w.reason,
            )
            for w in waivers
        ],
        is_demo=partnership.is_demo,
    )


def _objective(
    objective: Objective, plan: Plan, targets: dict[int, list[PlanTarget]]
) -> ObjectiveEntry:
    return ObjectiveEntry(
        ref=objective.ref,
        title=objective.title,
        description=objective.description.strip(),
        owner=str(objective.owner or "No owner named"),
        organisation=str(objective.lead_organisation or ""),
        deadline=_date(objective.deadline) or "No deadline set",
        outcomes=[
            OutcomeEntry(code=o.code, title=o.title, strategic_plan=o.strategic_plan.title)
            for o in sorted(
                objective.outcomes.all(), key=lambda o: (o.strategic_plan.title, o.code)
            )
        ],
        indicators=[_indicator(i, plan, targets.get(i.pk, [])) for i in objective.indicators.all()],
        actions=[_action(a) for a in objective.actions.all()],
    )


def _indicator(indicator: Indicator, plan: Plan, targets: list[PlanTarget]) -> IndicatorEntry:
    frequency = Frequency(indicator.frequency)
    per_year = frequency.periods_per_year
    by_period = {t.period: t for t in targets if t.period.frequency is frequency}
    first = min([plan.first_year, *(p.year for p in by_period)])
    last = max([plan.last_year, *(p.year for p in by_period)])
    years = []
    for year in range(first, last + 1):
        cells = []
        for number in range(1, per_year + 1):
            period = Period(frequency, year, number)
            target = by_period.get(period)
            cells.append(
                None
                if target is None
                else TargetCell(
                    period=period.label,
                    value=target.value,
                    upper=target.upper,
                    text=_target_text(indicator, target),
                )
            )
        years.append(
            YearTargets(
                year=Period(Frequency.ANNUAL, year, 1).label,
                cells=cells,
                in_plan=plan.first_year <= year <= plan.last_year,
            )
        )
    baseline = "Not recorded"
    if indicator.baseline is not None:
        baseline = indicator.format_value(indicator.baseline)
        if indicator.baseline_period:
            baseline += f" ({indicator.baseline_period.label})"
    return IndicatorEntry(
        code=indicator.code,
        title=indicator.title,
        definition=indicator.definition.strip(),
        unit=indicator.unit,
        frequency=frequency.label,
        polarity=Polarity(indicator.polarity).label,
        baseline=baseline,
        period_names=_period_names(frequency),
        years=years,
    )


def _period_names(frequency: Frequency) -> list[str]:
    if frequency is Frequency.ANNUAL:
        return ["Year"]
    if frequency is Frequency.QUARTERLY:
        return [f"Q{n}" for n in range(1, 5)]
    return [Period(Frequency.MONTHLY, 2000, n).label.split()[0] for n in range(1, 13)]


def _target_text(indicator: Indicator, target: PlanTarget) -> str:
    if target.upper is not None and target.upper != target.value:
        return f"{indicator.format_value(target.value)} to {indicator.format_value(target.upper)}"
    return indicator.format_value(target.value)


def _action(action: Action) -> ActionEntry:
    return ActionEntry(
        ref=action.ref,
        title=action.title,
        owner=str(action.owner or "No owner named"),
        lead_organisation=str(action.lead_organisation or "Not named"),
        start=_date(action.start_date) or "Not set",
        due=_date(action.due_date) or "No due date",
        status=ActionState(action.state).label,
        milestones=[
            MilestoneEntry(title=m.title, due=_date(m.due_date), done=_date(m.done_on))
            for m in action.milestones.all()
        ],
    )


def _risk(risk: Risk) -> RiskEntry:
    return RiskEntry(
        ref=risk.ref,
        title=risk.title,
        score=risk.residual_score,
        level=risk_level(risk.residual_score).label,
        owner=str(risk.owner or "No owner named"),
        mitigation=risk.mitigation.strip() or "None recorded",
    )


def _year_end_note(codes: list[str], every: str, year_end: str) -> str:
    names = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"
    verb, whose = ("is", "Its") if len(codes) == 1 else ("are", "Their")
    return (
        f"{names} {verb} measured {every}: the targets shown are for the end of each year "
        f"({year_end}). {whose} {every} targets are in the full plan."
    )


def _criterion(value: str) -> str:
    try:
        return Criterion(value).label
    except ValueError:
        return value


def _date(day: datetime.date | None) -> str:
    return dateformat.format(day, "j F Y") if day else ""


def _lower_first(text: str) -> str:
    """Lower-case "No owner" to "no owner" but leave "CS03 has …"; drop a full stop."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


# --- files -------------------------------------------------------------------------------------


def plan_pdf(document: PlanDocument, layout: Layout) -> bytes:
    return render_pdf(
        "documents/plan.html",
        {"doc": document, "layout": layout.value, "title": document.document_title(layout)},
    )


def plan_docx(document: PlanDocument, layout: Layout) -> bytes:
    """The plan as a Word file with real headings (Heading 1–3) and tables whose header
    row repeats on every page."""
    doc = word.new_document(
        title=document.document_title(layout),
        author=document.partnership,
        subject=f"{layout.label}, {document.span}",
        landscape=layout is Layout.PAGE,
    )
    word.running_header(doc, document.title, marking=document.marking)
    word.page_number_footer(doc)

    if layout is Layout.PAGE:
        word.paragraph(doc, f"{layout.label}, {document.partnership}", style="Subtitle")
    word.heading(doc, document.title, 1)
    if document.marking:
        word.paragraph(doc, document.marking, bold=True)
    if document.is_demo:
        word.paragraph(doc, document.demo_notice, italic=True)
    word.key_values(doc, document.summary_rows)
    if document.purpose and layout is Layout.FULL:
        word.heading(doc, "What the partnership is for", 2)
        word.paragraph(doc, document.purpose)
    if document.vision:
        word.heading(doc, "Our vision", 2)
        word.paragraph(doc, document.vision)
    if document.key_issues:
        word.heading(doc, "The key issues this plan addresses", 2)
        word.bullets(doc, document.key_issues)

    word.heading(doc, "Our objectives", 2)
    if not document.objectives:
        word.paragraph(doc, "This plan has no objectives yet.")
    for objective in document.objectives:
        if layout is Layout.PAGE:
            _objective_on_a_page_docx(doc, document, objective)
        else:
            _objective_in_full_docx(doc, objective)

    word.heading(doc, "Top risks", 2)
    if document.risks:
        word.table(
            doc,
            caption="The partnership's open risks with the highest scores after mitigation",
            headers=["Risk", "Score after mitigation", "Owner", "Mitigation"],
            rows=[
                [f"{r.ref} {r.title}", r.score_text, r.owner, r.mitigation] for r in document.risks
            ],
            widths=[3, 1.6, 2, 4],
        )
        word.paragraph(doc, "Scores are likelihood times impact, each from 1 to 5.", size=9)
    else:
        word.paragraph(doc, "No open risks are recorded.")
    if document.waivers:
        word.heading(doc, "Approved knowing that", 2)
        word.paragraph(
            doc,
            "The plan was approved although the SMART check found these problems, "
            "for the reasons given.",
        )
        for waiver in document.waivers:
            word.paragraph(doc, waiver.text, bold=True, space_after=0)
            word.paragraph(doc, f"Reason: {waiver.reason}")
    return word.to_bytes(doc)


def _objective_on_a_page_docx(doc, document: PlanDocument, objective: ObjectiveEntry) -> None:
    word.heading(doc, objective.heading, 3)
    word.key_values(
        doc,
        [
            ("Owner", objective.owner_text),
            ("Deadline", objective.deadline),
            (
                "Contributes to",
                "; ".join(o.text for o in objective.outcomes) or "No strategic outcome yet",
            ),
        ],
        keep_with_next=True,
    )
    if objective.indicators:
        word.table(
            doc,
            caption=f"How we will measure {objective.ref}: targets for each year",
            headers=["Measure", "Baseline", *document.years],
            rows=[
                [
                    _measure_name(i),
                    i.baseline,
                    *(y.year_end_text for y in i.years if y.in_plan),
                ]
                for i in objective.indicators
            ],
            numeric_from=2,
            widths=[6, 2.2, *[1.3] * len(document.years)],
        )
        for note in objective.year_end_notes:
            word.paragraph(doc, note, size=9)
    else:
        word.paragraph(doc, "No measure is set for this objective yet.")
    if objective.actions:
        word.table(
            doc,
            caption=f"What we will do for {objective.ref}",
            headers=["Action", "Owner", "Due", "Status"],
            rows=[
                [f"{a.ref} {a.title}", f"{a.owner}, {a.lead_organisation}", a.due, a.status]
                for a in objective.actions
            ],
            widths=[5, 4, 1.7, 1.5],
        )
    else:
        word.paragraph(doc, "No actions are planned for this objective yet.")


def _objective_in_full_docx(doc, objective: ObjectiveEntry) -> None:
    word.heading(doc, objective.heading, 3)
    if objective.description:
        word.paragraph(doc, objective.description)
    word.key_values(
        doc,
        [
            ("Owner", objective.owner_text),
            ("Deadline", objective.deadline),
            (
                "Contributes to",
                "\n".join(o.text for o in objective.outcomes) or "No strategic outcome yet",
            ),
        ],
    )
    if not objective.indicators:
        word.paragraph(doc, "No measure is set for this objective yet.")
    for indicator in objective.indicators:
        word.heading(doc, f"{indicator.code} {indicator.title}", 4)
        if indicator.definition:
            word.paragraph(doc, indicator.definition)
        word.key_values(
            doc,
            [
                ("Unit", indicator.unit or "Not stated"),
                ("Measured", indicator.frequency),
                ("Better is", indicator.polarity),
                ("Baseline", indicator.baseline),
            ],
        )
        word.table(
            doc,
            caption=f"Targets for {indicator.code}",
            headers=["Year", *(["Target"] if indicator.is_annual else indicator.period_names)],
            rows=[[y.year, *(c.text if c else "–" for c in y.cells)] for y in indicator.years],
            numeric_from=1,
            widths=[1.4, *[1] * len(indicator.period_names)],
            width_mm={1: 60, 4: 120}.get(len(indicator.period_names)),
        )
    if objective.actions:
        word.table(
            doc,
            caption=f"What we will do for {objective.ref}",
            headers=["Action", "Owner", "Lead organisation", "Start", "Due", "Status"],
            rows=[
                [f"{a.ref} {a.title}", a.owner, a.lead_organisation, a.start, a.due, a.status]
                for a in objective.actions
            ],
            widths=[4.4, 2.4, 2.8, 2, 2, 2.1],
        )
        for action in objective.actions:
            if action.milestones:
                word.table(
                    doc,
                    caption=f"Milestones for {action.ref} {action.title}",
                    headers=["Milestone", "Due", "Done"],
                    rows=[[m.title, m.due, m.done or "Not yet"] for m in action.milestones],
                    widths=[3, 1, 1],
                )
    else:
        word.paragraph(doc, "No actions are planned for this objective yet.")


def _measure_name(indicator: IndicatorEntry) -> str:
    name = f"{indicator.code} {indicator.title}"
    return f"{name} ({indicator.unit_words})" if indicator.unit_words else name
