"""Comparator data in: other areas' published values of our indicators, and comparator
groups (lists of areas), from CSV or .xlsx files as publishers make them.

A comparator file is "long": one row per area, period, indicator and value, with headings
that vary from publisher to publisher (``unit`` or ``units``, ``area_code``, ``Area Code``,
``Time period`` …) and extra columns that are ignored. The steps:

1. ``read_table`` reads the file, with the size, zip-bomb, XML and encoding checks of
   goldenthread.documents.return_sheets (reused, not copied), or refuses it with a message.
2. ``guess_columns`` says which column is which: the area codes and the periods by what
   the columns hold (the column whose cells are ONS codes like E08000009, whatever its
   heading; the column whose cells read as periods), the others by their headings. The
   person checks and changes that on the mapping page (``Columns``), and the choice is
   remembered for the next file with the same headings (core.models.ComparatorLayout).
3. ``breakdowns`` finds columns that split an area's figure into several (by sex, age or
   deprivation: ``Male``/``Female``/``Persons`` in a column headed ``unit``, quintiles in
   one headed ``inequality``): the person chooses which rows of each to import, the
   all-persons row (``Persons``, ``All``, blank or NA) by default where the file has one.
4. ``source_pairs`` lists each published indicator and measure in the file, which the person
   maps to one of our indicators or to "don't import".
5. ``check_rows`` checks every row and returns the values to import, or every problem with
   its row number (headings are row 1), column heading and a plain message. Nothing is
   written unless there are no problems at all (goldenthread.core.services.benchmarking
   writes, all or nothing). With ``skip_unreadable`` (a choice on the page, off unless
   ticked) rows that cannot be read (a period, a value or an area code we cannot read) are
   left out and listed with their row number and reason, and the rest imported, still all
   or nothing; two different figures for one area, period and indicator still stop the
   import, as no rule says which is right.

Periods are read with rules.parse_published_period, at the frequency of the indicator a
row goes to. A figure for a span of periods (``2015 - 17``: three calendar years pooled, as
life expectancy is published; ``2022/23 - 24/25``; ``2021/22 Q1 - 2022/23 Q2``: quarters
added up since a start) is stored against the last period of the span, read as that label
alone would be (rules.parse_published_span): ``2015 - 17`` as 2017, which for an annual
indicator is 2017/18, like a single calendar year; ``2021/22 Q1 - 2022/23 Q2`` as 2022/23
Q2, for quarterly indicators only. The stored figure is then still the span's figure (a
three-year average, a running total), which the page says where the person chooses it; it
is a choice (``spans``), on by default on the page and off for other callers.

Values: figures with more decimal places than we keep are rounded by the one rule for
every way in (core.models.fields.DECIMALS_RULE: half up to six places), and counted.

Rows that are skipped, not errors, and counted on the page:
- values published as not available: blank, NA, N/A, "..", ":", x, [x], c, [c], z, [z] or *,
  the markers UK and European statistics use for suppressed, confidential or missing
  figures (publishers suppress small numbers routinely, so these are not mistakes);
- rows of published indicators mapped to "don't import";
- rows for our own area (settings.GT_HOME_AREA_CODE): our value is our recorded result;
- rows of a breakdown other than the one chosen (``breakdowns``);
- the same figure repeated for the same area, period and indicator.

Area codes must look like ONS codes (a capital letter and eight digits, E08000009): files of
monitoring stations (``station_code``) are not area data and are refused row by row.

Between the upload and the mapping page the file is kept in a private folder of the
system's temporary directory under a random name (``keep_upload``), never under the project
or a served folder, and removed once imported; files left behind are removed after a day.
"""

from __future__ import annotations

import datetime
import functools
import re
import secrets
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from goldenthread.core.models import Area, Indicator
from goldenthread.core.models.fields import kept_figure
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
from goldenthread.rules import (
    Frequency,
    Period,
    PeriodError,
    parse_published_period,
    parse_published_span,
)
from goldenthread.rules.inputs import NumberError, read_number, text_problem

__all__ = [
    "COLUMNS",
    "Breakdown",
    "CheckedFile",
    "Columns",
    "Refused",
    "RowProblem",
    "SourcePair",
    "Table",
    "breakdowns",
    "check_rows",
    "discard_upload",
    "guess_columns",
    "has_spans",
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
# Columns that may split an area's figure into several, by heading or by what they hold;
# such a column is a breakdown only where it does split figures (``breakdowns``).
BREAKDOWN_HEADINGS = {
    "inequality",
    "sex",
    "gender",
    "age",
    "age_group",
    "age_band",
    "breakdown",
    "category",
    "deprivation",
    "unit",
    "units",
}
SEX_WORDS = {"male", "female", "males", "females", "persons", "men", "women"}
ALL_ROWS = {"", "na", "n/a", "persons", "all persons", "people", "all", "total", "both sexes"}
MAX_BREAKDOWN_VALUES = 30
# Rows read to guess which column holds what.
GUESS_ROWS = 500
GUESS_SHARE = 0.9

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


def guess_columns(
    headings: Sequence[str], rows: Sequence[tuple[int, tuple]] = ()
) -> dict[str, int | None]:
    """The column for each of COLUMNS' keys, or None where none fits. Given the file's
    ``rows``, the area code is the column whose cells are ONS codes (E08000009) and the
    period the column whose cells read as periods (nine in ten of the first 500 filled
    cells), whatever their headings; the rest, and those two in a file where no column's
    cells fit, go by heading. A file with several value columns (value_ulev,
    value_all_vehicles) gets the first."""
    keys = [_fold(h) for h in headings]
    by_values: dict[str, int] = {}
    if rows:
        sample = [row for _number, row in rows[:GUESS_ROWS]]
        code = _column_of(sample, len(headings), _is_area_code, set())
        if code is not None:
            by_values["area_code"] = code
        period = _column_of(sample, len(headings), _is_period, set(by_values.values()))
        if period is not None:
            by_values["period"] = period
    taken = set(by_values.values())
    guessed: dict[str, int | None] = {}
    for key, _label, _required in COLUMNS:
        if key in by_values:
            guessed[key] = by_values[key]
            continue
        guessed[key] = next(
            (keys.index(h) for h in HEADINGS[key] if h in keys and keys.index(h) not in taken),
            None,
        )
        if guessed[key] is not None:
            taken.add(guessed[key])
    if guessed["value"] is None:
        guessed["value"] = next(
            (i for i, k in enumerate(keys) if k.startswith("value") and i not in taken), None
        )
    return guessed


def _column_of(sample: list[tuple], width: int, fits, taken: set[int]) -> int | None:
    """The first column, not taken, whose filled cells in the sample nearly all fit."""
    best, best_share = None, 0.0
    for column in range(width):
        if column in taken:
            continue
        cells = [c for c in (_cell(row, column) for row in sample) if _text(c)]
        if not cells:
            continue
        share = sum(1 for c in cells if fits(c)) / len(cells)
        if share >= GUESS_SHARE and share > best_share:
            best, best_share = column, share
    return best


def _is_area_code(cell: object) -> bool:
    return bool(AREA_CODE.fullmatch(_text(cell).upper()))


def _is_period(cell: object) -> bool:
    if isinstance(cell, datetime.date):
        return True
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return False  # a figure, even one like 2019; years in a period column are text
    return _reads_as_period(_text(cell))


@functools.lru_cache(maxsize=2048)
def _reads_as_period(text: str) -> bool:
    try:
        parse_published_period(text)
    except PeriodError:
        try:
            return parse_published_span(text) is not None
        except PeriodError:  # pragma: no cover - only with a hint
            return False
    return True


def has_spans(table: Table, period_column: int | None) -> bool:
    """Whether any period in the column is a span of periods (``2015 - 17``)."""
    if period_column is None:
        return False
    labels = {_text(_cell(row, period_column)) for _number, row in table.rows}
    return any(_is_span(label) for label in labels)


@functools.lru_cache(maxsize=2048)
def _is_span(label: str) -> bool:
    try:
        parse_published_period(label)
    except PeriodError:
        return parse_published_span(label) is not None
    return False


# --- breakdowns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """A column that splits an area's figure for a period into several (Male, Female,
    Persons; deprivation quintiles): its values as written, with how many rows each, and the
    all-persons value kept by default, or None where the file has none (then the person
    chooses)."""

    column: int
    heading: str
    values: tuple[tuple[str, int], ...]
    default: str | None

    def value_at(self, index: int | None) -> str | None:
        if index is None or not 0 <= index < len(self.values):
            return None
        return self.values[index][0]

    def index_of(self, value: str | None) -> int | None:
        if value is None:
            return None
        folded = value.casefold()
        return next((i for i, (v, _n) in enumerate(self.values) if v.casefold() == folded), None)


def breakdowns(table: Table, chosen: Mapping[str, int | None]) -> list[Breakdown]:
    """The file's breakdown columns, given the columns chosen for area, period, indicator
    and measure (``chosen``, as ``guess_columns`` gives them): a column, not one of those
    chosen, headed like a breakdown (BREAKDOWN_HEADINGS) or holding Male/Female/Persons,
    with two to thirty different values, that holds different values for rows of the same
    area, period, indicator and measure."""
    used = {column for column in chosen.values() if column is not None}
    key_columns = [chosen.get(k) for k in ("area_code", "period", "indicator", "measure")]
    key_columns = [c for c in key_columns if c is not None]
    found = []
    for column, heading in enumerate(table.headings):
        if column in used:
            continue
        counts = Counter(_text(_cell(row, column)) for _number, row in table.rows)
        if not 2 <= len(counts) <= MAX_BREAKDOWN_VALUES:
            continue
        if (
            _fold(heading) not in BREAKDOWN_HEADINGS
            and not {value.casefold() for value in counts} & SEX_WORDS
        ):
            continue
        first: dict[tuple, str] = {}
        splits = False
        for _number, row in table.rows:
            key = tuple(_text(_cell(row, c)) for c in key_columns)
            if first.setdefault(key, _text(_cell(row, column))) != _text(_cell(row, column)):
                splits = True
                break
        if not splits:
            continue
        default = next(
            (v for v in counts if v.casefold() in ALL_ROWS or v.casefold().startswith("all ")),
            None,
        )
        found.append(Breakdown(column, heading, tuple(counts.items()), default))
    return found


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
    rows that passed (``valid``), the rows skipped, by reason, and, when the person chose to
    import the rows we understand, the problems of the rows left out (``unread``)."""

    values: list[ComparatorInput] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unread: list[RowProblem] = field(default_factory=list)
    valid: int = 0
    not_available: int = 0
    not_mapped: int = 0
    home_area: int = 0
    breakdowns: int = 0
    repeated: int = 0
    spans: int = 0  # values stored against the last period of a span
    rounded: int = 0  # values with more decimal places than kept, rounded

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unread_rows(self) -> int:
        return len({problem.row for problem in self.unread})

    @property
    def skipped(self) -> int:
        return (
            self.not_available
            + self.not_mapped
            + self.home_area
            + self.breakdowns
            + self.unread_rows
        )


def check_rows(
    table: Table,
    columns: Columns,
    mapping: Mapping[tuple[str, str], Indicator | None],
    home_area_code: str,
    *,
    keep: Mapping[int, str] | None = None,
    spans: bool = False,
    skip_unreadable: bool = False,
) -> CheckedFile:
    """Check every row against the chosen columns and the mapping of published indicators
    to ours (missing or None: not imported). Periods are read with
    ``parse_published_period``, hinted by the frequency of the indicator each row goes to,
    and, with ``spans``, a span of periods by ``parse_published_span``. ``keep`` is the
    value to keep of each breakdown column (by position); without it, each breakdown's
    all-persons value where it has one (``breakdowns``). With ``skip_unreadable``, rows
    that cannot be read are listed in ``unread`` rather than stopping the import."""
    checked = CheckedFile()
    headings = table.headings
    if keep is None:
        chosen = {f: getattr(columns, f) for f in ("area_code", "period", "indicator", "measure")}
        chosen |= {"value": columns.value, "area_name": columns.area_name}
        keep = {b.column: b.default for b in breakdowns(table, chosen) if b.default is not None}
    kept = {column: value.casefold() for column, value in keep.items() if value is not None}
    periods: dict[tuple[str, str], tuple[Period | str, bool]] = {}
    seen: dict[tuple[int, str, Period], tuple[int, object]] = {}
    home = home_area_code.strip().upper()

    for number, row in table.rows:
        indicator = mapping.get(_pair(row, columns.indicator, columns.measure))
        if indicator is None:
            checked.not_mapped += 1
            continue
        if any(_text(_cell(row, c)).casefold() != v for c, v in kept.items()):
            checked.breakdowns += 1
            continue
        read = _read_row(row, columns, indicator, home, periods, spans)
        if read.problems:
            found = [RowProblem(number, headings[c], message) for c, message in read.problems]
            (checked.unread if skip_unreadable else checked.problems).extend(found)
            continue
        value = read.value
        if value is None:
            checked.home_area += read.home_area
            checked.not_available += not read.home_area
            continue

        key = (indicator.pk, value.area_code, value.period)
        if key in seen:
            first, first_value = seen[key]
            if first_value == value.value:
                checked.repeated += 1
                continue
            checked.problems.append(
                RowProblem(
                    number,
                    headings[columns.period],
                    f"row {first} already has a figure for {value.area_code} in "
                    f"{value.period.label} for {indicator.code} ({first_value}, this row "
                    f"{value.value}): a file can hold one figure for each area, period and "
                    "indicator",
                )
            )
            continue
        seen[key] = (number, value.value)
        checked.valid += 1
        checked.spans += read.by_span
        checked.rounded += read.rounded
        checked.values.append(value)
    if checked.problems:
        checked.values = []
    return checked


@dataclass
class _Row:
    """One row read: its value, or None for a row of our own area or not available, or
    its problems as (column, message)."""

    value: ComparatorInput | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)
    home_area: bool = False
    by_span: bool = False
    rounded: bool = False


def _read_row(
    row: tuple,
    columns: Columns,
    indicator: Indicator,
    home: str,
    periods: dict[tuple[str, str], tuple[Period | str, bool]],
    spans: bool,
) -> _Row:
    read = _Row()
    code = _text(_cell(row, columns.area_code)).upper()
    if not code:
        read.problems.append((columns.area_code, "enter the area code"))
        return read
    if not AREA_CODE.fullmatch(code):
        read.problems.append(
            (
                columns.area_code,
                f"“{_short(code)}” is not an area code: area codes are ONS codes, a capital "
                "letter and eight digits like E08000009",
            )
        )
        return read
    if code == home:
        read.home_area = True
        return read

    raw_value = _cell(row, columns.value)
    if _text(raw_value).casefold() in NOT_AVAILABLE:
        return read

    label = _text(_cell(row, columns.period))
    cache_key = (label, indicator.frequency)
    if cache_key not in periods:
        periods[cache_key] = _read_period(label, Frequency(indicator.frequency), spans)
    period, read.by_span = periods[cache_key]
    value, wrong = _parse_number(raw_value, indicator)
    if value is not None and (exact := _exact_number(raw_value)) is not None:
        value = kept_figure(exact)
        read.rounded = value != exact
    if isinstance(period, str):
        read.problems.append((columns.period, period))
    if wrong:
        read.problems.append((columns.value, wrong))
    if read.problems or value is None or isinstance(period, str):
        return read
    area_name = _text(_cell(row, columns.area_name))
    if wrong_name := _area_name_problem(area_name):
        read.problems.append((columns.area_name, wrong_name))
        return read
    read.value = ComparatorInput(
        indicator=indicator, area_code=code, area_name=area_name, period=period, value=value
    )
    return read


def _read_period(label: str, frequency: Frequency, spans: bool) -> tuple[Period | str, bool]:
    """The period and whether it was read as the end of a span, or what is wrong."""
    try:
        return parse_published_period(label, frequency_hint=frequency), False
    except PeriodError as error:
        message = str(error)
    try:
        span = parse_published_span(label, frequency) if spans else None
    except PeriodError as error:
        return str(error), False
    if span is not None:
        return span, True
    if not spans and _is_span(label):
        return (
            f"“{label}” is one figure for several periods: it can be imported only by "
            "choosing to store such figures against the last period they cover",
            False,
        )
    return message, False


def _exact_number(raw: object) -> Decimal | None:
    """The number as published, before rounding (``_parse_number`` has read it already)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    try:
        return read_number(_text(raw).removesuffix("%"))
    except NumberError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


# --- comparator groups ------------------------------------------------------------------------


def read_group(data: bytes, name: str = "") -> tuple[list[tuple[str, str]], list[RowProblem]]:
    """A comparator group file: a column of area codes (found by its ONS codes, whatever
    its heading, or headed ``area_code``) and, optionally, of names (``area_name``), one
    area a row. Returns the (code, name) areas, or every
    problem. Raises ``Refused`` when the file cannot be read at all."""
    table = read_table(data, name)
    guessed = guess_columns(table.headings, table.rows)
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
