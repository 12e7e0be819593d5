"""Partnership plans, version by version, with their objectives (each with the strategic
outcomes it serves, its indicators and its actions), and the actions on their own. Found
with core.access's getters (another partnership's is a 404); lists hold only what the
person's partnerships have."""

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import (
    get_action_for_user,
    get_objective_for_user,
    get_plan_for_user,
)
from goldenthread.core.models import Action, Indicator, Objective, Outcome, Plan
from goldenthread.rules import ActionState

from .common import Paged
from .filters import PARTNERSHIP, name_of, scoped
from .problems import READ_ERRORS

router = Router(tags=["Plans"])
objectives_router = Router(tags=["Plans"])
actions_router = Router(tags=["Actions"])
# Inline, not Plan.Status: its class name is a return's status's too in the components.
PlanStatus = Literal["draft", "approved", "superseded"]


class PlanOut(Schema):
    id: int
    partnership_id: int
    version: int
    previous_id: int | None
    title: str
    vision: str
    key_issues: str
    first_year: int
    last_year: int
    years: str = Field(description="As councils write them: 2024/25 to 2026/27.")
    status: PlanStatus
    revision_reason: str
    approved_by: str | None
    approved_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_years(obj: Plan) -> str:
        return obj.years_label

    @staticmethod
    def resolve_approved_by(obj: Plan) -> str | None:
        return name_of(obj.approved_by)


class OutcomeRef(Schema):
    id: int
    strategic_plan_id: int
    code: str
    title: str


class IndicatorRef(Schema):
    id: int
    code: str
    title: str


class ActionOut(Schema):
    id: int
    partnership_id: int
    plan_id: int
    objective_id: int
    ref: str
    title: str
    description: str
    owner_id: int | None
    owner: str | None
    lead_organisation: str | None
    start_date: datetime.date | None
    due_date: datetime.date | None
    status: ActionState
    percent_complete: int
    completed_on: datetime.date | None
    closed_reason: str
    overdue: bool

    @staticmethod
    def resolve_partnership_id(obj: Action) -> int:
        return obj.objective.plan.partnership_id

    @staticmethod
    def resolve_plan_id(obj: Action) -> int:
        return obj.objective.plan_id

    @staticmethod
    def resolve_owner(obj: Action) -> str | None:
        return name_of(obj.owner)

    @staticmethod
    def resolve_lead_organisation(obj: Action) -> str | None:
        return obj.lead_organisation.name if obj.lead_organisation else None

    @staticmethod
    def resolve_status(obj: Action) -> str:
        return obj.state

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.is_overdue(timezone.localdate())


class ObjectiveOut(Schema):
    id: int
    partnership_id: int
    plan_id: int
    ref: str
    title: str
    description: str
    owner_id: int | None
    owner: str | None
    lead_organisation: str | None
    deadline: datetime.date | None
    order: int
    outcomes: list[OutcomeRef]
    indicators: list[IndicatorRef]
    actions: list[ActionOut]

    @staticmethod
    def resolve_partnership_id(obj: Objective) -> int:
        return obj.plan.partnership_id

    @staticmethod
    def resolve_owner(obj: Objective) -> str | None:
        return name_of(obj.owner)

    @staticmethod
    def resolve_lead_organisation(obj: Objective) -> str | None:
        return obj.lead_organisation.name if obj.lead_organisation else None

    @staticmethod
    def resolve_outcomes(obj: Objective) -> list[Outcome]:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_indicators(obj: Objective) -> list[Indicator]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_actions(obj: Objective) -> list[Action]:
        return list(obj.actions.all())


class PlanDetailOut(PlanOut):
    objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_objectives(obj: Plan) -> list[Objective]:
        return list(obj.objectives.all())


def _actions():
    return Action.objects.select_related("objective__plan", "owner", "lead_organisation").order_by(
        "due_date", "ref", "pk"
    )


def _objectives():
    """Objectives with everything ObjectiveOut shows, in a fixed number of queries."""
    return (
        Objective.objects.select_related("plan", "owner", "lead_organisation")
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("code", "pk")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("code", "pk")),
            Prefetch("actions", queryset=_actions()),
        )
        .order_by("order", "ref", "pk")
    )


class PlanFilter(Schema):
    partnership: int | None = PARTNERSHIP
    status: PlanStatus | None = None


@router.get("/", response={200: list[PlanOut], **READ_ERRORS})
@paginate(Paged)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]):
    """Every version of the plans of your partnerships, newest version first."""
    rows = scoped(
        Plan.objects.select_related("approved_by"), "partnership", request.user, filters.partnership
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("partnership__name", "-version", "pk")


@router.get("/{int:plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
def get_plan(request: HttpRequest, plan_id: int):
    """One version of a plan with its objectives, each with its outcomes, indicators and
    actions."""
    plan = get_plan_for_user(request.user, plan_id)
    return (
        Plan.objects.select_related("approved_by")
        .prefetch_related(Prefetch("objectives", queryset=_objectives()))
        .get(pk=plan.pk)
    )


class ObjectiveFilter(Schema):
    partnership: int | None = PARTNERSHIP
    plan: int | None = Field(None, description="Only this plan version's (its id).")


@objectives_router.get("/", response={200: list[ObjectiveOut], **READ_ERRORS})
@paginate(Paged)
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilter]):
    """Objectives of every plan version you may see, in each plan's order."""
    rows = scoped(_objectives(), "plan__partnership", request.user, filters.partnership)
    if filters.plan is not None:
        rows = rows.filter(plan=get_plan_for_user(request.user, filters.plan))
    return rows.order_by("plan__partnership__name", "-plan__version", "order", "ref", "pk")


@objectives_router.get("/{int:objective_id}", response={200: ObjectiveOut, **READ_ERRORS})
def get_objective(request: HttpRequest, objective_id: int):
    objective = get_objective_for_user(request.user, objective_id)
    return _objectives().get(pk=objective.pk)


class ActionFilter(Schema):
    partnership: int | None = PARTNERSHIP
    plan: int | None = Field(None, description="Only this plan version's (its id).")
    objective: int | None = Field(None, description="Only this objective's (its id).")
    status: ActionState | None = None
    owner: int | None = Field(None, description="Only those this person owns (their id).")
    current: bool | None = Field(
        None, description="true: only the actions of approved (current) plans."
    )


@actions_router.get("/", response={200: list[ActionOut], **READ_ERRORS})
@paginate(Paged)
def list_actions(request: HttpRequest, filters: Query[ActionFilter]):
    """Actions of the plans you may see, by due date."""
    user = request.user
    rows = scoped(_actions(), "objective__plan__partnership", user, filters.partnership)
    if filters.plan is not None:
        rows = rows.filter(objective__plan=get_plan_for_user(user, filters.plan))
    if filters.objective is not None:
        rows = rows.filter(objective=get_objective_for_user(user, filters.objective))
    if filters.status:
        rows = rows.filter(state=filters.status.value)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    if filters.current:
        rows = rows.in_current_plans()
    elif filters.current is False:
        rows = rows.exclude(objective__plan__status=Plan.Status.APPROVED)
    return rows.order_by(
        "objective__plan__partnership__name", "-objective__plan__version", "due_date", "ref", "pk"
    )


@actions_router.get("/{int:action_id}", response={200: ActionOut, **READ_ERRORS})
def get_action(request: HttpRequest, action_id: int):
    action = get_action_for_user(request.user, action_id)
    return _actions().get(pk=action.pk)
