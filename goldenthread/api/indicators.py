"""Indicators (what each measures, which way is better, how often, the amber tolerance,
who owns it, the objectives it serves), their targets and their results. Results say
whether they are confirmed (their return signed off, or recorded outside any return, as
core.monitoring.published_results has it) and their RAG against the period's target, by
the indicator's own rule (Indicator.rag)."""

import datetime
import enum
from decimal import Decimal
from typing import Literal

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_indicator_for_user, get_objective_for_user
from goldenthread.core.models import Indicator, Objective, Result, Target
from goldenthread.core.open_data import unconfirmed_periods_by_partnership
from goldenthread.rules import Frequency, Period, Polarity, Rag, ToleranceKind, rag

from .common import Paged
from .filters import (
    FROM,
    INDICATOR,
    PARTNERSHIP,
    TO,
    PeriodText,
    name_of,
    period_range,
    scoped,
    visible_partnerships,
)
from .problems import READ_ERRORS

router = Router(tags=["Indicators"])
# Inline enums: a TextChoices' class name ("RollUp") could be another schema's in the
# OpenAPI components.
RollUp = Literal["sum", "mean", "latest"]
targets_router = Router(tags=["Indicators"])
# Inline enums: a TextChoices' class name ("RollUp") could be another schema's in the
# OpenAPI components.
RollUp = Literal["sum", "mean", "latest"]
results_router = Router(tags=["Results"])


class ObjectiveRef(Schema):
    id: int
    plan_id: int
    ref: str
    title: str


class IndicatorOut(Schema):
    id: int
    partnership_id: int
    code: str
    title: str
    definition: str
    unit: str
    decimals: int
    polarity: Polarity
    frequency: Frequency
    roll_up: RollUp
    baseline: Decimal | None
    baseline_period: str | None = Field(description="As written: 2023/24 Q4.")
    data_source: str
    owner_id: int | None
    owner: str | None
    owner_organisation: str | None
    tolerance_kind: ToleranceKind
    tolerance: Decimal = Field(description="How far from target is still amber.")
    comparator_group_id: int | None
    is_published: bool
    objectives: list[ObjectiveRef] = Field(description="The objectives it serves, every version.")

    @staticmethod
    def resolve_baseline_period(obj: Indicator) -> str | None:
        return obj.baseline_period.label if obj.baseline_period else None

    @staticmethod
    def resolve_owner(obj: Indicator) -> str | None:
        return name_of(obj.owner)

    @staticmethod
    def resolve_owner_organisation(obj: Indicator) -> str | None:
        return obj.owner_organisation.name if obj.owner_organisation else None

    @staticmethod
    def resolve_objectives(obj: Indicator) -> list[Objective]:
        return list(obj.objectives.all())


class PeriodOut(Schema):
    """A period as written (2025/26 Q3), its key, and its first and last days."""

    period: str
    period_key: str
    period_start: datetime.date
    period_end: datetime.date

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.label

    @staticmethod
    def resolve_period_key(obj) -> str:
        return obj.period.key

    @staticmethod
    def resolve_period_start(obj) -> datetime.date:
        return obj.period.start

    @staticmethod
    def resolve_period_end(obj) -> datetime.date:
        return obj.period.end


class TargetOut(PeriodOut):
    id: int
    indicator_id: int
    partnership_id: int
    value: Decimal
    upper: Decimal | None = Field(description="The upper edge of a target band.")

    @staticmethod
    def resolve_partnership_id(obj: Target) -> int:
        return obj.indicator.partnership_id


class ResultWithRagOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    partnership_id: int
    period: str = Field(description="As written: 2025/26 Q3.")
    period_key: str
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | None
    not_available: bool
    not_available_reason: str
    note: str
    commentary: str
    target: Decimal | None
    target_upper: Decimal | None
    rag: Rag = Field(description="Against the period's target; grey without one.")
    confirmed: bool = Field(
        description="Its return is signed off (or it was recorded outside any return)."
    )
    entered_at: datetime.datetime


# --- indicators ------------------------------------------------------------------------


def _indicators():
    return Indicator.objects.select_related("owner", "owner_organisation").prefetch_related(
        Prefetch("objectives", queryset=Objective.objects.order_by("plan_id", "order", "pk"))
    )


class IndicatorFilter(Schema):
    partnership: int | None = PARTNERSHIP
    objective: int | None = Field(None, description="Only those serving this objective.")
    frequency: Frequency | None = None
    polarity: Polarity | None = None
    owner: int | None = Field(None, description="Only those this person owns (their id).")
    published: bool | None = Field(None, description="Only those shown (or not) in public.")


@router.get("/", response={200: list[IndicatorOut], **READ_ERRORS})
@paginate(Paged)
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilter]):
    """The indicators of your partnerships, by partnership and code."""
    rows = scoped(_indicators(), "partnership", request.user, filters.partnership)
    if filters.objective is not None:
        rows = rows.filter(objectives=get_objective_for_user(request.user, filters.objective))
    if filters.frequency:
        rows = rows.filter(frequency=filters.frequency.value)
    if filters.polarity:
        rows = rows.filter(polarity=filters.polarity.value)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    if filters.published is not None:
        rows = rows.filter(is_published=filters.published)
    return rows.order_by("partnership__name", "code", "pk")


@router.get("/{int:indicator_id}", response={200: IndicatorOut, **READ_ERRORS})
def get_indicator(request: HttpRequest, indicator_id: int):
    indicator = get_indicator_for_user(request.user, indicator_id)
    return _indicators().get(pk=indicator.pk)


# --- targets ---------------------------------------------------------------------------


class PeriodFilter(Schema):
    partnership: int | None = PARTNERSHIP
    indicator: int | None = INDICATOR
    from_: PeriodText | None = FROM
    to: PeriodText | None = TO


def _periods(rows, request: HttpRequest, filters: PeriodFilter, path: str = "indicator"):
    rows = scoped(rows, f"{path}__partnership", request.user, filters.partnership)
    if filters.indicator is not None:
        rows = rows.filter(**{path: get_indicator_for_user(request.user, filters.indicator)})
    if filters.from_ or filters.to:
        rows = rows.filter(period_range("period", filters.from_, filters.to))
    return rows


@targets_router.get("/", response={200: list[TargetOut], **READ_ERRORS})
@paginate(Paged)
def list_targets(request: HttpRequest, filters: Query[PeriodFilter]):
    """The live targets of your partnerships' indicators (set when a plan is approved), by
    indicator and period."""
    rows = _periods(Target.objects.select_related("indicator"), request, filters)
    return rows.order_by("indicator_id", "period", "pk")


# --- results ---------------------------------------------------------------------------


class Confirmation(enum.StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


class ResultFilter(PeriodFilter):
    status: Confirmation | None = Field(
        None,
        description="confirmed: their return is signed off (or they were recorded outside "
        "any return); unconfirmed: still being written or checked.",
    )


RESULT_FIELDS = (
    "id",
    "indicator_id",
    "period",
    "value",
    "not_available",
    "not_available_reason",
    "note",
    "commentary",
    "entered_at",
    "target_value",
    "target_upper",
    "indicator__code",
    "indicator__partnership_id",
    "indicator__polarity",
    "indicator__tolerance",
    "indicator__tolerance_kind",
)


def _results():
    """Results with their period's target, read as plain rows: a page of 500 is built
    without making 1,000 model instances."""
    target = Target.objects.filter(indicator=OuterRef("indicator"), period=OuterRef("period"))
    return Result.objects.annotate(
        target_value=Subquery(target.values("value")[:1]),
        target_upper=Subquery(target.values("upper")[:1]),
    )


def _unconfirmed_q(unconfirmed: dict[int, set[Period]]) -> Q:
    found = Q(pk__in=[])
    for partnership_id, periods in unconfirmed.items():
        found |= Q(indicator__partnership_id=partnership_id, period__in=sorted(periods))
    return found


def _result_rows(rows) -> list[dict]:
    """Each result as ResultWithRagOut has it: its period as written, its RAG by its
    indicator's rule (rules.rag, as Indicator.rag), and whether it is confirmed (one query
    for the page)."""
    rows = list(rows.values(*RESULT_FIELDS))
    unconfirmed = unconfirmed_periods_by_partnership(
        sorted({r["indicator__partnership_id"] for r in rows})
    )
    found = []
    for r in rows:
        period: Period = r["period"]
        value = None if r["not_available"] else r["value"]
        partnership_id = r["indicator__partnership_id"]
        found.append(
            {
                "id": r["id"],
                "indicator_id": r["indicator_id"],
                "indicator_code": r["indicator__code"],
                "partnership_id": partnership_id,
                "period": period.label,
                "period_key": period.key,
                "period_start": period.start,
                "period_end": period.end,
                "value": r["value"],
                "not_available": r["not_available"],
                "not_available_reason": r["not_available_reason"],
                "note": r["note"],
                "commentary": r["commentary"],
                "target": r["target_value"],
                "target_upper": r["target_upper"],
                "rag": rag(
                    actual=value,
                    target=r["target_value"],
                    target_upper=r["target_upper"],
                    polarity=Polarity(r["indicator__polarity"]),
                    tolerance=r["indicator__tolerance"],
                    tolerance_kind=ToleranceKind(r["indicator__tolerance_kind"]),
                ),
                "confirmed": period not in unconfirmed.get(partnership_id, ()),
                "entered_at": r["entered_at"],
            }
        )
    return found


class ResultsPaged(Paged):
    """Paged, the page read as ResultWithRagOut's rows."""

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        page = super().paginate_queryset(queryset, pagination, request=request, **params)
        page["items"] = _result_rows(page["items"])
        return page


@results_router.get("/", response={200: list[ResultWithRagOut], **READ_ERRORS})
@paginate(ResultsPaged)
def list_results(request: HttpRequest, filters: Query[ResultFilter]):
    """Results of your partnerships' indicators, by indicator and period, with the
    period's target and RAG."""
    rows = _periods(_results(), request, filters)
    if filters.status:
        if filters.partnership is not None:
            partnership_ids = [filters.partnership]  # already found by _periods
        else:
            partnership_ids = list(
                visible_partnerships(request.user).order_by().values_list("pk", flat=True)
            )
        pending = _unconfirmed_q(unconfirmed_periods_by_partnership(partnership_ids))
        rows = (
            rows.exclude(pending)
            if filters.status is Confirmation.CONFIRMED
            else rows.filter(pending)
        )
    return rows.order_by("indicator_id", "period", "pk")


@results_router.get("/{int:result_id}", response={200: ResultWithRagOut, **READ_ERRORS})
def get_result(request: HttpRequest, result_id: int):
    found = Result.objects.filter(pk=result_id).values_list("indicator_id", flat=True).first()
    if found is None:
        raise Http404("Not found.")
    get_indicator_for_user(request.user, found)
    return _result_rows(_results().filter(pk=result_id))[0]
