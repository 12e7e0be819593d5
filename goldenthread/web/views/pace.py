"""Pace of change: per partner organisation, the actions it leads in the current plan and
when they fall, as an SVG timeline (drawn from a template: no chart library draws a
Gantt chart) and as tables, so a partnership sees who carries how much and when.

The reads and the timeline's geometry live here because only this page uses them; move
them to core if a report needs the same timeline."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.models import Action, Organisation, Plan
from goldenthread.core.performance import current_plan
from goldenthread.rules import ActionState, Frequency, Period, is_overdue
from goldenthread.web.decorators import minimum_role

NO_LEAD = "No lead organisation"
FINISHED = (ActionState.COMPLETED, ActionState.CANCELLED)

# Bar colours from the GOV.UK palette; every bar has a black outline (so it stands out
# from the white background whatever its fill) and the status is also written as text
# beside it, so colour is never the only cue. Overdue bars are hatched red.
BAR_FILLS = {
    ActionState.NOT_STARTED: "#b1b4b6",
    ActionState.ON_TRACK: "#00703c",
    ActionState.AT_RISK: "#ffdd00",
    ActionState.OFF_TRACK: "#d4351c",
    ActionState.COMPLETED: "#1d70b8",
    ActionState.CANCELLED: "#ffffff",
}


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


# --- The timeline's geometry, in SVG user units ---------------------------------------------

WIDTH = 960
LABEL_W = 290  # action titles
STATUS_W = 120  # status text
PLOT_X = LABEL_W
PLOT_W = WIDTH - LABEL_W - STATUS_W - 10
AXIS_H = 56
GROUP_H = 30
ROW_H = 26
BAR_H = 14
TITLE_CHARS = 40


def _shorten(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline_layout(groups: list[OrganisationLoad], today: datetime.date) -> dict | None:
    """Positions of everything the SVG draws, or None when no action has both dates."""
    dated = [line for g in groups for line in g.lines if line.on_timeline]
    if not dated:
        return None
    earliest = min([line.action.start_date for line in dated] + [today])
    latest = max([line.action.due_date for line in dated] + [today])
    first_q = Period.containing(Frequency.QUARTERLY, earliest)
    last_q = Period.containing(Frequency.QUARTERLY, latest)
    quarters = first_q.periods_until(last_q)
    start, end = first_q.start, last_q.end + datetime.timedelta(days=1)
    days = (end - start).days

    def x(day: datetime.date) -> float:
        return round(PLOT_X + PLOT_W * (day - start).days / days, 1)

    # Financial years along the top, and their quarters under them while they fit.
    show_quarters = len(quarters) <= 16
    ticks = [
        {
            "x": x(q.start),
            "year": q.financial_year().label if q.number == 1 or q == quarters[0] else "",
            "quarter": f"Q{q.number}" if show_quarters else "",
            "major": q.number == 1,
        }
        for q in quarters
    ]
    rows = []
    y = AXIS_H
    for group in groups:
        lines = [line for line in group.lines if line.on_timeline]
        if not lines:
            continue
        rows.append({"kind": "group", "y": y, "text": group.name, "text_y": y + 20})
        y += GROUP_H
        for line in lines:
            action = line.action
            bar_x = x(action.start_date)
            bar_end = x(action.due_date + datetime.timedelta(days=1))
            rows.append(
                {
                    "kind": "action",
                    "line": line,
                    "y": y,
                    "text_y": y + 18,
                    "label": _shorten(f"{action.objective.ref}/{action.ref} {action.title}"),
                    "bar_x": bar_x,
                    "bar_y": y + (ROW_H - BAR_H) // 2,
                    "bar_w": max(round(bar_end - bar_x, 1), 3),
                    "fill": BAR_FILLS[action.action_state],
                    "dashed": action.action_state is ActionState.CANCELLED,
                    "slip_to": x(today) if line.overdue else None,
                    "slip_from": bar_end,
                    "slip_y": y + ROW_H // 2,
                }
            )
            y += ROW_H
    height = y + 10
    return {
        "width": WIDTH,
        "height": height,
        "plot_x": PLOT_X,
        "plot_end": PLOT_X + PLOT_W,
        "status_x": PLOT_X + PLOT_W + 10,
        "axis_y": AXIS_H - 4,
        "year_y": 30,
        "quarter_y": AXIS_H - 8,
        "ticks": ticks,
        "rows": rows,
        "bar_h": BAR_H,
        "row_h": ROW_H,
        "group_h": GROUP_H,
        "today_x": x(today),
        "first": quarters[0].label,
        "last": quarters[-1].label,
        "count": len(dated),
    }


@login_required
@minimum_role("viewer")
@require_GET
def pace_of_change(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    plan = current_plan(partnership)
    quarters = next_quarters(today)
    groups = organisation_loads(plan, today, quarters) if plan else []
    lines = [line for g in groups for line in g.lines]
    totals = {
        "actions": len(lines),
        "open": sum(g.open_count for g in groups),
        "due_by_quarter": [sum(g.due_by_quarter[i] for g in groups) for i in range(len(quarters))],
        "overdue": sum(g.overdue_count for g in groups),
        "off_timeline": sum(not line.on_timeline for line in lines),
    }
    return render(
        request,
        "web/pace/pace.html",
        {
            "partnership": partnership,
            "plan": plan,
            "groups": groups,
            "quarters": quarters,
            "totals": totals,
            "timeline": timeline_layout(groups, today),
            "today": today,
        },
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/pace/", pace_of_change, name="pace_of_change"),
]
