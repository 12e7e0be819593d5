"""Shared direction (issue 17), the reads: who the partner organisations of a partnership
are and who may speak for each, where each stands on signing up to a plan, each partner's
load of actions against the capacity it stated, and the contributions of organisations
outside the partnership. The writes are `core.services.partners`.

Who represents a partner organisation: any lead or member of the partnership whose
membership is for that organisation (the lead organisation's leads included). Viewers are
stakeholders, not partners, and do not sign for anyone."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Sum

from goldenthread.rules import ActionState, financial_year_of

from .models import (
    Action,
    Budget,
    Membership,
    Objective,
    Organisation,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    Role,
    User,
)

PARTNER_ROLES = (Role.LEAD, Role.MEMBER)
FINISHED = (ActionState.COMPLETED.value, ActionState.CANCELLED.value)


# --- partner organisations and who speaks for them -----------------------------------------


def partner_organisations(partnership: Partnership) -> dict[Organisation, list[User]]:
    """{organisation: its representatives}, by name: the lead organisation and every
    organisation a lead or member is there for. One query (with the partnership's lead
    organisation already loaded)."""
    found: dict[int, tuple[Organisation, list[User]]] = {}
    lead_org = partnership.lead_organisation
    found[lead_org.pk] = (lead_org, [])
    memberships = (
        Membership.objects.filter(partnership=partnership, role__in=PARTNER_ROLES)
        .select_related("organisation", "person")
        .order_by("person__last_name", "person__first_name", "person__username")
    )
    for membership in memberships:
        _, people = found.setdefault(membership.organisation_id, (membership.organisation, []))
        people.append(membership.person)
    return dict(sorted(found.values(), key=lambda pair: pair[0].name.lower()))


def represents(user: User, partnership: Partnership, organisation: Organisation) -> bool:
    """Whether the person may speak for the organisation in the partnership."""
    if not user.is_authenticated or not user.is_active:
        return False
    return represented_by(user, partnership) == organisation


def represented_by(user: User, partnership: Partnership) -> Organisation | None:
    """The organisation the person represents in the partnership, if they are a lead or
    member there (a person has one membership in a partnership). Kept on the user for the
    request, as `access.role_in` keeps the role, so a page asking for each partner makes
    one query."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_represents", {})
    if partnership.pk not in cache:
        membership = (
            Membership.objects.filter(partnership=partnership, person=user, role__in=PARTNER_ROLES)
            .select_related("organisation")
            .first()
        )
        cache[partnership.pk] = membership.organisation if membership else None
    return cache[partnership.pk]


# --- signing up to a plan ----------------------------------------------------------------


@dataclass
class SignUpLine:
    organisation: Organisation
    representatives: list[User]
    sign_up: PlanSignUp | None

    @property
    def state_label(self) -> str:
        return self.sign_up.get_state_display() if self.sign_up else "Not yet"


def sign_up_status(plan: Plan) -> list[SignUpLine]:
    """Every partner organisation of the plan's partnership with its answer to this
    version, or none yet; organisations that answered but are no longer partners are
    kept at the end (what they said stays on the record). Two queries."""
    partners = partner_organisations(plan.partnership)
    sign_ups = {
        s.organisation_id: s
        for s in PlanSignUp.objects.filter(plan=plan).select_related("organisation", "signed_by")
    }
    lines = [
        SignUpLine(organisation=org, representatives=people, sign_up=sign_ups.pop(org.pk, None))
        for org, people in partners.items()
    ]
    lines += [
        SignUpLine(organisation=s.organisation, representatives=[], sign_up=s)
        for s in sorted(sign_ups.values(), key=lambda s: s.organisation.name.lower())
    ]
    return lines


@dataclass
class YearSignUps:
    plan: Plan
    lines: list[SignUpLine]

    @property
    def summary(self) -> str:
        counts = defaultdict(int)
        for line in self.lines:
            counts[line.state_label] += 1
        order = [s.label for s in PlanSignUp.State] + ["Not yet"]
        return ", ".join(f"{counts[label]} {label.lower()}" for label in order if counts[label])


def year_sign_ups(partnership: Partnership, year: int) -> list[YearSignUps]:
    """The sign-up of each version of the plan that was the approved one at some time in
    the financial year starting in `year` (a version is current from its approval until
    the next version's), oldest first."""
    start = datetime.date(year, 4, 1)
    end = datetime.date(year + 1, 3, 31)
    approved = list(
        partnership.plans.filter(approved_at__isnull=False)
        .exclude(status=Plan.Status.DRAFT)
        .select_related("partnership__lead_organisation")
        .order_by("approved_at", "version")
    )
    current = []
    for i, plan in enumerate(approved):
        since = plan.approved_at.date()
        until = approved[i + 1].approved_at.date() if i + 1 < len(approved) else None
        if since <= end and (until is None or until > start):
            current.append(plan)
    return [YearSignUps(plan=plan, lines=sign_up_status(plan)) for plan in current]


# --- capacity and timescales -------------------------------------------------------------


@dataclass
class EarlyAction:
    """An open action the partner leads that is due before the partner's next decision."""

    action: Action
    decision: PartnerDecisionDate


@dataclass
class PartnerLoad:
    organisation: Organisation
    profile: PartnerProfile | None
    open_actions: list[Action] = field(default_factory=list)
    money: Decimal = Decimal(0)  # this year's budgets of the open actions it leads
    next_decision: PartnerDecisionDate | None = None
    early: list[EarlyAction] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.open_actions)

    @property
    def over_actions(self) -> bool:
        max_actions = self.profile.max_actions if self.profile else None
        return max_actions is not None and self.open_count > max_actions

    @property
    def over_money(self) -> bool:
        limit = self.profile.capacity_money if self.profile else None
        return limit is not None and self.money > limit

    @property
    def over_capacity(self) -> bool:
        return self.over_actions or self.over_money

    @property
    def flagged(self) -> bool:
        return self.over_capacity or bool(self.early)

    @property
    def slug(self) -> str:
        return f"capacity-org-{self.organisation.pk}"


def capacity_flags(
    partnership: Partnership, plan: Plan | None, today: datetime.date
) -> list[PartnerLoad]:
    """Each partner organisation's load in `plan` (the current plan) against what its
    profile says it can take on. The rules, as the pace-of-change page states them:

    - over capacity: it leads more open actions (not completed or cancelled) than the
      most it said it can lead at once; or this financial year's budgets of those actions
      add up to more than the money it said it can commit;
    - due before its decision date: an open action it leads, not yet overdue, is due
      before the partner's next decision date (the first from today on its profile),
      though the work starts before that date: the partner is asked to deliver before its
      own board has decided. An action with no due date cannot be judged; one with no
      start date is taken to start today.

    Partners with no profile have no stated capacity and are never flagged. A fixed number
    of queries, whatever the numbers."""
    partners = partner_organisations(partnership)
    profiles = {
        p.organisation_id: p
        for p in PartnerProfile.objects.filter(partnership=partnership).prefetch_related(
            Prefetch("decision_dates", queryset=PartnerDecisionDate.objects.order_by("date", "pk"))
        )
    }
    loads = {
        org.pk: PartnerLoad(organisation=org, profile=profiles.get(org.pk)) for org in partners
    }
    if plan is None:
        return list(loads.values())
    actions = list(
        Action.objects.filter(objective__plan=plan, lead_organisation__isnull=False)
        .exclude(state__in=FINISHED)
        .select_related("objective", "lead_organisation")
        .order_by("due_date", "ref")
    )
    year = financial_year_of(today)
    budgets = dict(
        Budget.objects.filter(action__in=[a.pk for a in actions], year=year)
        .values_list("action_id")
        .annotate(total=Sum("amount"))
    )
    for action in actions:
        load = loads.get(action.lead_organisation_id)
        if load is None:  # led by an organisation that is no longer a partner
            org = action.lead_organisation
            load = loads[org.pk] = PartnerLoad(organisation=org, profile=profiles.get(org.pk))
        load.open_actions.append(action)
        load.money += budgets.get(action.pk) or Decimal(0)
    for load in loads.values():
        dates = list(load.profile.decision_dates.all()) if load.profile else []
        load.next_decision = next((d for d in dates if d.date >= today), None)
        decision = load.next_decision
        if decision is None:
            continue
        for action in load.open_actions:
            if action.due_date is None or action.due_date < today:
                continue  # no due date to judge, or already overdue (flagged as that)
            starts = action.start_date or today
            if starts < decision.date and action.due_date < decision.date:
                load.early.append(EarlyAction(action=action, decision=decision))
    return sorted(loads.values(), key=lambda load: load.organisation.name.lower())


# --- contributions from outside ----------------------------------------------------------


def contributions_by_objective(
    objectives: list[Objective],
) -> dict[int, list[OutsideContribution]]:
    """{objective pk: its outside contributions, by year and organisation}. One query."""
    found: dict[int, list[OutsideContribution]] = {o.pk: [] for o in objectives}
    for c in OutsideContribution.objects.filter(objective__in=list(found)).order_by(
        "year", "organisation_name", "pk"
    ):
        found[c.objective_id].append(c)
    return found
