"""What every task's work uses: reporting progress, and saying why it failed."""

import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from goldenthread.core.models import Job, JobKind
from goldenthread.core.services import jobs


def step(job: Job, done: int, total: int, message: str) -> None:
    """Report progress (and the heartbeat); then wait GT_TASK_STEP_DELAY seconds, which
    is 0 except where a test or a demonstration must catch a task mid-way."""
    jobs.report_progress(job, done=done, total=total, message=message)
    if settings.TASK_STEP_DELAY:
        time.sleep(settings.TASK_STEP_DELAY)


class JobFailed(Exception):
    """A failure whose message is already in plain words for the person; for a file,
    `problems` says where ([{"row", "column", "message"}])."""

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or []


def reason(job: Job, error: BaseException) -> str:
    """Why the job failed, for the job page: the refusal's own words, or a plain account
    of a fault with the reference that finds its traceback in the log."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, (PermissionDenied, JobFailed, CommandError)):
        return str(error)
    reference = f" (reference {job.request_id})" if job.request_id else ""
    if isinstance(error, OSError):
        return (
            "The file could not be saved: the file store refused it. Try again; if it fails "
            f"again, tell your system administrator{reference}."
        )
    return (
        f"Something went wrong on our side while {JobKind(job.kind).label.lower()}. Try "
        f"again; if it fails again, tell your system administrator{reference}."
    )
