"""The quarterly performance report to Cabinet and scrutiny: the performance team chooses a
quarter (a plain GET form, no JavaScript) and reads the report on the page, or downloads it
as PDF or Word in one click. All three are drawn from goldenthread.core.cabinet_report's one
read. The files are made while the person waits: for a council's few dozen partnerships
that takes a second or two, so no background job is needed (the annual report's
publishing, which stores its files, runs as one)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from goldenthread.core.cabinet_report import (
    COUNCIL_VIEW_REFUSAL,
    CabinetReport,
    cabinet_report,
    default_round,
    may_see_cabinet_report,
    report_rounds,
)
from goldenthread.core.models import ReportingRound
from goldenthread.documents.cabinet_report import cabinet_report_docx, cabinet_report_pdf
from goldenthread.rules import long_date
from goldenthread.web.decorators import minimum_role

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="Only returns the performance team has signed off are reported.",
    )

    def __init__(self, *args, rounds: list[ReportingRound], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (
                r.period.label,
                f"{r.period.label} ({r.signed_off} of {r.returns_count} return"
                f"{'' if r.returns_count == 1 else 's'} signed off, deadline "
                f"{long_date(r.deadline)})",
            )
            for r in rounds
        ]


def _report(request: HttpRequest) -> tuple[CabinetReport | None, list[ReportingRound]]:
    """The report for the quarter asked for (`?quarter=2025/26 Q3`); a quarter not opened
    (an old link, a typo) is no choice, so the default is shown rather than an error."""
    if not may_see_cabinet_report(request.user):
        raise PermissionDenied(COUNCIL_VIEW_REFUSAL)
    rounds = report_rounds()
    asked = request.GET.get("quarter", "")[:30].strip()
    chosen = next((r for r in rounds if r.period.label == asked), None) or default_round(rounds)
    if chosen is None:
        return None, rounds
    return cabinet_report(chosen, today=timezone.localdate()), rounds


@login_required
@minimum_role("performance")
@require_GET
def cabinet_report_page(request: HttpRequest) -> HttpResponse:
    doc, rounds = _report(request)
    form = QuarterForm(initial={"quarter": doc.quarter.label if doc else ""}, rounds=rounds)
    return render(
        request,
        "web/cabinet_report/report.html",
        {"doc": doc, "form": form, "rounds": rounds},
    )


def _download(request: HttpRequest, make, content_type: str, extension: str) -> HttpResponse:
    doc, _ = _report(request)
    if doc is None:
        raise Http404("No quarter has been opened yet.")
    response = HttpResponse(make(doc), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.filename(extension))
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@minimum_role("performance")
@require_GET
def cabinet_report_pdf_file(request: HttpRequest) -> HttpResponse:
    return _download(request, cabinet_report_pdf, PDF, "pdf")


@login_required
@minimum_role("performance")
@require_GET
def cabinet_report_docx_file(request: HttpRequest) -> HttpResponse:
    return _download(request, cabinet_report_docx, DOCX, "docx")


urlpatterns = [
    path("council/cabinet-report/", cabinet_report_page, name="cabinet_report"),
    path("council/cabinet-report/report.pdf", cabinet_report_pdf_file, name="cabinet_report_pdf"),
    path(
        "council/cabinet-report/report.docx", cabinet_report_docx_file, name="cabinet_report_docx"
    ),
]
