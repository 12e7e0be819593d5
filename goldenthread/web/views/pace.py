"""Pace of change: per partner organisation, the actions it leads in the current plan and
when they fall, as an SVG timeline and as tables. The read is `core.pace`, the timeline's
geometry `core.charts.pace`."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.charts.pace import timeline_layout
from goldenthread.core.pace import next_quarters, organisation_loads
from goldenthread.core.partners import capacity_flags
from goldenthread.core.performance import current_plan
from goldenthread.web.decorators import minimum_role


@login_required
@minimum_role("viewer")
@require_GET
def pace_of_change(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    plan = current_plan(partnership)
    quarters = next_quarters(today)
    capacity = capacity_flags(partnership, plan, today)
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
            # Each partner's load against its stated capacity and decision dates (issue 17).
            "capacity": capacity,
            "capacity_early": [(load, item) for load in capacity for item in load.early],
        },
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/pace/", pace_of_change, name="pace_of_change"),
]
