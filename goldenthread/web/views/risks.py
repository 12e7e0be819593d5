"""The risk register: a partnership's risks (filtered by objective), a 5×5 heat map with a
table of the same numbers, and the pages that add, edit and close a risk."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import (
    Need,
    allows,
    get_partnership_for_user,
    get_risk_for_user,
)
from goldenthread.core.charts.risks import heat_map_layout
from goldenthread.core.models import Objective, Partnership, Plan, Risk, User
from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.core.risks import (
    SCORE_MESSAGE,
    RiskLevel,
    closed_details,
    current_objectives,
    heat_map,
    possible_owners,
    register_risks,
    review_overdue,
    risk_level,
    risk_problems,
)
from goldenthread.core.services.risks import close_risk, create_risk, update_risk
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import DATE_FORMATS, DATE_WIDGET, DateField, text_field

# --- Forms ---------------------------------------------------------------------------------

LIKELIHOOD_HINT = "1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain"
IMPACT_HINT = "1 insignificant, 2 minor, 3 moderate, 4 major, 5 severe"


class ScoreInput(forms.TextInput):
    """A two-character text box. The GOV.UK renderer sets the input's classes itself and
    drops a widget's own, so the width class is added after it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["class"] = f"{widget_attrs.get('class', '')} govuk-input--width-2".strip()
        return context


def score_field(name: str, hint: str) -> forms.IntegerField:
    # A text box, not type=number (GOV.UK advice: number inputs misread scrolls and typos).
    message = SCORE_MESSAGE.format(name)
    return forms.IntegerField(
        label=name.split()[-1].capitalize(),
        help_text=hint,
        min_value=1,
        max_value=5,
        widget=ScoreInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def objective_label(objective: Objective) -> str:
    plan = objective.plan
    status = plan.get_status_display().lower()
    return f"{objective.ref} {objective.title} (plan version {plan.version}, {status})"


class ObjectiveChoice(forms.ModelChoiceField):
    def label_from_instance(self, objective: Objective) -> str:
        return objective_label(objective)


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return str(user)


class RiskForm(forms.Form):
    title = text_field(
        Risk,
        "title",
        error_messages={
            "required": "Enter a title for the risk",
            "max_length": "The title must be 300 characters or fewer",
        },
    )
    cause = text_field(
        Risk,
        "cause",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What could happen, and why.",
    )
    consequence = text_field(
        Risk,
        "consequence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it would mean for the partnership's aims.",
    )
    inherent_likelihood = score_field("inherent likelihood", LIKELIHOOD_HINT)
    inherent_impact = score_field("inherent impact", IMPACT_HINT)
    mitigation = text_field(
        Risk,
        "mitigation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is being done to make the risk less likely or less harmful.",
    )
    residual_likelihood = score_field("residual likelihood", LIKELIHOOD_HINT)
    residual_impact = score_field("residual impact", IMPACT_HINT)
    owner = OwnerChoice(
        queryset=User.objects.none(),
        empty_label="Choose an owner",
        error_messages={
            "required": "Choose the risk's owner",
            "invalid_choice": "Choose an owner who is a lead or member of this partnership",
        },
    )
    review_date = DateField(
        label="Next review date",
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        help_text="Open risks past their review date are flagged on the register.",
        error_messages={
            "required": "Enter the date the risk will next be reviewed",
            "invalid": "Enter the review date as a real date, for example 31/3/2026",
        },
    )
    objective = ObjectiveChoice(
        queryset=Objective.objects.none(),
        required=False,
        label="Objective it threatens (optional)",
        empty_label="Not linked to an objective",
        error_messages={
            "invalid_choice": "Choose an objective of this partnership's approved or draft plan"
        },
    )

    def __init__(self, *args, partnership: Partnership, by: User, can_choose_owner: bool, **kw):
        super().__init__(*args, **kw)
        self.partnership = partnership
        self.by = by
        if can_choose_owner:
            self.fields["owner"].queryset = possible_owners(partnership)
        else:
            # Members add and keep their own risks; only a lead hands one to someone else.
            del self.fields["owner"]
        self.fields["objective"].queryset = current_objectives(partnership)

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in self.fields}
        fields.setdefault("owner", self.by)
        candidate = Risk(partnership=self.partnership, is_open=True, **fields)
        for name, message in risk_problems(candidate).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def risk_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.setdefault("owner", self.by)
        return fields


class CloseRiskForm(forms.Form):
    reason = text_formfield(
        TEXT,
        label="Why is this risk being closed?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "For example, the funding was confirmed for three years. "
            "The reason is kept in the risk's history."
        ),
        error_messages={"required": "Enter why the risk is being closed"},
    )


class ObjectiveFilterForm(forms.Form):
    # Choices are the partnership's objectives, set by the view; the register reads the
    # GET parameter itself and ignores one it does not know.
    objective = forms.ChoiceField(label="Show risks for", required=False)


# --- The register --------------------------------------------------------------------------


@dataclass
class RegisterRow:
    risk: Risk
    inherent: RiskLevel
    residual: RiskLevel
    review_overdue: bool
    can_edit: bool


@login_required
@minimum_role("viewer")
@require_GET
def risk_register(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    score = "inherent" if request.GET.get("score") == "inherent" else "residual"

    objectives = list(current_objectives(partnership))
    choices = [("", "All objectives"), ("none", "Not linked to an objective")] + [
        (str(o.pk), objective_label(o)) for o in objectives
    ]
    # An objective that is not among the choices (another partnership's, a superseded
    # version's, a typo) shows every risk rather than an empty register.
    chosen = request.GET.get("objective", "")
    if chosen not in {value for value, _ in choices}:
        chosen = ""
    chosen_objective = next((o for o in objectives if str(o.pk) == chosen), None)
    filter_form = ObjectiveFilterForm(initial={"objective": chosen})
    filter_form.fields["objective"].choices = choices

    risks = register_risks(partnership, chosen or None)
    open_risks = [r for r in risks if r.is_open]
    rows = [
        RegisterRow(
            risk=r,
            inherent=risk_level(r.inherent_score),
            residual=risk_level(r.residual_score),
            review_overdue=review_overdue(r, today),
            can_edit=allows(request.user, partnership, Need.EDIT, r.owner_id),
        )
        for r in open_risks
    ]
    heat = heat_map(open_risks, score)
    other_score_url = "?" + _query(
        objective=chosen, score="inherent" if score == "residual" else ""
    )
    return render(
        request,
        "web/risks/register.html",
        {
            "partnership": partnership,
            "rows": rows,
            "closed": closed_details(risks),
            "overdue_count": sum(row.review_overdue for row in rows),
            "heat": heat,
            "layout": heat_map_layout(heat),
            "score": score,
            "other_score": "inherent" if score == "residual" else "residual",
            "other_score_url": other_score_url,
            "filter_form": filter_form,
            "chosen": chosen,
            "chosen_objective": chosen_objective,
            "can_add": allows(request.user, partnership, Need.CONTRIBUTE),
            "levels": list(RiskLevel),
            "today": today,
        },
    )


def _query(**params: str) -> str:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value:
            query[name] = value
    return query.urlencode()


# --- Add, edit, close ------------------------------------------------------------------


def _register_url(partnership_id: int) -> str:
    return reverse("risk_register", args=[partnership_id])


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, need=Need.CONTRIBUTE)
    can_choose_owner = allows(request.user, partnership, Need.LEAD)
    form = RiskForm(
        request.POST or None,
        partnership=partnership,
        by=request.user,
        can_choose_owner=can_choose_owner,
        initial={"owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        risk = create_risk(partnership=partnership, by=request.user, **form.risk_fields())
        messages.success(request, f"{risk.ref} {risk.title} was added to the risk register")
        return redirect(_register_url(partnership.pk))
    return render(
        request,
        "web/risks/form.html",
        {"partnership": partnership, "form": form, "risk": None},
    )


def _refuse_closed(request: HttpRequest, risk: Risk) -> HttpResponse:
    messages.info(
        request, f"{risk.ref} is closed: a closed risk is kept as a record and is not changed."
    )
    return redirect(_register_url(risk.partnership_id))


@login_required
@minimum_role("owner")
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = get_risk_for_user(request.user, risk_id, need=Need.EDIT)
    if not risk.is_open:
        return _refuse_closed(request, risk)
    partnership = risk.partnership
    initial = {name: getattr(risk, name) for name in RiskForm.base_fields}
    initial["owner"] = risk.owner_id
    initial["objective"] = risk.objective_id
    form = RiskForm(
        request.POST or None,
        partnership=partnership,
        by=request.user,
        can_choose_owner=allows(request.user, partnership, Need.LEAD),
        initial=initial,
    )
    old = risk.objective
    if old is not None and old.plan.status == Plan.Status.SUPERSEDED:
        # Say so rather than let the select quietly show "not linked".
        form.fields["objective"].help_text = (
            f"It was linked to {old.ref} {old.title} in plan version {old.plan.version}, "
            "which has been superseded. Choose an objective of the current plan, or leave "
            "it unlinked."
        )
    if request.method == "POST" and form.is_valid():
        update_risk(risk=risk, by=request.user, **form.risk_fields())
        messages.success(request, f"{risk.ref} {risk.title} was updated")
        return redirect(_register_url(partnership.pk))
    return render(
        request,
        "web/risks/form.html",
        {"partnership": partnership, "form": form, "risk": risk},
    )


@login_required
@minimum_role("owner")
@require_http_methods(["GET", "POST"])
def risk_close(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = get_risk_for_user(request.user, risk_id, need=Need.EDIT)
    if not risk.is_open:
        return _refuse_closed(request, risk)
    form = CloseRiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        close_risk(risk=risk, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"{risk.ref} {risk.title} was closed")
        return redirect(_register_url(risk.partnership_id))
    return render(
        request,
        "web/risks/close.html",
        {
            "partnership": risk.partnership,
            "risk": risk,
            "form": form,
            "inherent": risk_level(risk.inherent_score),
            "residual": risk_level(risk.residual_score),
        },
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/risks/", risk_register, name="risk_register"),
    path("partnerships/<int:partnership_id>/risks/new/", risk_create, name="risk_create"),
    path("risks/<int:risk_id>/edit/", risk_edit, name="risk_edit"),
    path("risks/<int:risk_id>/close/", risk_close, name="risk_close"),
]
