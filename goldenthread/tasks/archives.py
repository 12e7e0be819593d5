"""The archive of the whole database and every stored file (core.archive, as `manage.py
export` makes it), started from the council-wide export page by the performance team.

The archive is written to a temporary file a table at a time (never all in memory) inside
one transaction, so it is the data as at one moment while people carry on working, and
then stored as the job's file, named by the job, so a second attempt replaces the first's."""

import tempfile

from django.core.files import File
from django.utils import timezone

from goldenthread.core.archive import export_archive, snapshot
from goldenthread.core.models import Job
from goldenthread.core.services import jobs

from .base import step


def download_name(job: Job) -> str:
    return f"golden-thread-archive-{timezone.localdate(job.created_at):%Y-%m-%d}.zip"


def archive(job: Job) -> None:
    with tempfile.TemporaryFile() as spool:
        with snapshot():
            # Reported inside the snapshot, this also holds the job's row until the archive
            # is written, so a long export is not taken for a dead worker and queued again.
            step(job, 0, 2, "Writing every table and stored file")
            manifest = export_archive(spool)
        step(job, 1, 2, "Saving the archive")
        spool.seek(0)
        with jobs.finishing(job) as done:
            name = download_name(done)
            # As jobs.store_file does, but from the file on disk rather than from memory.
            path = done.result_file.field.generate_filename(done, name)
            if done.result_file.storage.exists(path):
                done.result_file.storage.delete(path)
            done.result_file.save(name, File(spool, name=name), save=False)
            done.result_name = name
            tables = [m for m in manifest["members"] if m["kind"] == "table"]
            files = sum(1 for m in manifest["members"] if m["kind"] == "file")
            done.result_label = (
                f"The whole database: {len(tables)} tables "
                f"({sum(m['rows'] for m in tables):,} rows) and {files:,} stored files, "
                "as CSV in a ZIP"
            )
