"""What the pages and the worker call to start a job (core.services.jobs.start_job checks
who may); each returns the job, whose page shows how it is going."""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename

from goldenthread.core.models import Job, JobKind, Partnership, Return, User
from goldenthread.core.services import jobs
from goldenthread.rules import year_label

from .runner import run_job


def start_publish(*, partnership: Partnership, year: int, by: User) -> Job:
    return jobs.start_job(
        kind=JobKind.PUBLISH_REPORT,
        title=f"Publishing the {year_label(year)} annual report of {partnership.name}",
        by=by,
        partnership=partnership,
        params={"year": year},
        task=run_job,
    )


def start_export(*, partnership: Partnership | None, by: User) -> Job:
    whose = partnership.name if partnership else "every partnership"
    return jobs.start_job(
        kind=JobKind.EXPORT,
        title=f"Exporting the data of {whose}",
        by=by,
        partnership=partnership,
        task=run_job,
    )


def start_archive(*, by: User) -> Job:
    return jobs.start_job(
        kind=JobKind.ARCHIVE,
        title="Exporting the whole database and its files",
        by=by,
        task=run_job,
    )


def start_return_sheet(*, ret: Return, by: User, name: str, content: bytes) -> Job:
    """Save the uploaded sheet to storage (where any worker reads it) and import it."""
    stored = default_storage.save(
        f"uploads/return-sheets/{uuid.uuid4().hex}/{get_valid_filename(name) or 'sheet'}",
        ContentFile(content),
    )
    return jobs.start_job(
        kind=JobKind.RETURN_SHEET,
        title=f"Importing {name} into the {ret.period.label} return of {ret.partnership.name}",
        by=by,
        partnership=ret.partnership,
        params={"return_id": ret.pk, "upload": stored, "name": name},
        task=run_job,
    )


def retry(*, job: Job, by: User) -> Job:
    return jobs.retry_job(job=job, by=by, task=run_job)


def start_reminders(day: datetime.date) -> Job | None:
    """The day's reminders, once a day however many workers ask: the second to ask finds
    the day's job there (a unique row per day) and starts nothing."""
    try:
        with transaction.atomic():
            job = jobs.start_job(
                kind=JobKind.REMINDERS,
                title=f"Sending the reminders of {day:%-d %B %Y}",
                by=None,
                task=run_job,
                params={},
                scheduled_for=day,
            )
    except IntegrityError:
        return None
    return job
