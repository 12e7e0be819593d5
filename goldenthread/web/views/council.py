"""The council-wide view: every partnership on one page for the performance team, with
filters by strategic outcome and organisation and a choice of the quarter whose returns
it shows (a plain GET form: no JavaScript needed; the choice stays in the address)."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core.council import (
    CouncilRow,
    council_overview,
    organisation_choices,
    outcome_choices,
    with_outcomes_beneath,
)
from goldenthread.core.models import Organisation, Outcome, ReportingRound
from goldenthread.rules import Frequency, Period, PeriodError, long_date
from goldenthread.web.decorators import minimum_role


class CouncilFilterForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        help_text="Whose returns to show. Unless you choose, the latest quarter whose "
        "deadline has passed.",
    )
    outcome = forms.ChoiceField(
        label="Strategic outcome",
        required=False,
        help_text="Partnerships whose approved plan has an objective linked to it.",
    )
    organisation = forms.ChoiceField(
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


def url_for_ids(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many ids at the cost of one: reversing takes some
    25 µs a call, and the council table links a few hundred times."""
    marker = 918_273_645
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def table_rows(rows: list[CouncilRow], round_label: str) -> list[TableRow]:
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
        table.append(
            TableRow(
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
        )
    return table


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
            "table": table_rows(
                overview.rows, overview.round.period.label if overview.round else ""
            ),
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
