"""The whole-data export: a ZIP of CSV files (core.export's tables) made into storage,
named by the job, so a second attempt replaces the first's file."""

from django.utils import timezone
from django.utils.text import slugify

from goldenthread.core.export import TABLES, export_tables
from goldenthread.core.models import Job, Partnership
from goldenthread.core.services import jobs
from goldenthread.documents.export import export_zip

from .base import step


def download_name(job: Job) -> str:
    whose = job.partnership.name if job.partnership else "all partnerships"
    return f"{slugify(whose)}-data-{timezone.localdate(job.created_at):%Y-%m-%d}.zip"


def export(job: Job) -> None:
    if job.partnership is not None:
        partnerships = Partnership.objects.filter(pk=job.partnership_id)
    else:
        partnerships = Partnership.objects.all()
    total = len(TABLES) + 1
    step(job, 0, total, "Reading the records")
    tables = export_tables(partnerships)
    content = export_zip(
        tables,
        progress=lambda i, name: step(
            job, i + 1, total, f"Writing {name.replace('_', ' ')}: table {i + 1} of {len(tables)}"
        ),
    )
    with jobs.finishing(job) as done:
        jobs.attach_file(done, name=download_name(job), content=content)
        done.result_label = f"The data, {len(tables)} tables in a ZIP of CSV files"
