"""The council-wide view: every partnership on one page for the performance team, with
filters by strategic outcome and organisation (a plain GET form: no JavaScript needed)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core.council import (
    council_overview,
    organisation_choices,
    outcome_choices,
    with_outcomes_beneath,
)
from goldenthread.core.models import Organisation, Outcome
from goldenthread.web.decorators import minimum_role


class CouncilFilterForm(forms.Form):
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

    def __init__(self, *args, outcomes: list[Outcome], organisations: list[Organisation], **kw):
        super().__init__(*args, **kw)
        groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        for outcome in outcomes:
            group = groups.setdefault(outcome.strategic_plan_id, (outcome.strategic_plan.title, []))
            group[1].append((str(outcome.pk), f"{outcome.code} {outcome.title}"))
        self.fields["outcome"].choices = [("", "Any outcome"), *groups.values()]
        self.fields["organisation"].choices = [("", "Any organisation")] + [
            (str(o.pk), o.name) for o in organisations
        ]


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
    outcome = next((o for o in outcomes if str(o.pk) == chosen["outcome"]), None)
    organisation = next((o for o in organisations if str(o.pk) == chosen["organisation"]), None)
    overview = council_overview(
        today=today,
        outcome_ids=with_outcomes_beneath(outcomes, outcome.pk) if outcome else None,
        organisation_id=organisation.pk if organisation else None,
    )
    return render(
        request,
        "web/council/overview.html",
        {
            "form": CouncilFilterForm(
                initial=chosen, outcomes=outcomes, organisations=organisations
            ),
            "overview": overview,
            "outcome": outcome,
            "organisation": organisation,
            "has_demo": any(row.partnership.is_demo for row in overview.rows),
            "today": today,
        },
    )


urlpatterns = [
    path("council/", council_view, name="council_view"),
]
