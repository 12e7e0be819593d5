"""The way out and back: `manage.py export` writes the whole database and every stored file
as a ZIP of CSV files, readable without Golden Thread; `manage.py import` loads it into an
empty installation, and exporting again gives the same files, byte for byte.

The round trip runs on a real database that is emptied in between (transactional_db and
`flush`, which makes the content types and permissions again with ids of its own, as a new
installation would)."""

import csv
import datetime
import hashlib
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from jsonschema import Draft202012Validator, FormatChecker

from goldenthread.core.archive import (
    archived_models,
    migration_state,
    read_csv,
    tables_with_data,
)
from goldenthread.core.models import AnnualReport, Job, JobKind, Organisation, Result, User
from goldenthread.demo.load import load_demo
from tests.conftest import published

TRICKY = 'He said "no", then\r\nleft; =SUM(A1), ünïcödé, tab\there, comma, end '


def members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def shift_a_content_type() -> None:
    """Give core.area a content type id that a new installation would not give it, so a
    load that kept ids rather than natural keys would point at the wrong one."""
    ContentType.objects.filter(app_label="core", model="area").delete()
    create_contenttypes(apps.get_app_config("core"), verbosity=0)
    call_command("migrate", "core", verbosity=0)  # makes the permissions again (post_migrate)


def rich_data(world) -> dict:
    """The demo, the test world, and values that are easy to get wrong."""
    load_demo(today=datetime.date(2026, 5, 12))
    report = published(world)  # stored PDF and Word files
    _ = world.job  # a finished export with its file
    world.lead.first_name = TRICKY
    world.lead.save()
    area = ContentType.objects.get(app_label="core", model="area")
    group = Group.objects.create(name="Auditors")
    group.permissions.set(Permission.objects.filter(content_type=area))
    world.performance.user_permissions.add(Permission.objects.get(codename="view_result"))
    LogEntry.objects.create(
        user=world.performance,
        content_type=area,
        object_id=None,  # NULL, beside the next one's empty text
        object_repr="An area",
        action_flag=1,
        change_message="",
    )
    LogEntry.objects.create(
        user=world.performance,
        content_type=area,
        object_id="",
        object_repr=TRICKY,
        action_flag=2,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )
    Job.objects.create(
        kind=JobKind.EXPORT,
        title="Exporting every partnership",
        status=Job.Status.SUCCEEDED,
        started_by=world.performance,
        params={"z": [1, 2.5, None, True], "a": {"é": "x", "b": ""}},
        result_file="jobs/missing/never-stored.zip",  # named, but not in storage
    )
    EmailAddress.objects.create(user=world.lead, email="lead@example.org", verified=True)
    Authenticator.objects.create(
        user=world.lead, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"}, last_used_at=None
    )
    result = Result.objects.filter(value__isnull=False).first()
    return {
        "report": report.pk,
        "result": (result.pk, result.value),
        "counts": {m._meta.label: m._base_manager.count() for m in archived_models()},
        "files": {
            name: default_storage.open(name).read()
            for name in (report.pdf.name, report.docx.name, world.job.result_file.name)
        },
    }


def empty_the_installation() -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.STORAGES["default"]["OPTIONS"]["location"], ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_it_goes_out_and_comes_back_the_same(world, tmp_path):
    shift_a_content_type()
    before = rich_data(world)
    area_before = ContentType.objects.get_by_natural_key("core", "area").pk
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    call_command("export", str(first), stdout=io.StringIO())

    empty_the_installation()
    assert tables_with_data() == []
    assert ContentType.objects.get_by_natural_key("core", "area").pk != area_before
    out = io.StringIO()
    call_command("import", str(first), stdout=out)
    assert "Imported" in out.getvalue()

    # Every row is back, and the history has gained nothing.
    assert {m._meta.label: m._base_manager.count() for m in archived_models()} == before["counts"]
    pk, value = before["result"]
    assert Result.objects.get(pk=pk).value == value and isinstance(value, Decimal)
    assert User.objects.get(username=world.lead.username).first_name == TRICKY
    # Content types and permissions by natural key, not by the old ids.
    area = ContentType.objects.get_by_natural_key("core", "area")
    assert set(LogEntry.objects.values_list("content_type", flat=True)) >= {area.pk}
    assert set(Group.objects.get(name="Auditors").permissions.all()) == set(
        Permission.objects.filter(content_type=area)
    )
    assert User.objects.get(pk=world.performance.pk).has_perm("core.view_result")
    entries = LogEntry.objects.filter(content_type=area).order_by("pk")
    assert [e.object_id for e in entries] == [None, ""]
    assert Job.objects.get(title="Exporting every partnership").params == {
        "z": [1, 2.5, None, True],
        "a": {"é": "x", "b": ""},
    }
    assert Authenticator.objects.get().last_used_at is None
    # The stored files are back in storage.
    for name, content in before["files"].items():
        assert default_storage.open(name).read() == content
    report = AnnualReport.objects.get(pk=before["report"])
    assert report.pdf.read()[:4] == b"%PDF"
    # The sequences carry on after the highest id (PostgreSQL's are reset).
    highest = Organisation.objects.order_by("-pk").first().pk
    assert Organisation.objects.create(name="After the import").pk > highest

    Organisation.objects.filter(name="After the import").delete()
    call_command("export", str(second), stdout=io.StringIO())
    again, original = members(second), members(first)
    assert [name for name, _ in again] == [name for name, _ in original]
    for (name, content), (_, expected) in zip(again, original, strict=True):
        assert content == expected, f"{name} differs after the round trip"


@pytest.mark.django_db(transaction=True)
def test_it_is_readable_without_golden_thread(world, tmp_path):
    published(world)
    world.lead.first_name = TRICKY
    world.lead.save()
    path = tmp_path / "archive.zip"
    call_command("export", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "README.txt" and names[-1] == "manifest.json"
        manifest = json.loads(archive.read("manifest.json"))
        # Nothing that changes from one export to the next (no time of export).
        assert set(manifest) == {
            "format",
            "format_version",
            "migrations",
            "members",
            "missing_files",
            "left_out",
        }
        listed = [m["name"] for m in manifest["members"]]
        assert listed == names[:-1]
        assert manifest["migrations"] == migration_state()
        assert "0017_api_tokens_open_data_archive" in manifest["migrations"]["core"]
        for member in manifest["members"]:
            content = archive.read(member["name"])
            assert hashlib.sha256(content).hexdigest() == member["sha256"]
            if member["kind"] != "table":
                continue
            # Any RFC 4180 reader reads it: the header, then one record per row.
            records = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
            assert len(records) - 1 == member["rows"]
            schema = json.loads(archive.read(member["schema"]))
            Draft202012Validator.check_schema(schema)
            assert records[0] == schema["x-csv"]["columns"]
            validator = Draft202012Validator(schema, format_checker=FormatChecker())
            rows = read_csv(io.BytesIO(content))
            header = next(rows)
            for row in rows:
                decoded = {
                    column: decode(schema["properties"][column], text)
                    for column, text in zip(header, row, strict=True)
                }
                validator.validate(decoded)
        users = archive.read("tables/core_user.csv").decode()
        assert '"He said ""no"", then\r\nleft; =SUM(A1)' in users
        files = [m for m in manifest["members"] if m["kind"] == "file"]
        assert {m["name"].rsplit(".", 1)[-1] for m in files} >= {"pdf", "docx"}


def decode(schema: dict, text: str | None):
    """A cell as README.txt says to read it: NULL as null, then by the schema's type."""
    if text is None:
        return None
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "contentMediaType" in json.dumps(schema):
        return json.loads(text)
    if "integer" in kinds:
        return int(text)
    if "boolean" in kinds:
        return {"true": True, "false": False}[text]
    if "number" in kinds:
        return float(text)
    return text


def rewritten(path: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, content) -> content` applied to each
    member, the manifest last (given the parsed manifest)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            copy.writestr(name, change(name, source.read(name)))
    return target


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_installation_with_data(world, tmp_path):
    path = tmp_path / "archive.zip"
    call_command("export", str(path), stdout=io.StringIO())
    users = User.objects.count()
    with pytest.raises(CommandError, match="already has data"):
        call_command("import", str(path), stdout=io.StringIO())
    assert User.objects.count() == users


@pytest.mark.django_db(transaction=True)
def test_it_refuses_other_migrations_and_changed_files(world, tmp_path):
    path = tmp_path / "archive.zip"
    call_command("export", str(path), stdout=io.StringIO())
    empty_the_installation()

    def older(name, content):
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["migrations"]["core"] = manifest["migrations"]["core"][:-1]
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match=r"other migrations.*core: archive at \d{4}_"):
        call_command("import", str(rewritten(path, tmp_path / "old.zip", older)))

    def tampered(name, content):
        return content.replace(b"Tester", b"Hacker") if name == "tables/core_user.csv" else content

    with pytest.raises(CommandError, match=r"core_user\.csv is not the file.*SHA-256"):
        call_command("import", str(rewritten(path, tmp_path / "bad.zip", tampered)))
    assert tables_with_data() == []


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_loads_nothing(world, tmp_path):
    published(world)
    path = tmp_path / "archive.zip"
    call_command("export", str(path), stdout=io.StringIO())
    empty_the_installation()
    # The last table with rows gets a second row with the same primary key, and the
    # manifest is made to agree, so only the database can refuse it.
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    last = [m for m in manifest["members"] if m["kind"] == "table" and m["rows"]][-1]

    with zipfile.ZipFile(path) as archive:
        original = archive.read(last["name"])

    def change(name, content):
        if name == last["name"]:
            return with_copy(original)
        if name == "manifest.json":
            for member in manifest["members"]:
                if member["name"] == last["name"]:
                    member["rows"] += 1
                    member["sha256"] = hashlib.sha256(with_copy(original)).hexdigest()
            return json.dumps(manifest).encode()
        return content

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", str(rewritten(path, tmp_path / "dup.zip", change)))
    assert tables_with_data() == []
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def with_copy(content: bytes) -> bytes:
    """The CSV with its first row written again at the end."""
    first_row = content.split(b"\r\n")[1]
    return content + first_row + b"\r\n"


def test_the_commands_are_ours():
    from django.core.management import get_commands

    assert get_commands()["export"] == "goldenthread.core"
    assert get_commands()["import"] == "goldenthread.core"


def test_the_archive_leaves_out_sessions_and_the_queue():
    tables = {m._meta.db_table for m in archived_models()}
    assert "django_session" not in tables and "django_content_type" not in tables
    assert {"core_user", "core_historicalresult", "auth_group_permissions"} <= tables
