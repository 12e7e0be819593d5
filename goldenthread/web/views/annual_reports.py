"""The annual performance summary report of a partnership's financial year: the web page,
its PDF and Word files, the lead link officer's commentary, publishing and corrections.

Who sees what: the partnership's leads and members, and the council performance team,
see the draft (access.may_preview), worked out from the data as it is now (a preview that
changes when the data does); everyone who may see the partnership (viewers too) sees the
published editions, drawn from what was stored when each was published. Only leads
comment, publish and correct. `?edition=N` chooses an edition; without it, those who may
preview see the draft when there is one (or nothing is published yet), everyone else the
latest edition.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from goldenthread.core.access import Need, allows, get_partnership_for_user, may_preview
from goldenthread.core.annual_report import AnnualReportContent, annual_report_content
from goldenthread.core.models import AnnualReport, Partnership
from goldenthread.core.monitoring import unconfirmed_periods
from goldenthread.core.services import annual_reports as services
from goldenthread.core.services import financial_year
from goldenthread.documents.annual_report import annual_report_docx, annual_report_pdf
from goldenthread.rules import Frequency, Period
from goldenthread.tasks.start import start_publish
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted, text_field

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _check_year(year: int) -> Period:
    try:
        return financial_year(year)
    except ValidationError:
        raise Http404("No such year.") from None


@dataclass
class Edition:
    report: AnnualReport
    superseded_by: AnnualReport | None

    @property
    def label(self) -> str:
        return f"Edition {self.report.edition}"


@dataclass
class Choice:
    """What a request for a year's report shows."""

    partnership: Partnership
    year: int
    editions: list[Edition]  # published, oldest first
    draft: AnnualReport | None
    report: AnnualReport | None  # the edition shown; None for a draft not yet started
    content: AnnualReportContent | None  # None when nothing may be shown
    is_preview: bool

    @property
    def latest(self) -> Edition | None:
        return self.editions[-1] if self.editions else None

    @property
    def shown(self) -> Edition | None:
        return next((e for e in self.editions if e.report == self.report), None)


def _choose(request: HttpRequest, partnership: Partnership, year: int) -> Choice:
    reports = list(AnnualReport.objects.filter(partnership=partnership, year=year))
    published = sorted(
        (r for r in reports if r.status == AnnualReport.Status.PUBLISHED), key=lambda r: r.edition
    )
    editions = [
        Edition(report=r, superseded_by=published[-1] if r is not published[-1] else None)
        for r in published
    ]
    draft = next((r for r in reports if r.status == AnnualReport.Status.DRAFT), None)
    preview = may_preview(request.user, partnership)
    wanted = request.GET.get("edition", "")
    report, is_preview = None, False
    if wanted:
        report = next((r for r in reports if str(r.edition) == wanted), None)
        if report is None or (report is draft and not preview):
            raise Http404("No such edition.")
        is_preview = report is draft
    elif preview and (draft is not None or not published):
        report, is_preview = draft, True
    elif published:
        report = published[-1]
    content = None
    if is_preview:
        content = annual_report_content(
            partnership, year, today=timezone.localdate(), report=report
        )
    elif report is not None:
        content = AnnualReportContent.from_snapshot(report.snapshot)
    return Choice(
        partnership=partnership,
        year=year,
        editions=editions,
        draft=draft,
        report=report,
        content=content,
        is_preview=is_preview,
    )


def _query(choice: Choice) -> str:
    return f"?edition={choice.report.edition}" if choice.report else ""


@login_required
@minimum_role("viewer")
@require_GET
def annual_report(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    fy = _check_year(year)
    choice = _choose(request, partnership, year)
    return render(
        request,
        "web/annual_reports/report.html",
        {
            "partnership": partnership,
            "year": year,
            "fy": fy,
            "choice": choice,
            "doc": choice.content,
            "query": _query(choice),
            "may_preview": may_preview(request.user, partnership),
            "is_lead": allows(request.user, partnership, Need.LEAD),
            "year_ended": fy.end < timezone.localdate(),
            "awaiting": sorted(
                p
                for p in unconfirmed_periods(partnership)
                if p.frequency == Frequency.QUARTERLY and p.year == year
            )
            if choice.is_preview
            else [],
        },
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-cache"
    return response


def _file(request: HttpRequest, partnership_id: int, year: int, kind: str) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    _check_year(year)
    choice = _choose(request, partnership, year)
    if choice.content is None:
        raise Http404("Nothing is published for this year yet.")
    if choice.is_preview:
        made = annual_report_pdf if kind == "pdf" else annual_report_docx
        data = made(choice.content)
    else:
        stored = choice.report.pdf if kind == "pdf" else choice.report.docx
        with stored.open("rb"):  # in Django's storage, shared by the app servers
            data = stored.read()
    return _download(data, PDF if kind == "pdf" else DOCX, choice.content.filename(kind))


# Declared "member_or_performance": in a year with nothing published only leads, members
# and the performance team may open it (the draft); once a year is published, everyone who
# may see the partnership may.
@login_required
@minimum_role("member_or_performance")
@require_GET
def annual_report_pdf_view(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    """The edition shown on the page as a tagged A4 PDF: the stored file of a published
    edition, or the draft made now."""
    return _file(request, partnership_id, year, "pdf")


@login_required
@minimum_role("member_or_performance")
@require_GET
def annual_report_docx_view(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    return _file(request, partnership_id, year, "docx")


# --- the lead's part --------------------------------------------------------------------


class CommentaryForm(forms.Form):
    commentary = text_field(
        AnnualReport,
        "commentary",
        label="Your commentary on the year",
        help_text=(
            "Written for board members and the public: what the year meant, what you are "
            "proud of, what will change. Leave a blank line between paragraphs."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Enter your commentary on the year"},
    )


class CorrectionForm(forms.Form):
    note = text_field(
        AnnualReport,
        "correction_note",
        label="What does the new edition correct?",
        help_text="Shown at the top of the new edition, for example “The 2025/26 Q4 result "
        "for CS03 was entered wrongly: it is 2.1%, not 2.3%.”",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the new edition corrects"},
    )


def _report_url(partnership: Partnership, year: int, edition: int | None = None) -> str:
    url = reverse("annual_report", args=[partnership.pk, year])
    return f"{url}?edition={edition}" if edition else url


@login_required
@minimum_role("lead")
def annual_report_commentary(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    fy = _check_year(year)
    draft = services.draft_of(partnership, year)
    problem = services.commentary_refusal(partnership, year)
    form = CommentaryForm(
        posted(request), initial={"commentary": draft.commentary if draft else ""}
    )
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            services.save_commentary(
                partnership=partnership,
                year=year,
                commentary=form.cleaned_data["commentary"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your commentary is saved in the draft.")
            return redirect(_report_url(partnership, year))
    return render(
        request,
        "web/annual_reports/commentary.html",
        {"partnership": partnership, "year": year, "fy": fy, "form": form, "problem": problem},
        status=409 if problem and request.method == "POST" else 200,
    )


@login_required
@minimum_role("lead")
def annual_report_publish(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    fy = _check_year(year)
    draft = services.draft_of(partnership, year)
    form = forms.Form(posted(request))
    refusal = services.publish_refusal(partnership, year, timezone.localdate())
    if request.method == "POST" and form.is_valid():
        # Refused at once when it can be; the publishing itself (the PDF and Word files)
        # is a background job, whose page shows its progress and the published edition.
        if refusal:
            form.add_error(None, refusal)
        else:
            job = start_publish(partnership=partnership, year=year, by=request.user)
            return redirect("job", job.pk)
    return render(
        request,
        "web/annual_reports/publish.html",
        {
            "partnership": partnership,
            "year": year,
            "fy": fy,
            "form": form,
            "draft": draft,
            "refusal": refusal,
            "published": partnership.annual_reports.filter(
                year=year, status=AnnualReport.Status.PUBLISHED
            ).order_by("-edition"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@minimum_role("lead")
def annual_report_correct(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    fy = _check_year(year)
    latest = (
        partnership.annual_reports.filter(year=year, status=AnnualReport.Status.PUBLISHED)
        .order_by("-edition")
        .first()
    )
    problem = services.correction_refusal(partnership, year)
    form = CorrectionForm(posted(request))
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            new = services.start_correction(
                partnership=partnership, year=year, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Edition {new.edition} started as a draft. Check the commentary, then publish "
                f"it: edition {latest.edition} stays available, marked as replaced.",
            )
            return redirect(_report_url(partnership, year))
    return render(
        request,
        "web/annual_reports/correct.html",
        {
            "partnership": partnership,
            "year": year,
            "fy": fy,
            "form": form,
            "problem": problem,
            "latest": latest,
        },
        status=409 if problem and request.method == "POST" else 200,
    )


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/",
        annual_report,
        name="annual_report",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/report.pdf",
        annual_report_pdf_view,
        name="annual_report_pdf",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/report.docx",
        annual_report_docx_view,
        name="annual_report_docx",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/commentary/",
        annual_report_commentary,
        name="annual_report_commentary",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/publish/",
        annual_report_publish,
        name="annual_report_publish",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:year>/correct/",
        annual_report_correct,
        name="annual_report_correct",
    ),
]
