"""The council-wide view: every partnership on one page for the performance team, with
filters by strategic outcome and organisation and a choice of the quarter whose returns
it shows (a plain GET form: no JavaScript needed; the choice stays in the address)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from goldenthread.core.council import (
    CouncilRow,
    council_overview,
    organisation_choices,
    outcome_choices,
    with_outcomes_beneath,
)
from goldenthread.core.models import Organisation, Outcome, ReportingRound
from goldenthread.core.performance import RAG_ORDER
from goldenthread.rules import Frequency, Period, PeriodError, long_date
from goldenthread.web.decorators import minimum_role
from goldenthread.web.templatetags.goldenthread import count_link, link_list, return_status_tag


class QuickSelect(forms.Select):
    """A select whose options are written in its own template rather than included one
    by one (see the template): the filters list every outcome and organisation."""

    template_name = "web/council/select.html"


class CouncilFilterForm(forms.Form):
    quarter = forms.ChoiceField(
        widget=QuickSelect,
        label="Quarter",
        required=False,
        help_text="Whose returns to show. Unless you choose, the latest quarter whose "
        "deadline has passed.",
    )
    outcome = forms.ChoiceField(
        widget=QuickSelect,
        label="Strategic outcome",
        required=False,
        help_text="Partnerships whose approved plan has an objective linked to it.",
    )
    organisation = forms.ChoiceField(
        widget=QuickSelect,
        label="Organisation",
        required=False,
        help_text="Partnerships it leads or is a member of.",
    )

    def __init__(
        self,
        *args,
        outcomes: list[Outcome],
        organisations: list[Organisation],
        rounds: list[ReportingRound] = (),
        **kw,
    ):
        super().__init__(*args, **kw)
        self.fields["quarter"].choices = [
            (r.period.label, f"{r.period.label} (deadline {long_date(r.deadline)})") for r in rounds
        ]
        groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        for outcome in outcomes:
            group = groups.setdefault(outcome.strategic_plan_id, (outcome.strategic_plan.title, []))
            group[1].append((str(outcome.pk), f"{outcome.code} {outcome.title}"))
        self.fields["outcome"].choices = [("", "Any outcome"), *groups.values()]
        self.fields["organisation"].choices = [("", "Any organisation")] + [
            (str(o.pk), o.name) for o in organisations
        ]


@dataclass
class Link:
    """One item of a list of links in a table cell."""

    href: str
    text: str
    hidden: str = ""  # read out after the text, for screen readers
    after: str = ""  # shown after the link


@dataclass
class TableRow:
    """A council row with what its cells link to, worked out in Python: the template
    language takes longer over these hundred rows than the rest of the page."""

    row: CouncilRow
    url: str
    ret_url: str
    changes: list[Link]
    overdue: list[Link]
    objectives: list[Link]
    html: str = ""  # the whole <tr>, see `row_html`


def url_for_ids(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many ids at the cost of one: reversing takes some
    25 µs a call, and the council table links a few hundred times."""
    marker = 918_273_645
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def table_rows(
    rows: list[CouncilRow], round_: ReportingRound | None, today: datetime.date
) -> list[TableRow]:
    round_label = round_.period.label if round_ else ""
    partnership_url = url_for_ids("partnership")
    return_url = url_for_ids("return_detail")
    risks_url = url_for_ids("risk_register")
    table = []
    for row in rows:
        url = partnership_url(row.partnership.pk)
        ret_url = return_url(row.ret.pk) if row.ret else ""
        changes = row.changes
        overdue = []
        if count := row.overdue_actions:
            overdue.append(Link(url, f"{count} action{pluralize(count)}"))
        if count := row.overdue_reviews:
            href = risks_url(row.partnership.pk) + "#overdue-reviews"
            overdue.append(Link(href, f"{count} risk review{pluralize(count)}"))
        if row.return_overdue:
            overdue.append(Link(ret_url, "Return", hidden=f" for {round_label}"))
        t = TableRow(
            row=row,
            url=url,
            ret_url=ret_url,
            changes=[
                Link(url, f"{count} {words}")
                for count, words in (
                    (changes.improved, "improved"),
                    (changes.worsened, "worsened"),
                    (changes.newly_red, "newly red"),
                    (changes.newly_green, "newly green"),
                    (changes.not_reported, "not yet reported"),
                )
                if count
            ],
            overdue=overdue,
            objectives=[
                Link(
                    f"{url}#objective-{group.first.pk}",
                    f"{len(group.objectives)} {group.status.label.lower()}",
                    after=f" ({group.refs})",
                )
                for group in row.objectives_by_status
            ],
        )
        t.html = row_html(t, round_, today)
        table.append(t)
    return table


def row_html(t: TableRow, round_: ReportingRound | None, today: datetime.date) -> str:
    """One row of the council table, as the template would write it (numbers plain, as
    under ``localize off``; every text escaped): written here because the template
    language took a third of the page's time over a hundred rows of some forty tags and
    variables each, and this takes a tenth of that. tests/web/test_council.py reads the
    cells."""
    row, p, ret = t.row, t.row.partnership, t.row.ret
    name = escape(p.name)
    counts = row.rag_counts
    rags = "".join(
        f'\n      <td class="govuk-table__cell govuk-table__cell--numeric" data-rag="{rag}">'
        f"{count_link(t.url, counts[rag], rag.value)}</td>"
        for rag in RAG_ORDER
    )
    if ret:
        returned = (
            f'{conditional_escape(return_status_tag(ret, today))}<br><a class="govuk-link" '
            f'href="{escape(t.ret_url)}">View<span class="govuk-visually-hidden"> the {name} '
            "return</span></a>"
        )
    else:
        returned = "No return" if round_ else "No quarter opened"
    if row.open_corrective:
        corrective = f"{int(row.open_corrective)} open" + (
            f', <strong class="govuk-tag govuk-tag--red">{int(row.overdue_corrective)} '
            "overdue</strong>"
            if row.overdue_corrective
            else ""
        )
    else:
        corrective = "None open"
    objectives = link_list(t.objectives, "None") if row.has_plan else "No approved plan"
    return mark_safe(  # every value is escaped or an int
        f'\n    <tr class="govuk-table__row" data-partnership="{int(p.pk)}">'
        '\n      <th scope="row" class="govuk-table__header gt-cell-title"><a class="govuk-link" '
        f'href="{escape(t.url)}">{name}</a><br><span class="govuk-body-s">Led by '
        f"{escape(p.lead_organisation.name)}</span></th>{rags}"
        f'\n      <td class="govuk-table__cell" data-changes>{link_list(t.changes, "No change")}'
        f'</td>\n      <td class="govuk-table__cell" data-return>{returned}</td>'
        f'\n      <td class="govuk-table__cell" data-overdue>{link_list(t.overdue, "None")}</td>'
        f'\n      <td class="govuk-table__cell" data-corrective>{corrective}</td>'
        f'\n      <td class="govuk-table__cell" data-objectives>{objectives}</td>'
        "\n    </tr>\n    "
    )


@login_required
@minimum_role("performance")
@require_GET
def council_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team sees every partnership at once.")
    today = timezone.localdate()
    outcomes = outcome_choices()
    organisations = organisation_choices()
    asked = CouncilFilterForm(request.GET, outcomes=outcomes, organisations=organisations)
    asked.is_valid()
    # A value that is not among the choices (an old link, a typo) is ignored: the page
    # shows every partnership rather than an error.
    chosen = {name: asked.cleaned_data.get(name, "") for name in asked.fields}
    # The quarter's choices are the rounds opened, read with the page's data: parse it
    # here, and let the read fall back to the default for anything not opened.
    quarter = _quarter(request.GET.get("quarter", ""))
    outcome = next((o for o in outcomes if str(o.pk) == chosen["outcome"]), None)
    organisation = next((o for o in organisations if str(o.pk) == chosen["organisation"]), None)
    overview = council_overview(
        today=today,
        outcome_ids=with_outcomes_beneath(outcomes, outcome.pk) if outcome else None,
        organisation_id=organisation.pk if organisation else None,
        quarter=quarter,
    )
    if overview.round:
        chosen["quarter"] = overview.round.period.label
    return render(
        request,
        "web/council/overview.html",
        {
            "form": CouncilFilterForm(
                initial=chosen,
                outcomes=outcomes,
                organisations=organisations,
                rounds=overview.rounds,
            ),
            "overview": overview,
            "table": table_rows(overview.rows, overview.round, today),
            "outcome": outcome,
            "organisation": organisation,
            "has_demo": any(row.partnership.is_demo for row in overview.rows),
            "today": today,
        },
    )


def _quarter(text: str) -> Period | None:
    """The quarter asked for in the address; anything else (an old link, a typo, a
    month) is no choice at all, so the page shows the default rather than an error."""
    try:
        period = Period.parse(text[:30])
    except PeriodError:
        return None
    return period if period.frequency == Frequency.QUARTERLY else None


urlpatterns = [
    path("council/", council_view, name="council_view"),
]
