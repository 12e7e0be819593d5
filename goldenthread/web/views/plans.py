"""A partnership's plan as a whole: its versions, starting and editing a draft, the SMART
check, approving it, revising an approved version and comparing two versions. The items
inside a draft (objectives, actions, indicators and targets) are in plan_items.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from goldenthread.core import corrective_actions
from goldenthread.core.access import Need, allows, get_partnership_for_user, get_plan_for_user
from goldenthread.core.models import Action, Plan
from goldenthread.core.partners import contributions_by_objective
from goldenthread.core.planning import compare, plan_tree, smart_report
from goldenthread.core.services import plans as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.plan_forms import CompareForm, PlanForm, ReasonsForm, ReviseForm
from goldenthread.web.views.partners import sign_up_context


def locked(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Approved and superseded versions never change: say so, and change nothing."""
    return render(
        request,
        "web/plans/locked.html",
        {"plan": plan, "partnership": plan.partnership},
        status=409,
    )


# --- versions ---------------------------------------------------------------------------


@login_required
@minimum_role("viewer")
def plan_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    plans = partnership.plans.select_related("approved_by").order_by("-version")
    return render(
        request,
        "web/plans/list.html",
        {
            "partnership": partnership,
            "plans": plans,
            "can_lead": allows(request.user, partnership, Need.LEAD),
            "compare_form": CompareForm(partnership=partnership) if len(plans) > 1 else None,
        },
    )


@login_required
@minimum_role("lead")
def plan_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    form = PlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                partnership=partnership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Draft plan “{plan.title}” started.")
            return redirect(plan)
    return render(
        request,
        "web/plans/form.html",
        {"form": form, "partnership": partnership, "heading": "Start a plan"},
    )


@login_required
@minimum_role("viewer")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    user = request.user
    partnership = plan.partnership
    tree = plan_tree(plan)
    plan_indicators = {line.indicator.pk for node in tree for line in node.indicators}
    lead = allows(user, partnership, Need.LEAD)
    contributions = contributions_by_objective([node.objective for node in tree])
    for node in tree:
        node.objective.outside = contributions[node.objective.pk]
    return render(
        request,
        "web/plans/detail.html",
        {
            "plan": plan,
            "partnership": partnership,
            "tree": tree,
            # Shared direction (issue 17): partners' sign-up, contributions from outside.
            **sign_up_context(request, plan),
            "can_add_contributions": plan.status != Plan.Status.SUPERSEDED
            and allows(user, partnership, Need.CONTRIBUTE),
            "can_lead": lead,
            "can_contribute": plan.is_draft and allows(user, partnership, Need.CONTRIBUTE),
            "editable_ids": {
                node.objective.pk
                for node in tree
                if plan.is_draft and allows(user, partnership, Need.EDIT, node.objective.owner_id)
            },
            "editable_action_ids": {
                action.pk
                for node in tree
                for action in node.actions
                if plan.is_draft and allows(user, partnership, Need.EDIT, action.owner_id)
            },
            "editable_indicator_ids": {
                line.indicator.pk
                for node in tree
                for line in node.indicators
                if plan.is_draft and allows(user, partnership, Need.EDIT, line.indicator.owner_id)
            },
            "waivers": plan.smart_waivers.select_related("recorded_by"),
            "report": smart_report(plan, timezone.localdate()),
            "corrective_lines": [
                line
                for line in corrective_actions.of_partnership(partnership.pk, timezone.localdate())
                if line.ca.indicator_id in plan_indicators
            ],
        },
    )


@login_required
@minimum_role("viewer")
def plan_smart(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The SMART check on its own: the panel htmx refreshes while editing."""
    plan = get_plan_for_user(request.user, plan_id)
    context = {
        "plan": plan,
        "partnership": plan.partnership,
        "report": smart_report(plan, timezone.localdate()),
    }
    if request.htmx:
        return render(request, "web/plans/smart.html#panel", context)
    return render(request, "web/plans/smart.html", context)


@login_required
@minimum_role("lead")
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    if not plan.is_draft:
        return locked(request, plan)
    form = PlanForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                plan=Plan.objects.get(pk=plan.pk), by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Plan details saved.")
            return redirect(plan)
    return render(
        request,
        "web/plans/form.html",
        {"form": form, "partnership": plan.partnership, "plan": plan, "heading": "Plan details"},
    )


# --- approve, revise, compare -----------------------------------------------------------


@login_required
@minimum_role("lead")
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    if not plan.is_draft:
        return locked(request, plan)
    today = timezone.localdate()
    report = smart_report(plan, today)
    form = ReasonsForm(posted(request), failures=report.failures)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_plan(
                plan=plan, by=request.user, reasons=form.cleaned_data, today=today
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {plan.version} approved: results are now measured against it.",
            )
            return redirect(plan)
    return render(
        request,
        "web/plans/approve.html",
        {"plan": plan, "partnership": plan.partnership, "form": form, "report": report},
    )


@login_required
@minimum_role("lead")
def plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    unfinished = Action.objects.filter(
        objective__plan=plan, state__in=services.UNFINISHED
    ).order_by("ref")
    form = ReviseForm(posted(request), actions=unfinished)
    problem = None
    if plan.status != Plan.Status.APPROVED:
        problem = "Only the approved version can be revised."
    elif plan.partnership.plans.filter(status=Plan.Status.DRAFT).exists():
        problem = "A revision is already in progress: carry on with that draft."
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            draft = services.revise_plan(
                plan=plan,
                by=request.user,
                reason=form.cleaned_data["reason"],
                decisions=form.decisions(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Version {draft.version} started as a draft from version {plan.version}."
            )
            return redirect(draft)
    return render(
        request,
        "web/plans/revise.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "form": form,
            "problem": problem,
            "draft": plan.partnership.plans.filter(status=Plan.Status.DRAFT).first(),
        },
        status=409 if problem and request.method == "POST" else 200,
    )


@login_required
@minimum_role("viewer")
def plan_compare(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    versions = list(partnership.plans.order_by("version"))
    data = request.GET if "old" in request.GET else None
    if data is None and len(versions) >= 2:
        data = {"old": versions[-2].pk, "new": versions[-1].pk}
    form = CompareForm(data, partnership=partnership)
    changes = None
    if form.is_bound and form.is_valid():
        changes = compare(form.cleaned_data["old"], form.cleaned_data["new"])
    return render(
        request,
        "web/plans/compare.html",
        {"partnership": partnership, "form": form, "changes": changes, "versions": versions},
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/plans/", plan_list, name="plan_list"),
    path("partnerships/<int:partnership_id>/plans/new/", plan_create, name="plan_create"),
    path("partnerships/<int:partnership_id>/plans/compare/", plan_compare, name="plan_compare"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/smart/", plan_smart, name="plan_smart"),
    path("plans/<int:plan_id>/approve/", plan_approve, name="plan_approve"),
    path("plans/<int:plan_id>/revise/", plan_revise, name="plan_revise"),
]
