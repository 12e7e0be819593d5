"""The partnerships' risk registers: each risk's scores before and after mitigation, its
level on the council's 5×5 banding (core.risks), its owner and review date, and the reviews
made in returns."""

import datetime
import enum

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_objective_for_user, get_risk_for_user
from goldenthread.core.models import Risk, RiskReview
from goldenthread.core.risks import review_overdue, risk_level

from .common import Paged
from .filters import PARTNERSHIP, name_of, scoped
from .problems import READ_ERRORS

router = Router(tags=["Risks"])


class RiskStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RiskLevelName(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class RiskReviewItemOut(Schema):
    id: int
    return_id: int | None
    period: str | None = Field(description="The quarter of the return it was made in.")
    likelihood: int
    impact: int
    score: int
    note: str
    next_review: datetime.date
    by: str | None
    at: datetime.datetime

    @staticmethod
    def resolve_return_id(obj: RiskReview) -> int | None:
        return obj.ret_id

    @staticmethod
    def resolve_period(obj: RiskReview) -> str | None:
        return obj.ret.round.period.label if obj.ret else None

    @staticmethod
    def resolve_score(obj: RiskReview) -> int:
        return obj.likelihood * obj.impact

    @staticmethod
    def resolve_by(obj: RiskReview) -> str | None:
        return name_of(obj.by)


class RiskOut(Schema):
    id: int
    partnership_id: int
    objective_id: int | None
    ref: str
    title: str
    cause: str
    consequence: str
    inherent_likelihood: int
    inherent_impact: int
    inherent_score: int
    residual_likelihood: int
    residual_impact: int
    residual_score: int
    level: RiskLevelName = Field(description="The residual score's level.")
    mitigation: str
    owner_id: int | None
    owner: str | None
    review_date: datetime.date | None
    review_overdue: bool
    status: RiskStatus

    @staticmethod
    def resolve_level(obj: Risk) -> str:
        return risk_level(obj.residual_score).key

    @staticmethod
    def resolve_owner(obj: Risk) -> str | None:
        return name_of(obj.owner)

    @staticmethod
    def resolve_review_overdue(obj: Risk) -> bool:
        return review_overdue(obj, timezone.localdate())

    @staticmethod
    def resolve_status(obj: Risk) -> str:
        return RiskStatus.OPEN if obj.is_open else RiskStatus.CLOSED


class RiskDetailOut(RiskOut):
    reviews: list[RiskReviewItemOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_reviews(obj: Risk) -> list[RiskReview]:
        return list(obj.reviews.all())


class RiskFilter(Schema):
    partnership: int | None = PARTNERSHIP
    objective: int | None = Field(None, description="Only those against this objective.")
    status: RiskStatus | None = None
    owner: int | None = Field(None, description="Only those this person owns (their id).")


@router.get("/", response={200: list[RiskOut], **READ_ERRORS})
@paginate(Paged)
def list_risks(request: HttpRequest, filters: Query[RiskFilter]):
    """The risks of your partnerships, by partnership and reference."""
    rows = scoped(
        Risk.objects.select_related("owner"), "partnership", request.user, filters.partnership
    )
    if filters.objective is not None:
        rows = rows.filter(objective=get_objective_for_user(request.user, filters.objective))
    if filters.status:
        rows = rows.filter(is_open=filters.status is RiskStatus.OPEN)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    return rows.order_by("partnership__name", "ref", "pk")


@router.get("/{int:risk_id}", response={200: RiskDetailOut, **READ_ERRORS})
def get_risk(request: HttpRequest, risk_id: int):
    """One risk with its reviews."""
    risk = get_risk_for_user(request.user, risk_id)
    reviews = RiskReview.objects.select_related("ret__round", "by").order_by("-at", "-pk")
    return (
        Risk.objects.select_related("owner")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .get(pk=risk.pk)
    )
