"""Writes for background jobs: start one, report its progress, finish it, fail it, retry
it, and queue again the ones whose worker died.

The queue (django-tasks) carries only the job's id; the job row says how far it got. A
worker claims a job by starting an attempt (`begin_attempt`), which numbers it; every
later write of that attempt checks the number, so a worker that was given up for dead
and comes back can no longer write anything (`JobSuperseded`). A task makes its lasting
writes inside `finishing(job)`, in the same transaction that marks the job done, so an
attempt either did all of its work or none of it, and a second attempt never does it
again.

Where the queue is the database (GT_TASKS=database) the job and its queue entry are
written in the same transaction: both are there for a worker, or neither. With the
immediate backend (tests, make run) the task runs at once, inside `start_job`.
"""

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goldenthread.core.jobs import may_retry, may_start
from goldenthread.core.logs import current_request_id
from goldenthread.core.models import Job, JobKind, Partnership, User

from . import save_audited

log = logging.getLogger(__name__)


class JobSuperseded(Exception):
    """This attempt is no longer the job's: it was queued again (its worker was taken for
    dead) or it already finished. The attempt stops without writing anything more."""


def _enqueue(job: Job, task: Task) -> None:
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()


@transaction.atomic
def start_job(
    *,
    kind: str,
    title: str,
    by: User | None,
    task: Task,
    partnership: Partnership | None = None,
    params: dict[str, Any] | None = None,
    scheduled_for: datetime.date | None = None,
) -> Job:
    """Record the job and queue `task` (a django-tasks task taking the job's id) for it.
    `by` is None for the system's own jobs (e-mail, reminders)."""
    if not may_start(by, kind, partnership):
        raise PermissionDenied(f"You cannot start this: {JobKind(kind).label.lower()}.")
    job = save_audited(
        Job(
            kind=kind,
            title=title,
            started_by=by,
            partnership=partnership,
            params=params or {},
            scheduled_for=scheduled_for,
            request_id=current_request_id()[:64],
            progress_message="Waiting for a worker to pick it up",
        ),
        by=by,
        reason="Started",
    )
    _enqueue(job, task)
    return job


@transaction.atomic
def begin_attempt(job_id: int) -> Job | None:
    """Claim a queued job for this worker: a new attempt. None when there is nothing to
    do (the job finished, or another worker holds it)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return None
    now = timezone.now()
    job.status = Job.Status.RUNNING
    job.attempts += 1
    job.started_at = now
    job.heartbeat_at = now
    job.failure = ""
    job.progress_done = job.progress_total = 0
    job.progress_message = "Starting"
    return save_audited(job, by=job.started_by, reason=f"Attempt {job.attempts} started")


def report_progress(job: Job, *, done: int, total: int, message: str) -> None:
    """Tell the person how far the job has got (`done` of `total` steps, and what is being
    done now, e.g. "Rendering the PDF"); it is also the worker's heartbeat."""
    done = min(done, total)
    changed = Job.objects.filter(
        pk=job.pk, attempts=job.attempts, status=Job.Status.RUNNING
    ).update(
        progress_done=done,
        progress_total=total,
        progress_message=message[:300],
        heartbeat_at=timezone.now(),
    )
    if not changed:
        raise JobSuperseded(f"Job {job.pk} attempt {job.attempts} was superseded.")
    job.progress_done, job.progress_total, job.progress_message = done, total, message


def _locked_attempt(job: Job) -> Job:
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.attempts != job.attempts or locked.status != Job.Status.RUNNING:
        raise JobSuperseded(f"Job {job.pk} attempt {job.attempts} was superseded.")
    return locked


@contextmanager
def finishing(job: Job) -> Iterator[Job]:
    """The attempt's last step: its lasting writes go inside, in the transaction that marks
    the job succeeded. Set result_url/result_label on the job yielded, or call
    `attach_file`. Nothing is written if this attempt was superseded."""
    with transaction.atomic():
        locked = _locked_attempt(job)
        yield locked
        locked.status = Job.Status.SUCCEEDED
        locked.progress_done = locked.progress_total = max(locked.progress_total, 1)
        locked.progress_message = "Done"
        locked.finished_at = timezone.now()
        save_audited(locked, by=locked.started_by, reason=f"Attempt {locked.attempts} succeeded")
    job.refresh_from_db()


def store_file(field_file: FieldFile, name: str, content: bytes) -> None:
    """Save `content` in the field's storage under the name its upload_to gives `name`,
    replacing any file already there: a second attempt overwrites what the first left
    (the storage would otherwise keep both, renaming the new one)."""
    path = field_file.field.generate_filename(field_file.instance, name)
    if field_file.storage.exists(path):
        field_file.storage.delete(path)
    field_file.save(name, ContentFile(content), save=False)


def attach_file(job: Job, *, name: str, content: bytes) -> None:
    """Store the job's result file under a name that is the job's own, and name the
    download `name`."""
    store_file(job.result_file, name, content)
    job.result_name = name


@transaction.atomic
def fail_job(job: Job, *, reason: str, problems: list[dict] | None = None) -> Job:
    """End the attempt as failed, saying why in plain words (shown on the job page; the
    traceback belongs in the log), and for a file, where: `problems` as
    [{"row", "column", "message"}]."""
    locked = _locked_attempt(job)
    locked.status = Job.Status.FAILED
    locked.failure = reason[:1000]
    locked.problems = problems or []
    locked.progress_message = "Failed"
    locked.finished_at = timezone.now()
    save_audited(locked, by=locked.started_by, reason=f"Attempt {locked.attempts} failed")
    job.refresh_from_db()
    return job


@transaction.atomic
def retry_job(*, job: Job, by: User, task: Task) -> Job:
    """A failed job, tried again: a new attempt of the same job."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != Job.Status.FAILED:
        raise PermissionDenied("Only a failed job can be tried again.")
    if not may_retry(by, job):
        raise PermissionDenied("You cannot try this again.")
    job.status = Job.Status.QUEUED
    job.failure = ""
    job.problems = []
    job.finished_at = None
    job.progress_done = job.progress_total = 0
    job.progress_message = "Waiting for a worker to pick it up"
    job.request_id = current_request_id()[:64]
    save_audited(job, by=by, reason="Tried again")
    _enqueue(job, task)
    return job


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASK_LEASE)


def _queue_entry(job: Job) -> DBTaskResult | None:
    try:
        return DBTaskResult.objects.filter(pk=job.task_result_id).first()
    except (ValidationError, ValueError):  # an immediate backend's id, not the database's
        return None


def requeue_stalled(*, now: datetime.datetime | None = None) -> list[Job]:
    """Queue again every running job whose worker has not reported within the lease
    (GT_TASK_LEASE): its machine died or it was killed. Its queue entry is closed as
    failed and a new one made, which the next free worker picks up; the attempt that
    stalled can write nothing more. Only the database queue has entries to requeue."""
    cutoff = (now or timezone.now()) - lease()
    requeued = []
    for pk in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update()
                .filter(pk=pk, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue  # another worker got there first, or it just reported
            old = _queue_entry(job)
            if old is None:
                # Run by the immediate backend in a process that died (or its entry was
                # pruned): nothing to queue again, so it fails, and can be retried.
                locked = _locked_attempt(job)
                locked.status = Job.Status.FAILED
                locked.failure = (
                    "It stopped before it finished: the process doing it ended. Try again."
                )
                locked.finished_at = timezone.now()
                save_audited(locked, by=job.started_by, reason=f"Attempt {job.attempts} stalled")
                log.warning("Job %s stalled with no queue entry: failed", job.pk)
                continue
            if old.status == TaskResultStatus.RUNNING:
                old.status = TaskResultStatus.FAILED
                old.finished_at = timezone.now()
                old.exception_class_path = "goldenthread.core.services.jobs.JobSuperseded"
                old.traceback = "The worker stopped reporting; the job was queued again."
                old.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
            job.status = Job.Status.QUEUED
            job.progress_message = (
                "Waiting to be picked up again: the worker doing it stopped responding"
            )
            save_audited(job, by=job.started_by, reason=f"Attempt {job.attempts} stalled")
            log.warning("Job %s queued again: no heartbeat since %s", job.pk, job.heartbeat_at)
            _enqueue(job, old.task)
            requeued.append(job)
    return requeued
