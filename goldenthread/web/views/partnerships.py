"""Closing a partnership that has ended (the performance team), instead of deleting it:
its record stays, read only, in the history and the compliance tracker."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.models import Partnership
from goldenthread.core.services import partnerships as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import (
    DATE_FORMATS,
    DATE_WIDGET,
    DateField,
    apply_errors,
    posted,
    text_field,
)


class CloseForm(forms.Form):
    reason = text_field(
        Partnership,
        "closed_reason",
        label="Why is the partnership closing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the partnership is closing"},
    )
    on = DateField(
        label="Closed on",
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        help_text="Leave empty for today.",
    )


class ReopenForm(forms.Form):
    reason = text_field(
        Partnership,
        "closed_reason",
        label="Why is the partnership being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the partnership is being reopened"},
    )


@login_required
@minimum_role("performance")
def partnership_closing(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Close an open partnership, or reopen a closed one, giving a reason."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team closes or reopens a partnership.")
    closing = not partnership.is_closed
    form = (CloseForm if closing else ReopenForm)(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if closing:
                services.close_partnership(
                    partnership=partnership,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    on=form.cleaned_data["on"],
                )
            else:
                services.reopen_partnership(
                    partnership=partnership, by=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{partnership.name} is closed: its record is kept, read only."
                if closing
                else f"{partnership.name} is open again.",
            )
            return redirect(partnership)
    return render(
        request,
        "web/partnership_closing.html",
        {"partnership": partnership, "form": form, "closing": closing},
    )


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/closing/",
        partnership_closing,
        name="partnership_closing",
    ),
]
