"""The record is visible: a history page for each return, annual update form, plan
version, indicator (its results and targets) and action — when, who, what changed from
what to what, and why — for exactly the people who may see the object itself (its
access getter first: anyone else gets a 404). The entries come from
goldenthread.core.history_read; the object's own page links here."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from goldenthread.core import history_read
from goldenthread.core.access import (
    get_action_for_user,
    get_indicator_for_user,
    get_partnership_for_user,
    get_plan_for_user,
    get_return_for_user,
)
from goldenthread.core.models import AnnualUpdateForm
from goldenthread.rules import year_label
from goldenthread.rules.inputs import year_problem
from goldenthread.web.decorators import minimum_role


def _page(request: HttpRequest, *, title: str, back: str, partnership, sections) -> HttpResponse:
    """`sections` is [(heading or "", entries)]: one table each."""
    return render(
        request,
        "web/history/page.html",
        {"title": title, "back": back, "partnership": partnership, "sections": sections},
    )


@login_required
@minimum_role("viewer")
@require_GET
def return_history(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    return _page(
        request,
        title=f"{ret.period.label} return",
        back=reverse("return_detail", args=[ret.pk]),
        partnership=ret.partnership,
        sections=[("", history_read.return_history(ret))],
    )


@login_required
@minimum_role("viewer")
@require_GET
def update_form_history(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    if year_problem(year):
        raise Http404("No such financial year.")
    form = AnnualUpdateForm.objects.filter(partnership=partnership, year=year).first()
    # A form not started yet has an empty history, like the form page that says so.
    return _page(
        request,
        title=f"Annual update form {year_label(year)}",
        back=reverse("update_form", args=[partnership.pk, year]),
        partnership=partnership,
        sections=[("", history_read.update_form_history(form) if form else [])],
    )


@login_required
@minimum_role("viewer")
@require_GET
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    return _page(
        request,
        title=f"{plan.title}, version {plan.version}",
        back=reverse("plan_detail", args=[plan.pk]),
        partnership=plan.partnership,
        sections=[("", history_read.plan_history(plan))],
    )


@login_required
@minimum_role("viewer")
@require_GET
def indicator_history(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    return _page(
        request,
        title=f"{indicator.code} {indicator.title}",
        back=reverse("indicator", args=[indicator.pk]),
        partnership=indicator.partnership,
        sections=[
            ("Results", history_read.indicator_results_history(indicator)),
            ("Targets", history_read.indicator_targets_history(indicator)),
        ],
    )


@login_required
@minimum_role("viewer")
@require_GET
def action_history(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_action_for_user(request.user, action_id)
    plan = action.objective.plan
    return _page(
        request,
        title=f"Action {action.objective.ref} {action.ref} {action.title}",
        back=reverse("plan_detail", args=[plan.pk]) + f"#objective-{action.objective_id}",
        partnership=plan.partnership,
        sections=[("", history_read.action_history(action))],
    )


urlpatterns = [
    path("returns/<int:return_id>/history/", return_history, name="return_history"),
    path(
        "partnerships/<int:partnership_id>/update-form/<int:year>/history/",
        update_form_history,
        name="update_form_history",
    ),
    path("plans/<int:plan_id>/history/", plan_history, name="plan_history"),
    path("indicators/<int:indicator_id>/history/", indicator_history, name="indicator_history"),
    path("actions/<int:action_id>/history/", action_history, name="action_history"),
]
