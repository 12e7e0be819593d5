"""The pace of change timeline: a bar per action from its start to its due date, grouped
by lead organisation, as positions for an SVG template (no chart library draws a Gantt
chart). The page's tables give the same information."""

import datetime

from goldenthread.core.pace import OrganisationLoad
from goldenthread.rules import ActionState, Frequency, Period

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


# The timeline's geometry, in SVG user units.
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
