"""The annual update form: everyone in the partnership and the performance team may read
it; the lead link officer fills it in, saving a draft at any time, and submits it; the
performance team accepts it or returns it with a reason; a returned form is resubmitted.
Its self-assessment against the five minimum requirements starts from the tracker."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from goldenthread.core.access import Need, allows, get_partnership_for_user
from goldenthread.core.compliance import Row, partnership_row
from goldenthread.core.health_check import year_results
from goldenthread.core.models import AnnualUpdateForm, Partnership
from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.core.partners import year_sign_ups
from goldenthread.core.services import update_forms as services
from goldenthread.core.services.update_forms import READ_ONLY
from goldenthread.documents.pdf import render_pdf
from goldenthread.rules import Compliance, Requirement, year_label
from goldenthread.rules.inputs import year_problem
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import DecisionForm, apply_errors, posted, text_field

# Label and hint of each written answer, in the order of the form.
QUESTIONS = {
    "membership_changes": (
        "Changes to membership",
        "Who joined or left the partnership this year, and which organisations they represent.",
    ),
    "governance_changes": (
        "Changes to governance",
        "Changes to the board, terms of reference, meetings or how decisions are made.",
    ),
    "achievements": (
        "Achievements",
        "What the partnership achieved this year: the success to celebrate.",
    ),
    "challenges": ("Challenges", "What did not go as planned, and what is being done about it."),
    "plan_status": (
        "The plan's status",
        "Where the partnership's plan stands: approved, under review, being revised.",
    ),
    "system_use": (
        "Use of the performance system",
        "How the partnership has used Golden Thread: results recorded, returns, reviews.",
    ),
    "finance_summary": ("Finance summary", "The year's budget and spend, and anything notable."),
    "priorities": ("Priorities for next year", "What the partnership will focus on next year."),
}
BEFORE_ASSESSMENT = (
    "membership_changes",
    "governance_changes",
    "achievements",
    "challenges",
    "plan_status",
)
AFTER_ASSESSMENT = ("system_use", "finance_summary", "priorities")
# The tracker's status suggests the officer's view until they give their own.
SUGGESTED_VIEW = {
    Compliance.MET: "met",
    Compliance.MET_LATE: "met",  # late evidence still meets it; the tracker says it was late
    Compliance.OVERDUE: "not_met",
    Compliance.NOT_MET: "not_met",
}


class UpdateFormForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, row: Row, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row
        for name in BEFORE_ASSESSMENT:
            self.fields[name] = self._text(name)
        for requirement in Requirement:
            self.fields[f"sa_{requirement.value}_view"] = forms.ChoiceField(
                label=f"Your view: {requirement.label.lower()}",
                choices=list(services.VIEWS.items()),
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"sa_{requirement.value}_comment"] = text_formfield(
                TEXT,
                label=f"Comment on {requirement.label.lower()}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for name in AFTER_ASSESSMENT:
            self.fields[name] = self._text(name)

    @staticmethod
    def _text(name: str) -> forms.CharField:
        label, hint = QUESTIONS[name]
        return text_field(
            AnnualUpdateForm,
            name,
            label=label,
            help_text=hint,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in QUESTIONS}

    def self_assessment(self) -> dict[str, dict[str, str]]:
        return {
            cell.requirement.value: {
                "tracker": cell.status.value,
                "evidence": cell.summary,
                "view": self.cleaned_data.get(f"sa_{cell.requirement.value}_view", ""),
                "comment": self.cleaned_data.get(f"sa_{cell.requirement.value}_comment", ""),
            }
            for cell in self.row.cells
        }

    def assessment_rows(self):
        """Per requirement: the tracker's cell and the two fields, for the template."""
        return [
            (
                cell,
                self[f"sa_{cell.requirement.value}_view"],
                self[f"sa_{cell.requirement.value}_comment"],
            )
            for cell in self.row.cells
        ]


def initial_data(saved: AnnualUpdateForm | None, row: Row) -> dict:
    data: dict = {"version": saved.version if saved else None}
    entries = (saved.self_assessment or {}) if saved else {}
    for name in QUESTIONS:
        data[name] = getattr(saved, name) if saved else ""
    for cell in row.cells:
        entry = entries.get(cell.requirement.value) or {}
        key = cell.requirement.value
        data[f"sa_{key}_view"] = entry.get("view") or SUGGESTED_VIEW.get(cell.status, "")
        data[f"sa_{key}_comment"] = entry.get("comment", "")
    return data


def _year(year: int) -> int:
    if year_problem(year):
        raise Http404("No such financial year.")
    return year


def _saved(partnership: Partnership, year: int) -> AnnualUpdateForm | None:
    return (
        AnnualUpdateForm.objects.filter(partnership=partnership, year=year)
        .select_related("submitted_by", "decided_by")
        .first()
    )


def _answers(saved: AnnualUpdateForm | None, row: Row) -> dict:
    """What the form says, in words, for reading (the page and the PDF)."""
    entries = (saved.self_assessment or {}) if saved else {}
    questions = [
        (label, getattr(saved, name) if saved else "") for name, (label, _) in QUESTIONS.items()
    ]
    assessment = []
    for cell in row.cells:
        entry = entries.get(cell.requirement.value) or {}
        tracker = entry.get("tracker")
        assessment.append(
            {
                "requirement": cell.requirement,
                # A submitted form keeps what the tracker said when it was saved.
                "tracker": Compliance(tracker).label if tracker else cell.status.label,
                "evidence": entry.get("evidence") or cell.summary,
                "view": services.VIEWS.get(entry.get("view", ""), "No view given"),
                "comment": entry.get("comment", ""),
            }
        )
    return {
        "before": questions[: len(BEFORE_ASSESSMENT)],
        "after": questions[len(BEFORE_ASSESSMENT) :],
        "assessment": assessment,
    }


@login_required
@minimum_role("viewer")
def update_form(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    year = _year(year)
    user = request.user
    saved = _saved(partnership, year)
    row = partnership_row(partnership, year)
    lead = allows(user, partnership, Need.LEAD)
    editable = lead and (saved is None or saved.status in services.EDITABLE)
    conflict = None
    status = 200
    if request.method == "POST":
        if not lead:
            raise PermissionDenied(READ_ONLY)
        if not editable:
            messages.error(
                request, f"The form is {saved.get_status_display().lower()}: it cannot change now."
            )
            return redirect("update_form", partnership.pk, year)
        form = UpdateFormForm(request.POST, row=row)
        # An invalid form saves nothing, so nothing saved is lost; what was typed stays.
        if form.is_valid():
            try:
                saved = services.save_update_form(
                    partnership=partnership,
                    year=year,
                    by=user,
                    version=form.cleaned_data.get("version"),
                    answers=form.answers(),
                    self_assessment=form.self_assessment(),
                )
            except services.FormConflict as error:
                conflict = error.form
                status = 409
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if "submit" not in request.POST:
                    messages.success(request, "Draft saved.")
                    return redirect("update_form", partnership.pk, year)
                try:
                    services.submit_update_form(form=saved, by=user)
                except ValidationError as error:
                    # Saved, but not complete: keep what was typed and say what is missing.
                    data = request.POST.copy()
                    data["version"] = str(saved.version)
                    form = UpdateFormForm(data, row=row)
                    form.is_valid()
                    apply_errors(form, error)
                    messages.warning(
                        request, "Your answers are saved, but the form cannot be submitted yet."
                    )
                else:
                    messages.success(
                        request,
                        "Your annual update form has been submitted to the performance team.",
                    )
                    return redirect("update_form", partnership.pk, year)
    else:
        form = UpdateFormForm(initial=initial_data(saved, row), row=row)
    return render(
        request,
        "web/update_forms/form.html",
        {
            "partnership": partnership,
            "year": year,
            "year_label": year_label(year),
            "saved": saved,
            "row": row,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "answers": _answers(saved, row),
            "plan_sign_ups": year_sign_ups(partnership, year),
            "health_check": year_results(partnership, year, timezone.localdate()),
            "read_only_note": READ_ONLY,
            "can_decide": user.is_performance_team
            and saved is not None
            and saved.status == AnnualUpdateForm.Status.SUBMITTED,
        },
        status=status,
    )


class UpdateFormDecisionForm(DecisionForm):
    choose_message = "Choose whether to accept the form or return it"


@login_required
@minimum_role("performance")
def update_form_decide(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    year = _year(year)
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team accepts or returns the form.")
    saved = _saved(partnership, year)
    form = UpdateFormDecisionForm(posted(request))
    if request.method == "POST":
        if saved is None:
            raise Http404("No form has been started for this year.")
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    services.accept_update_form(form=saved, by=request.user)
                    messages.success(request, "The annual update form is accepted.")
                else:
                    services.return_update_form(
                        form=saved, by=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, "The annual update form has been returned to the partnership."
                    )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("update_form", partnership.pk, year)
    return render(
        request,
        "web/update_forms/decide.html",
        {
            "partnership": partnership,
            "year": year,
            "year_label": year_label(year),
            "saved": saved,
            "form": form,
        },
    )


@login_required
@minimum_role("viewer")
@require_GET
def update_form_pdf(request: HttpRequest, partnership_id: int, year: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    year = _year(year)
    saved = _saved(partnership, year)
    row = partnership_row(partnership, year)
    title = f"{partnership.name}: annual update form {year_label(year)}"
    content = render_pdf(
        "documents/update_form.html",
        {
            "title": title,
            "partnership": partnership,
            "year_label": year_label(year),
            "saved": saved,
            "answers": _answers(saved, row),
            "plan_sign_ups": year_sign_ups(partnership, year),
            "health_check": year_results(partnership, year, timezone.localdate()),
            "marking": _marking(saved),
            "made": timezone.localdate(),
            "url": request.build_absolute_uri(reverse("update_form", args=[partnership.pk, year])),
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = re.sub(
        r"[^A-Za-z0-9 ._-]",
        "",
        f"{partnership.name} annual update form {year_label(year).replace('/', '-')}",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.pdf")
    response["Cache-Control"] = "private, no-cache"
    return response


def _marking(saved: AnnualUpdateForm | None) -> str:
    if saved is None:
        return "Not started"
    if saved.status == AnnualUpdateForm.Status.DRAFT:
        return "Draft – not yet submitted"
    if saved.status == AnnualUpdateForm.Status.RETURNED:
        return "Returned for changes"
    return ""


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/update-form/<int:year>/",
        update_form,
        name="update_form",
    ),
    path(
        "partnerships/<int:partnership_id>/update-form/<int:year>/decide/",
        update_form_decide,
        name="update_form_decide",
    ),
    path(
        "partnerships/<int:partnership_id>/update-form/<int:year>/form.pdf",
        update_form_pdf,
        name="update_form_pdf",
    ),
]
