"""Partnerships and their members. A person sees the partnerships core.access lets them
see (the performance team every one, others their own); another's is a 404."""

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.models import Membership, Partnership, Role

from .common import Paged
from .problems import READ_ERRORS

router = Router(tags=["Partnerships"])


class PartnershipOut(Schema):
    id: int
    name: str
    short_name: str
    purpose: str
    lead_organisation: str
    is_public: bool
    closed_on: datetime.date | None

    @staticmethod
    def resolve_lead_organisation(obj: Partnership) -> str:
        return obj.lead_organisation.name


class PartnershipFilter(Schema):
    status: str | None = Field(
        None, pattern="^(open|closed)$", description="open or closed partnerships only"
    )


class MemberOut(Schema):
    person_id: int
    name: str
    organisation: str
    role: Role

    @staticmethod
    def resolve_person_id(obj: Membership) -> int:
        return obj.person_id

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_organisation(obj: Membership) -> str:
        return obj.organisation.name


class MemberFilter(Schema):
    role: Role | None = None


@router.get("/", response={200: list[PartnershipOut], **READ_ERRORS})
@paginate(Paged)
def list_partnerships(request: HttpRequest, filters: Query[PartnershipFilter]):
    """The partnerships you may see, A to Z."""
    rows = Partnership.objects.visible_to(request.user).select_related("lead_organisation")
    if filters.status == "open":
        rows = rows.filter(closed_on__isnull=True)
    elif filters.status == "closed":
        rows = rows.filter(closed_on__isnull=False)
    return rows.order_by("name", "pk")


@router.get("/{int:partnership_id}", response={200: PartnershipOut, **READ_ERRORS})
def get_partnership(request: HttpRequest, partnership_id: int):
    return get_partnership_for_user(request.user, partnership_id)


@router.get("/{int:partnership_id}/members", response={200: list[MemberOut], **READ_ERRORS})
@paginate(Paged)
def list_members(request: HttpRequest, partnership_id: int, filters: Query[MemberFilter]):
    """The partnership's members with their roles, leads first."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    rows = Membership.objects.filter(partnership=partnership).select_related(
        "person", "organisation"
    )
    if filters.role:
        rows = rows.filter(role=filters.role)
    return rows.order_by("role", "person__last_name", "person__first_name", "pk")
