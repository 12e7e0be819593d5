"""Bringing a partnership in (issue 16): its plan and history from one spreadsheet.

1. download the template (or a filled-in example) from the import page;
2. upload it filled in, with the plan's title and years: the file is kept in Django's file
   storage under a random name that only this session knows (as the comparator importer
   keeps its files), so checking and creating read the same file without uploading it again;
3. "check": every row is checked, by the reader (goldenthread.documents.partnership_import)
   and by the service run in full and rolled back, so the page lists every problem that
   creating would meet, each with its sheet, row and column; or, when there is none, what
   will be created;
4. "create" (a POST to the same page) runs the service for real and goes to the new draft.

The writing, its rules and who may do it are goldenthread.core.services.partnership_import's.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import Need, get_partnership_for_user
from goldenthread.core.models import Outcome, Partnership
from goldenthread.core.services.partnership_import import (
    ImportRefused,
    empty_draft,
    import_blocker,
    import_partnership_plan,
)
from goldenthread.documents import partnership_import as workbook
from goldenthread.documents.return_sheets import TOO_BIG, Refused
from goldenthread.rules import financial_year_of, year_label
from goldenthread.web.decorators import minimum_role
from goldenthread.web.plan_forms import PlanForm
from goldenthread.web.views.return_sheets import SizeLimit

SESSION_KEY = "plan_import_uploads"
KEPT_PER_SESSION = 3
SHOWN_PROBLEMS = 200


class ImportForm(PlanForm):
    """The plan's title and years, which the workbook does not hold, and the workbook."""

    sheet = forms.FileField(
        label="The filled-in workbook",
        help_text="The template, filled in and saved as an Excel workbook (.xlsx) of 5 MB or less.",
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        error_messages={
            "required": "Select the filled-in workbook",
            "empty": "The selected file is empty",
            "invalid": "Select the filled-in workbook",
        },
    )

    class Meta(PlanForm.Meta):
        fields = ["title", "first_year", "last_year"]


def _initial(partnership: Partnership) -> dict:
    draft = empty_draft(partnership)
    if draft is not None:
        return {"title": draft.title, "first_year": draft.first_year, "last_year": draft.last_year}
    year = financial_year_of(datetime.date.today())
    return {"title": f"{partnership.name} plan", "first_year": year, "last_year": year + 2}


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbook.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-cache"
    return response


@minimum_role("lead")
@login_required
@require_GET
def plan_import_template(request: HttpRequest, partnership_id: int) -> HttpResponse:
    get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    return _download(workbook.template_workbook(), workbook.TEMPLATE_NAME)


@minimum_role("lead")
@login_required
@require_GET
def plan_import_example(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The template filled in with a worked example this partnership could import as it is:
    the lead as an objective's owner, the lead organisation, a strategic outcome."""
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    outcome = Outcome.objects.select_related("strategic_plan").first()
    example = workbook.Example(
        owner_email=request.user.email,
        organisation=partnership.lead_organisation.name if partnership.lead_organisation else "",
        outcome=f"{outcome.strategic_plan.title}: {outcome.code}" if outcome else "",
    )
    return _download(workbook.template_workbook(example), workbook.EXAMPLE_NAME)


# The upload handler must be in place before anything reads the request body, and the CSRF
# middleware reads it: so CSRF is checked inside, once the handler is in (as in
# web/views/return_sheets.py).
@minimum_role("lead")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _upload(request, partnership, limit)


@csrf_protect
def _upload(request: HttpRequest, partnership: Partnership, limit: SizeLimit) -> HttpResponse:
    blocker = import_blocker(partnership)
    form = ImportForm(initial=_initial(partnership))
    if request.method == "POST" and not blocker:
        form = ImportForm(request.POST, request.FILES, initial=_initial(partnership))
        if limit.exceeded:
            form.add_error("sheet", TOO_BIG)
        elif form.is_valid():
            upload = form.cleaned_data["sheet"]
            try:
                data = workbook.read_upload(upload)
                workbook.check_file(data, upload.name)
            except Refused as refusal:
                form.add_error("sheet", str(refusal))
            else:
                token = _keep(request, partnership, data, upload.name, form.cleaned_data)
                url = reverse("plan_import_check", args=[partnership.pk])
                return redirect(f"{url}?upload={token}")
    return render(
        request,
        "web/partnership_import/upload.html",
        {
            "partnership": partnership,
            "form": form,
            "blocker": blocker,
            "refused": bool(blocker) and request.method == "POST",
        },
    )


def _keep(
    request: HttpRequest, partnership: Partnership, data: bytes, name: str, plan: dict
) -> str:
    token = workbook.keep_upload(data)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = {
        "partnership": partnership.pk,
        "name": name[:200],
        "title": plan["title"],
        "first_year": plan["first_year"],
        "last_year": plan["last_year"],
    }
    while len(kept) > KEPT_PER_SESSION:
        oldest = next(iter(kept))
        workbook.discard_upload(oldest)
        del kept[oldest]
    request.session[SESSION_KEY] = kept
    return token


def _forget(request: HttpRequest, token: str) -> None:
    workbook.discard_upload(token)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


@minimum_role("lead")
@login_required
@require_http_methods(["GET", "POST"])
def plan_import_check(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Step 3 (GET): what the workbook would create, or every problem in it. Step 4 (POST):
    create it."""
    partnership = get_partnership_for_user(request.user, partnership_id, Need.LEAD)
    token = request.GET.get("upload", "")
    kept = request.session.get(SESSION_KEY, {}).get(token)
    data = None
    if kept is not None and kept["partnership"] == partnership.pk:
        data = workbook.kept_upload(token)
    if data is None:
        return render(
            request,
            "web/partnership_import/missing.html",
            {"partnership": partnership, "asked": bool(token)},
        )
    read = workbook.read_workbook(data, kept["name"])
    problems = list(read.problems)
    if read.ok:
        try:
            imported = import_partnership_plan(
                partnership=partnership,
                parsed=read.plan,
                by=request.user,
                file_name=kept["name"],
                title=kept["title"],
                first_year=kept["first_year"],
                last_year=kept["last_year"],
                dry_run=request.method != "POST",
            )
        except ImportRefused as refused:
            problems = refused.problems
        else:
            if request.method == "POST":
                _forget(request, token)
                messages.success(
                    request,
                    f"Draft plan created from {kept['name']}: {imported.objectives} "
                    f"objective{'s' if imported.objectives != 1 else ''}, "
                    f"{imported.indicators} indicator{'s' if imported.indicators != 1 else ''}, "
                    f"{imported.targets} target{'s' if imported.targets != 1 else ''} and "
                    f"{imported.results + imported.not_available} past "
                    f"result{'s' if imported.results + imported.not_available != 1 else ''}.",
                )
                return redirect(imported.plan)
    plan = read.plan
    draft = empty_draft(partnership)
    return render(
        request,
        "web/partnership_import/check.html",
        {
            "partnership": partnership,
            "kept": kept,
            "token": token,
            "draft": draft,
            "years": _years(kept),
            "plan": plan,
            "target_span": plan.span(plan.targets),
            "result_span": plan.span(plan.results),
            "not_available": sum(1 for r in plan.results if r.value is None),
            "rounded": read.rounded,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
        },
    )


def _years(kept: dict) -> str:
    first, last = year_label(kept["first_year"]), year_label(kept["last_year"])
    return first if first == last else f"{first} to {last}"


urlpatterns = [
    path("partnerships/<int:partnership_id>/plans/import/", plan_import, name="plan_import"),
    path(
        "partnerships/<int:partnership_id>/plans/import/template.xlsx",
        plan_import_template,
        name="plan_import_template",
    ),
    path(
        "partnerships/<int:partnership_id>/plans/import/example.xlsx",
        plan_import_example,
        name="plan_import_example",
    ),
    path(
        "partnerships/<int:partnership_id>/plans/import/check/",
        plan_import_check,
        name="plan_import_check",
    ),
]
