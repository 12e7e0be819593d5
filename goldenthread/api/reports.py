"""Published annual performance summary reports: each edition's metadata and links to its
files — the signed-in pages' PDF and Word downloads, and the public PDF link the public
pages use when the partnership publishes. Drafts stay on the pages (their preview is
worked out afresh from the data); the API lists what is published."""

import datetime

from django.db.models import F, Max, OuterRef, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.models import AnnualReport
from goldenthread.rules import year_label

from .common import Paged
from .filters import PARTNERSHIP, name_of, scoped, visible_partnerships
from .problems import READ_ERRORS

router = Router(tags=["Annual reports"])


class ReportOut(Schema):
    id: int
    partnership_id: int
    partnership: str
    year: int
    year_label: str
    edition: int
    latest: bool = Field(description="No later edition has replaced it.")
    correction_note: str
    published_by: str | None
    published_at: datetime.datetime | None
    page_url: str = Field(description="The report's page (signed in).")
    pdf_url: str = Field(description="Its PDF (signed in).")
    docx_url: str = Field(description="Its Word document (signed in).")
    public_pdf_url: str | None = Field(
        description="Its PDF on the public pages, when the partnership publishes."
    )

    @staticmethod
    def resolve_partnership(obj: AnnualReport) -> str:
        return obj.partnership.name

    @staticmethod
    def resolve_year_label(obj: AnnualReport) -> str:
        return year_label(obj.year)

    @staticmethod
    def resolve_latest(obj: AnnualReport) -> bool:
        return obj.edition == obj.latest_edition

    @staticmethod
    def resolve_published_by(obj: AnnualReport) -> str | None:
        return name_of(obj.published_by)

    @staticmethod
    def resolve_page_url(obj: AnnualReport, context) -> str:
        return _absolute(context, "annual_report", obj, f"?edition={obj.edition}")

    @staticmethod
    def resolve_pdf_url(obj: AnnualReport, context) -> str:
        return _absolute(context, "annual_report_pdf", obj, f"?edition={obj.edition}")

    @staticmethod
    def resolve_docx_url(obj: AnnualReport, context) -> str:
        return _absolute(context, "annual_report_docx", obj, f"?edition={obj.edition}")

    @staticmethod
    def resolve_public_pdf_url(obj: AnnualReport, context) -> str | None:
        if not (obj.partnership.is_public and obj.pdf):
            return None
        path = reverse("public_report_pdf", args=[obj.partnership_id, obj.pk])
        return context["request"].build_absolute_uri(path)


def _absolute(context, name: str, report: AnnualReport, query: str) -> str:
    path = reverse(name, args=[report.partnership_id, report.year]) + query
    return context["request"].build_absolute_uri(path)


def _published():
    latest = (
        AnnualReport.objects.filter(
            partnership=OuterRef("partnership"),
            year=OuterRef("year"),
            status=AnnualReport.Status.PUBLISHED,
        )
        .order_by()
        .values("partnership")
        .annotate(edition=Max("edition"))
        .values("edition")
    )
    return (
        AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED)
        .select_related("partnership", "published_by")
        .annotate(latest_edition=Subquery(latest[:1]))
        .defer("snapshot")
    )


class ReportFilter(Schema):
    partnership: int | None = PARTNERSHIP
    year: int | None = Field(None, ge=1900, le=2999, description="2025 for 2025/26.")
    latest: bool | None = Field(None, description="true: only each year's latest edition.")


@router.get("/", response={200: list[ReportOut], **READ_ERRORS})
@paginate(Paged)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]):
    """Published editions of your partnerships' annual reports, newest year first."""
    rows = scoped(_published(), "partnership", request.user, filters.partnership)
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.latest:
        rows = rows.filter(edition=F("latest_edition"))
    return rows.order_by("partnership__name", "-year", "-edition", "pk")


@router.get("/{int:report_id}", response={200: ReportOut, **READ_ERRORS})
def get_report(request: HttpRequest, report_id: int):
    """One published edition."""
    return get_object_or_404(
        _published().filter(partnership__in=visible_partnerships(request.user).values("pk")),
        pk=report_id,
    )
