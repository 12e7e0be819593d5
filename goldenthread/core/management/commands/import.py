"""python manage.py import ARCHIVE.zip

Loads an archive made by `manage.py export` into this installation, which must be empty
(migrated, with no data but the content types and permissions migrate makes) and at the
same migrations as the one that made it. All or nothing: one transaction. Primary keys
are kept; nothing is saved through the models, so the history gains nothing.
"""

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from goldenthread.core.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = "Load an archive made by `manage.py export` into this empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The ZIP file to load.")

    def handle(self, *args, archive: Path, **options) -> None:
        try:
            manifest = import_archive(str(archive))
        except FileNotFoundError as error:
            raise CommandError(f"Nothing was imported. There is no file {archive}.") from error
        except zipfile.BadZipFile as error:
            raise CommandError(f"Nothing was imported. {archive} is not a ZIP file.") from error
        except (ArchiveError, DatabaseError) as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        tables = [m for m in manifest["members"] if m["kind"] == "table"]
        files = [m for m in manifest["members"] if m["kind"] == "file"]
        self.stdout.write(
            f"Imported {len(tables)} tables ({sum(m['rows'] for m in tables):,} rows) and "
            f"{len(files):,} stored files from {archive}."
        )
