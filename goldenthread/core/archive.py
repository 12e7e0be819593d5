"""The way out and back (README, "Leaving, and coming back"): the whole database and every
stored file as one ZIP of CSV files, readable without Golden Thread, and loading such an
archive into an empty installation.

The archive holds, in this order: README.txt (the format, for whoever reads it without us);
for each table, in the order it loads, `tables/<table>.csv` and its JSON Schema
`schemas/<table>.schema.json`; every stored file under `files/`; and `manifest.json` last,
since it carries every other member's SHA-256. Nothing in it depends on when it was made,
so exporting the same data twice gives the same members, byte for byte, in the same order.

CSV (RFC 4180, UTF-8, CRLF, a header row, rows by primary key) follows PostgreSQL's COPY
convention for NULL: every value is quoted, and NULL is the one field left empty and
unquoted, so NULL and "" stay apart. Times are UTC with microseconds, decimals are written
as stored, JSON is canonical (sorted keys). Content types and permissions are made by
`migrate` with ids of each installation's own, so they are not rows of the archive: a
column pointing at one holds its natural key ("app_label.model", and
"app_label.model.codename" for a permission), mapped back to ids on import.

Left out on purpose: sign-in sessions (django_session, allauth's usersessions: restoring
them would let a copy of the archive act as a signed-in person; everyone signs in again),
the task queue (django-tasks' results: the machinery's passing state, not data; the jobs a
person sees are kept), the cache table (not data), and the files of earlier archives (each
would otherwise hold every one before it); the rows naming them are kept.

Loading inserts the rows as they were, primary keys and all, with bulk INSERTs that run no
save() and no signal (so the history gains nothing), in one transaction, then resets
PostgreSQL's sequences. The archive holds password hashes, second-factor secrets and
identity providers' client secrets: keep it as safe as the database itself.
"""

import base64
import datetime
import decimal
import hashlib
import io
import json
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from .models import Job, JobKind

FORMAT = "golden-thread-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
README = "README.txt"
# Made by migrate in every installation (ids of its own), or left out (module docstring).
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
LEFT_OUT = {
    "sessions.session",
    "usersessions.usersession",
    "django_tasks_database.dbtaskresult",
}
# Every member is dated 1980-01-01 (ZIP's earliest), so no member says when it was made.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BATCH = 2000
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Progress = Callable[[int, int, str], None]


class ArchiveError(Exception):
    """An archive that cannot be made or loaded; the message says why, for the officer."""


# --- which tables, in which order -------------------------------------------------------------


def archived_models() -> list[type[models.Model]]:
    """Every table whose rows are data, in an order that loads: a table after the tables
    its foreign keys point at (ties, and the rare cycle, broken by table name)."""
    chosen = {
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower not in MADE_BY_MIGRATE | LEFT_OUT
    }
    needs: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in chosen:
        needs[model] = {
            field.related_model
            for field in model._meta.local_concrete_fields
            if field.is_relation and field.related_model in chosen and field.related_model != model
        }
    ordered: list[type[models.Model]] = []
    done: set[type[models.Model]] = set()
    while len(done) < len(chosen):
        left = sorted(chosen - done, key=lambda m: m._meta.db_table)
        # The first by name whose keys point at tables already placed; in a cycle, the
        # first by name (its foreign keys are checked at commit).
        model = next((m for m in left if needs[m] <= done), left[0])
        ordered.append(model)
        done.add(model)
    return ordered


def migration_state() -> dict[str, list[str]]:
    """The migrations applied, by app: an archive loads only where they are the same."""
    state: dict[str, list[str]] = defaultdict(list)
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        state[app_label].append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


# --- values -----------------------------------------------------------------------------------

INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _internal_type(field: models.Field) -> str:
    if field.is_relation:
        return _internal_type(field.target_field)
    return field.get_internal_type()


def _natural(field: models.Field) -> type[models.Model] | None:
    if field.is_relation and field.related_model in (ContentType, Permission):
        return field.related_model
    return None


def _utc(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def _encoder(field: models.Field) -> Callable[[Any], str]:
    kind = _internal_type(field)
    if kind in INTEGER_TYPES:
        return lambda v: str(int(v))
    if kind == "BooleanField":
        return lambda v: "true" if v else "false"
    if kind == "DecimalField":
        return lambda v: format(decimal.Decimal(v), "f")
    if kind == "FloatField":
        return repr
    if kind == "DateTimeField":
        return _utc
    if kind in ("DateField", "TimeField"):
        return lambda v: v.isoformat()
    if kind == "DurationField":
        return lambda v: str(round(v.total_seconds() * 1_000_000))
    if kind == "JSONField":
        return lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if kind == "BinaryField":
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    if kind == "UUIDField":
        return lambda v: str(uuid.UUID(str(v)))
    # Text of every kind (CharField, TextField, FileField's name, PeriodField's key …):
    # the value as the database holds it.
    return lambda v: str(field.get_prep_value(v))


def _decoder(field: models.Field) -> Callable[[str], Any]:
    """From the CSV's text to the value the INSERT binds (through get_db_prep_save, so
    each database gets its own form: SQLite's naive UTC text, PostgreSQL's timestamptz)."""
    kind = _internal_type(field)
    target = field.target_field if field.is_relation else field
    if kind in INTEGER_TYPES:
        parse: Callable[[str], Any] = int
    elif kind == "BooleanField":
        parse = {"true": True, "false": False}.__getitem__
    elif kind == "DecimalField":
        parse = decimal.Decimal
    elif kind == "FloatField":
        parse = float
    elif kind == "DateTimeField":
        parse = datetime.datetime.fromisoformat
    elif kind == "DateField":
        parse = datetime.date.fromisoformat
    elif kind == "TimeField":
        parse = datetime.time.fromisoformat
    elif kind == "DurationField":
        parse = lambda t: datetime.timedelta(microseconds=int(t))  # noqa: E731
    elif kind == "JSONField":
        parse = json.loads
    elif kind == "BinaryField":
        parse = base64.b64decode
    elif kind == "UUIDField":
        parse = uuid.UUID
    else:
        # Text is bound as it is: it is what the database held.
        if connection.vendor == "postgresql":
            return _no_nul
        return str
    return lambda text: target.get_db_prep_save(parse(text), connection)


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ArchiveError(
            "A text value holds a NUL character, which PostgreSQL cannot store "
            f"(it begins {text[:40]!r}). Remove it from the archive's CSV and try again."
        )
    return text


# --- CSV --------------------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return "" if text is None else '"' + text.replace('"', '""') + '"'


def _csv_line(cells: list[str | None]) -> str:
    return ",".join(_cell(c) for c in cells) + "\r\n"


_CELL = re.compile(r'(?:"((?:[^"]|"")*)")?(,|\Z)', re.S)


def read_csv(stream: IO[bytes]) -> Iterator[list[str | None]]:
    """The records of an archive's CSV: quoted fields as text, empty unquoted ones as None
    (NULL). Python's csv module cannot tell those two apart, hence this reader."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    pending: list[str] = []
    quotes = 0
    for number, line in enumerate(text, start=1):
        pending.append(line)
        quotes += line.count('"')
        if quotes % 2:
            continue  # a quoted field runs on into the next line
        record = "".join(pending)
        pending, quotes = [], 0
        if not record.endswith("\r\n"):
            raise ArchiveError(f"Line {number} of a CSV file does not end in CRLF.")
        yield _fields(record[:-2], number)
    if pending:
        raise ArchiveError("A CSV file ends inside a quoted field.")


def _fields(record: str, number: int) -> list[str | None]:
    cells: list[str | None] = []
    position = 0
    while True:
        match = _CELL.match(record, position)
        if match is None or (match.group(2) == "" and match.end() != len(record)):
            raise ArchiveError(f"Line {number} of a CSV file is not RFC 4180 CSV as written.")
        quoted = match.group(1)
        cells.append(None if quoted is None else quoted.replace('""', '"'))
        if match.group(2) == "":
            return cells
        position = match.end()


# --- the tables -------------------------------------------------------------------------------


@dataclass
class Table:
    model: type[models.Model]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def fields(self) -> list[models.Field]:
        return list(self.model._meta.local_concrete_fields)

    @property
    def header(self) -> list[str]:
        # A column holding a natural key is named for the field, not for an id it lacks.
        return [f.name if _natural(f) else f.column for f in self.fields]

    @property
    def csv_name(self) -> str:
        return f"tables/{self.name}.csv"

    @property
    def schema_name(self) -> str:
        return f"schemas/{self.name}.schema.json"


def _natural_keys() -> dict[type[models.Model], dict[int, str]]:
    types = {
        pk: f"{a}.{m}" for pk, a, m in ContentType.objects.values_list("pk", "app_label", "model")
    }
    perms = {
        pk: f"{a}.{m}.{c}"
        for pk, a, m, c in Permission.objects.values_list(
            "pk", "content_type__app_label", "content_type__model", "codename"
        )
    }
    return {ContentType: types, Permission: perms}


def _rows(table: Table, keys: dict[type[models.Model], dict[int, str]]) -> Iterator[str]:
    encoders: list[Callable[[Any], str | None]] = []
    for field in table.fields:
        natural = _natural(field)
        encoders.append(keys[natural].__getitem__ if natural else _encoder(field))
    query = table.model._base_manager.order_by("pk").values_list(*[f.attname for f in table.fields])
    for values in query.iterator(chunk_size=BATCH):
        yield _csv_line(
            [None if v is None else encode(v) for encode, v in zip(encoders, values, strict=True)]
        )


# --- JSON Schema ------------------------------------------------------------------------------

JSON_TYPES = {
    "BooleanField": {"type": "boolean"},
    "DecimalField": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
    "FloatField": {"type": "number"},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "DateField": {"type": "string", "format": "date"},
    "TimeField": {"type": "string", "format": "time"},
    "DurationField": {"type": "integer", "description": "microseconds"},
    "UUIDField": {"type": "string", "format": "uuid"},
    "BinaryField": {"type": "string", "contentEncoding": "base64"},
    "GenericIPAddressField": {"type": "string"},
}


def _column_schema(field: models.Field) -> dict[str, Any]:
    kind = _internal_type(field)
    natural = _natural(field)
    if natural is ContentType:
        schema: dict[str, Any] = {"type": "string", "pattern": r"^[^.]+\.[^.]+$"}
    elif natural is Permission:
        schema = {"type": "string", "pattern": r"^[^.]+\.[^.]+\..+$"}
    elif kind in INTEGER_TYPES:
        schema = {"type": "integer"}
    elif kind == "JSONField":
        schema = {"contentMediaType": "application/json"}
    else:
        schema = dict(JSON_TYPES.get(kind, {"type": "string"}))
        max_length = getattr(field, "max_length", None)
        if schema["type"] == "string" and max_length and kind not in JSON_TYPES:
            schema["maxLength"] = max_length
    if field.null:
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
        else:
            schema = {"anyOf": [schema, {"type": "null"}]}
    words = str(field.verbose_name)
    if field.help_text:
        words += f": {field.help_text}"
    if natural is ContentType:
        words += " (a content type by natural key, app_label.model)"
    elif natural is Permission:
        words += " (a permission by natural key, app_label.model.codename)"
    schema["description"] = words
    if field.choices:
        schema["x-choices"] = {str(k): str(v) for k, v in field.flatchoices}
    if field.is_relation and not natural:
        schema["x-foreignKey"] = {
            "table": field.related_model._meta.db_table,
            "column": field.target_field.column,
            # The history keeps the ids of rows since deleted: not enforced there.
            "enforced": bool(getattr(field, "db_constraint", True)),
        }
    if field.primary_key:
        schema["x-primaryKey"] = True
    return schema


def table_schema(table: Table) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for one row of the table's CSV, read as an object of
    header → value decoded as README.txt says (NULL as null)."""
    meta = table.model._meta
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": table.schema_name,
        "title": table.name,
        "description": f"{str(meta.verbose_name).capitalize()} ({meta.label_lower}): "
        f"one row of {table.csv_name}, by primary key.",
        "type": "object",
        "properties": {
            column: _column_schema(field)
            for column, field in zip(table.header, table.fields, strict=True)
        },
        "required": table.header,
        "additionalProperties": False,
        "x-csv": {"file": table.csv_name, "columns": table.header},
        "x-primaryKey": [meta.pk.column],
    }


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


# --- stored files -----------------------------------------------------------------------------


def _file_columns(model: type[models.Model]) -> list[str]:
    """The columns of `model` naming a stored file: its FileFields, and in a history table
    the columns that were FileFields in the model it keeps the history of."""
    original = getattr(model, "instance_type", None)
    names = []
    for field in model._meta.local_concrete_fields:
        if isinstance(field, models.FileField):
            names.append(field.attname)
        elif original is not None:
            try:
                if isinstance(original._meta.get_field(field.name), models.FileField):
                    names.append(field.attname)
            except FieldDoesNotExist:  # a column of the history's own
                continue
    return names


def _earlier_archives() -> set[str]:
    return set(
        Job.objects.filter(kind=JobKind.ARCHIVE)
        .exclude(result_file="")
        .values_list("result_file", flat=True)
    )


def stored_file_names(tables: list[Table]) -> list[str]:
    names: set[str] = set()
    for table in tables:
        for column in _file_columns(table.model):
            names.update(
                table.model._base_manager.exclude(**{f"{column}__isnull": True})
                .exclude(**{column: ""})
                .values_list(column, flat=True)
                .distinct()
            )
    return sorted(names - _earlier_archives())


# --- writing ----------------------------------------------------------------------------------


class _Member:
    """One member being written: its bytes go into the ZIP and the hash at once."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.raw = archive.open(info, "w", force_zip64=True)
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.raw.write(data)
        self.sha.update(data)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.raw.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.size}


def _write(archive: zipfile.ZipFile, name: str, data: bytes, **about: Any) -> dict[str, Any]:
    member = _Member(archive, name)
    member.write(data)
    return {"name": name, **about, **member.close()}


def export_archive(target: IO[bytes] | str, *, progress: Progress | None = None) -> dict:
    """Write the archive to `target` (a path or a binary file) and return its manifest.
    Rows stream from the database a chunk at a time, into the ZIP, one table after
    another; call it inside `snapshot()` for a consistent copy of a running service."""
    tables = [Table(model) for model in archived_models()]
    keys = _natural_keys()
    files = stored_file_names(tables)
    total = len(tables) + 1
    members: list[dict[str, Any]] = []
    missing: list[str] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        members.append(_write(archive, README, readme_text().encode(), kind="readme"))
        for number, table in enumerate(tables):
            if progress:
                progress(number, total, f"Writing {table.name}, {number + 1} of {len(tables)}")
            member = _Member(archive, table.csv_name)
            member.write(_csv_line(table.header).encode())
            rows = 0
            buffer: list[str] = []
            for line in _rows(table, keys):
                buffer.append(line)
                rows += 1
                if len(buffer) >= BATCH:
                    member.write("".join(buffer).encode())
                    buffer = []
            member.write("".join(buffer).encode())
            members.append(
                {
                    "name": table.csv_name,
                    "kind": "table",
                    "table": table.name,
                    "model": table.model._meta.label_lower,
                    "rows": rows,
                    "schema": table.schema_name,
                    **member.close(),
                }
            )
            members.append(
                _write(
                    archive,
                    table.schema_name,
                    _json_bytes(table_schema(table)),
                    kind="schema",
                    table=table.name,
                )
            )
        if progress:
            progress(len(tables), total, f"Copying {len(files):,} stored files")
        for name in files:
            if not default_storage.exists(name):
                missing.append(name)
                continue
            member = _Member(archive, f"files/{name}")
            with default_storage.open(name, "rb") as stored:
                for chunk in File(stored).chunks():
                    member.write(chunk)
            members.append(
                {"name": f"files/{name}", "kind": "file", "stored_as": name, **member.close()}
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "migrations": migration_state(),
            "members": members,
            "missing_files": missing,
            "left_out": sorted(LEFT_OUT | MADE_BY_MIGRATE),
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, _json_bytes(manifest))
    return manifest


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction, so every table is read as at one moment while the service runs:
    on PostgreSQL a repeatable-read snapshot (writers carry on); on SQLite the write lock
    is held until the export ends (writers wait for it)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# --- loading ----------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise ArchiveError(f"This is not a Golden Thread archive: it has no {MANIFEST}.") from error
    except ValueError as error:
        raise ArchiveError(f"The archive's {MANIFEST} is not valid JSON.") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"This archive's format is {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r}; this installation reads {FORMAT!r} "
            f"version {FORMAT_VERSION}."
        )
    return manifest


def check_archive(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Refuse an archive made at other migrations, or one whose members are not the ones
    the manifest lists (a checksum fails, a member is missing or extra)."""
    here = migration_state()
    there = manifest.get("migrations", {})
    if there != here:
        differ = sorted(app for app in set(here) | set(there) if here.get(app) != there.get(app))
        described = "; ".join(
            f"{app}: archive at {(there.get(app) or ['nothing'])[-1]}, "
            f"this installation at {(here.get(app) or ['nothing'])[-1]}"
            for app in differ
        )
        raise ArchiveError(
            "The archive was made by a Golden Thread at other migrations than this one "
            f"({described}). Import it into an installation of the same version, migrated "
            "to the same state."
        )
    listed = [m["name"] for m in manifest["members"]]
    present = [n for n in archive.namelist() if n != MANIFEST]
    if sorted(listed) != sorted(present):
        extra = sorted(set(present) - set(listed))
        lacking = sorted(set(listed) - set(present))
        raise ArchiveError(
            "The archive's members are not the ones its manifest lists "
            f"(missing: {', '.join(lacking) or 'none'}; not listed: {', '.join(extra) or 'none'})."
        )
    for member in manifest["members"]:
        sha = hashlib.sha256()
        with archive.open(member["name"]) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                sha.update(chunk)
        if sha.hexdigest() != member["sha256"]:
            raise ArchiveError(
                f"{member['name']} is not the file the archive was made with: its SHA-256 "
                "does not match the manifest's. The archive is damaged or was changed."
            )


def tables_with_data() -> list[str]:
    return [model._meta.db_table for model in archived_models() if model._base_manager.exists()]


def _insert(table: Table, rows: list[list[Any]], columns: list[models.Field]) -> None:
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table.name),
        ", ".join(quote(f.column) for f in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _natural_ids() -> dict[type[models.Model], dict[str, int]]:
    return {model: {key: pk for pk, key in ids.items()} for model, ids in _natural_keys().items()}


def _load_table(archive: zipfile.ZipFile, table: Table, member: dict, ids: dict) -> int:
    decoders: list[Callable[[str], Any]] = []
    for field in table.fields:
        natural = _natural(field)
        if natural:
            lookup = ids[natural]

            def decode(text: str, lookup=lookup, natural=natural) -> int:
                try:
                    return lookup[text]
                except KeyError:
                    raise ArchiveError(
                        f"{table.csv_name} names {natural._meta.verbose_name} {text!r}, "
                        "which this installation does not have."
                    ) from None

            decoders.append(decode)
        else:
            decoders.append(_decoder(field))
    count = 0
    with archive.open(member["name"]) as stream:
        records = read_csv(stream)
        header = next(records, None)
        if header != table.header:
            raise ArchiveError(
                f"{table.csv_name}'s columns are not this installation's: "
                f"{', '.join(str(h) for h in header or [])}."
            )
        batch: list[list[Any]] = []
        for number, record in enumerate(records, start=2):
            if len(record) != len(decoders):
                raise ArchiveError(
                    f"Line {number} of {table.csv_name} has the wrong number of values."
                )
            try:
                batch.append(
                    [None if t is None else d(t) for d, t in zip(decoders, record, strict=True)]
                )
            except (ValueError, KeyError, decimal.InvalidOperation) as error:
                raise ArchiveError(
                    f"Line {number} of {table.csv_name} holds a value that cannot be read: {error}"
                ) from error
            if len(batch) >= BATCH:
                _insert(table, batch, table.fields)
                count += len(batch)
                batch = []
        if batch:
            _insert(table, batch, table.fields)
            count += len(batch)
    if count != member["rows"]:
        raise ArchiveError(
            f"{table.csv_name} has {count} rows; the manifest says {member['rows']}."
        )
    return count


def import_archive(source: IO[bytes] | str, *, progress: Progress | None = None) -> dict:
    """Load an archive into this installation, which must be empty (migrated, with no rows
    but the content types and permissions migrate makes): every row as it was, then every
    stored file, all in one transaction. Returns the manifest."""
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        check_archive(archive, manifest)
        tables = {t.name: t for t in (Table(m) for m in archived_models())}
        members = [m for m in manifest["members"] if m["kind"] == "table"]
        unknown = [m["table"] for m in members if m["table"] not in tables]
        if unknown or len(members) != len(tables):
            raise ArchiveError(
                "The archive's tables are not this installation's "
                f"(not known here: {', '.join(unknown) or 'none'})."
            )
        files = [m for m in manifest["members"] if m["kind"] == "file"]
        total = len(members) + 1
        with transaction.atomic():
            full = tables_with_data()
            if full:
                raise ArchiveError(
                    "This installation already has data (in "
                    f"{', '.join(full[:5])}{' …' if len(full) > 5 else ''}): an archive loads "
                    "into an empty installation only. Make a new database, run migrate, and "
                    "import into that."
                )
            ids = _natural_ids()
            for number, member in enumerate(members):
                if progress:
                    progress(number, total, f"Loading {member['table']}")
                _load_table(archive, tables[member["table"]], member, ids)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [t.model for t in tables.values()]
                ):
                    cursor.execute(sql)
            if progress:
                progress(len(members), total, f"Restoring {len(files):,} stored files")
            for member in files:
                name = member["stored_as"]
                if default_storage.exists(name):
                    default_storage.delete(name)
                with archive.open(member["name"]) as stream:
                    saved = default_storage.save(name, File(stream, name=name))
                if saved != name:
                    raise ArchiveError(f"The file store kept {name} as {saved}.")
    return manifest


# --- README.txt -------------------------------------------------------------------------------


def readme_text() -> str:
    return README_TEXT.replace("\n", "\r\n")


README_TEXT = f"""Golden Thread archive ({FORMAT}, format version {FORMAT_VERSION})
==========================================================

This ZIP holds the whole database of a Golden Thread installation and every file it
stored, in open formats, so it can be read without Golden Thread, and loaded into a new,
empty Golden Thread of the same version with `manage.py import <this file>`.

Members
-------
README.txt                 this file.
tables/<table>.csv         one per database table, named as the table is; in the order
                           they load (a table after those its foreign keys point at).
schemas/<table>.schema.json
                           a JSON Schema (draft 2020-12) for one row of that table: its
                           columns, their types, which may be null, what each means, the
                           choices allowed, and each foreign key (x-foreignKey: the table
                           and column it points at, and whether the database enforces it).
files/<name>               every stored file (published reports, exports), under the name
                           the tables give it (e.g. core_annualreport.pdf).
manifest.json              last: the format and its version; the migrations the database
                           was at, by app (an archive loads only at the same ones); every
                           other member in order, with its kind, table, row count, size and
                           SHA-256; stored files named by a table but missing from storage.

Nothing in the archive records when it was made: the same data gives the same members.

The CSV files
-------------
RFC 4180: UTF-8, comma-separated, lines ending CRLF, a header row of column names, rows in
primary-key order. Every value is quoted ("..."; a quote inside is doubled). NULL is an
empty field with no quotes; an empty text is "" (PostgreSQL's COPY ... CSV reads both
alike). A text may hold line breaks, inside its quotes.

Values, by the type the schema gives:
  integer          decimal digits, e.g. "42"
  boolean          "true" or "false"
  decimal          as stored, with its decimal places, e.g. "12.50" (type string, pattern)
  date-time        UTC, ISO 8601 with microseconds, e.g. "2025-07-01T09:30:00.000000Z"
  date             ISO 8601, e.g. "2025-06-30"
  JSON             canonical JSON text: keys sorted, no spaces (contentMediaType)
  text             as stored. Periods are stored as keys: "2025-Q3" is 2025/26 Q3 (the
                   UK financial year, April to March), "2025" the year 2025/26,
                   "2025-M08" its eighth month (November).

Content types and permissions are made by Golden Thread itself, with ids that differ
between installations, so they are not tables here: a column pointing at one (named for
its field, e.g. content_type, permission) holds its natural key, "app_label.model" or
"app_label.model.codename".

History tables (core_historical...) are django-simple-history's record of every change:
each row is an object as it was after a change, with history_date (when),
history_user_id (who), history_type (+ made, ~ changed, - deleted) and
history_change_reason (why). Their foreign keys are not enforced: they keep the ids of
rows since deleted.

Left out on purpose: sign-in sessions (everyone signs in again), the task queue's entries
(the jobs themselves are kept) and the files of earlier archives.

Keep this archive as safe as the database: it holds password hashes, second-factor
secrets and sign-in providers' client secrets.
"""
