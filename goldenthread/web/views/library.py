"""The council indicator library (issue 16): every indicator defined once for several
partnerships' plans. Everyone signed in reads it; the performance team adds and changes
its indicators; each one's owner (or the performance team) enters its results once, on its
page, for every plan that uses it; a draft plan's leads and members start using one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from goldenthread.core.access import Need, get_objective_for_user, require_performance_team
from goldenthread.core.library import library_indicators, library_page
from goldenthread.core.models import LibraryIndicator
from goldenthread.core.services import library as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted
from goldenthread.web.library_forms import (
    LibraryIndicatorForm,
    LibraryResultForm,
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


urlpatterns = [
    path("council/library/", library_list, name="library_list"),
    path("council/library/new/", library_create, name="library_create"),
    path(
        "council/library/<int:library_indicator_id>/", library_indicator, name="library_indicator"
    ),
    path("council/library/<int:library_indicator_id>/edit/", library_edit, name="library_edit"),
    path("objectives/<int:objective_id>/indicators/library/", library_use, name="library_use"),
]
