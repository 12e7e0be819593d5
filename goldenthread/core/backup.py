"""Backups that keep the record exactly, and restoring them (README, "Backups").

`dumpdata`/`loaddata` is not a backup: loading re-runs the model layer, so the history
(django-simple-history) gains rows with no user dated at restore time, and the JSON keeps
times only to the millisecond. A backup here is a copy of the database itself, made by
the database: SQLite's online backup API copies every page of the file as one consistent
snapshot while the service runs, and PostgreSQL's pg_dump writes a consistent snapshot in
its custom format for pg_restore. Both keep every table, row and value as stored.

The commands backup_database, restore_database and check_backup call these functions.
"""

import datetime
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from psycopg.conninfo import make_conninfo

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Debian keeps each PostgreSQL version's programs here; /usr/bin holds a wrapper that may
# pick another version, and pg_dump refuses a server newer than itself.
DEBIAN_PG_BIN = "/usr/lib/postgresql/{major}/bin"
# Connection settings from DATABASES' OPTIONS that libpq's programs understand too
# (e.g. ?sslmode=require in DATABASE_URL). Django-only options are left out.
LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "options",
    "service",
    "passfile",
    "target_session_attrs",
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the officer."""


def default_backup_path(
    connection: BaseDatabaseWrapper, folder: Path, now: datetime.datetime
) -> Path:
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    return folder / f"goldenthread-{now:%Y%m%d-%H%M%S}{suffix}"


def backup_database(connection: BaseDatabaseWrapper, output: Path) -> int:
    """Write a consistent copy of the database to `output`, which must not exist yet.
    Returns the backup's size in bytes."""
    _check_vendor(connection)
    if output.exists():
        raise BackupError(f"{output} exists already: choose another file with --output.")
    # Written under another name and renamed when complete, so a backup that fails half
    # way never leaves a file that looks like a good one.
    partial = output.with_name(output.name + ".partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                # Through Django's own connection, so an in-memory database works too.
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            conninfo, env = _pg_connection(connection.settings_dict)
            _run(
                [
                    _pg_program(connection, "pg_dump"),
                    "--format=custom",
                    "--no-password",
                    f"--file={partial}",
                    f"--dbname={conninfo}",
                ],
                env,
            )
        partial.replace(output)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"Could not write {output}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return output.stat().st_size


def restore_database(connection: BaseDatabaseWrapper, backup: Path, *, force: bool = False) -> None:
    """Restore `backup` into the database. Refuses a database that has tables unless
    `force`, since the backup would otherwise be mixed with whatever is there."""
    _check_backup_file(connection, backup)
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            f"The database {_describe(connection)} is not empty: it has {len(tables)} "
            "tables. Restore into an empty database, or pass --force to replace its "
            "contents with the backup."
        )
    if connection.vendor == "sqlite":
        source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            # The backup API replaces every page of the target, so --force leaves nothing
            # of what was there before.
            source.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(f"Could not restore into {_describe(connection)}: {error}") from error
        finally:
            source.close()
        # Django's connection may hold state about the old schema: start afresh.
        connection.close()
        return
    conninfo, env = _pg_connection(connection.settings_dict)
    args = [
        _pg_program(connection, "pg_restore"),
        # Owners and grants name roles of the server the backup came from, which need
        # not exist here; the tables belong to whoever restores them.
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        # All or nothing: a restore that fails leaves the database as it was.
        "--single-transaction",
        "--no-password",
        f"--dbname={conninfo}",
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(backup)], env)


def count_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Every table and its number of rows."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def check_backup(connection: BaseDatabaseWrapper, backup: Path) -> dict[str, int]:
    """Restore `backup` into a scratch database beside the configured one, and return
    its tables' row counts: proof that the backup restores. The scratch database is
    deleted afterwards; the configured database is only read."""
    _check_backup_file(connection, backup)
    with scratch_database(connection) as scratch:
        restore_database(scratch, backup)
        if scratch.vendor == "sqlite":
            with scratch.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                problems = [row[0] for row in cursor.fetchall() if row[0] != "ok"]
            if problems:
                raise BackupError(f"{backup} is damaged: {'; '.join(problems[:5])}")
        return count_rows(scratch)


@contextmanager
def scratch_database(connection: BaseDatabaseWrapper) -> Iterator[BaseDatabaseWrapper]:
    """A new, empty database of the same kind as `connection`'s (a temporary SQLite
    file, or a database on the same PostgreSQL server), deleted afterwards."""
    _check_vendor(connection)
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="goldenthread-scratch-") as folder:
            scratch = _connect_to(connection, str(Path(folder) / "scratch.sqlite3"))
            try:
                yield scratch
            finally:
                scratch.close()
        return
    # PostgreSQL keeps 63 characters of a name; the random part must survive.
    name = f"{connection.settings_dict['NAME'][:40]}_scratch_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    try:
        with connection.cursor() as cursor:
            # template0, so nothing a host adds to template1 makes it non-empty.
            cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    except DatabaseError as error:
        raise BackupError(
            f"Could not create a scratch database to restore into ({error}). The database "
            "user needs permission to create databases (CREATEDB)."
        ) from error
    scratch = _connect_to(connection, name)
    try:
        yield scratch
    finally:
        scratch.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")


def _connect_to(connection: BaseDatabaseWrapper, name: str) -> BaseDatabaseWrapper:
    # As Django's test-database code does: the same settings with another database name.
    wrapper = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper
    return wrapper({**connection.settings_dict, "NAME": name}, alias="scratch")


def _check_vendor(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {connection.display_name} databases are not supported.")


def _check_backup_file(connection: BaseDatabaseWrapper, backup: Path) -> None:
    """Refuse, before touching any database, a file that is missing, of the wrong kind
    for the configured database, or not a Golden Thread backup."""
    _check_vendor(connection)
    if not backup.is_file():
        raise BackupError(f"There is no backup file {backup}.")
    with backup.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    kind = (
        "sqlite"
        if start.startswith(SQLITE_MAGIC)
        else "postgresql"
        if start.startswith(PG_DUMP_MAGIC)
        else None
    )
    if kind is None:
        raise BackupError(
            f"{backup} is not a backup: it is neither an SQLite database nor a "
            "PostgreSQL custom-format dump."
        )
    if kind != connection.vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        a = {"sqlite": "an", "postgresql": "a"}[kind]
        raise BackupError(
            f"{backup} is a backup of {a} {names[kind]} database, but the configured "
            f"database is {names[connection.vendor]}. Set DATABASE_URL to {a} "
            f"{names[kind]} database to restore it."
        )
    if kind == "sqlite":
        source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            found = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} cannot be read as a backup: {error}") from error
        finally:
            source.close()
    else:
        listing = _run([_pg_program(connection, "pg_restore"), "--list", str(backup)], None)
        found = " django_migrations " in listing
    if not found:
        raise BackupError(
            f"{backup} is a database, but not a Golden Thread backup: it has no "
            "django_migrations table."
        )


def _describe(connection: BaseDatabaseWrapper) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    return f"{settings['NAME']} on {settings['HOST'] or 'localhost'}"


def _pg_connection(settings: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The libpq connection string for pg_dump and pg_restore, and their environment.
    The password goes in PGPASSWORD, since a command line can be read by anyone on the
    machine (ps)."""
    params = {
        "dbname": settings["NAME"],
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        **{key: value for key, value in settings["OPTIONS"].items() if key in LIBPQ_OPTIONS},
    }
    conninfo = make_conninfo(**{key: str(value) for key, value in params.items() if value})
    env = dict(os.environ)
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return conninfo, env


def _pg_program(connection: BaseDatabaseWrapper, name: str) -> str:
    """pg_dump or pg_restore of the server's version if installed, else the one on PATH."""
    major = connection.pg_version // 10000
    exact = Path(DEBIAN_PG_BIN.format(major=major)) / name
    if exact.is_file():
        return str(exact)
    if found := shutil.which(name):
        return found
    raise BackupError(
        f"{name} was not found. Install PostgreSQL {major}'s client programs "
        f"(on Debian: apt-get install postgresql-client-{major})."
    )


def _run(args: list[str], env: dict[str, str] | None) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"Could not run {args[0]}: {error}") from error
    if done.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")
    return done.stdout
