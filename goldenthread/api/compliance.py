"""The compliance tracker: for each partnership and financial year, the five minimum
requirements (a written plan, quarterly monitoring, the performance system used, the
annual report, the annual update form), each with its status, the deadline it is about,
why, and the evidence, as core.compliance works them out from the data."""

import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.compliance import (
    Cell,
    Row,
    compliance_for_user,
    current_year,
    partnership_row,
)
from goldenthread.rules import Compliance, Requirement

from .common import Paged
from .filters import PARTNERSHIP
from .problems import READ_ERRORS

router = Router(tags=["Compliance"])


class EvidenceOut(Schema):
    text: str
    url: str | None = Field(description="The page that shows it (a path on this site).")


class RequirementOut(Schema):
    requirement: Requirement
    label: str
    status: Compliance
    deadline: datetime.date
    delivered_on: datetime.date | None
    reason: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_label(obj: Cell) -> str:
        return obj.requirement.label


class ComplianceOut(Schema):
    partnership_id: int
    partnership: str
    year: int
    year_label: str
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_partnership_id(obj: Row) -> int:
        return obj.partnership.pk

    @staticmethod
    def resolve_partnership(obj: Row) -> str:
        return obj.partnership.name

    @staticmethod
    def resolve_requirements(obj: Row) -> list[Cell]:
        return obj.cells


class ComplianceFilter(Schema):
    year: int | None = Field(
        None,
        ge=1900,
        le=2999,
        description="The financial year (2025 for 2025/26); this one if not given.",
    )
    partnership: int | None = PARTNERSHIP
    status: Compliance | None = Field(
        None, description="Only partnerships with a requirement in this status."
    )


@router.get("/", response={200: list[ComplianceOut], **READ_ERRORS})
@paginate(Paged)
def list_compliance(request: HttpRequest, filters: Query[ComplianceFilter]):
    """A year's tracker: one row for each partnership you may see that ran in the year,
    A to Z."""
    year = filters.year or current_year()
    if filters.partnership is not None:
        rows = [partnership_row(get_partnership_for_user(request.user, filters.partnership), year)]
    else:
        rows = compliance_for_user(request.user, year)
    if filters.status:
        rows = [row for row in rows if filters.status in row.statuses]
    return sorted(rows, key=lambda row: (row.partnership.name, row.partnership.pk))


@router.get("/{int:partnership_id}/{int:year}", response={200: ComplianceOut, **READ_ERRORS})
def get_compliance(request: HttpRequest, partnership_id: int, year: int):
    """One partnership's five requirements in one financial year, with the evidence."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not 1900 <= year <= 2999:
        raise Http404("No such financial year.")
    return partnership_row(partnership, year)
