"""python manage.py restore_database BACKUP [--force]

Restores a backup made by backup_database into the configured database, which must be
empty (no tables) unless --force is given. On SQLite the backup API copies the backup
over the database; on PostgreSQL pg_restore loads it in one transaction, so a failed
restore changes nothing. Stop the web server first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from goldenthread.core.backup import BackupError, count_rows, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the configured database, which "
        "must be empty unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The backup file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even if the database has tables: on SQLite its contents are "
            "replaced; on PostgreSQL the backup's tables are dropped and restored "
            "(pg_restore --clean), and tables the backup lacks are left.",
        )

    def handle(self, *args, backup: Path, force: bool = False, **options) -> None:
        try:
            restore_database(connection, backup, force=force)
            counts = count_rows(connection)
        except (BackupError, DatabaseError) as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        self.stdout.write(
            f"Restored {backup}: {len(counts)} tables, {sum(counts.values()):,} rows."
        )
