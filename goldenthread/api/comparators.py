"""Comparator data: the areas others publish statistics for (ONS codes), the groups of
areas compared with (CIPFA nearest neighbours…), and other areas' values of our
indicators. Areas and groups are shared by every partnership: anyone signed in reads them
(core.benchmarking); values are read for the indicators the person may see."""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.models import Area, ComparatorGroup, ComparatorValue

from . import writes
from .common import Paged
from .filters import (
    FROM,
    INDICATOR,
    PARTNERSHIP,
    TO,
    PeriodText,
    indicator_of,
    period_range,
    scoped,
)
from .problems import READ_ERRORS

# One router for /comparators, reads and writes: Django would send a POST to
# /comparators/values to whichever of two routers' patterns came first.
router = writes.comparators


class AreaOut(Schema):
    id: int
    code: str = Field(description="ONS GSS code: E08000009.")
    name: str


class GroupOut(Schema):
    id: int
    name: str
    description: str
    area_count: int


class GroupDetailOut(GroupOut):
    areas: list[AreaOut]

    @staticmethod
    def resolve_areas(obj: ComparatorGroup) -> list[Area]:
        return list(obj.areas.all())


class ComparatorValueOut(Schema):
    id: int
    indicator_id: int
    partnership_id: int
    area_id: int
    area_code: str
    area_name: str
    period: str
    period_key: str
    value: Decimal
    source: str
    imported_at: datetime.datetime

    @staticmethod
    def resolve_partnership_id(obj: ComparatorValue) -> int:
        return obj.indicator.partnership_id

    @staticmethod
    def resolve_area_code(obj: ComparatorValue) -> str:
        return obj.area.code

    @staticmethod
    def resolve_area_name(obj: ComparatorValue) -> str:
        return obj.area.name

    @staticmethod
    def resolve_period(obj: ComparatorValue) -> str:
        return obj.period.label

    @staticmethod
    def resolve_period_key(obj: ComparatorValue) -> str:
        return obj.period.key


class AreaFilter(Schema):
    group: int | None = Field(None, description="Only this comparator group's areas.")
    code: str | None = Field(None, max_length=12, description="The area with this ONS code.")


@router.get("/areas", response={200: list[AreaOut], **READ_ERRORS})
@paginate(Paged)
def list_areas(request: HttpRequest, filters: Query[AreaFilter]):
    """Areas, A to Z."""
    rows = Area.objects.all()
    if filters.group is not None:
        rows = rows.filter(groups=get_object_or_404(ComparatorGroup, pk=filters.group))
    if filters.code:
        rows = rows.filter(code=filters.code)
    return rows.order_by("name", "pk")


def _groups():
    return ComparatorGroup.objects.annotate(area_count=Count("areas"))


@router.get("/groups", response={200: list[GroupOut], **READ_ERRORS})
@paginate(Paged)
def list_groups(request: HttpRequest):
    """Comparator groups, A to Z."""
    return _groups().order_by("name", "pk")


@router.get("/groups/{int:group_id}", response={200: GroupDetailOut, **READ_ERRORS})
def get_group(request: HttpRequest, group_id: int):
    """A comparator group with its areas."""
    areas = Prefetch("areas", queryset=Area.objects.order_by("name", "pk"))
    return get_object_or_404(_groups().prefetch_related(areas), pk=group_id)


class ValueFilter(Schema):
    partnership: int | None = PARTNERSHIP
    indicator: int | None = INDICATOR
    area: int | None = Field(None, description="Only this area's values (its id).")
    from_: PeriodText | None = FROM
    to: PeriodText | None = TO


@router.get("/values", response={200: list[ComparatorValueOut], **READ_ERRORS})
@paginate(Paged)
def list_values(request: HttpRequest, filters: Query[ValueFilter]):
    """Other areas' values of your partnerships' indicators, by indicator, period and
    area."""
    rows = scoped(
        ComparatorValue.objects.select_related("indicator", "area"),
        "indicator__partnership",
        request.user,
        filters.partnership,
    )
    if (indicator := indicator_of(request.user, filters.indicator)) is not None:
        rows = rows.filter(indicator=indicator)
    if filters.area is not None:
        rows = rows.filter(area_id=filters.area)
    if filters.from_ or filters.to:
        rows = rows.filter(period_range("period", filters.from_, filters.to))
    return rows.order_by("indicator_id", "period", "area__name", "pk")
