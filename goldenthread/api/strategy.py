"""Strategic plans (the council's Community Strategy, Corporate Plan…) and their outcomes:
the top of the golden thread. They are council-wide: anyone signed in may read them
(core.access.get_strategic_plan_for_user)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_strategic_plan_for_user
from goldenthread.core.models import Outcome, StrategicPlan

from .common import Paged
from .problems import READ_ERRORS

router = Router(tags=["Strategic plans"])
# Inline, not StrategicPlan.Kind: "Kind" could name another schema in the components.
PlanKind = Literal["community_strategy", "corporate_plan", "laa", "other"]


class StrategicPlanOut(Schema):
    id: int
    title: str
    kind: PlanKind
    first_year: int
    last_year: int
    description: str


class OutcomeOut(Schema):
    id: int
    strategic_plan_id: int
    parent_id: int | None
    code: str
    title: str
    description: str


class StrategicPlanFilter(Schema):
    kind: PlanKind | None = None
    year: int | None = Field(
        None, ge=1900, le=2999, description="Only plans covering this financial year (2025)."
    )


@router.get("/", response={200: list[StrategicPlanOut], **READ_ERRORS})
@paginate(Paged)
def list_strategic_plans(request: HttpRequest, filters: Query[StrategicPlanFilter]):
    """The council's strategic plans, newest first."""
    rows = StrategicPlan.objects.all()
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.year is not None:
        rows = rows.filter(first_year__lte=filters.year, last_year__gte=filters.year)
    return rows.order_by("-first_year", "title", "pk")


@router.get("/{int:strategic_plan_id}", response={200: StrategicPlanOut, **READ_ERRORS})
def get_strategic_plan(request: HttpRequest, strategic_plan_id: int):
    return get_strategic_plan_for_user(request.user, strategic_plan_id)


@router.get("/{int:strategic_plan_id}/outcomes", response={200: list[OutcomeOut], **READ_ERRORS})
@paginate(Paged)
def list_outcomes(request: HttpRequest, strategic_plan_id: int):
    """The plan's themes and outcomes (a tree: `parent_id`), by code."""
    plan = get_strategic_plan_for_user(request.user, strategic_plan_id)
    return Outcome.objects.filter(strategic_plan=plan).order_by("code", "pk")
