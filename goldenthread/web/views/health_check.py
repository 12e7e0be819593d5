"""The yearly partnership health check (issue 17): the list of a partnership's health
checks, opening one, the questionnaire, the results year on year (with their chart and
CSV), closing one, and adding an action to the plan from a theme. (The servers' /healthz
is views/health.py.) Who may do what, and the anonymity rule, are core's:
core.health_check and core.services.health_checks."""

from __future__ import annotations

import datetime

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.charts.health_check import theme_chart
from goldenthread.core.health_check import (
    has_answered,
    health_check_rows,
    may_answer,
    may_raise_action,
    may_run,
    results,
    status_text,
)
from goldenthread.core.models import HealthCheck, Objective, User
from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.core.reviews import approved_plan, follow_up_objectives, follow_up_owners
from goldenthread.core.services import health_checks as services
from goldenthread.documents.health_check import health_check_csv, health_check_filename
from goldenthread.rules import financial_year_of, year_label
from goldenthread.rules import health_check as questionnaire
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import DATE_WIDGET, DateField, apply_errors, posted

DONT_KNOW = "dk"
CHOICES = [(str(score), label) for score, label in questionnaire.SCALE.items()] + [
    (DONT_KNOW, questionnaire.DONT_KNOW)
]


def _health_check(request: HttpRequest, health_check_id: int) -> HealthCheck:
    """The health check, if the person may see its partnership (404 otherwise)."""
    health_check = get_object_or_404(
        HealthCheck.objects.select_related("partnership", "opened_by", "closed_by"),
        pk=health_check_id,
    )
    get_partnership_for_user(request.user, health_check.partnership_id)
    return health_check


# --- the list and opening one ----------------------------------------------------------------


@login_required
@minimum_role("viewer")
@require_GET
def health_check_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    return render(
        request,
        "web/health_check/list.html",
        {
            "partnership": partnership,
            "rows": health_check_rows(partnership, today),
            "can_run": may_run(request.user, partnership),
            "source": questionnaire.SOURCE,
        },
    )


class OpenForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Which financial year is it for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the financial year the health check is for",
            "invalid_choice": "Choose one of the years given",
        },
    )
    closes_on = DateField(
        label="Closing date",
        widget=DATE_WIDGET,
        help_text=f"Answers are taken until the end of this day, at most "
        f"{services.MAX_OPEN_DAYS} days from today. Three or four weeks is usual.",
        error_messages={
            "required": "Enter the closing date",
            "invalid": "Enter the closing date as a real date, like 31/03/2026",
        },
    )
    anonymous = forms.BooleanField(
        label="Anonymous (recommended)",
        required=False,
        help_text="Nobody, not even the database, can tell who answered what. Untick only "
        "if the partnership has agreed to answer in its own names.",
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(today)
        self.fields["year"].choices = [
            (this_year, year_label(this_year)),
            (this_year - 1, f"{year_label(this_year - 1)} (the year just ended)"),
        ]


@login_required
@minimum_role("lead_or_performance")
@require_http_methods(["GET", "POST"])
def health_check_open(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not may_run(request.user, partnership):
        raise PermissionDenied(services.RUN)
    today = timezone.localdate()
    form = OpenForm(
        posted(request),
        today=today,
        initial={
            "year": financial_year_of(today),
            "closes_on": today + datetime.timedelta(days=28),
            "anonymous": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            health_check = services.open_health_check(
                partnership=partnership,
                by=request.user,
                year=data["year"],
                closes_on=data["closes_on"],
                anonymous=data["anonymous"],
                today=today,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"The health check for {year_label(health_check.year)} is open: the "
                "partnership's leads and members have been told.",
            )
            return redirect("health_check", health_check.pk)
    return render(
        request,
        "web/health_check/open.html",
        {"partnership": partnership, "form": form},
    )


# --- the results -----------------------------------------------------------------------------


@login_required
@minimum_role("viewer")
@require_GET
def health_check_detail(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    partnership, user = health_check.partnership, request.user
    today = timezone.localdate()
    found = results(health_check, today)
    can_answer = may_answer(user, partnership)
    answered = can_answer and has_answered(health_check, user)
    return render(
        request,
        "web/health_check/detail.html",
        {
            "partnership": partnership,
            "health_check": health_check,
            "results": found,
            "status": status_text(health_check, today),
            "is_open": health_check.is_open(today),
            "can_answer": can_answer and not answered and health_check.is_open(today),
            "answered": answered,
            "can_close": may_run(user, partnership) and health_check.is_open(today),
            "can_raise": may_raise_action(user, partnership) and found.shown,
            "principles": questionnaire.PRINCIPLES,
            "themes": questionnaire.THEMES,
            "source": questionnaire.SOURCE,
            "weak_below": questionnaire.WEAK_BELOW,
        },
    )


# pygal writes its styling as a <style> element inside the SVG; the SVG is only ever
# loaded as an image, where nothing in it can run.
@csp_update({"style-src": ["'unsafe-inline'"]})
@login_required
@minimum_role("viewer")
@require_GET
def health_check_chart(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    svg = theme_chart(results(health_check, timezone.localdate()))
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@minimum_role("viewer")
@require_GET
def health_check_export(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    found = results(health_check, timezone.localdate())
    response = HttpResponse(health_check_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, health_check_filename(found))
    response["Cache-Control"] = "private, no-cache"
    return response


# --- answering -------------------------------------------------------------------------------


class AnswerForm(forms.Form):
    """A radio question per statement, and a comment box per theme."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = 0
        for theme in questionnaire.THEMES:
            for statement in theme.statements:
                number += 1
                field = forms.ChoiceField(
                    label=f"{number}. {statement.text}",
                    choices=CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Choose an answer to statement {number}, or “don't know”",
                        "invalid_choice": f"Choose one of the answers to statement {number}",
                    },
                )
                self.fields[statement.key] = field
            self.fields[f"comment_{theme.key}"] = text_formfield(
                TEXT,
                label=f"Anything to add about {theme.title.lower()}? (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def sections(self) -> list[tuple[questionnaire.Theme, list, forms.BoundField]]:
        """Per theme: the theme, its statements' fields and its comment box."""
        return [
            (theme, [self[s.key] for s in theme.statements], self[f"comment_{theme.key}"])
            for theme in questionnaire.THEMES
        ]

    def answers(self) -> dict[str, int | None]:
        return {
            key: None if self.cleaned_data[key] == DONT_KNOW else int(self.cleaned_data[key])
            for key in questionnaire.STATEMENTS
        }

    def comments(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"comment_{key}", "") for key in questionnaire.THEME_KEYS
        }


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def health_check_answer(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    partnership, user = health_check.partnership, request.user
    if not may_answer(user, partnership):
        raise PermissionDenied(services.ANSWER)
    today = timezone.localdate()
    answered = has_answered(health_check, user)
    is_open = health_check.is_open(today)
    form = AnswerForm(posted(request))
    if request.method == "POST" and not answered and is_open and form.is_valid():
        try:
            services.answer_health_check(
                health_check=health_check,
                by=user,
                answers=form.answers(),
                comments=form.comments(),
                today=today,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("health_check", health_check.pk)
    return render(
        request,
        "web/health_check/answer.html",
        {
            "partnership": partnership,
            "health_check": health_check,
            "year_label": year_label(health_check.year),
            "form": form,
            "answered": answered,
            "is_open": is_open,
            "status": status_text(health_check, today),
            "source": questionnaire.SOURCE,
        },
    )


# --- closing ---------------------------------------------------------------------------------


@login_required
@minimum_role("lead_or_performance")
@require_http_methods(["GET", "POST"])
def health_check_close(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    if not may_run(request.user, health_check.partnership):
        raise PermissionDenied(services.RUN)
    found = results(health_check, timezone.localdate())
    error = ""
    if request.method == "POST":
        try:
            services.close_health_check(health_check=health_check, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "The health check is closed.")
            return redirect("health_check", health_check.pk)
    return render(
        request,
        "web/health_check/close.html",
        {
            "partnership": health_check.partnership,
            "health_check": health_check,
            "results": found,
            "error": error,
        },
    )


# --- an action from a theme --------------------------------------------------------------


class ObjectiveChoice(forms.ModelChoiceField):
    def label_from_instance(self, objective: Objective) -> str:
        return f"{objective.ref} {objective.title}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, person: User) -> str:
        return person.get_full_name() or person.get_username()


class ActionForm(forms.Form):
    theme = forms.ChoiceField(
        label="Theme it comes from",
        choices=[(t.key, t.title) for t in questionnaire.THEMES],
        error_messages={"required": "Choose the theme the action comes from"},
    )
    title = text_formfield(
        300,
        label="The action",
        help_text="What will be done, in a line.",
        error_messages={
            "required": "Enter what the action is",
            "max_length": "The action must be 300 characters or fewer",
        },
    )
    objective = ObjectiveChoice(
        queryset=Objective.objects.none(),
        label="Objective of the plan it belongs to",
        error_messages={
            "required": "Choose the objective the action belongs to",
            "invalid_choice": "Choose an objective of the approved plan",
        },
    )
    owner = PersonChoice(
        queryset=User.objects.none(),
        label="Owner",
        error_messages={
            "required": "Choose who owns the action",
            "invalid_choice": "Choose a lead or member of this partnership",
        },
    )
    due_date = DateField(
        label="Due date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the due date",
            "invalid": "Enter the due date as a real date, like 31/03/2026",
        },
    )

    def __init__(self, *args, objectives, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["owner"].queryset = owners


@login_required
@minimum_role("lead")
@require_http_methods(["GET", "POST"])
def health_check_action(request: HttpRequest, health_check_id: int) -> HttpResponse:
    health_check = _health_check(request, health_check_id)
    partnership = health_check.partnership
    if not may_raise_action(request.user, partnership):
        raise PermissionDenied(services.RAISE)
    today = timezone.localdate()
    found = results(health_check, today)
    plan = approved_plan(partnership)
    chosen = questionnaire.theme(request.GET.get("theme", "")) or (
        found.weak_themes[0].theme if found.weak_themes else questionnaire.THEMES[0]
    )
    form = ActionForm(
        posted(request),
        objectives=follow_up_objectives(plan),
        owners=follow_up_owners(partnership),
        initial={
            "theme": chosen.key,
            "title": chosen.action_title,
            "owner": request.user.pk,
            "due_date": today + datetime.timedelta(days=90),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.raise_health_check_action(
                health_check=health_check,
                theme=data["theme"],
                by=request.user,
                title=data["title"],
                objective=data["objective"],
                owner=data["owner"],
                due_date=data["due_date"],
                today=today,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Action {action.ref} “{action.title}” is in the plan.")
            return redirect("health_check", health_check.pk)
    return render(
        request,
        "web/health_check/action.html",
        {
            "partnership": partnership,
            "health_check": health_check,
            "results": found,
            "plan": plan,
            "form": form,
        },
    )


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/health-checks/",
        health_check_list,
        name="health_check_list",
    ),
    path(
        "partnerships/<int:partnership_id>/health-checks/open/",
        health_check_open,
        name="health_check_open",
    ),
    path("health-checks/<int:health_check_id>/", health_check_detail, name="health_check"),
    path(
        "health-checks/<int:health_check_id>/answer/",
        health_check_answer,
        name="health_check_answer",
    ),
    path(
        "health-checks/<int:health_check_id>/close/",
        health_check_close,
        name="health_check_close",
    ),
    path(
        "health-checks/<int:health_check_id>/action/",
        health_check_action,
        name="health_check_action",
    ),
    path(
        "health-checks/<int:health_check_id>/results.csv",
        health_check_export,
        name="health_check_export",
    ),
    path(
        "health-checks/<int:health_check_id>/chart.svg",
        health_check_chart,
        name="health_check_chart",
    ),
]
