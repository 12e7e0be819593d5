"""python manage.py export ARCHIVE.zip

Writes the whole database and every stored file as one ZIP of CSV files with a manifest
and a JSON Schema for each (core.archive; README, "Leaving, and coming back"), read as at
one moment while the service runs. `manage.py import` loads it into an empty installation.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.core.archive import export_archive, snapshot


class Command(BaseCommand):
    help = (
        "Write the whole database and every stored file as one ZIP of CSV files, with a "
        "manifest and a JSON Schema for each, readable without Golden Thread."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The ZIP file to write.")

    def handle(self, *args, archive: Path, **options) -> None:
        if archive.exists() and archive.is_dir():
            raise CommandError(f"{archive} is a folder: name the ZIP file to write.")
        partial = archive.with_name(f".{archive.name}.partial")
        try:
            with snapshot():
                manifest = export_archive(str(partial))
            os.replace(partial, archive)
        except OSError as error:
            raise CommandError(f"The archive could not be written: {error}") from error
        finally:
            partial.unlink(missing_ok=True)
        tables = [m for m in manifest["members"] if m["kind"] == "table"]
        files = [m for m in manifest["members"] if m["kind"] == "file"]
        self.stdout.write(
            f"Exported {len(tables)} tables ({sum(m['rows'] for m in tables):,} rows) and "
            f"{len(files):,} stored files to {archive}."
        )
        if manifest["missing_files"]:
            self.stderr.write(
                f"{len(manifest['missing_files'])} files named by the data were not in "
                "storage; the manifest lists them (missing_files)."
            )
