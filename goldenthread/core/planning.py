"""Reads for the plan pages: a version's tree, its SMART check, and the comparison of
two versions. A fixed number of queries whatever the size of the plan."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from goldenthread.rules import (
    Criterion,
    ObjectiveFacts,
    Period,
    Polarity,
    TargetFacts,
    check_objective,
    check_target,
    periods_in_years,
)

from .models import Action, Indicator, Objective, Plan, PlanTarget, Result


@dataclass
class IndicatorInPlan:
    indicator: Indicator
    targets: list[PlanTarget]

    def target_grid(self) -> tuple[list[str], list[tuple[str, list[PlanTarget | None]]]]:
        """Targets laid out a financial year a row, with a column per quarter or month,
        so a monthly indicator's three years fit on a page."""
        if not self.targets:
            return [], []
        frequency = self.targets[0].period.frequency
        by_period = {t.period: t for t in self.targets}
        years = sorted({t.period.year for t in self.targets})
        columns = periods_in_years(frequency, years[0], years[0])
        headers = {
            "annual": ["Target"],
            "quarterly": [p.label.split()[-1] for p in columns],
            "monthly": [p.label.split()[0] for p in columns],
        }[frequency]
        rows = [
            (
                Period("annual", year, 1).label,
                [by_period.get(p) for p in periods_in_years(frequency, year, year)],
            )
            for year in years
        ]
        return headers, rows


@dataclass
class ObjectiveInPlan:
    objective: Objective
    indicators: list[IndicatorInPlan]
    actions: list[Action]


def plan_tree(plan: Plan) -> list[ObjectiveInPlan]:
    """Objectives of the version with their outcomes, indicators with the targets this
    version sets, and actions with milestones."""
    objectives = list(
        plan.objectives.select_related("owner", "lead_organisation").prefetch_related(
            "outcomes__strategic_plan",
            Prefetch("indicators", queryset=Indicator.objects.select_related("owner")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "owner", "lead_organisation"
                ).prefetch_related("milestones"),
            ),
        )
    )
    targets: dict[int, list[PlanTarget]] = defaultdict(list)
    for target in plan.targets.order_by("period"):
        targets[target.indicator_id].append(target)
    return [
        ObjectiveInPlan(
            objective=o,
            indicators=[IndicatorInPlan(i, targets[i.pk]) for i in o.indicators.all()],
            actions=list(o.actions.all()),
        )
        for o in objectives
    ]


@dataclass(frozen=True)
class SmartItem:
    """One SMART failure, with a stable key so a reason can be recorded against it."""

    subject: str
    criterion: Criterion
    message: str

    @property
    def key(self) -> str:
        text = f"{self.subject}|{self.criterion}|{self.message}"
        return "smart_" + hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class SmartReport:
    objectives: list[tuple[Objective, list[SmartItem]]] = field(default_factory=list)
    indicators: list[tuple[Indicator, list[SmartItem]]] = field(default_factory=list)
    judged_from: datetime.date | None = None  # the version's start (see version_start)
    approved: bool = False  # judged from the day the version was approved, not today

    @property
    def failures(self) -> list[SmartItem]:
        return [item for _, items in self.objectives + self.indicators for item in items]

    @property
    def passed(self) -> bool:
        return not self.failures


def _unique(items: list[SmartItem]) -> list[SmartItem]:
    seen, unique = set(), []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            unique.append(item)
    return unique


def version_start(plan: Plan, today: datetime.date) -> datetime.date:
    """The day a version's targets are judged from: the day it was approved, or for a draft
    the day of the check (the day it would be approved). An approved version's check then
    stays what it was when it was approved, bar periods whose results have come in since."""
    if plan.approved_at is None:
        return today
    return min(timezone.localdate(plan.approved_at), today)


def smart_report(plan: Plan, today: datetime.date) -> SmartReport:
    """The SMART check of every objective and every target of the version, on `today`."""
    tree = plan_tree(plan)
    start = version_start(plan, today)
    indicator_ids = {i.indicator.pk for o in tree for i in o.indicators}
    indicator_ids |= set(plan.targets.values_list("indicator_id", flat=True))
    history: dict[int, dict[Period, Decimal]] = defaultdict(dict)
    for indicator_id, period, value in Result.objects.filter(
        indicator__in=indicator_ids, value__isnull=False
    ).values_list("indicator_id", "period", "value"):
        history[indicator_id][period] = value

    report = SmartReport(judged_from=start, approved=plan.approved_at is not None)
    measured_by: dict[int, list[ObjectiveInPlan]] = defaultdict(list)
    for node in tree:
        objective = node.objective
        for line in node.indicators:
            measured_by[line.indicator.pk].append(node)
        facts = ObjectiveFacts(
            title=objective.title,
            description=objective.description,
            has_owner=objective.owner_id is not None,
            has_lead_organisation=objective.lead_organisation_id is not None,
            deadline=objective.deadline,
            plan_first_year=plan.first_year,
            plan_last_year=plan.last_year,
            indicator_count=len(node.indicators),
            indicators_with_targets=sum(1 for line in node.indicators if line.targets),
            action_count=len(node.actions),
            actions_without_owner=sum(1 for a in node.actions if a.owner_id is None),
            outcome_count=len(objective.outcomes.all()),
        )
        items = [SmartItem(objective.ref, f.criterion, f.message) for f in check_objective(facts)]
        report.objectives.append((objective, items))

    indicators = {line.indicator.pk: line for node in tree for line in node.indicators}
    for line in indicators.values():
        indicator = line.indicator
        nodes = measured_by[indicator.pk]
        items = []
        for target in line.targets:
            facts = TargetFacts(
                indicator_code=indicator.code,
                indicator_title=indicator.title,
                has_definition=bool(indicator.definition.strip()),
                unit=indicator.unit,
                decimals=indicator.decimals,
                polarity=Polarity(indicator.polarity),
                period=target.period,
                value=target.value,
                upper=target.upper,
                plan_first_year=plan.first_year,
                plan_last_year=plan.last_year,
                history=history[indicator.pk],
                baseline=indicator.baseline,
                baseline_period=indicator.baseline_period,
                comparators=(),
                has_owner=indicator.owner_id is not None,
                has_actions=any(node.actions for node in nodes),
                has_lead_organisation=indicator.owner_organisation_id is not None
                or any(node.objective.lead_organisation_id for node in nodes),
            )
            items += [
                SmartItem(indicator.code, f.criterion, f.message)
                for f in check_target(facts, today=today, version_start=start)
            ]
        report.indicators.append((indicator, _unique(items)))
    return report


# --- comparing two versions ------------------------------------------------------------


@dataclass
class Change:
    """One item that differs between two versions."""

    kind: str  # "objective", "indicator", "target", "action"
    ref: str
    title: str
    status: str  # "added", "removed", "changed"
    # (field, old, new): old is None for an added item's values, new None for a removed one's
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    note: str = ""


KINDS = ("objective", "indicator", "target", "action")


def _name(person) -> str:
    return str(person) if person else "No owner"


def snapshot(plan: Plan) -> dict[str, dict[str, dict[str, Any]]]:
    """What a version says, keyed by the references that persist across versions. Keys
    starting with "_" are for ordering and notes, not compared."""
    tree = plan_tree(plan)
    objectives, indicators, actions, targets = {}, {}, {}, {}
    for node in tree:
        o = node.objective
        objectives[o.ref] = {
            "title": o.title,
            "description": o.description,
            "owner": _name(o.owner),
            "lead organisation": str(o.lead_organisation or "None"),
            "deadline": o.deadline.strftime("%-d %B %Y") if o.deadline else "None",
            "outcomes": ", ".join(sorted(f"{x.code}" for x in o.outcomes.all())) or "None",
            "indicators": ", ".join(sorted(line.indicator.code for line in node.indicators))
            or "None",
        }
        for a in node.actions:
            actions[a.ref] = {
                "title": a.title,
                "objective": o.ref,
                "owner": _name(a.owner),
                "lead organisation": str(a.lead_organisation or "None"),
                "start": a.start_date.strftime("%-d %B %Y") if a.start_date else "None",
                "due": a.due_date.strftime("%-d %B %Y") if a.due_date else "None",
                "status": a.get_state_display(),
                "_state": a.state,
                "_closed_reason": a.closed_reason,
            }
        for line in node.indicators:
            # An indicator belongs to the partnership, not to a version: what a version
            # changes is whether it measures the plan, not the indicator's definition.
            indicators[line.indicator.code] = {"title": line.indicator.title}
            for t in line.targets:
                value = line.indicator.format_value(t.value)
                if t.upper is not None:
                    value += f" to {line.indicator.format_value(t.upper)}"
                targets[f"{line.indicator.code} {t.period.label}"] = {
                    "title": line.indicator.title,
                    "target": value,
                    "_order": (_ref_order(line.indicator.code), t.period.end, t.period.start),
                }
    return {
        "objective": objectives,
        "indicator": indicators,
        "action": actions,
        "target": targets,
    }


def _shown(values: dict[str, Any]) -> list[str]:
    return [name for name in values if not name.startswith("_") and name != "title"]


def compare(old: Plan, new: Plan) -> list[Change]:
    """What was added, removed and changed from `old` to `new`: objectives, indicators,
    targets in period order (with the values of those added or removed), and actions (with
    the reason given for closing one that was not carried forward)."""
    before, after = snapshot(old), snapshot(new)
    changes = []
    for kind in KINDS:
        a, b = before[kind], after[kind]

        def order(ref: str, a=a, b=b) -> tuple:
            values = a.get(ref) or b[ref]
            return values["_order"] if "_order" in values else _ref_order(ref)

        for ref in sorted(a.keys() | b.keys(), key=order):
            if ref not in a:
                values = b[ref]
                fields = [(name, None, values[name]) for name in _shown(values)]
                if kind != "target":
                    fields = []  # a new objective or action is read on the version's page
                changes.append(Change(kind, ref, values["title"], "added", fields))
            elif ref not in b:
                values = a[ref]
                fields = [(name, values[name], None) for name in _shown(values)]
                if kind != "target":
                    fields = []
                note = ""
                if kind == "action":
                    note = (
                        f"Not carried forward: {values['status'].lower()}"
                        if values["_state"] in ("completed", "cancelled")
                        else "Removed"
                    )
                    if values["_closed_reason"].strip():
                        note += f". Reason: {values['_closed_reason'].strip()}"
                changes.append(Change(kind, ref, values["title"], "removed", fields, note=note))
            else:
                diffs = [
                    (name, a[ref][name], b[ref].get(name))
                    for name in a[ref]
                    if not name.startswith("_") and a[ref][name] != b[ref].get(name)
                ]
                if diffs:
                    changes.append(Change(kind, ref, b[ref]["title"], "changed", diffs))
    return changes


def _ref_order(ref: str) -> tuple:
    head, _, tail = ref.partition(" ")
    digits = "".join(c for c in head if c.isdigit())
    return (head.rstrip("0123456789"), int(digits) if digits else 0, tail)
