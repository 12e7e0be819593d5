"""One task, `run_job`, runs every kind of job: it claims the job (a new attempt), runs the
kind's work with the request id of whoever started it in every log line, and records how it
ended: the work's own writes and "succeeded" in one transaction (core.services.jobs.
finishing), or "failed" with the reason in plain words and the traceback in the log."""

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks import task

from goldenthread.core.logs import use_request_id
from goldenthread.core.models import Job, JobKind
from goldenthread.core.services import jobs

from . import archives, exports, imports, publishing, reminders
from .base import JobFailed, reason

log = logging.getLogger(__name__)

WORK: dict[str, Callable[[Job], None]] = {
    JobKind.PUBLISH_REPORT: publishing.publish,
    JobKind.EXPORT: exports.export,
    JobKind.ARCHIVE: archives.archive,
    JobKind.RETURN_SHEET: imports.import_return_sheet,
    JobKind.REMINDERS: reminders.send,
}


@task()
def run_job(job_id: int) -> str:
    job = jobs.begin_attempt(job_id)
    if job is None:
        return "nothing to do"
    with use_request_id(job.request_id or f"job-{job.pk}"):
        log.info("Job %s (%s) attempt %s started", job.pk, job.kind, job.attempts)
        try:
            WORK[job.kind](job)
        except jobs.JobSuperseded:
            log.warning("Job %s attempt %s superseded: stopped", job.pk, job.attempts)
            return "superseded"
        except Exception as error:
            if isinstance(error, (ValidationError, PermissionDenied, JobFailed)):
                log.info("Job %s failed: %s", job.pk, error)
            else:
                log.exception("Job %s failed", job.pk)
            try:
                jobs.fail_job(
                    job, reason=reason(job, error), problems=getattr(error, "problems", None)
                )
            except jobs.JobSuperseded:
                return "superseded"
            return "failed"
        log.info("Job %s attempt %s succeeded", job.pk, job.attempts)
        return "succeeded"
