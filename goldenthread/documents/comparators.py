"""Comparator data in: other areas' published values of our indicators, and comparator
groups (lists of areas), from CSV or .xlsx files as publishers make them.

A comparator file is "long": one row per area, period, indicator and value, with headings
that vary from publisher to publisher (``unit`` or ``units``, ``area_code``, ``Area Code``,
``Time period`` …) and extra columns that are ignored. The steps:

1. ``read_table`` reads the file, with the size, zip-bomb, XML and encoding checks of
   goldenthread.documents.return_sheets (reused, not copied), or refuses it with a message.
2. ``guess_columns`` says which column is which from the headings; the person checks and
   changes that on the mapping page (``Columns``).
3. ``source_pairs`` lists each published indicator and measure in the file, which the person
   maps to one of our indicators or to "don't import".
4. ``check_rows`` checks every row and returns the values to import, or every problem with
   its row number (headings are row 1), column heading and a plain message. Nothing is
   written unless there are no problems at all (goldenthread.core.services.benchmarking
   writes, all or nothing).

Rows that are skipped, not errors, and counted on the page:
- values published as not available: blank, NA, N/A, "..", ":", x, [x], c, [c], z, [z] or *,
  the markers UK and European statistics use for suppressed, confidential or missing
  figures (publishers suppress small numbers routinely, so these are not mistakes);
- rows of published indicators mapped to "don't import";
- rows for our own area (settings.GT_HOME_AREA_CODE): our value is our recorded result;
- breakdowns, where a column named ``inequality`` holds something other than blank or NA
  (deprivation quintiles and the like): only an area's overall figure is imported;
- the same figure repeated for the same area, period and indicator.

Area codes must look like ONS codes (a capital letter and eight digits, E08000009): files of
monitoring stations (``station_code``) are not area data and are refused row by row.

Between the upload and the mapping page the file is kept in a private folder of the
system's temporary directory under a random name (``keep_upload``), never under the project
or a served folder, and removed once imported; files left behind are removed after a day.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from goldenthread.core.models import Area, Indicator
from goldenthread.core.services.benchmarking import ComparatorInput
from goldenthread.documents.return_sheets.upload import (
    EMPTY,
    NOT_XLSX,
    Refused,
    RowProblem,
    _csv_rows,
    _parse_number,
    _read_bounded,
    _text,
    _xlsx_rows,
)
from goldenthread.rules import Frequency, Period, PeriodError, parse_published_period
from goldenthread.rules.inputs import text_problem

__all__ = [
    "COLUMNS",
    "CheckedFile",
    "Columns",
    "Refused",
    "RowProblem",
    "SourcePair",
    "Table",
    "check_rows",
    "discard_upload",
    "guess_columns",
    "keep_upload",
    "kept_upload",
    "read_group",
    "read_table",
    "read_upload",
    "source_pairs",
]

MAX_ROWS = 50_000
MAX_SOURCE_INDICATORS = 100
# Kept in Django's file storage (settings.STORAGES), so that whichever app server shows the
# mapping page finds the file another one received.
UPLOAD_FOLDER = "uploads/comparators"
UPLOAD_LIFETIME = 24 * 60 * 60  # seconds
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")

NOT_AVAILABLE = {"", "na", "n/a", "..", ":", "x", "[x]", "c", "[c]", "z", "[z]", "*"}
AREA_CODE = re.compile(r"[A-Z]\d{8}")
BREAKDOWN_COLUMN = "inequality"

EMPTY_FILE = "The file is empty. Choose a CSV or Excel file with a row of headings and data."
TOO_MANY_ROWS = (
    "The file has more than {:,} rows. Split it into smaller files, for example one for each "
    "indicator, and import each."
)
NO_DATA = "The file has headings but no rows of data."

# What each column of a comparator file holds: key, label on the page, required.
COLUMNS = (
    ("area_code", "Area code", True),
    ("area_name", "Area name", False),
    ("period", "Period", True),
    ("indicator", "Indicator name", True),
    ("measure", "Measure", False),
    ("value", "Value", True),
)
# Headings seen in published files for each column, folded (lower case, words joined by _).
HEADINGS = {
    "area_code": (
        "area_code",
        "areacode",
        "code",
        "ons_code",
        "geography_code",
        "geo_code",
        "la_code",
        "lad_code",
        "local_authority_code",
        "area_ons_code",
    ),
    "area_name": (
        "area_name",
        "areaname",
        "name",
        "area",
        "geography",
        "geography_name",
        "la_name",
        "lad_name",
        "local_authority",
        "local_authority_name",
    ),
    "period": ("period", "time_period", "timeperiod", "date", "year", "time", "reporting_period"),
    "indicator": ("indicator", "indicator_name", "indicatorname", "indicator_title"),
    "measure": ("measure", "measure_name", "value_type", "measure_type"),
    "value": ("value", "values", "obs_value", "observation", "val"),
}


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's headings (blank ones named "Column N") and its rows of cells, each with its
    row number in the file (the headings are row 1). Blank rows are left out."""

    headings: list[str]
    rows: list[tuple[int, tuple]]

    def heading_keys(self) -> list[str]:
        return [_fold(h) for h in self.headings]


def read_upload(uploaded_file) -> bytes:
    """The upload's bytes, refused (``Refused``) when larger than 5 MB or empty."""
    try:
        return _read_bounded(uploaded_file)
    except Refused as refusal:
        raise _ours(refusal) from None


def read_table(data: bytes, name: str = "") -> Table:
    """Read a CSV (UTF-8) or .xlsx file (its first sheet), told apart by content. Raises
    ``Refused`` with a plain message when it cannot be read."""
    try:
        if not data:
            raise Refused(EMPTY_FILE)
        if data.startswith(b"PK\x03\x04"):
            cells = _xlsx_rows(data)
        elif data.startswith(b"\xd0\xcf\x11\xe0") or name.lower().endswith(
            (".xlsx", ".xlsm", ".xls")
        ):
            raise Refused(NOT_XLSX)
        else:
            cells = _csv_rows(data)
        return _table(cells)
    except Refused as refusal:
        raise _ours(refusal) from None


def _ours(refusal: Refused) -> Refused:
    # return_sheets' message for an empty file speaks of a return's sheet.
    return Refused(EMPTY_FILE) if str(refusal) == EMPTY else refusal


def _table(cells: Iterator[Sequence]) -> Table:
    first = next(cells, None)
    if first is None:
        raise Refused(EMPTY_FILE)
    headings = [_text(h) for h in first]
    while headings and not headings[-1]:
        headings.pop()
    if not headings:
        raise Refused(EMPTY_FILE)
    headings = [h or f"Column {n}" for n, h in enumerate(headings, start=1)]
    rows = []
    for number, row in enumerate(cells, start=2):
        if number > MAX_ROWS + 1:
            raise Refused(TOO_MANY_ROWS.format(MAX_ROWS))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        rows.append((number, tuple(row)))
    if not rows:
        raise Refused(NO_DATA)
    return Table(headings, rows)


def _fold(heading: str) -> str:
    return "_".join(re.split(r"[\s\-_.]+", heading.strip().casefold())).strip("_")


def _cell(row: tuple, column: int | None) -> object:
    if column is None or column >= len(row):
        return None
    return row[column]


# --- columns and published indicators ---------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Which column (by position) holds what; the optional ones may be None."""

    area_code: int
    period: int
    indicator: int
    value: int
    area_name: int | None = None
    measure: int | None = None


def guess_columns(headings: Sequence[str]) -> dict[str, int | None]:
    """The column for each of COLUMNS' keys, by heading, or None where no heading fits.
    A file with several value columns (value_ulev, value_all_vehicles) gets the first."""
    keys = [_fold(h) for h in headings]
    guessed: dict[str, int | None] = {}
    for key, _label, _required in COLUMNS:
        guessed[key] = next((keys.index(h) for h in HEADINGS[key] if h in keys), None)
    if guessed["value"] is None:
        guessed["value"] = next((i for i, k in enumerate(keys) if k.startswith("value")), None)
    return guessed


@dataclass(frozen=True)
class SourcePair:
    """A published indicator and measure, as written in the file, and how many rows it has."""

    indicator: str
    measure: str
    rows: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.indicator, self.measure)

    def __str__(self) -> str:
        return f"{self.indicator} ({self.measure})" if self.measure else self.indicator


def source_pairs(
    table: Table, indicator_column: int, measure_column: int | None = None
) -> list[SourcePair]:
    """Each published indicator and measure in the file, in the order first seen."""
    counts: Counter[tuple[str, str]] = Counter()
    for _number, row in table.rows:
        counts[_pair(row, indicator_column, measure_column)] += 1
    return [SourcePair(name, measure, n) for (name, measure), n in counts.items()]


def _pair(row: tuple, indicator_column: int, measure_column: int | None) -> tuple[str, str]:
    return (_text(_cell(row, indicator_column)), _text(_cell(row, measure_column)))


# --- checking every row -----------------------------------------------------------------------


@dataclass
class CheckedFile:
    """The values to import, or every problem (and then no values: all or nothing); the
    rows that passed (``valid``) and the rows skipped, by reason."""

    values: list[ComparatorInput] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    valid: int = 0
    not_available: int = 0
    not_mapped: int = 0
    home_area: int = 0
    breakdowns: int = 0
    repeated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def skipped(self) -> int:
        return self.not_available + self.not_mapped + self.home_area + self.breakdowns


def check_rows(
    table: Table,
    columns: Columns,
    mapping: Mapping[tuple[str, str], Indicator | None],
    home_area_code: str,
) -> CheckedFile:
    """Check every row against the chosen columns and the mapping of published indicators
    to ours (missing or None: not imported). Periods are read with
    ``parse_published_period``, hinted by the frequency of the indicator each row goes to."""
    checked = CheckedFile()
    headings = table.headings
    breakdown = next(
        (i for i, key in enumerate(table.heading_keys()) if key == BREAKDOWN_COLUMN), None
    )
    periods: dict[tuple[str, str], Period | str] = {}
    seen: dict[tuple[int, str, Period], tuple[int, object]] = {}
    home = home_area_code.strip().upper()

    for number, row in table.rows:
        indicator = mapping.get(_pair(row, columns.indicator, columns.measure))
        if indicator is None:
            checked.not_mapped += 1
            continue
        if breakdown is not None and _text(_cell(row, breakdown)).casefold() not in ("", "na"):
            checked.breakdowns += 1
            continue

        def problem(column: int, message: str, row_number: int = number) -> None:
            checked.problems.append(RowProblem(row_number, headings[column], message))

        code = _text(_cell(row, columns.area_code)).upper()
        if not code:
            problem(columns.area_code, "enter the area code")
            continue
        if not AREA_CODE.fullmatch(code):
            problem(
                columns.area_code,
                f"“{_short(code)}” is not an area code: area codes are ONS codes, a capital "
                "letter and eight digits like E08000009",
            )
            continue
        if code == home:
            checked.home_area += 1
            continue

        raw_value = _cell(row, columns.value)
        if _text(raw_value).casefold() in NOT_AVAILABLE:
            checked.not_available += 1
            continue

        label = _text(_cell(row, columns.period))
        cache_key = (label, indicator.frequency)
        if cache_key not in periods:
            try:
                periods[cache_key] = parse_published_period(
                    label, frequency_hint=Frequency(indicator.frequency)
                )
            except PeriodError as error:
                periods[cache_key] = str(error)
        period = periods[cache_key]
        value, wrong = _parse_number(raw_value, indicator)
        if isinstance(period, str):
            problem(columns.period, period)
        if wrong:
            problem(columns.value, wrong)
        if isinstance(period, str) or wrong or value is None:
            continue

        key = (indicator.pk, code, period)
        if key in seen:
            first, first_value = seen[key]
            if first_value == value:
                checked.repeated += 1
                continue
            problem(
                columns.period,
                f"row {first} already has a figure for {code} in {period.label} for "
                f"{indicator.code} ({first_value}, this row {value}): a file can hold one "
                "figure for each area, period and indicator",
            )
            continue
        area_name = _text(_cell(row, columns.area_name))
        if wrong_name := _area_name_problem(area_name):
            problem(columns.area_name, wrong_name)
            continue
        seen[key] = (number, value)
        checked.valid += 1
        checked.values.append(
            ComparatorInput(
                indicator=indicator,
                area_code=code,
                area_name=area_name,
                period=period,
                value=value,
            )
        )
    if checked.problems:
        checked.values = []
    return checked


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


# --- comparator groups ------------------------------------------------------------------------


def read_group(data: bytes, name: str = "") -> tuple[list[tuple[str, str]], list[RowProblem]]:
    """A comparator group file: a column of area codes (``area_code``) and, optionally, of
    names (``area_name``), one area a row. Returns the (code, name) areas, or every
    problem. Raises ``Refused`` when the file cannot be read at all."""
    table = read_table(data, name)
    guessed = guess_columns(table.headings)
    code_column, name_column = guessed["area_code"], guessed["area_name"]
    if code_column is None:
        return [], [
            RowProblem(
                1,
                "",
                "there is no column of area codes: put the codes in a column headed "
                "“area_code”, with the names in one headed “area_name”",
            )
        ]
    areas: list[tuple[str, str]] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    heading = table.headings[code_column]
    for number, row in table.rows:
        code = _text(_cell(row, code_column)).upper()
        if not code:
            problems.append(RowProblem(number, heading, "enter the area code"))
            continue
        if not AREA_CODE.fullmatch(code):
            problems.append(
                RowProblem(
                    number,
                    heading,
                    f"“{_short(code)}” is not an area code: area codes are ONS codes, a "
                    "capital letter and eight digits like E08000009",
                )
            )
            continue
        if code in first_row:
            problems.append(
                RowProblem(number, heading, f"{code} is already in row {first_row[code]}")
            )
            continue
        name = _text(_cell(row, name_column))
        if wrong_name := _area_name_problem(name):
            problems.append(RowProblem(number, table.headings[name_column], wrong_name))
            continue
        first_row[code] = number
        areas.append((code, name))
    return ([] if problems else areas), problems


def _area_name_problem(name: str) -> str | None:
    """An area's name is kept as our Area's is (goldenthread.core.models.fields)."""
    problem = text_problem(name, Area._meta.get_field("name").max_length)
    return problem[:1].lower() + problem[1:] if problem else None


# --- keeping the file between the upload and the mapping page ---------------------------------


def keep_upload(data: bytes) -> str:
    """Keep the file under a new random token; clear files more than a day old."""
    _clear_old()
    token = secrets.token_urlsafe(16)
    default_storage.save(f"{UPLOAD_FOLDER}/{token}", ContentFile(data))
    return token


def kept_upload(token: str) -> bytes | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    name = f"{UPLOAD_FOLDER}/{token}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def discard_upload(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        default_storage.delete(f"{UPLOAD_FOLDER}/{token}")


def _clear_old() -> None:
    try:
        _, names = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    limit = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=UPLOAD_LIFETIME)
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except OSError:  # another request removed it first
            pass
