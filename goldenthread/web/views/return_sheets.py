"""A return as a spreadsheet: download it pre-filled (.xlsx or .csv), upload it filled in.
An upload is checked row by row and written all or nothing, through the same service as
the return page (goldenthread.documents.return_sheets has the file handling)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import Need, get_return_for_user
from goldenthread.core.models import Job, Return
from goldenthread.documents import return_sheets as sheets
from goldenthread.tasks.start import start_return_sheet
from goldenthread.web.decorators import minimum_role
from goldenthread.web.views.returns import services_message

SHOWN_PROBLEMS = 200


def _download(ret: Return, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, sheets.filename(ret, extension)
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@minimum_role("viewer")
@login_required
@require_GET
def return_download_xlsx(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    return _download(ret, sheets.export_xlsx(ret), sheets.XLSX_TYPE, "xlsx")


@minimum_role("viewer")
@login_required
@require_GET
def return_download_csv(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    return _download(ret, sheets.export_csv(ret), sheets.CSV_TYPE, "csv")


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label="Filled-in spreadsheet",
        help_text="An .xlsx or .csv file of 5 MB or less.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Select the filled-in spreadsheet",
            "empty": "The selected file is empty",
            "invalid": "Select the filled-in spreadsheet",
        },
    )


class SizeLimit(FileUploadHandler):
    """Stops reading an upload once it passes the limit and discards the rest, so an
    oversized file never reaches memory or the disk."""

    exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > sheets.MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# The upload handler must be in place before anything reads the request body, and the
# CSRF middleware reads it: so CSRF is checked inside, once the handler is in (as
# Django's documentation on upload handlers advises).
@minimum_role("member")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def return_upload(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id, need=Need.CONTRIBUTE)
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _upload(request, ret, limit)


@csrf_protect
def _upload(request: HttpRequest, ret: Return, limit: SizeLimit) -> HttpResponse:
    # A submitted or signed-off return takes no upload: say so, with the service's words.
    locked = "" if ret.is_editable else services_message(ret)
    form = UploadForm()
    problems: list[sheets.RowProblem] = []
    if request.method == "POST" and not locked:
        form = UploadForm(request.POST, request.FILES)
        if limit.exceeded:
            form.add_error("sheet", sheets.TOO_BIG)
        elif form.is_valid():
            # Checked and saved by a background job, from the file saved to storage. When
            # it has already finished (tasks run at once, or a worker was quick) the page
            # answers as before: the return, or the problems beside their rows; otherwise
            # the job's page shows its progress and then the same.
            upload = form.cleaned_data["sheet"]
            upload.seek(0)
            job = start_return_sheet(
                ret=ret, by=request.user, name=upload.name, content=upload.read()
            )
            if job.status == Job.Status.SUCCEEDED:
                messages.success(request, f"{job.result_label}.")
                return redirect(ret)
            if job.status != Job.Status.FAILED:
                return redirect("job", job.pk)
            problems = [sheets.RowProblem(**p) for p in job.problems]
            form.add_error("sheet", job.failure)
    return render(
        request,
        "web/returns/upload.html",
        {
            "ret": ret,
            "partnership": ret.partnership,
            "form": form,
            "locked": locked,
            "refused": bool(locked) and request.method == "POST",
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
        },
    )


urlpatterns = [
    path(
        "returns/<int:return_id>/download.xlsx",
        return_download_xlsx,
        name="return_download_xlsx",
    ),
    path("returns/<int:return_id>/download.csv", return_download_csv, name="return_download_csv"),
    path("returns/<int:return_id>/upload/", return_upload, name="return_upload"),
]
