"""Marking and removing an indicator's process changes, from which its process chart works
its limits out afresh. The indicator page shows the changes and a small form to mark one
(posted here); with an error, the form comes back on a page of its own, the error beside
the field and in the summary. Removing one asks first, on its own page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import get_indicator_for_user
from goldenthread.core.models import Indicator, ProcessChange, User
from goldenthread.core.models.fields import NOTE, text_formfield
from goldenthread.core.performance import PeriodRow
from goldenthread.core.services import process_changes as services
from goldenthread.rules import Period
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors

PREFIX = "process_change"


class ProcessChangeForm(forms.Form):
    period = forms.ChoiceField(
        label="First period of the new process",
        help_text="The process chart works its mean and limits out again from this period.",
    )
    reason = text_formfield(
        NOTE,
        label="What changed?",
        help_text="For example, “New triage service started”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, indicator: Indicator, periods: list[Period], *args, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        code = indicator.code
        self.fields["period"].choices = [
            ("", "Choose a period"),
            *((p.key, p.label) for p in periods),
        ]
        self.fields["period"].error_messages.update(
            required=f"{code}: choose the first period of the new process",
            invalid_choice=f"{code}: choose a period from the list",
        )
        self.fields["reason"].error_messages["required"] = (
            f"{code}: say what changed in the process"
        )
        # The error summary names the indicator (its messages already do).
        for name in ("period", "reason"):
            self.fields[name].item = code

    def clean_period(self) -> Period:
        return Period.from_key(self.cleaned_data["period"])


def process_change_context(user: User, indicator: Indicator, rows: list[PeriodRow]) -> dict:
    """What the indicator page needs to offer the form: whether the person may mark or
    remove a change, and the form, its periods read from the page's rows (the periods
    with a result, but the first, as ``services.markable_periods`` reads them) so the page
    spends no query on it."""
    if not services.may_mark(user, indicator):
        return {"may_mark_process_change": False}
    periods = [row.period for row in rows if row.actual is not None][1:]
    return {
        "may_mark_process_change": True,
        "process_change_form": ProcessChangeForm(indicator, periods) if periods else None,
    }


def _indicator_url(indicator: Indicator) -> str:
    return reverse("indicator", args=[indicator.pk]) + "#process-changes"


@login_required
@minimum_role("owner_or_performance")
@require_http_methods(["GET", "POST"])
def mark_process_change(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    if not services.may_mark(request.user, indicator):
        raise PermissionDenied(services.REFUSAL)
    periods = services.markable_periods(indicator)
    if request.method == "POST":
        form = ProcessChangeForm(indicator, periods, request.POST)
        if form.is_valid():
            try:
                change = services.mark_process_change(
                    indicator=indicator, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{indicator.code}: the process chart's limits are now worked out again "
                    f"from {change.period.label}.",
                )
                return redirect(_indicator_url(indicator))
    else:
        form = ProcessChangeForm(indicator, periods)
    return render(
        request,
        "web/analysis/process_change_form.html",
        {
            "indicator": indicator,
            "partnership": indicator.partnership,
            "form": form,
            "periods": periods,
        },
    )


@login_required
@minimum_role("owner_or_performance")
@require_http_methods(["GET", "POST"])
def remove_process_change(request: HttpRequest, process_change_id: int) -> HttpResponse:
    change = get_object_or_404(ProcessChange, pk=process_change_id)
    indicator = get_indicator_for_user(request.user, change.indicator_id)
    change.indicator = indicator  # already read, with its partnership
    if not services.may_mark(request.user, indicator):
        raise PermissionDenied(services.REFUSAL)
    if request.method == "POST":
        services.remove_process_change(change=change, by=request.user)
        messages.success(
            request,
            f"{indicator.code}: the process change at {change.period.label} is removed; the "
            "limits run across it again.",
        )
        return redirect(_indicator_url(indicator))
    return render(
        request,
        "web/analysis/process_change_remove.html",
        {"indicator": indicator, "partnership": indicator.partnership, "change": change},
    )


urlpatterns = [
    path(
        "indicators/<int:indicator_id>/process-changes/new/",
        mark_process_change,
        name="process_change_mark",
    ),
    path(
        "process-changes/<int:process_change_id>/remove/",
        remove_process_change,
        name="process_change_remove",
    ),
]
