"""A copy of the freshly loaded demo, taken once per test session and put back for each
browser test: loading the demo takes 8-13 seconds, putting it back a fraction of one.

The copy is the whole database, not only the models' tables: the history tables, the task
queue's, sessions, the cache table (emptied before the copy is taken), Django's content
types and permissions (whose ids a flush changes), and where new ids start, so a test sees
exactly what `load_demo` left and writes rows with the ids it would have had.

- SQLite (pytest-django's in-memory database, or a file): SQLite's online backup copies
  every page of the database into a private in-memory database and back.
- PostgreSQL: COPY of every table into memory; to put it back, one TRUNCATE of every table,
  COPY of each table that had rows (foreign keys are checked at commit, so in any order), and
  every sequence set to the value it had, all in one transaction.
- Any other database: the demo is loaded again for each test.

Files the load puts in Django's storage (a folder) are copied alongside, and copied into each
test's own storage folder when the rows are put back.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection, transaction


@dataclass
class _Postgres:
    tables: dict[str, bytes] = field(default_factory=dict)  # table: its rows, COPY text format
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)  # name, value, is_called


class DemoSnapshot:
    """The demo as `load_demo` left it, taken on first use in a session."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._taken = False
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: _Postgres | None = None
        self._media: Path | None = None

    def fresh_demo(self) -> None:
        """Make the database the freshly loaded demo: load it the first time (and copy it),
        put the copy back every time after."""
        if self._taken:
            self._restore()
        else:
            _clear_caches()
            call_command("load_demo", stdout=io.StringIO())
            self._take()

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

    def _take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
        elif connection.vendor == "postgresql":
            self._postgres = _copy_postgres()
        else:
            return  # no copy: _restore is never called, the demo is loaded each time
        media = _media_root()
        if media is not None and media.exists():
            self._media = self._folder / "media"
            shutil.copytree(media, self._media)
        self._taken = True

    def _restore(self) -> None:
        connection.ensure_connection()
        if self._sqlite is not None:
            self._sqlite.backup(connection.connection)
        elif self._postgres is not None:
            _restore_postgres(self._postgres)
        # Content types are cached by id, and the flush after the last test gave them new ids.
        ContentType.objects.clear_cache()
        _clear_caches()
        if self._media is not None:
            media = _media_root()
            if media is None:
                raise RuntimeError("the demo wrote files, but this test's storage is not a folder")
            shutil.copytree(self._media, media, dirs_exist_ok=True)


def _clear_caches() -> None:
    # The database cache's table is not a model's, so the flush after each test leaves it.
    for alias in settings.CACHES:
        caches[alias].clear()


def _media_root() -> Path | None:
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor, include_views=False)


def _copy_postgres() -> _Postgres:
    snapshot = _Postgres()
    quote = connection.ops.quote_name
    with transaction.atomic():
        cursor = connection.connection.cursor()
        for table in _table_names():
            with cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                rows = b"".join(bytes(chunk) for chunk in copy)
            if rows:
                snapshot.tables[table] = rows
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
            " coalesce(last_value, start_value), last_value IS NOT NULL"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
        snapshot.sequences = [(name, value, called) for name, value, called in cursor.fetchall()]
    return snapshot


def _restore_postgres(snapshot: _Postgres) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic():
        cursor = connection.connection.cursor()
        tables = ", ".join(quote(table) for table in _table_names())
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        for table, rows in snapshot.tables.items():
            with cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                copy.write(rows)
        if snapshot.sequences:
            calls = ", ".join("setval(%s, %s, %s)" for _ in snapshot.sequences)
            cursor.execute(
                f"SELECT {calls}", [part for sequence in snapshot.sequences for part in sequence]
            )
