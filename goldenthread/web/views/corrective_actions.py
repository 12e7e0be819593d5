"""One corrective action's page: what will change, who owns it and by when, its progress
reported in later returns and on this page, and its history; with forms to report
progress, to close it (saying whether it worked) and to reopen it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import get_corrective_action_for_user
from goldenthread.core.corrective_actions import is_overdue
from goldenthread.core.models import CorrectiveAction, CorrectiveActionUpdate
from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.core.services import corrective_actions as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors

STILL_GOING = [
    (s.value, s.label) for s in (CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS)
]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=STILL_GOING,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it has started",
            "invalid_choice": "Choose not started or in progress",
        },
    )
    progress = text_formfield(
        TEXT,
        label="How is it going?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how the corrective action is going"},
    )


class CloseForm(forms.Form):
    worked = forms.ChoiceField(
        label="Did it work?",
        choices=CorrectiveAction.Worked.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the corrective action worked: yes, partly or no",
            "invalid_choice": "Say whether the corrective action worked: yes, partly or no",
        },
    )
    closing_note = text_formfield(
        TEXT,
        label="What did it achieve, and what was learned?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what it achieved, and what was learned"},
    )


class ReopenForm(forms.Form):
    reason = text_formfield(
        TEXT,
        label="Why is it being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the corrective action is being reopened"},
    )


FORMS = {"progress": ProgressForm, "close": CloseForm, "reopen": ReopenForm}


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def corrective_action(request: HttpRequest, corrective_action_id: int) -> HttpResponse:
    ca = get_corrective_action_for_user(request.user, corrective_action_id)
    can_track = services.may_track(request.user, ca)
    closed = ca.status == CorrectiveAction.Status.CLOSED
    forms_ = {name: form(prefix=name) for name, form in FORMS.items()}
    bound = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which not in FORMS or (which == "reopen") != closed:
            messages.error(request, "That form is not available for this corrective action.")
            return redirect("corrective_action", corrective_action_id=ca.pk)
        if not can_track:
            raise PermissionDenied(services.TRACK)
        bound = forms_[which] = FORMS[which](request.POST, prefix=which)
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if which == "progress":
                    services.record_progress(corrective_action=ca, by=request.user, **data)
                    done = "Progress recorded."
                elif which == "close":
                    services.close_corrective_action(corrective_action=ca, by=request.user, **data)
                    done = "The corrective action is closed."
                else:
                    services.reopen_corrective_action(corrective_action=ca, by=request.user, **data)
                    done = "The corrective action is open again."
            except ValidationError as error:
                apply_errors(bound, error)
            else:
                messages.success(request, done)
                return redirect("corrective_action", corrective_action_id=ca.pk)
    updates = (
        CorrectiveActionUpdate.objects.filter(corrective_action=ca)
        .select_related("by", "ret__round")
        .order_by("-at", "-pk")
    )
    history = ca.history.select_related("history_user").order_by("-history_date", "-history_id")
    return render(
        request,
        "web/corrective_actions/detail.html",
        {
            "ca": ca,
            "partnership": ca.ret.partnership,
            "indicator": ca.indicator,
            "overdue": is_overdue(ca, timezone.localdate()),
            "updates": updates,
            "history": history,
            "can_track": can_track,
            "closed": closed,
            "forms": forms_,
            "form": bound,  # the one posted, for the error summary
        },
    )


urlpatterns = [
    path(
        "corrective-actions/<int:corrective_action_id>/",
        corrective_action,
        name="corrective_action",
    ),
]
