"""python manage.py check_backup BACKUP

Proves a backup restores: restores it into a scratch database (a temporary SQLite file,
or a new database on the same PostgreSQL server, which needs CREATEDB), prints each
table's rows, and deletes the scratch database. The configured database is only read.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from goldenthread.core.backup import BackupError, check_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into a scratch database and print its tables' row counts, to "
        "prove it restores. Leaves the configured database as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The backup file.")

    def handle(self, *args, backup: Path, **options) -> None:
        try:
            counts = check_backup(connection, backup)
        except (BackupError, DatabaseError) as error:
            raise CommandError(f"The backup did not restore. {error}") from error
        width = max(map(len, counts), default=0)
        for table, rows in counts.items():
            self.stdout.write(f"{table:<{width}}  {rows:>9,}")
        self.stdout.write(
            f"{backup} restores: {len(counts)} tables, {sum(counts.values()):,} rows."
        )
