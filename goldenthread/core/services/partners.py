"""Shared direction (issue 17), the writes: a partner organisation signing up to the
approved plan; partner profiles (drivers, timescales, decision dates and capacity); and
contributions to an objective from organisations outside the partnership.

Who may do what:
- signing up: a lead or member of the partnership whose membership is for that
  organisation (core.partners: "represents"), to the approved version only; the answer
  can change while that version is the approved one. A concern raised tells the leads.
- a partner's profile and its decision dates: a lead or member there for that
  organisation, any of the partnership's leads, or the council performance team.
- outside contributions: the partnership's leads and members.
Every write is in the history, with who and why."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import Need, allows, require, require_open
from goldenthread.core.models import (
    NotificationKind,
    Objective,
    Organisation,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    User,
)
from goldenthread.core.models.fields import TEXT
from goldenthread.core.partners import partner_organisations, represents
from goldenthread.rules.inputs import date_problem, text_problem

from . import delete_audited, financial_year, save_audited
from .notifications import leads_of, members_of, notify

SIGN_FOR = "Only a lead or member who represents {org} in the partnership can sign up for it."
PROFILE = (
    "Only someone representing {org} in the partnership, the partnership's leads or the "
    "council performance team can change its profile."
)
COMMENT_NEEDED = {
    PlanSignUp.State.AGREED_WITH_COMMENTS: "Give your comments on the plan",
    PlanSignUp.State.CONCERN: "Describe the concern",
}


# --- signing up to the plan --------------------------------------------------------------


@transaction.atomic
def sign_up_to_plan(
    *, plan: Plan, organisation: Organisation, state: str, comment: str = "", by: User
) -> PlanSignUp:
    """Record (or change) the organisation's answer to the approved version of the plan:
    agreed, agreed with comments, or a concern raised (those two need the comment)."""
    partnership = plan.partnership
    require(by, partnership, Need.CONTRIBUTE, refusal=SIGN_FOR.format(org=organisation))
    if not represents(by, partnership, organisation):
        raise PermissionDenied(SIGN_FOR.format(org=organisation))
    if plan.status != Plan.Status.APPROVED:
        raise ValidationError(
            f"Version {plan.version} is {plan.get_status_display().lower()}: partners sign up "
            "to the approved version of the plan only."
        )
    if state not in PlanSignUp.State.values:
        raise ValidationError(
            {"state": "Choose whether you agree, agree with comments, or raise a concern"}
        )
    state = PlanSignUp.State(state)
    comment = (comment or "").strip()
    if state in COMMENT_NEEDED and not comment:
        raise ValidationError({"comment": COMMENT_NEEDED[state]})
    if problem := text_problem(comment, TEXT):
        raise ValidationError({"comment": problem})
    sign_up = (
        PlanSignUp.objects.select_for_update().filter(plan=plan, organisation=organisation).first()
    )
    before = (sign_up.state, sign_up.comment) if sign_up else None
    if before == (state.value, comment):
        return sign_up  # nothing changed: no new history, no one told again
    if sign_up is None:
        sign_up = PlanSignUp(plan=plan, organisation=organisation)
    sign_up.state, sign_up.comment = state.value, comment
    sign_up.signed_by, sign_up.signed_at = by, timezone.now()
    save_audited(
        sign_up,
        by=by,
        reason=f"{organisation} {'changed its answer' if before else 'signed up'}: "
        f"{state.label.lower()}",
    )
    if state is PlanSignUp.State.CONCERN:
        notify(
            leads_of(partnership),
            kind=NotificationKind.PLAN_CONCERN,
            subject=f"{partnership.name}: {organisation} raised a concern about version "
            f"{plan.version} of the plan",
            body=f"{by} for {organisation}: {comment}",
            url=plan.get_absolute_url() + "#sign-up",
            partnership=partnership,
            exclude=by,
        )
    return sign_up


def announce_approval(plan: Plan, *, approver: User) -> None:
    """Called by `plans.approve_plan` as a version is approved: every member is told it
    is approved, and the representatives of each partner organisation (its leads and
    members) are asked to sign up to it for their organisation. The approver is told
    neither: they did it, and the plan's page shows them the sign-up. Not a service of its
    own: the approval it is part of checks who may approve."""
    partnership = plan.partnership
    subject = f"{partnership.name}: version {plan.version} of the plan was approved"
    # The sign-up requests first, so the approval is each member's newest notification.
    for organisation, people in partner_organisations(partnership).items():
        notify(
            people,
            kind=NotificationKind.PLAN_SIGN_UP,
            subject=f"Please sign up to version {plan.version} of the {partnership.name} "
            f"plan for {organisation}",
            body=f"{plan.title} was approved by {approver}. As a representative of "
            f"{organisation}, say on the plan's page whether it agrees, agrees with "
            "comments, or has a concern.",
            url=plan.get_absolute_url() + "#sign-up",
            partnership=partnership,
            key=f"plan-{plan.pk}-org-{organisation.pk}",
            exclude=approver,
        )
    notify(
        members_of(partnership),
        kind=NotificationKind.PLAN_APPROVED,
        subject=subject,
        body=f"{plan.title}, approved by {approver}. It is now the plan the partnership delivers.",
        url=plan.get_absolute_url(),
        partnership=partnership,
        exclude=approver,
    )


# --- partner profiles --------------------------------------------------------------------


def may_edit_profile(user: User, partnership: Partnership, organisation: Organisation) -> bool:
    """A lead or member representing the organisation, a lead, or the performance team;
    nobody, once the partnership has closed."""
    if not user.is_authenticated or not user.is_active or partnership.is_closed:
        return False
    return (
        user.is_performance_team
        or allows(user, partnership, Need.LEAD)
        or represents(user, partnership, organisation)
    )


def _require_profile_editor(
    user: User, partnership: Partnership, organisation: Organisation
) -> None:
    require_open(partnership)
    if not may_edit_profile(user, partnership, organisation):
        raise PermissionDenied(PROFILE.format(org=organisation))


@transaction.atomic
def save_partner_profile(
    *,
    partnership: Partnership,
    organisation: Organisation,
    by: User,
    statutory_duties: str = "",
    own_plans: str = "",
    planning_cycle: str = "",
    board_decisions: str = "",
    capacity_year: int | None = None,
    capacity_people: Decimal | None = None,
    capacity_money: Decimal | None = None,
    max_actions: int | None = None,
) -> PartnerProfile:
    """Start or change the organisation's profile in the partnership."""
    _require_profile_editor(by, partnership, organisation)
    if organisation not in partner_organisations(partnership):
        raise ValidationError("That organisation is not a partner in this partnership.")
    problems = {}
    if capacity_year is not None:
        try:
            financial_year(capacity_year)
        except ValidationError:
            problems["capacity_year"] = "Enter the financial year as a year, like 2025"
    for name, value in (("capacity_people", capacity_people), ("capacity_money", capacity_money)):
        if value is not None and value < 0:
            problems[name] = "Enter zero or more"
    if max_actions is not None and max_actions < 0:
        problems["max_actions"] = "Enter zero or more"
    if problems:
        raise ValidationError(problems)
    profile = (
        PartnerProfile.objects.select_for_update()
        .filter(partnership=partnership, organisation=organisation)
        .first()
    )
    created = profile is None
    if created:
        profile = PartnerProfile(partnership=partnership, organisation=organisation)
    for name, value in (
        ("statutory_duties", statutory_duties),
        ("own_plans", own_plans),
        ("planning_cycle", planning_cycle),
        ("board_decisions", board_decisions),
    ):
        setattr(profile, name, (value or "").strip())
    profile.capacity_year = capacity_year
    profile.capacity_people = capacity_people
    profile.capacity_money = capacity_money
    profile.max_actions = max_actions
    profile.updated_by = by
    profile.full_clean(exclude=["partnership", "organisation", "updated_by"])
    return save_audited(profile, by=by, reason="Profile started" if created else "Profile changed")


@transaction.atomic
def add_decision_date(
    *, profile: PartnerProfile, by: User, date: datetime.date, what: str
) -> PartnerDecisionDate:
    """A date the partner's board or budget process decides something."""
    _require_profile_editor(by, profile.partnership, profile.organisation)
    what = (what or "").strip()
    problems = {}
    if problem := date_problem(date):
        problems["date"] = problem
    if not what:
        problems["what"] = "Say what is decided on that date, like “Board approves budget”"
    elif problem := text_problem(what, 200):
        problems["what"] = problem
    if problems:
        raise ValidationError(problems)
    decision = PartnerDecisionDate(profile=profile, date=date, what=what)
    save_audited(decision, by=by, reason="Decision date added")
    profile.updated_by = by
    save_audited(profile, by=by, reason=f"Decision date added: {decision}")
    return decision


@transaction.atomic
def remove_decision_date(*, decision: PartnerDecisionDate, by: User) -> None:
    profile = decision.profile
    _require_profile_editor(by, profile.partnership, profile.organisation)
    text = str(decision)
    delete_audited(decision, by=by, reason="Decision date removed")
    profile.updated_by = by
    save_audited(profile, by=by, reason=f"Decision date removed: {text}")


# --- contributions from outside ----------------------------------------------------------


def _check_contribution(
    objective: Objective,
    *,
    organisation_name: str,
    kind: str,
    description: str,
    amount: Decimal | None,
    year: int,
) -> dict:
    partnership = objective.plan.partnership
    if objective.plan.status == Plan.Status.SUPERSEDED:
        raise ValidationError(
            f"Version {objective.plan.version} of the plan has been superseded: record "
            "contributions against the objectives of the current version."
        )
    problems = {}
    name = (organisation_name or "").strip()
    if not name:
        problems["organisation_name"] = "Enter the name of the organisation that contributes"
    elif name.casefold() in {org.name.casefold() for org in partner_organisations(partnership)}:
        problems["organisation_name"] = (
            f"{name} is a partner in the partnership: record contributions from "
            "organisations outside it"
        )
    if kind not in OutsideContribution.Kind.values:
        problems["kind"] = "Choose what kind of contribution it is"
    if not (description or "").strip():
        problems["description"] = "Describe the contribution"
    if amount is not None:
        if kind != OutsideContribution.Kind.MONEY:
            problems["amount"] = "Give an amount only for a contribution of money"
        elif amount < 0:
            problems["amount"] = "Enter an amount of zero or more"
    try:
        financial_year(year)
    except ValidationError as error:
        problems.update(error.message_dict)
    if problems:
        raise ValidationError(problems)
    return {
        "organisation_name": name,
        "kind": kind,
        "description": description.strip(),
        "amount": amount,
        "year": year,
    }


@transaction.atomic
def add_contribution(
    *,
    objective: Objective,
    by: User,
    organisation_name: str,
    kind: str,
    description: str,
    amount: Decimal | None = None,
    year: int,
) -> OutsideContribution:
    """Record what an organisation outside the partnership gives to the objective."""
    require(by, objective.plan.partnership, Need.CONTRIBUTE)
    fields = _check_contribution(
        objective,
        organisation_name=organisation_name,
        kind=kind,
        description=description,
        amount=amount,
        year=year,
    )
    contribution = OutsideContribution(objective=objective, recorded_by=by, **fields)
    contribution.full_clean(exclude=["objective", "recorded_by"])
    return save_audited(contribution, by=by, reason="Contribution recorded")


@transaction.atomic
def update_contribution(
    *,
    contribution: OutsideContribution,
    by: User,
    organisation_name: str,
    kind: str,
    description: str,
    amount: Decimal | None = None,
    year: int,
) -> OutsideContribution:
    require(by, contribution.objective.plan.partnership, Need.CONTRIBUTE)
    fields = _check_contribution(
        contribution.objective,
        organisation_name=organisation_name,
        kind=kind,
        description=description,
        amount=amount,
        year=year,
    )
    for name, value in fields.items():
        setattr(contribution, name, value)
    contribution.full_clean(exclude=["objective", "recorded_by"])
    return save_audited(contribution, by=by, reason="Contribution changed")


@transaction.atomic
def remove_contribution(*, contribution: OutsideContribution, by: User) -> None:
    require(by, contribution.objective.plan.partnership, Need.CONTRIBUTE)
    if contribution.objective.plan.status == Plan.Status.SUPERSEDED:
        raise ValidationError("A superseded version's record is kept as it was.")
    delete_audited(contribution, by=by, reason="Contribution removed")
