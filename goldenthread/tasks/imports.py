"""Big imports: a return spreadsheet, read from storage (where the upload page saved it),
checked row by row and written all or nothing, in the transaction that marks the job done.
A file with problems fails the job with every problem and where it is."""

from django.core.files import File
from django.core.files.storage import default_storage

from goldenthread.core.models import Job, Return
from goldenthread.core.services import jobs
from goldenthread.core.services.returns import record_results
from goldenthread.documents import return_sheets as sheets

from .base import JobFailed, step


def problems_failure(problems: list[sheets.RowProblem]) -> JobFailed:
    whole = [p.message for p in problems if p.row is None]
    rows = [p for p in problems if p.row is not None]
    messages = list(whole)
    if rows:
        noun = "problem" if len(rows) == 1 else "problems"
        messages.append(
            f"The file has {len(rows):,} {noun}, listed below: correct them and upload it "
            "again. Nothing has been saved."
        )
    return JobFailed(
        " ".join(messages),
        problems=[{"row": p.row, "column": p.column, "message": p.message} for p in rows],
    )


def import_return_sheet(job: Job) -> None:
    ret = Return.objects.select_related("partnership").get(pk=job.params["return_id"])
    step(job, 0, 2, "Checking every row of the file")
    with default_storage.open(job.params["upload"], "rb") as stored:
        parsed = sheets.parse_upload(ret, File(stored, name=job.params["name"]))
    if not parsed.ok:
        raise problems_failure(parsed.problems)
    step(job, 1, 2, f"Saving {len(parsed.rows):,} results")
    with jobs.finishing(job) as done:
        changed = record_results(
            ret=ret, by=job.started_by, results=parsed.rows, how="Spreadsheet uploaded"
        )
        unchanged = len(parsed.rows) - changed
        noun = "result" if changed == 1 else "results"
        done.result_label = f"{changed} {noun} imported ({unchanged} unchanged)"
        done.result_url = ret.get_absolute_url()
