"""Publishing to the public: the lead's choice of what is public, and the public pages.

A partnership that has turned its public page on shows, to anyone and without signing
in, exactly its published indicators (title, definition, recent results against targets,
a chart, and the commentary on each red result), its published annual reports (the
stored PDFs) and its published success stories — and nothing else: no people, plans,
actions, risks, returns, comments, feedback, lessons or drafts. /public/ lists every
partnership that publishes anything (core.public.public_partnerships). The public
views read only those few fields, so nothing else can slip onto the page; a partnership
without a public page, an unpublished report or another partnership's report is a 404.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from goldenthread.core.access import Need, get_partnership_for_user
from goldenthread.core.charts import NO_RESULT
from goldenthread.core.charts.report import TrendChart, period_trend
from goldenthread.core.models import AnnualReport, Indicator, Partnership
from goldenthread.core.monitoring import published_results
from goldenthread.core.performance import indicator_history
from goldenthread.core.public import public_partnerships, published_stories
from goldenthread.core.services import annual_reports as services
from goldenthread.rules import Polarity, Rag, year_label
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import posted

# --- the lead's choice -------------------------------------------------------------------


class IndicatorChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.code} {indicator.title}"


class PublishingForm(forms.Form):
    is_public = forms.TypedChoiceField(
        label="Does the partnership have a public page?",
        choices=[
            ("yes", "Yes: anyone can see the indicators and reports chosen here"),
            ("no", "No: nothing is public"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the partnership has a public page"},
    )
    indicators = IndicatorChoices(
        queryset=Indicator.objects.none(),
        required=False,
        label="Which indicators does it show?",
        help_text="Each with its definition, its recent results against target and a chart. "
        "Published annual reports are always shown.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            partnership=partnership
        ).order_by("code")


@login_required
@minimum_role("lead")
def publishing_settings(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    form = PublishingForm(
        posted(request),
        partnership=partnership,
        initial={
            "is_public": "yes" if partnership.is_public else "no",
            "indicators": list(
                partnership.indicators.filter(is_published=True).values_list("pk", flat=True)
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_publishing(
                partnership=partnership,
                is_public=form.cleaned_data["is_public"],
                published_indicator_ids=[i.pk for i in form.cleaned_data["indicators"]],
                by=request.user,
            )
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                "The public page is on."
                if form.cleaned_data["is_public"]
                else "The partnership has no public page.",
            )
            return redirect("publishing_settings", partnership.pk)
    return render(
        request,
        "web/public/settings.html",
        {
            "partnership": partnership,
            "form": form,
            "reports": partnership.annual_reports.filter(
                status=AnnualReport.Status.PUBLISHED
            ).defer("pdf", "docx", "snapshot"),
        },
    )


# --- what the public sees ----------------------------------------------------------------


@dataclass
class PublicRow:
    period: str
    result: str
    target: str
    rag: str
    # Why a red result is off target and what is being done, as written in the signed-off
    # return it was published from; "" for every other result.
    commentary: str = ""


@dataclass
class PublicIndicator:
    code: str
    title: str
    definition: str
    unit: str
    polarity: str
    rows: list[PublicRow]
    chart: TrendChart

    @property
    def red_notes(self) -> list[PublicRow]:
        """The red results with their published commentary, in period order."""
        return [r for r in self.rows if r.commentary]


def _public_indicator(indicator: Indicator) -> PublicIndicator:
    history = indicator_history(indicator)
    chart = period_trend(indicator, history)
    by_label = {row.period.label: row for row in history}
    rows = []
    for point in chart.points:
        row = by_label.get(point.label)
        if row is None:  # the chart's gap: no target or result for the period
            rows.append(PublicRow(period=point.label, result=NO_RESULT, target="–", rag="grey"))
            continue
        target = "–"
        if row.target:
            target = indicator.format_value(row.target.value)
            if row.target.upper is not None and row.target.upper != row.target.value:
                target += f" to {indicator.format_value(row.target.upper)}"
        if row.result is not None and row.result.not_available:
            result = "Not available"
        elif row.actual is None:
            result = NO_RESULT
        else:
            result = indicator.format_value(row.actual)
        commentary = ""
        if row.rag is Rag.RED and row.result is not None:
            commentary = row.result.commentary.strip()
        rows.append(
            PublicRow(
                period=row.period.label,
                result=result,
                target=target,
                rag=row.rag.value,
                commentary=commentary,
            )
        )
    return PublicIndicator(
        code=indicator.code,
        title=indicator.title,
        definition=indicator.definition.strip(),
        unit=indicator.unit,
        polarity=Polarity(indicator.polarity).label,
        rows=rows,
        chart=chart,
    )


@dataclass
class PublicReport:
    pk: int
    year: str
    edition: int
    published: object  # a datetime
    superseded: bool


@require_GET
def public_partnership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """No sign-in: anyone may read a public partnership's published indicators, reports
    and success stories, with only the results that are confirmed
    (core.monitoring.published_results). Eight queries."""
    partnership = get_object_or_404(
        Partnership.objects.only("pk", "name", "is_public", "is_demo"),
        pk=partnership_id,
        is_public=True,
    )
    indicators = (
        Indicator.objects.filter(partnership=partnership, is_published=True)
        .order_by("code")
        .prefetch_related("targets", Prefetch("results", queryset=published_results(partnership)))
    )
    reports = list(
        AnnualReport.objects.filter(partnership=partnership, status=AnnualReport.Status.PUBLISHED)
        .only("pk", "year", "edition", "published_at")
        .order_by("-year", "-edition")
    )
    latest_edition = {}
    for report in reports:
        latest_edition.setdefault(report.year, report.edition)
    return render(
        request,
        "web/public/partnership.html",
        {
            "name": partnership.name,
            "partnership_id": partnership.pk,
            "is_demo": partnership.is_demo,
            "indicators": [_public_indicator(i) for i in indicators],
            "stories": published_stories(partnership),
            "reports": [
                PublicReport(
                    pk=r.pk,
                    year=year_label(r.year),
                    edition=r.edition,
                    published=r.published_at,
                    superseded=r.edition != latest_edition[r.year],
                )
                for r in reports
            ],
        },
    )


@require_GET
def public_report_pdf(request: HttpRequest, partnership_id: int, report_id: int) -> HttpResponse:
    """A published edition's stored PDF, exactly as it was published."""
    report = get_object_or_404(
        AnnualReport.objects.select_related("partnership").only(
            "pdf", "year", "edition", "partnership__name", "partnership__is_public"
        ),
        pk=report_id,
        partnership_id=partnership_id,
        partnership__is_public=True,
        status=AnnualReport.Status.PUBLISHED,
    )
    with report.pdf.open("rb") as stored:  # in Django's storage, shared by the app servers
        response = HttpResponse(stored.read(), content_type="application/pdf")
    filename = (
        f"{slugify(report.partnership.name)}-annual-report-{report.year}-"
        f"{(report.year + 1) % 100:02d}"
        f"{f'-edition-{report.edition}' if report.edition > 1 else ''}.pdf"
    )
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """No sign-in: every partnership that publishes anything, linked to its page."""
    return render(request, "web/public/index.html", {"partnerships": public_partnerships()})


urlpatterns = [
    path("public/", public_index, name="public_index"),
    path(
        "partnerships/<int:partnership_id>/publishing/",
        publishing_settings,
        name="publishing_settings",
    ),
    path("public/<int:partnership_id>/", public_partnership, name="public_partnership"),
    path(
        "public/<int:partnership_id>/reports/<int:report_id>.pdf",
        public_report_pdf,
        name="public_report_pdf",
    ),
]
