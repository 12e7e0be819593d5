"""Shared direction (issue 17): a partner organisation signing up to the approved plan,
the partners page (each partner's profile, timescales and capacity) and contributions from
organisations outside the partnership. The reads are core.partners, the writes
core.services.partners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import (
    Need,
    allows,
    check,
    get_objective_for_user,
    get_partnership_for_user,
    get_plan_for_user,
)
from goldenthread.core.models import (
    Organisation,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
)
from goldenthread.core.partners import partner_organisations, represented_by, sign_up_status
from goldenthread.core.services import partners as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.partner_forms import (
    ContributionForm,
    DecisionDateForm,
    ProfileForm,
    SignUpForm,
)

# --- signing up to the plan --------------------------------------------------------------


def sign_up_context(request: HttpRequest, plan: Plan, form: SignUpForm | None = None) -> dict:
    """What the plan page and the sign-up page show: every partner's answer, and for a
    representative of one, the form for their organisation's."""
    user = request.user
    lines = sign_up_status(plan)
    organisation = represented_by(user, plan.partnership)
    can_sign = (
        organisation is not None
        and plan.status == Plan.Status.APPROVED
        and allows(user, plan.partnership, Need.CONTRIBUTE)
    )
    mine = next((line.sign_up for line in lines if line.organisation == organisation), None)
    if can_sign and form is None:
        initial = {"state": mine.state, "comment": mine.comment} if mine else {}
        form = SignUpForm(initial=initial)
    return {
        "sign_up_lines": lines,
        "sign_up_organisation": organisation,
        "sign_up_form": form if can_sign else None,
        "my_sign_up": mine,
    }


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def plan_sign_up(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.CONTRIBUTE)
    partnership = plan.partnership
    organisation = represented_by(request.user, partnership)
    if organisation is None:
        raise PermissionDenied("Only the partnership's leads and members sign up for a partner.")
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sign_up = services.sign_up_to_plan(
                plan=plan,
                organisation=organisation,
                state=form.cleaned_data["state"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{organisation} is recorded as: {sign_up.get_state_display().lower()}.",
            )
            return redirect(reverse("plan_detail", args=[plan.pk]) + "#sign-up")
    context = sign_up_context(request, plan, form if form.is_bound else None)
    return render(
        request,
        "web/partners/sign_up.html",
        {"plan": plan, "partnership": partnership, "form": form, **context},
    )


# --- partner profiles --------------------------------------------------------------------


@login_required
@minimum_role("viewer")
def partner_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    partners = partner_organisations(partnership)
    profiles = {
        p.organisation_id: p
        for p in PartnerProfile.objects.filter(partnership=partnership)
        .select_related("updated_by")
        .prefetch_related("decision_dates")
    }
    user = request.user
    today = timezone.localdate()
    rows = [
        {
            "organisation": org,
            "representatives": people,
            "profile": profiles.get(org.pk),
            "can_edit": services.may_edit_profile(user, partnership, org),
            "next_decision": next(
                (d for d in profiles[org.pk].decision_dates.all() if d.date >= today),
                None,
            )
            if org.pk in profiles
            else None,
        }
        for org, people in partners.items()
    ]
    return render(
        request,
        "web/partners/list.html",
        {"partnership": partnership, "rows": rows},
    )


def _partner(partnership: Partnership, organisation_id: int) -> Organisation:
    for org in partner_organisations(partnership):
        if org.pk == organisation_id:
            return org
    raise Http404("That organisation is not a partner here.")


PROFILE_FIELDS = list(ProfileForm.base_fields)


@login_required
@minimum_role("member_or_performance")
@require_http_methods(["GET", "POST"])
def partner_profile(
    request: HttpRequest, partnership_id: int, organisation_id: int
) -> HttpResponse:
    """One partner's profile: its form, and its decision dates to add or remove."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    organisation = _partner(partnership, organisation_id)
    user = request.user
    if not services.may_edit_profile(user, partnership, organisation):
        raise PermissionDenied(services.PROFILE.format(org=organisation))
    profile = PartnerProfile.objects.filter(
        partnership=partnership, organisation=organisation
    ).first()
    url = reverse("partner_profile", args=[partnership.pk, organisation.pk])
    initial = {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else {}
    form = ProfileForm(initial=initial)
    date_form = DecisionDateForm()
    shown = form
    if request.method == "POST":
        try:
            if "remove_date" in request.POST:
                decision = _decision(profile, request.POST["remove_date"])
                services.remove_decision_date(decision=decision, by=user)
                messages.success(request, f"Decision date removed: {decision}.")
                return redirect(url + "#decision-dates")
            if "add_date" in request.POST:
                shown = date_form = DecisionDateForm(request.POST)
                if date_form.is_valid():
                    # A first date starts the profile: both or neither.
                    with transaction.atomic():
                        if profile is None:
                            profile = services.save_partner_profile(
                                partnership=partnership, organisation=organisation, by=user
                            )
                        decision = services.add_decision_date(
                            profile=profile, by=user, **date_form.cleaned_data
                        )
                    messages.success(request, f"Decision date added: {decision}.")
                    return redirect(url + "#decision-dates")
            else:
                shown = form = ProfileForm(request.POST)
                if form.is_valid():
                    services.save_partner_profile(
                        partnership=partnership,
                        organisation=organisation,
                        by=user,
                        **form.cleaned_data,
                    )
                    messages.success(request, f"The profile of {organisation} is saved.")
                    return redirect(reverse("partner_list", args=[partnership.pk]))
        except ValidationError as error:
            apply_errors(shown, error)
            # What was rolled back is not shown as saved.
            profile = PartnerProfile.objects.filter(
                partnership=partnership, organisation=organisation
            ).first()
    return render(
        request,
        "web/partners/profile.html",
        {
            "partnership": partnership,
            "organisation": organisation,
            "profile": profile,
            "form": shown,
            "profile_form": form,
            "date_form": date_form,
            "decision_dates": list(profile.decision_dates.all()) if profile else [],
        },
        status=200 if not shown.errors else 400,
    )


def _decision(profile: PartnerProfile | None, pk: str) -> PartnerDecisionDate:
    if profile is None or not pk.isdigit():
        raise Http404("No such decision date.")
    return get_object_or_404(PartnerDecisionDate, profile=profile, pk=int(pk))


# --- contributions from outside ----------------------------------------------------------


def _contribution_for_user(request: HttpRequest, contribution_id: int) -> OutsideContribution:
    contribution = get_object_or_404(
        OutsideContribution.objects.select_related("objective__plan__partnership"),
        pk=contribution_id,
    )
    check(request.user, contribution.objective.plan.partnership, Need.CONTRIBUTE)
    return contribution


def _contribution_page(request, *, objective, form, contribution=None, status=200):
    plan = objective.plan
    return render(
        request,
        "web/partners/contribution_form.html",
        {
            "partnership": plan.partnership,
            "plan": plan,
            "objective": objective,
            "form": form,
            "contribution": contribution,
        },
        status=status,
    )


def _back_to(objective) -> str:
    return reverse("plan_detail", args=[objective.plan_id]) + f"#objective-{objective.pk}"


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, objective_id, Need.CONTRIBUTE)
    form = ContributionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contribution(objective=objective, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Contribution to {objective.ref} recorded.")
            return redirect(_back_to(objective))
    return _contribution_page(
        request, objective=objective, form=form, status=400 if form.errors else 200
    )


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def contribution_edit(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = _contribution_for_user(request, contribution_id)
    objective = contribution.objective
    initial = {name: getattr(contribution, name) for name in ContributionForm.base_fields}
    form = ContributionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contribution(
                contribution=contribution, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Contribution to {objective.ref} saved.")
            return redirect(_back_to(objective))
    return _contribution_page(
        request,
        objective=objective,
        form=form,
        contribution=contribution,
        status=400 if form.errors else 200,
    )


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def contribution_remove(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = _contribution_for_user(request, contribution_id)
    objective = contribution.objective
    problem = ""
    if request.method == "POST":
        try:
            services.remove_contribution(contribution=contribution, by=request.user)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"Contribution to {objective.ref} removed.")
            return redirect(_back_to(objective))
    return render(
        request,
        "web/partners/contribution_remove.html",
        {
            "partnership": objective.plan.partnership,
            "plan": objective.plan,
            "objective": objective,
            "contribution": contribution,
            "problem": problem,
        },
        status=409 if problem else 200,
    )


urlpatterns = [
    path("plans/<int:plan_id>/sign-up/", plan_sign_up, name="plan_sign_up"),
    path("partnerships/<int:partnership_id>/partners/", partner_list, name="partner_list"),
    path(
        "partnerships/<int:partnership_id>/partners/<int:organisation_id>/",
        partner_profile,
        name="partner_profile",
    ),
    path(
        "objectives/<int:objective_id>/contributions/new/",
        contribution_create,
        name="contribution_create",
    ),
    path(
        "contributions/<int:contribution_id>/edit/",
        contribution_edit,
        name="contribution_edit",
    ),
    path(
        "contributions/<int:contribution_id>/remove/",
        contribution_remove,
        name="contribution_remove",
    ),
]
