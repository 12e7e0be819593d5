"""Publishing to the public: the lead's choice of what is public, and the public pages.

A partnership that has turned its public page on shows, to anyone and without signing
in, exactly its approved plan on a page (objectives, their lead organisations and their
published indicators' latest confirmed figures), its published indicators (title,
definition, recent results against targets, a chart, and the commentary on each red
result), its published annual reports (the stored PDFs), its published success stories and
the answers to residents' feedback it chose to publish — and nothing else: no people,
actions, risks, returns, comments, other feedback, lessons or drafts. Anyone may give the
partnership feedback there (core.services.public_feedback says how it is guarded).
/public/ lists every partnership that publishes anything (core.public.public_partnerships).
The public views read only those few fields, so nothing else can slip onto the page; a
partnership without a public page, an unpublished report or another partnership's report is a 404.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import Need, get_partnership_for_user
from goldenthread.core.charts import NO_RESULT
from goldenthread.core.charts.report import TrendChart, period_trend
from goldenthread.core.models import AnnualReport, Feedback, Indicator, Partnership
from goldenthread.core.monitoring import published_results
from goldenthread.core.performance import indicator_history
from goldenthread.core.public import (
    public_partnerships,
    public_plan,
    published_answers,
    published_stories,
)
from goldenthread.core.security import client_ip
from goldenthread.core.services import annual_reports as services
from goldenthread.core.services import public_feedback
from goldenthread.rules import Polarity, Rag, year_label
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted, text_field

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


class PublicFeedbackForm(forms.Form):
    """Parses only: the service decides (the limits, the hidden box, the address's form).
    The hidden box is not a field here: it is written in the template and read by name."""

    body = text_field(
        Feedback,
        "body",
        label="Your feedback",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is working, what could be better, and any ideas.",
        error_messages={"required": "Enter your feedback"},
    )
    about = text_field(
        Feedback,
        "about",
        label="What is it about? (optional)",
        required=False,
        help_text="For example, one of the measures below.",
    )
    name = text_field(
        Feedback,
        "name",
        label="Your name (optional)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = text_field(
        Feedback,
        "email",
        label="Your e-mail address (optional)",
        required=False,
        help_text="Only if you would like the partnership to be able to reply to you.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


@require_http_methods(["GET", "POST"])
def public_partnership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """No sign-in: anyone may read a public partnership's approved plan on a page, its
    published indicators, reports, success stories and published answers to feedback, with
    only the results that are confirmed (core.monitoring.published_results), and give it
    feedback. About a dozen queries."""
    partnership = get_object_or_404(
        Partnership.objects.only("pk", "name", "is_public", "is_demo", "closed_on"),
        pk=partnership_id,
        is_public=True,
    )
    form = PublicFeedbackForm(posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            public_feedback.submit_public_feedback(
                partnership=partnership,
                address=client_ip(request),
                website=request.POST.get("website", "")[:200],
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except public_feedback.FeedbackLimitReached as error:
            form.add_error(None, str(error))
            status = 429
        else:
            # The same thanks whether it was kept or a bot's: a bot learns nothing.
            return redirect(
                reverse("public_partnership", args=[partnership.pk]) + "?feedback=sent#feedback"
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
            "plan": public_plan(partnership),
            "indicators": [_public_indicator(i) for i in indicators],
            "stories": published_stories(partnership),
            "answers": published_answers(partnership),
            "form": form,
            "takes_feedback": not partnership.is_closed,
            "sent": request.method == "GET" and request.GET.get("feedback") == "sent",
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
        status=status,
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
