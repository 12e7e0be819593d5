"""Pace of change: per partner organisation, the actions it leads in a plan and when
they fall due, so a partnership sees who carries how much and when. Drawn as a timeline
by `charts.pace`."""

import datetime
from dataclasses import dataclass, field

from goldenthread.rules import ActionState, Frequency, Period, is_overdue

from .models import Action, Organisation, Plan

NO_LEAD = "No lead organisation"
FINISHED = (ActionState.COMPLETED, ActionState.CANCELLED)


@dataclass
class ActionLine:
    action: Action
    overdue: bool

    @property
    def on_timeline(self) -> bool:
        return self.action.start_date is not None and self.action.due_date is not None

    @property
    def status_text(self) -> str:
        return "Overdue" if self.overdue else self.action.get_state_display()

    @property
    def finished(self) -> bool:
        return self.action.action_state in FINISHED


@dataclass
class OrganisationLoad:
    name: str
    organisation: Organisation | None
    lines: list[ActionLine] = field(default_factory=list)
    due_by_quarter: list[int] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(not line.finished for line in self.lines)

    @property
    def overdue_count(self) -> int:
        return sum(line.overdue for line in self.lines)

    @property
    def slug(self) -> str:
        return f"org-{self.organisation.pk}" if self.organisation else "org-none"


def next_quarters(today: datetime.date, count: int = 4) -> list[Period]:
    """The quarter we are in and the ones after it."""
    quarters = [Period.containing(Frequency.QUARTERLY, today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].next())
    return quarters


def organisation_loads(
    plan: Plan, today: datetime.date, quarters: list[Period]
) -> list[OrganisationLoad]:
    """The plan's actions grouped by lead organisation (by name; those with none last),
    each with how many unfinished actions fall due in each quarter from today. One query."""
    actions = Action.objects.filter(objective__plan=plan).select_related(
        "owner", "lead_organisation", "objective"
    )
    groups: dict[int | None, OrganisationLoad] = {}
    for action in actions:
        org = action.lead_organisation
        key = org.pk if org else None
        group = groups.setdefault(key, OrganisationLoad(org.name if org else NO_LEAD, org))
        overdue = is_overdue(state=action.action_state, due=action.due_date, today=today)
        group.lines.append(ActionLine(action=action, overdue=overdue))
    for group in groups.values():
        group.lines.sort(
            key=lambda line: (
                line.action.start_date or datetime.date.max,
                line.action.due_date or datetime.date.max,
                line.action.objective.ref,
                line.action.ref,
            )
        )
        # Work still to do, due from today: an unfinished action due earlier is overdue
        # and counted there instead.
        group.due_by_quarter = [
            sum(
                1
                for line in group.lines
                if not line.finished
                and line.action.due_date is not None
                and max(quarter.start, today) <= line.action.due_date <= quarter.end
            )
            for quarter in quarters
        ]
    return sorted(groups.values(), key=lambda g: (g.organisation is None, g.name.lower()))
