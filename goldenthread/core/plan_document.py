"""A plan version as one plain content structure, for sharing it.

`plan_document(plan)` reads everything a shared plan shows in a fixed number of queries
and returns plain dataclasses whose text is already written out (dates, values, names,
statuses), so the web pages, the PDF and the Word file (goldenthread.documents.plan) all
say exactly the same thing.

Two layouts are drawn from the same content:
- "page", the plan on a page: what the plan is for, its objectives with their measures
  and the target for each year (the year-end target for quarterly and monthly
  measures), its actions and top risks;
- "full", the full plan: adds descriptions, the golden thread to strategic outcomes in
  full, every period's target, action start dates and milestones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, Prefetch
from django.utils import timezone
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
from goldenthread.rules import ActionState, Criterion, Frequency, Period, Polarity, long_date

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
        approved = long_date(timezone.localdate(plan.approved_at))
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
        deadline=long_date(objective.deadline) or "No deadline set",
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
        start=long_date(action.start_date) or "Not set",
        due=long_date(action.due_date) or "No due date",
        status=ActionState(action.state).label,
        milestones=[
            MilestoneEntry(title=m.title, due=long_date(m.due_date), done=long_date(m.done_on))
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


def _lower_first(text: str) -> str:
    """Lower-case "No owner" to "no owner" but leave "CS03 has …"; drop a full stop."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
