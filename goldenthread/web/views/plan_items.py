"""The items of a draft plan: objectives (with the SMART check of one as it is typed),
actions with their milestones, indicators, and an indicator's targets for every period of
the plan. Members draft what they own; leads edit everything; approved versions never change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from goldenthread.core.access import (
    Need,
    get_action_for_user,
    get_indicator_for_user,
    get_objective_for_user,
    get_plan_for_user,
    role_in,
)
from goldenthread.core.models import Objective, Plan, Role, User
from goldenthread.core.models.library import DEFINITION_FIELDS
from goldenthread.core.planning import SmartItem
from goldenthread.core.services import plans as services
from goldenthread.core.services.library import draft_using
from goldenthread.rules import ObjectiveFacts, check_objective
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.plan_forms import (
    ActionForm,
    IndicatorForm,
    MilestoneFormSet,
    ObjectiveForm,
    TargetFormSet,
)
from goldenthread.web.views.plans import locked


def fixed_owner(user: User, partnership) -> User | None:
    """Members draft items they own; leads may give an item to anyone."""
    return None if role_in(user, partnership) is Role.LEAD else user


# --- objectives -------------------------------------------------------------------------


def _objective_page(
    request, plan: Plan, form: ObjectiveForm, objective: Objective | None
) -> HttpResponse:
    return render(
        request,
        "web/plans/objective_form.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "form": form,
            "objective": objective,
            "smart": _objective_smart(plan, form, objective),
        },
    )


def _objective_smart(
    plan: Plan, form: ObjectiveForm, objective: Objective | None
) -> list[SmartItem]:
    """The SMART check of the objective as it stands in the form, saved or not."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    indicators = list(data.get("indicators") or [])
    actions = list(objective.actions.all()) if objective else []
    targeted = set(plan.targets.values_list("indicator_id", flat=True))
    facts = ObjectiveFacts(
        title=data.get("title") or "",
        description=data.get("description") or "",
        has_owner=bool(data.get("owner")),
        has_lead_organisation=bool(data.get("lead_organisation")),
        deadline=data.get("deadline"),
        plan_first_year=plan.first_year,
        plan_last_year=plan.last_year,
        indicator_count=len(indicators),
        indicators_with_targets=sum(1 for i in indicators if getattr(i, "pk", i) in targeted),
        action_count=len(actions),
        actions_without_owner=sum(1 for a in actions if a.owner_id is None),
        outcome_count=len(data.get("outcomes") or []),
    )
    ref = objective.ref if objective else "New objective"
    return [SmartItem(ref, f.criterion, f.message) for f in check_objective(facts)]


@login_required
@minimum_role("member")
def objective_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.CONTRIBUTE)
    if not plan.is_draft:
        return locked(request, plan)
    owner = fixed_owner(request.user, plan.partnership)
    form = ObjectiveForm(posted(request), partnership=plan.partnership, fixed_owner=owner)
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.save_objective(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Objective {objective.ref} added.")
            return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    return _objective_page(request, plan, form, None)


@login_required
@minimum_role("owner")
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, objective_id, Need.EDIT)
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    owner = fixed_owner(request.user, plan.partnership)
    form = ObjectiveForm(
        posted(request),
        partnership=plan.partnership,
        fixed_owner=owner,
        initial=ObjectiveForm.initial_for(objective),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_objective(
                plan=plan, by=request.user, objective=objective, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Objective {objective.ref} saved.")
            return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    return _objective_page(request, plan, form, objective)


@login_required
@minimum_role("member")
def objective_smart_preview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """htmx: the SMART check of the objective form as typed, before it is saved."""
    plan = get_plan_for_user(request.user, plan_id, Need.CONTRIBUTE)
    objective = None
    if objective_id := request.GET.get("objective"):
        objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    form = ObjectiveForm(
        request.GET or None,
        partnership=plan.partnership,
        fixed_owner=fixed_owner(request.user, plan.partnership),
    )
    form.is_valid()
    return render(
        request,
        "web/plans/objective_form.html#smart",
        {"smart": _objective_smart(plan, form, objective), "plan": plan},
    )


@login_required
@minimum_role("owner")
def objective_remove(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, objective_id, Need.EDIT)
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    if request.method == "POST":
        services.remove_objective(objective=objective, by=request.user)
        messages.success(request, f"Objective {objective.ref} removed from the draft.")
        return redirect(plan)
    return render(
        request,
        "web/plans/remove.html",
        {"plan": plan, "partnership": plan.partnership, "item": objective, "kind": "objective"},
    )


# --- actions ----------------------------------------------------------------------------


def _milestone_inputs(formset) -> list[services.MilestoneInput]:
    return [
        services.MilestoneInput(title=f.cleaned_data["title"], due_date=f.cleaned_data["due_date"])
        for f in formset.forms
        if f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
    ]


def _action_page(request, objective, form, formset, action=None) -> HttpResponse:
    plan = objective.plan
    return render(
        request,
        "web/plans/action_form.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "objective": objective,
            "form": form,
            "formset": formset,
            "action": action,
        },
    )


@login_required
@minimum_role("member")
def action_create(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, objective_id, Need.CONTRIBUTE)
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    form = ActionForm(
        posted(request),
        partnership=plan.partnership,
        fixed_owner=fixed_owner(request.user, plan.partnership),
    )
    formset = MilestoneFormSet(posted(request), prefix="milestones")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            action = services.save_action(
                objective=objective,
                by=request.user,
                milestones=_milestone_inputs(formset),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Action {action.ref} added to {objective.ref}.")
            return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    return _action_page(request, objective, form, formset)


@login_required
@minimum_role("owner")
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_action_for_user(request.user, action_id, Need.EDIT)
    objective = action.objective
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "lead_organisation": action.lead_organisation_id,
        "start_date": action.start_date,
        "due_date": action.due_date,
    }
    form = ActionForm(
        posted(request),
        partnership=plan.partnership,
        fixed_owner=fixed_owner(request.user, plan.partnership),
        initial=initial,
    )
    formset = MilestoneFormSet(
        posted(request),
        prefix="milestones",
        initial=[{"title": m.title, "due_date": m.due_date} for m in action.milestones.all()],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.save_action(
                objective=objective,
                by=request.user,
                action=action,
                milestones=_milestone_inputs(formset),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Action {action.ref} saved.")
            return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    return _action_page(request, objective, form, formset, action)


@login_required
@minimum_role("owner")
def action_remove(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_action_for_user(request.user, action_id, Need.EDIT)
    plan = action.objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    if request.method == "POST":
        services.remove_action(action=action, by=request.user)
        messages.success(request, f"Action {action.ref} removed from the draft.")
        return redirect(plan)
    return render(
        request,
        "web/plans/remove.html",
        {"plan": plan, "partnership": plan.partnership, "item": action, "kind": "action"},
    )


# --- indicators and targets -------------------------------------------------------------


@login_required
@minimum_role("member")
def indicator_create(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, objective_id, Need.CONTRIBUTE)
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    form = IndicatorForm(
        posted(request),
        partnership=plan.partnership,
        fixed_owner=fixed_owner(request.user, plan.partnership),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            indicator = services.create_indicator(
                plan=plan, objective=objective, by=request.user, **fields
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Indicator {indicator.code} added. Now set its targets.")
            return redirect("plan_targets", plan_id=plan.pk, indicator_id=indicator.pk)
    return render(
        request,
        "web/plans/indicator_form.html",
        {"plan": plan, "partnership": plan.partnership, "objective": objective, "form": form},
    )


@login_required
@minimum_role("owner")
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id, Need.EDIT)
    partnership = indicator.partnership
    form = IndicatorForm(
        posted(request),
        instance=indicator,
        partnership=partnership,
        fixed_owner=fixed_owner(request.user, partnership),
    )
    if indicator.library_indicator_id:
        # The council library keeps these for every plan using it (services.library).
        for name in DEFINITION_FIELDS:
            if name in form.fields:
                form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_indicator(indicator=indicator, by=request.user, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Indicator {indicator.code} saved.")
            return redirect(indicator)
    return render(
        request,
        "web/plans/indicator_form.html",
        {
            "partnership": partnership,
            "form": form,
            "indicator": indicator,
            # Linking to the council library, or stopping, changes only with a draft.
            "in_draft": draft_using(indicator) is not None,
        },
    )


@login_required
@minimum_role("owner")
def plan_targets(request: HttpRequest, plan_id: int, indicator_id: int) -> HttpResponse:
    """Targets for one indicator, for every period of the plan."""
    plan = get_plan_for_user(request.user, plan_id)
    indicator = get_indicator_for_user(request.user, indicator_id, Need.EDIT)
    if indicator.partnership_id != plan.partnership_id:
        raise PermissionDenied("That indicator belongs to another partnership.")
    if not plan.is_draft:
        return locked(request, plan)
    current = {t.period: t for t in plan.targets.filter(indicator=indicator)}
    periods = sorted(set(plan.periods(indicator.frequency)) | set(current))
    initial = [
        {
            "period": p.label,
            "value": current[p].value.normalize() if p in current else None,
            "upper": current[p].upper.normalize()
            if p in current and current[p].upper is not None
            else None,
        }
        for p in periods
    ]
    formset = TargetFormSet(posted(request), initial=initial, prefix="targets")
    if request.method == "POST" and formset.is_valid():
        targets = {
            f.cleaned_data["period"]: (f.cleaned_data["value"], f.cleaned_data.get("upper"))
            for f in formset.forms
            if f.cleaned_data.get("value") is not None
        }
        try:
            services.set_plan_targets(
                plan=plan, indicator=indicator, by=request.user, targets=targets
            )
        except ValidationError as error:
            formset_errors = error.messages
        else:
            messages.success(request, f"Targets for {indicator.code} saved.")
            return redirect(f"{plan.get_absolute_url()}#indicator-{indicator.pk}")
    else:
        formset_errors = []
    return render(
        request,
        "web/plans/targets_form.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "indicator": indicator,
            "formset": formset,
            "formset_errors": formset_errors,
            "band": indicator.polarity == "band",
        },
    )


urlpatterns = [
    path("plans/<int:plan_id>/objectives/new/", objective_create, name="objective_create"),
    path(
        "plans/<int:plan_id>/objectives/check/",
        objective_smart_preview,
        name="objective_smart_preview",
    ),
    path(
        "plans/<int:plan_id>/indicators/<int:indicator_id>/targets/",
        plan_targets,
        name="plan_targets",
    ),
    path("objectives/<int:objective_id>/edit/", objective_edit, name="objective_edit"),
    path("objectives/<int:objective_id>/remove/", objective_remove, name="objective_remove"),
    path("objectives/<int:objective_id>/actions/new/", action_create, name="action_create"),
    path(
        "objectives/<int:objective_id>/indicators/new/", indicator_create, name="indicator_create"
    ),
    path("actions/<int:action_id>/edit/", action_edit, name="action_edit"),
    path("actions/<int:action_id>/remove/", action_remove, name="action_remove"),
    path("indicators/<int:indicator_id>/edit/", indicator_edit, name="indicator_edit"),
]
