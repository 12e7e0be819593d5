"""The compliance tracker: the five minimum requirements for every partnership a person
may see (all of them for the performance team), for a chosen financial year, filtered by
status, with the evidence one click away and exports as .xlsx and CSV."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.compliance import (
    Row,
    compliance_for_user,
    partnership_row,
    year_choices,
)
from goldenthread.documents.compliance import (
    compliance_csv,
    compliance_filename,
    compliance_xlsx,
)
from goldenthread.rules import Compliance, Requirement, financial_year_of, year_label
from goldenthread.web.decorators import minimum_role

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


class TrackerForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    status = forms.ChoiceField(
        label="Show partnerships with a requirement that is",
        required=False,
        choices=[("", "Any status"), *Compliance.choices()],
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), year_label(y)) for y in years]


def _chosen(request: HttpRequest) -> tuple[int, Compliance | None, TrackerForm]:
    """The year and status asked for; anything unreadable falls back to the current
    year and every status, rather than an error."""
    today = timezone.localdate()
    years = year_choices(today)
    asked = request.GET.get("year", "")
    if asked.isdigit() and 1900 <= int(asked) <= 2999 and int(asked) not in years:
        years = sorted({*years, int(asked)}, reverse=True)
    form = TrackerForm(request.GET or None, years=years)
    year, status = financial_year_of(today), None
    if form.is_bound:
        form.is_valid()
        year = form.cleaned_data.get("year") or year
        status = (
            Compliance(form.cleaned_data["status"]) if form.cleaned_data.get("status") else None
        )
    shown = TrackerForm(
        initial={"year": str(year), "status": status.value if status else ""}, years=years
    )
    return year, status, shown


@login_required
@minimum_role("viewer")
@require_GET
def compliance_tracker(request: HttpRequest) -> HttpResponse:
    year, status, form = _chosen(request)
    rows = compliance_for_user(request.user, year)
    shown = [row for row in rows if status is None or status in row.statuses]
    return render(
        request,
        "web/compliance/tracker.html",
        {
            "form": form,
            "year": year,
            "year_label": year_label(year),
            "status": status,
            "rows": shown,
            "total": len(rows),
            "requirements": list(Requirement),
            "query": f"?year={year}",
        },
    )


@login_required
@minimum_role("viewer")
@require_GET
def compliance_evidence(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not 1900 <= year <= 2999:
        raise Http404("No such financial year.")
    row = partnership_row(partnership, year)
    return render(
        request,
        "web/compliance/evidence.html",
        {"partnership": partnership, "row": row, "year": year},
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-cache"
    return response


def _export_rows(request: HttpRequest) -> tuple[int, list[Row]]:
    year, status, _ = _chosen(request)
    rows = compliance_for_user(request.user, year)
    return year, [row for row in rows if status is None or status in row.statuses]


@login_required
@minimum_role("viewer")
@require_GET
def compliance_export_xlsx(request: HttpRequest) -> HttpResponse:
    year, rows = _export_rows(request)
    return _download(compliance_xlsx(rows, year), XLSX_TYPE, compliance_filename(year, "xlsx"))


@login_required
@minimum_role("viewer")
@require_GET
def compliance_export_csv(request: HttpRequest) -> HttpResponse:
    year, rows = _export_rows(request)
    return _download(compliance_csv(rows), CSV_TYPE, compliance_filename(year, "csv"))


urlpatterns = [
    path("compliance/", compliance_tracker, name="compliance_tracker"),
    path("compliance/export.xlsx", compliance_export_xlsx, name="compliance_export_xlsx"),
    path("compliance/export.csv", compliance_export_csv, name="compliance_export_csv"),
    path(
        "compliance/<int:partnership_id>/<int:year>/",
        compliance_evidence,
        name="compliance_evidence",
    ),
]
