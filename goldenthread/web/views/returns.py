"""The reporting calendar and the quarterly return: fill in, save a draft at any time,
submit (lead), sign off or return (performance team), reopen with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from goldenthread.core.access import Need, allows, get_return_for_user
from goldenthread.core.finance import finance_summary
from goldenthread.core.models import Partnership, ReportingRound, Return, default_deadline
from goldenthread.core.monitoring import return_contents
from goldenthread.core.reviews import comment_thread
from goldenthread.core.services import returns as services
from goldenthread.rules import Frequency, latest_ended
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.return_forms import (
    OpenQuarterForm,
    ReopenForm,
    ReturnDecisionForm,
    ReturnForm,
    initial_data,
    linked_problems,
)


@login_required
@minimum_role("viewer")
def reporting_calendar(request: HttpRequest) -> HttpResponse:
    """Every quarter opened, and the state of each partnership's return in it."""
    visible = Partnership.objects.visible_to(request.user)
    returns = (
        Return.objects.filter(partnership__in=visible)
        .select_related("round", "partnership", "submitted_by", "decided_by")
        .order_by("-round__period", "partnership__name")
    )
    rounds: dict[ReportingRound, list[Return]] = {}
    for ret in returns:
        rounds.setdefault(ret.round, []).append(ret)
    return render(
        request,
        "web/returns/calendar.html",
        {
            "rounds": rounds,
            "today": timezone.localdate(),
            "can_open": request.user.is_performance_team,
        },
    )


@login_required
@minimum_role("performance")
def quarter_open(request: HttpRequest) -> HttpResponse:
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team opens a quarter.")
    suggested = latest_ended(Frequency.QUARTERLY, timezone.localdate())
    form = OpenQuarterForm(posted(request), initial={"period": suggested.label})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.open_quarter(
                period=form.cleaned_data["period"],
                deadline=form.cleaned_data["deadline"],
                early=form.cleaned_data["early"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _say_what_opened(request, round_)
            return redirect("reporting_calendar")
    return render(
        request,
        "web/returns/open.html",
        {
            "form": form,
            "suggested": suggested,
            "default_deadline": default_deadline(suggested),
            # The confirmation is asked once the service has said the quarter has not
            # ended, and kept while the person answers it.
            "ask_early": "early" in form.errors or bool(form.data.get("early")),
        },
    )


def _say_what_opened(request: HttpRequest, round_: ReportingRound) -> None:
    """Success only when a quarter was opened: opening one already open says so."""
    label, due = round_.period.label, f"{round_.deadline:%-d %B %Y}"
    if round_.opened_now:
        messages.success(request, f"{label} is open: every partnership has a return due {due}.")
    elif added := round_.returns_added:
        partnerships = "partnership" if added == 1 else "partnerships"
        messages.info(
            request,
            f"{label} is already open. {added} {partnerships} without a return now "
            f"{'has' if added == 1 else 'have'} one, due {due}.",
        )
    else:
        messages.info(request, f"{label} is already open: nothing has changed.")


def _editable(user, contents) -> dict[str, set[int]]:
    """What this person may fill in: the lead everything, a member what they own."""
    partnership = contents.ret.partnership
    if not contents.ret.is_editable or not allows(user, partnership, Need.CONTRIBUTE):
        return {"indicators": set(), "actions": set(), "risks": set(), "corrective": set()}

    def mine(pairs) -> set[int]:
        return {pk for pk, owner_id in pairs if allows(user, partnership, Need.EDIT, owner_id)}

    return {
        "indicators": mine((d.indicator.pk, d.indicator.owner_id) for d in contents.results),
        "actions": mine((d.action.pk, d.action.owner_id) for d in contents.actions),
        "risks": mine((d.risk.pk, d.risk.owner_id) for d in contents.risks),
        "corrective": mine((c.ca.pk, c.ca.owner_id) for c in contents.corrective),
    }


@login_required
@minimum_role("viewer")
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    user = request.user
    contents = return_contents(ret)
    lead = allows(user, ret.partnership, Need.LEAD) and ret.is_editable
    editable = _editable(user, contents)
    conflict = None
    problems = []
    status = 200
    if request.method == "POST":
        if not allows(user, ret.partnership, Need.CONTRIBUTE):
            raise PermissionDenied("Only the partnership's leads and members fill in its return.")
        if not ret.is_editable:
            messages.error(request, services_message(ret))
            return redirect(ret)
        form = ReturnForm(request.POST, contents=contents, editable=editable, lead=lead)
        form.is_valid()
        try:
            services.save_return(
                ret=ret,
                by=user,
                version=form.cleaned_data.get("version"),
                draft=form.raw_draft(),
                **form.inputs(),
            )
        except services.ReturnConflict as error:
            conflict = error.ret
            status = 409
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.errors:
                messages.warning(
                    request,
                    "Saved what could be saved. Some entries need correcting: what you typed "
                    "is kept as a draft.",
                )
            elif request.POST.get("submit") and lead:
                try:
                    services.submit_return(ret=Return.objects.get(pk=ret.pk), by=user)
                except ValidationError as error:
                    problems = services.submission_problems(Return.objects.get(pk=ret.pk))
                    if not problems:
                        problems = [services.Problem("return-form", m) for m in error.messages]
                    messages.warning(
                        request, "Your changes are saved, but the return cannot be submitted yet."
                    )
                else:
                    messages.success(request, f"The {ret.period.label} return has been submitted.")
                    return redirect(ret)
            else:
                messages.success(request, "Draft saved.")
                return redirect(ret)
        if conflict is None:
            ret.refresh_from_db()
            contents = return_contents(ret)
        # Keep what was typed; the version moves on so the next save is accepted (after a
        # conflict, once the person has seen the other change beside their own).
        data = request.POST.copy()
        data["version"] = str((conflict or ret).version)
        errors = form.errors
        form = ReturnForm(data, contents=contents, editable=editable, lead=lead)
        form.is_valid()
        for name, field_errors in errors.items():
            for error in field_errors:
                if (
                    name in form.fields
                    and name != "version"
                    and error not in form.errors.get(name, [])
                ):
                    form.add_error(name, error)
    else:
        fields = set(ReturnForm(contents=contents, editable=editable, lead=lead).fields)
        data = initial_data(contents, fields)
        if ret.draft:
            # Lay what was typed but not yet valid over what is saved, and show why.
            form = ReturnForm(
                {**data, **ret.draft}, contents=contents, editable=editable, lead=lead
            )
            form.is_valid()
        else:
            form = ReturnForm(
                contents=contents, editable=editable, lead=lead, initial=_as_initial(data)
            )
    return render(
        request,
        "web/returns/detail.html",
        {
            "ret": ret,
            "partnership": ret.partnership,
            "contents": contents,
            "form": form,
            "result_rows": [(d, form.row(f"r_{d.key}_")) for d in contents.results],
            "corrective_rows": [(c, form.row(c.key)) for c in contents.corrective],
            "action_rows": [(d, form.row(f"a_{d.action.pk}_")) for d in contents.actions],
            "risk_rows": [(d, form.row(f"k_{d.risk.pk}_")) for d in contents.risks],
            "can_edit": bool(form.fields.keys() - {"version"}),
            "lead": lead,
            "conflict": conflict,
            "problems": linked_problems(problems, form),
            "can_decide": user.is_performance_team and ret.status == Return.Status.SUBMITTED,
            "can_reopen": user.is_performance_team and ret.status == Return.Status.SIGNED_OFF,
            "today": timezone.localdate(),
            "comment_thread": comment_thread(user, ret),
            "finance": finance_summary(
                ret.partnership, ret.period.year, timezone.localdate(), up_to=ret.period
            ),
        },
        status=status,
    )


def _as_initial(data: dict[str, str]) -> dict:
    return {
        name: (value == "on" if name.endswith("_na") else value) for name, value in data.items()
    }


def services_message(ret: Return) -> str:
    try:
        services._ensure_editable(ret)
    except ValidationError as error:
        return error.messages[0]
    return ""


@login_required
@minimum_role("performance")
def return_decide(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team signs off returns.")
    form = ReturnDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "sign_off":
                services.sign_off_return(ret=ret, by=request.user)
                messages.success(
                    request,
                    f"The {ret.period.label} return is signed off and its results are locked.",
                )
            else:
                services.return_for_changes(
                    ret=ret, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, f"The {ret.period.label} return has been returned to the partnership."
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(ret)
    return render(
        request,
        "web/returns/decide.html",
        {"ret": ret, "partnership": ret.partnership, "form": form},
    )


@login_required
@minimum_role("performance")
def return_reopen(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team reopens a signed-off return.")
    form = ReopenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_return(ret=ret, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The {ret.period.label} return is open again.")
            return redirect(ret)
    return render(
        request,
        "web/returns/reopen.html",
        {"ret": ret, "partnership": ret.partnership, "form": form},
    )


urlpatterns = [
    path("returns/", reporting_calendar, name="reporting_calendar"),
    path("returns/open/", quarter_open, name="quarter_open"),
    path("returns/<int:return_id>/", return_detail, name="return_detail"),
    path("returns/<int:return_id>/decide/", return_decide, name="return_decide"),
    path("returns/<int:return_id>/reopen/", return_reopen, name="return_reopen"),
]
