"""Backup and restore keep the record exactly, on whichever database the suite runs on:
every table, every row, every value (times to the microsecond), the history's users and
reasons included, which dumpdata/loaddata does not keep. And the commands say plainly why
they refuse.

Tests that back up are transactional: pg_dump runs in another process and sees only
committed data, and a scratch PostgreSQL database cannot be created inside a transaction.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from goldenthread.core import backup
from goldenthread.core.backup import backup_database, restore_database, scratch_database
from goldenthread.core.models import Objective, Risk
from goldenthread.core.services.plans import save_objective
from goldenthread.core.services.risks import close_risk, update_risk


def tables(db: BaseDatabaseWrapper) -> list[str]:
    """Every table, read from the catalogue rather than Django's introspection, so that
    SQLite's own sqlite_sequence (the next ids) is compared too."""
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        else:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        return [name for (name,) in cursor.fetchall()]


def rows(db: BaseDatabaseWrapper, table: str) -> list[tuple]:
    with db.cursor() as cursor:
        key = db.introspection.get_primary_key_columns(cursor, table)
        order = ", ".join(map(db.ops.quote_name, key)) if key else "1, 2"
        cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)} ORDER BY {order}")
        # Decimal("1.50") == Decimal("1.5"): compare numbers as stored, with their places.
        return [
            tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in cursor.fetchall()
        ]


def schema(db: BaseDatabaseWrapper) -> list[tuple]:
    """Indexes, constraints and sequences, so a restore that lost one fails too."""
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2")
            return cursor.fetchall()
        # Names, kinds and column names, not definitions or column numbers: PostgreSQL
        # prints a CHECK constraint read back from a dump with its casts in other places,
        # and numbers columns afresh where a migration had dropped one.
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        )
        found = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"
        )
        found += cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, confrelid::regclass::text, "
            "ARRAY(SELECT attname FROM pg_attribute "
            "WHERE attrelid = conrelid AND attnum = ANY(conkey) ORDER BY attname)::text "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        found += cursor.fetchall()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' ORDER BY 1"
        )
        return found + cursor.fetchall()


@pytest.fixture
def audited(world, client):
    """The world after a few changes through the services, so the history holds rows
    with people, reasons and times to the microsecond, and a signed-in session."""
    update_risk(risk=world.risk, by=world.member, title="Police funding cut by a fifth")
    close_risk(risk=world.risk, by=world.lead, reason="Funding confirmed for 2026/27")
    save_objective(
        plan=world.draft_plan,
        objective=world.draft_objective,
        by=world.member,
        title="Fewer burglaries in the hotspots",
        owner=world.member,
        lead_organisation=world.police,
        deadline=datetime.date(2027, 3, 31),
        outcomes=[world.outcome],
        indicators=[world.indicator],
    )
    client.force_login(world.lead)
    return world


@pytest.mark.django_db(transaction=True)
def test_it_restores_every_table_row_for_row(audited, tmp_path):
    history = list(Risk.history.filter(id=audited.risk.id).order_by("history_id"))
    assert [(h.history_user, h.history_change_reason) for h in history[-2:]] == [
        (audited.member, "Changed title"),
        (audited.lead, "Funding confirmed for 2026/27"),
    ]
    assert Objective.history.filter(history_user=audited.member).exists()
    # Times to the microsecond, so equal rows below mean nothing was rounded.
    assert any(h.history_date.microsecond % 1000 for h in Risk.history.all())

    file = tmp_path / "goldenthread.backup"
    assert backup_database(connection, file) == file.stat().st_size > 0

    with scratch_database(connection) as restored:
        assert tables(restored) == []
        restore_database(restored, file)

        # Tables first: a backup that dropped one fails here, not in a missing comparison.
        assert tables(restored) == tables(connection)
        names = tables(connection)
        assert {"django_migrations", "django_session", "core_user", "auth_permission"} <= {*names}
        assert {"core_historicalrisk", "core_historicalobjective_indicators"} <= {*names}
        for table in names:
            assert rows(restored, table) == rows(connection, table), table
        assert schema(restored) == schema(connection)
        assert sum(len(rows(connection, table)) for table in names) > 200


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_checks_and_restores_through_the_commands(audited, tmp_path):
    file = tmp_path / "nightly.backup"
    out = io.StringIO()
    call_command("backup_database", "--output", str(file), stdout=out)
    assert out.getvalue().startswith(f"Wrote {file}: ")
    assert f"({file.stat().st_size:,} bytes)" in out.getvalue()

    out = io.StringIO()
    call_command("check_backup", str(file), stdout=out)
    report = out.getvalue().splitlines()
    risks = Risk.history.count()
    assert any(line.split() == ["core_historicalrisk", str(risks)] for line in report)
    assert report[-1].startswith(
        f"{file} restores: {len(connection.introspection.table_names())} tables"
    )

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", "--output", str(file))
    # The configured database has tables: a restore would mix the two.
    with pytest.raises(CommandError, match=r"is not empty: it has \d+ tables.*--force"):
        call_command("restore_database", str(file))


@pytest.mark.django_db
def test_it_refuses_what_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore_database", str(tmp_path / "missing.backup"))

    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(CommandError, match="is not a backup: it is neither"):
        call_command("check_backup", str(text))

    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP" + bytes(100))
        wrong = "is a backup of a PostgreSQL database, but the configured database is SQLite"
    else:
        other.write_bytes(b"SQLite format 3\x00" + bytes(100))
        wrong = "is a backup of an SQLite database, but the configured database is PostgreSQL"
    with pytest.raises(CommandError, match=wrong):
        call_command("restore_database", str(other))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's")
def test_it_says_when_pg_dump_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "DEBIAN_PG_BIN", str(tmp_path / "{major}"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match=r"pg_dump was not found\. Install PostgreSQL"):
        call_command("backup_database", "--output", str(tmp_path / "x.dump"))
    assert not (tmp_path / "x.dump").exists()
