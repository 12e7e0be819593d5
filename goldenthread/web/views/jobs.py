"""Background jobs: the page that shows one (what is being done, how far it has got, its
result, and why it failed with a Retry button), its download, my recent jobs, and starting
the whole-data export, and (the performance team's, on the council-wide export page) the
archive of the whole database that `manage.py import` loads elsewhere.

The job page polls itself with htmx every 2 seconds while the job is queued or running
(the partial replaces itself; a finished job's partial stops polling); without JavaScript,
reloading the page shows the same."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import get_partnership_for_user
from goldenthread.core.jobs import get_job_for_user, may_retry, may_start, recent_jobs
from goldenthread.core.models import JobKind
from goldenthread.tasks import start
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import posted


@login_required
@minimum_role("lead_or_performance")
@require_http_methods(["GET", "POST"])
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    if request.method == "POST":
        if not may_retry(request.user, job):
            raise PermissionDenied("You cannot try this again.")
        job = start.retry(job=job, by=request.user)
        messages.info(request, "Trying again.")
        return redirect("job", job.pk)
    context = {"job": job, "may_retry": may_retry(request.user, job)}
    if request.htmx:
        return render(request, "web/jobs/job.html#status", context)
    return render(request, "web/jobs/job.html", context)


@login_required
@minimum_role("lead_or_performance")
@require_GET
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_job_for_user(request.user, job_id)
    if job.status != job.Status.SUCCEEDED or not job.result_file:
        raise Http404("There is no file to download.")
    response = FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_name or None
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/jobs/list.html", {"jobs": recent_jobs(request.user)})


def _export(request: HttpRequest, partnership) -> HttpResponse:
    form = forms.Form(posted(request))
    if request.method == "POST" and form.is_valid():
        job = start.start_export(partnership=partnership, by=request.user)
        return redirect("job", job.pk)
    may_archive = partnership is None and may_start(request.user, JobKind.ARCHIVE, None)
    return render(
        request,
        "web/jobs/export.html",
        {"partnership": partnership, "form": form, "may_archive": may_archive},
    )


@login_required
@minimum_role("lead_or_performance")
@require_http_methods(["GET", "POST"])
def partnership_export(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not may_start(request.user, JobKind.EXPORT, partnership):
        raise PermissionDenied("Only the partnership's leads and the performance team export it.")
    return _export(request, partnership)


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def council_export(request: HttpRequest) -> HttpResponse:
    if not may_start(request.user, JobKind.EXPORT, None):
        raise PermissionDenied("Only the council performance team exports every partnership.")
    return _export(request, None)


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def council_archive(request: HttpRequest) -> HttpResponse:
    """The button on the council-wide export page posts here; a GET shows that page."""
    if not may_start(request.user, JobKind.ARCHIVE, None):
        raise PermissionDenied("Only the council performance team exports the whole database.")
    if request.method == "POST":
        job = start.start_archive(by=request.user)
        return redirect("job", job.pk)
    return _export(request, None)


urlpatterns = [
    path("jobs/", job_list, name="job_list"),
    path("jobs/<int:job_id>/", job_page, name="job"),
    path("jobs/<int:job_id>/download", job_download, name="job_download"),
    path(
        "partnerships/<int:partnership_id>/export/",
        partnership_export,
        name="partnership_export",
    ),
    path("export/", council_export, name="council_export"),
    path("export/archive/", council_archive, name="council_archive"),
]
