"""The golden thread pages: the strategic plans, one strategic plan's thread down to
every partnership objective the reader may see, and one partnership's thread up to
the strategic plans. The thread is read by `core.thread` and drawn, as a diagram and
as a list, by `core.charts.thread`."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_partnership_for_user, get_strategic_plan_for_user
from goldenthread.core.charts.thread import (
    ThreadDrawing,
    partnership_drawing,
    strategic_plan_drawing,
)
from goldenthread.core.thread import (
    PartnershipThread,
    StrategicThread,
    partnership_thread,
    periods_now,
    plan_years,
    strategic_plan_thread,
    strategic_plans,
)
from goldenthread.web.decorators import minimum_role


def _shown(
    thread: StrategicThread | PartnershipThread, drawing: ThreadDrawing, today: datetime.date
) -> dict:
    """What both thread pages show: the thread as a diagram and as a list, and its breaks."""
    return {
        "thread": thread,
        "nodes": drawing.nodes,
        "diagram": drawing.diagram,
        "description": drawing.description,
        "breaks": thread.breaks,
        "today": today,
        "periods_now": periods_now(today),
    }


@login_required
@minimum_role("viewer")
@require_GET
def strategic_plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/thread/strategic_plan_list.html", {"plans": strategic_plans()})


@login_required
@minimum_role("viewer")
@require_GET
def strategic_plan_thread_page(request: HttpRequest, strategic_plan_id: int) -> HttpResponse:
    strategic_plan = get_strategic_plan_for_user(request.user, strategic_plan_id)
    today = timezone.localdate()
    thread = strategic_plan_thread(strategic_plan, request.user, today)
    return render(
        request,
        "web/thread/strategic_plan.html",
        {
            "strategic_plan": strategic_plan,
            "years": plan_years(strategic_plan),
            **_shown(thread, strategic_plan_drawing(thread), today),
        },
    )


@login_required
@minimum_role("viewer")
@require_GET
def partnership_thread_page(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    thread = partnership_thread(partnership, today)
    return render(
        request,
        "web/thread/partnership.html",
        {
            "partnership": partnership,
            "plan": thread.plan,
            **_shown(thread, partnership_drawing(thread), today),
        },
    )


urlpatterns = [
    path("strategic-plans/", strategic_plan_list, name="strategic_plan_list"),
    path(
        "strategic-plans/<int:strategic_plan_id>/",
        strategic_plan_thread_page,
        name="strategic_plan_thread",
    ),
    path(
        "partnerships/<int:partnership_id>/golden-thread/",
        partnership_thread_page,
        name="partnership_thread",
    ),
]
