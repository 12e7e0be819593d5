"""python manage.py backup_database [--output FILE]

Writes a backup that keeps every row exactly as stored (README, "Backups"): SQLite's
online backup API, or pg_dump's custom format on PostgreSQL. Safe while the service runs.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.utils import timezone

from goldenthread.core.backup import BackupError, backup_database, default_backup_path


class Command(BaseCommand):
    help = (
        "Back up the database exactly (SQLite's backup API or pg_dump), while the service "
        "runs. Restore with restore_database; prove a backup restores with check_backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: backups/goldenthread-DATE-TIME.sqlite3 or "
            ".dump beside the project). It must not exist yet.",
        )

    def handle(self, *args, output: Path | None = None, **options) -> None:
        if output is None:
            output = default_backup_path(
                connection, Path(settings.BASE_DIR) / "backups", timezone.localtime()
            )
        try:
            size = backup_database(connection, output)
        except (BackupError, DatabaseError) as error:
            raise CommandError(f"No backup was made. {error}") from error
        self.stdout.write(f"Wrote {output}: {size / 1_000_000:.1f} MB ({size:,} bytes).")
