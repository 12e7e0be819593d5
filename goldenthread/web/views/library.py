"""The council indicator library (issue 16): every indicator defined once for several
partnerships' plans. Everyone signed in reads it; the performance team adds and changes
its indicators; each one's owner (or the performance team) enters its results once, on its
page, for every plan that uses it; a draft plan's leads and members start using one, link
the partnership's own copy of a measure to one, or stop using one (its leads and the
indicator's owner)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from goldenthread.core.access import (
    Need,
    get_indicator_for_user,
    get_objective_for_user,
    require_performance_team,
)
from goldenthread.core.library import library_indicators, library_page
from goldenthread.core.models import Indicator, LibraryIndicator
from goldenthread.core.services import library as services
from goldenthread.rules import Period
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.library_forms import (
    LibraryIndicatorForm,
    LibraryResultForm,
    LinkToLibraryForm,
    UseLibraryIndicatorForm,
)
from goldenthread.web.views.plan_items import fixed_owner
from goldenthread.web.views.plans import locked


def get_library_indicator_for_user(request: HttpRequest, pk: int) -> LibraryIndicator:
    """The library is the council's: anyone signed in may read it."""
    if not request.user.is_authenticated:
        raise Http404("Not found.")
    return get_object_or_404(
        LibraryIndicator.objects.select_related("owner", "owner_organisation", "created_by"),
        pk=pk,
    )


def require_library_keeper(request: HttpRequest) -> None:
    require_performance_team(request.user, refusal=services.KEEP_LIBRARY)


@login_required
def library_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100].replace("\x00", "")
    return render(
        request,
        "web/library/list.html",
        {"indicators": list(library_indicators(search)), "search": search},
    )


@login_required
def library_indicator(request: HttpRequest, library_indicator_id: int) -> HttpResponse:
    """Its definition, its results (with the form to enter one, for its owner and the
    performance team) and every plan that uses it, each against its own targets."""
    library_indicator = get_library_indicator_for_user(request, library_indicator_id)
    may_enter = services.may_enter_results(request.user, library_indicator)
    if may_enter and (request.GET.get("remove") or "remove" in request.POST):
        return _remove_result(request, library_indicator)
    form = None
    if may_enter:
        form = LibraryResultForm(posted(request), prefix="result")
    elif request.method == "POST":
        raise PermissionDenied(
            f"Only the owner of {library_indicator.code} or the council performance team "
            "enters its results."
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.record_library_results(
                library_indicator=library_indicator,
                by=request.user,
                results={
                    data["period"]: services.LibraryResultInput(
                        value=data["value"],
                        not_available=data["not_available"],
                        not_available_reason=data["not_available_reason"] or "",
                        note=data["note"] or "",
                    )
                },
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            period = data["period"].label
            messages.success(
                request,
                f"{library_indicator.code} {period} saved for every plan that uses it."
                if changed
                else f"{library_indicator.code} {period} was already as entered: nothing changed.",
            )
            return redirect(library_indicator)
    return render(
        request,
        "web/library/detail.html",
        {"page": library_page(library_indicator, request.user), "form": form},
    )


def _remove_result(request: HttpRequest, library_indicator: LibraryIndicator) -> HttpResponse:
    """Its owner or the performance team takes back a result entered by mistake: the
    library page asks first (`?remove=<period>`), saying what goes with it, then the post
    removes it from the library and every plan using it (services.remove_library_result).
    A period with no result is a 404, as any missing page."""
    key = request.POST.get("remove") if request.method == "POST" else request.GET.get("remove")
    try:
        period = Period.from_key(str(key))
    except ValueError:
        raise Http404("No such result.") from None
    page = library_page(library_indicator, request.user)
    removing = next((r for r in page.results if r.period == period), None)
    if removing is None:
        raise Http404("No such result.")
    problems: list[str] = []
    if request.method == "POST":
        try:
            removed = services.remove_library_result(
                library_indicator=library_indicator, period=period, by=request.user
            )
        except ValidationError as error:
            problems = error.messages
        else:
            plans = f"{removed} plan{'s' if removed != 1 else ''}"
            messages.success(
                request,
                f"{library_indicator.code} {period.label} removed from the library and from "
                f"the {plans} using it. Each one's history keeps it.",
            )
            return redirect(library_indicator)
    return render(
        request,
        "web/library/detail.html",
        {"page": page, "form": None, "removing": removing, "remove_problems": problems},
        status=409 if problems else 200,
    )


@login_required
@minimum_role("performance")
def library_create(request: HttpRequest) -> HttpResponse:
    require_library_keeper(request)
    form = LibraryIndicatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.LIBRARY_FIELDS}
        try:
            made = services.create_library_indicator(by=request.user, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{made.code} added to the council library.")
            return redirect(made)
    return render(request, "web/library/form.html", {"form": form, "library_indicator": None})


@login_required
@minimum_role("performance")
def library_edit(request: HttpRequest, library_indicator_id: int) -> HttpResponse:
    library_indicator = get_library_indicator_for_user(request, library_indicator_id)
    require_library_keeper(request)
    form = LibraryIndicatorForm(posted(request), instance=library_indicator)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.LIBRARY_FIELDS}
        try:
            saved = services.update_library_indicator(
                library_indicator=LibraryIndicator.objects.get(pk=library_indicator.pk),
                by=request.user,
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            uses = saved.uses.count()
            messages.success(
                request,
                f"{saved.code} saved"
                + (
                    f", and in the {uses} plan{'s' if uses != 1 else ''} using it." if uses else "."
                ),
            )
            return redirect(saved)
    return render(
        request,
        "web/library/form.html",
        {"form": form, "library_indicator": LibraryIndicator.objects.get(pk=library_indicator.pk)},
    )


@login_required
@minimum_role("member")
def library_use(request: HttpRequest, objective_id: int) -> HttpResponse:
    """A draft plan's objective starts using a council library indicator."""
    objective = get_objective_for_user(request.user, objective_id, Need.CONTRIBUTE)
    plan = objective.plan
    if not plan.is_draft:
        return locked(request, plan)
    owner = fixed_owner(request.user, plan.partnership)
    form = UseLibraryIndicatorForm(
        posted(request),
        partnership=plan.partnership,
        fixed_owner=owner,
        initial={"library_indicator": request.GET.get("library_indicator")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = services.use_library_indicator(
                plan=plan,
                objective=objective,
                library_indicator=data["library_indicator"],
                by=request.user,
                code=data["code"] or "",
                owner=data["owner"],
                owner_organisation=data["owner_organisation"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{indicator.code} from the council library added, with its results so far. "
                "Now set this plan's targets.",
            )
            return redirect("plan_targets", plan_id=plan.pk, indicator_id=indicator.pk)
    return render(
        request,
        "web/library/use.html",
        {"plan": plan, "partnership": plan.partnership, "objective": objective, "form": form},
    )


def _not_in_draft(request: HttpRequest, indicator: Indicator, template: str) -> HttpResponse:
    """Whether an indicator uses the library changes only with a draft of the plan: say
    so, and change nothing (as plans.locked does for an approved version)."""
    return render(
        request,
        template,
        {"indicator": indicator, "partnership": indicator.partnership, "plan": None},
        status=409,
    )


@login_required
@minimum_role("owner")
def library_link(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The partnership's own copy of a measure starts taking its results from a council
    library indicator: the person chooses one measured the same way, sees the results of
    theirs that differ from the library's, and confirms the library's replace them."""
    indicator = get_indicator_for_user(request.user, indicator_id, Need.EDIT)
    plan = services.draft_using(indicator)
    if plan is None:
        return _not_in_draft(request, indicator, "web/library/link.html")
    context = {"indicator": indicator, "partnership": indicator.partnership, "plan": plan}
    if indicator.library_indicator_id is not None:
        # Already linked: the page says to which, and offers to stop instead.
        return render(request, "web/library/link.html", context)
    offered, others = services.link_choices(indicator)
    # With none to offer the page says why, and a post has nothing to choose from.
    form = LinkToLibraryForm(posted(request) if offered else None, offered=offered)
    chosen, differences = None, []
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["library_indicator"]
        differences = services.differing_results(indicator, chosen)
        try:
            services.link_to_library(
                indicator=indicator,
                library_indicator=chosen,
                by=request.user,
                replace_differing=form.cleaned_data["replace_differing"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            replaced = len(differences)
            messages.success(
                request,
                f"{indicator.code} now uses the council library indicator {chosen.code}: "
                "its definition and results come from the library"
                + (
                    f" ({replaced} result{'s' if replaced != 1 else ''} replaced by the library's)."
                    if replaced
                    else "."
                ),
            )
            return redirect(indicator)
    return render(
        request,
        "web/library/link.html",
        {
            **context,
            "form": form,
            "offered": offered,
            "others": others,
            "chosen": chosen,
            "differences": differences,
        },
    )


@login_required
@minimum_role("owner")
def library_stop(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The partnership stops using a council library indicator, keeping its definition and
    results as its own copy (after a confirmation that says what changes)."""
    indicator = get_indicator_for_user(request.user, indicator_id, Need.EDIT)
    plan = services.draft_using(indicator)
    if plan is None:
        return _not_in_draft(request, indicator, "web/library/stop.html")
    library_indicator = indicator.library_indicator
    context = {
        "indicator": indicator,
        "partnership": indicator.partnership,
        "plan": plan,
        "library_indicator": library_indicator,
    }
    if request.method == "POST" and library_indicator is not None:
        try:
            services.stop_using_library(indicator=indicator, by=request.user)
        except ValidationError as error:
            context["problems"] = error.messages
            return render(request, "web/library/stop.html", context, status=409)
        messages.success(
            request,
            f"{indicator.code} no longer uses the council library indicator "
            f"{library_indicator.code}: it keeps its definition and results, and this "
            "partnership now enters its results itself.",
        )
        return redirect(indicator)
    return render(request, "web/library/stop.html", context)


urlpatterns = [
    path("council/library/", library_list, name="library_list"),
    path("council/library/new/", library_create, name="library_create"),
    path(
        "council/library/<int:library_indicator_id>/", library_indicator, name="library_indicator"
    ),
    path("council/library/<int:library_indicator_id>/edit/", library_edit, name="library_edit"),
    path("objectives/<int:objective_id>/indicators/library/", library_use, name="library_use"),
    path("indicators/<int:indicator_id>/library/link/", library_link, name="library_link"),
    path("indicators/<int:indicator_id>/library/stop/", library_stop, name="library_stop"),
]
