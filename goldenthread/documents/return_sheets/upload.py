"""A filled-in return sheet read back, safely.

`parse_upload(ret, file)` reads the sheet written by .export, filled in, as .xlsx or .csv
(told apart by content, not by name), and returns either the rows to record or every
problem in the file, each with its row number (the headings are row 1), its column heading
and a plain message. Writing is `record_results`' job (goldenthread.core.services.returns),
so a file goes through the same checks as the return page.

Safety. An uploaded file is untrusted and is refused, with a message, before it can use
much memory or disk:
- more than 5 MB (the upload view also stops reading at 5 MB);
- named .xlsx (or .xls, or an old binary or password-protected workbook) but not an
  .xlsx zip; CSV that is not UTF-8 text, or contains NUL bytes;
- a zip bomb: the zip's own table of contents is read first (Python's zipfile never
  unpacks a member beyond the size declared there), and the workbook is refused if it
  would unpack to more than 50 MB, has more than 100 parts, or any sizeable part is
  compressed more than 100:1;
- an XML entity bomb ("billion laughs"): openpyxl parses with defusedxml when it is
  installed, which refuses entity declarations outright (checked below at import);
- only the first 30 columns and 20,000 rows are read, with openpyxl's read-only mode,
  which streams the sheet instead of building it in memory; formulas are never
  evaluated (data_only reads the value Excel last saved).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl.xml
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook

from goldenthread.core.models import Indicator, Result, Return
from goldenthread.core.monitoring import due_periods
from goldenthread.core.services.returns import ResultInput
from goldenthread.rules import Frequency, Period, PeriodError
from goldenthread.rules.inputs import NumberError, fit, number_problem, read_number, text_problem

from .export import (
    CODE,
    COMMENTARY,
    FORMULA_STARTS,
    INPUTS,
    NOT_AVAILABLE,
    NOTE,
    PERIOD,
    REASON,
    RESULT,
    SHEET,
)

if not openpyxl.xml.DEFUSEDXML:
    # Without defusedxml, openpyxl would expand XML entities in uploaded workbooks.
    raise ImproperlyConfigured("Install defusedxml: uploaded workbooks are parsed with it.")

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
MAX_RATIO = 100
# A part that unpacks to less than this cannot do harm whatever its ratio, and small
# parts of honest workbooks (styles, themes) compress well.
RATIO_CHECKED_ABOVE = 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 30

# The columns read back, in the order rows are handed around below.
READ = (CODE, PERIOD, *INPUTS)

# The free-text columns' limits are those of the Result fields they are written to, as on
# the return page (goldenthread.core.models.fields).
TEXT_LIMITS = {
    column: Result._meta.get_field(name).max_length
    for column, name in (
        (REASON, "not_available_reason"),
        (NOTE, "note"),
        (COMMENTARY, "commentary"),
    )
}

NOT_XLSX = "This file is not an Excel workbook (.xlsx). Save it as .xlsx or .csv and try again."
TOO_BIG = (
    "The file is larger than 5 MB. Upload a file of 5 MB or less: save it as .csv, or "
    "remove extra sheets and pictures."
)
TOO_BIG_UNPACKED = (
    "This workbook would be larger than 50 MB once opened, so it has not been opened. "
    "Copy the results sheet into a new workbook, or save it as .csv, and try again."
)
TOO_MANY_PARTS = (
    "This workbook has too many parts (sheets, pictures and the like), so it has not been "
    "opened. Copy the results sheet into a new workbook and try again."
)
ZIP_BOMB = (
    "This workbook is compressed far more than a spreadsheet of results can be, so it has "
    "not been opened. Copy the rows with results into a new workbook and try again."
)
XML_NOT_ALLOWED = (
    "This workbook contains XML entity declarations, which spreadsheets saved by Excel "
    "never have, so it has not been opened. Copy the results into a new workbook and try "
    "again."
)
NOT_UTF8 = (
    "This CSV file is not UTF-8 text. In Excel choose Save As, “CSV UTF-8 (Comma "
    "delimited) (*.csv)”, and try again."
)
BINARY = (
    "This file is not a spreadsheet: it contains binary data. Save it as .xlsx or .csv "
    "and try again."
)
EMPTY = "The file is empty. Download the sheet for this return, fill it in and upload it."
TOO_MANY_ROWS = (
    f"The file has more than {MAX_ROWS:,} rows. Use the sheet downloaded for this return, "
    "which has one row for each result due."
)

YES = {"yes", "y", "true", "x", "1", "✓", "✔"}
NO = {"", "no", "n", "false", "0"}

# "Nov-25", which is what Excel makes of "Nov 2025" when a CSV is opened and saved again.
EXCEL_MONTH = re.compile(r"([a-z]{3,9})[- ](\d\d)")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass(frozen=True)
class RowProblem:
    """A problem in an uploaded file: where (row None for the file as a whole) and what."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ParsedUpload:
    """Either rows to record (results and not-available markings; blank rows left out)
    or, when anything is wrong, every problem found and no rows."""

    rows: list[ResultInput] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Refused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def parse_upload(ret: Return, uploaded_file) -> ParsedUpload:
    """Read a filled-in sheet for the return, .xlsx or .csv.

    Rows are matched on indicator code and period; the headings in row 1 are matched by
    name, so columns may be moved and extra ones are ignored, but every input column and
    the Indicator code and Period must be there. Rows may be in any order, and rows not
    being reported may be deleted or left blank.

    Numbers are read as numbers, or as text like "1,234" (commas only between groups of
    three digits: "1,5" is refused rather than guessed at) or "12.5%" — a per cent sign,
    whether typed as text or as Excel's per cent format, only for indicators measured in
    % (unit "%"), where 12.5% is recorded as 12.5. More than six decimal places are
    rounded to six. A blank Result with Not available blank is a result not reported
    yet, and the row is skipped; a result already recorded is never removed by a blank.
    Not available is "yes" (or y, x, true) or blank.
    """
    try:
        data = _read_bounded(uploaded_file)
        name = (getattr(uploaded_file, "name", "") or "").lower()
        if data.startswith(b"PK\x03\x04"):
            table = _xlsx_rows(data)
        elif data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith((".xlsx", ".xlsm", ".xls")):
            raise Refused(NOT_XLSX)  # an old .xls, a password-protected workbook, or neither
        else:
            table = _csv_rows(data)
        return _read_table(ret, table)
    except Refused as refusal:
        return ParsedUpload(problems=[RowProblem(None, "", str(refusal))])


def _read_bounded(uploaded_file) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise Refused(TOO_BIG)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refused(TOO_BIG)
    if not data:
        raise Refused(EMPTY)
    return data


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise Refused(NOT_XLSX) from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise Refused(TOO_MANY_PARTS)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise Refused(TOO_BIG_UNPACKED)
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise Refused(ZIP_BOMB)
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise Refused(NOT_XLSX)  # a Word document, or some other zip


def _is_percent_format(number_format: str) -> bool:
    """Whether Excel shows the number times 100 with a % sign ("0.0%"), as opposed to a
    literal % in quotes or escaped ('0.0"%"', 0.0\\%)."""
    plain = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in plain


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _refusal(error) from error
    return _sheet_rows(book)


def _refusal(error: BaseException) -> Refused:
    """Why openpyxl could not read a workbook. It wraps what the XML parser said in a
    ValueError, so look down the chain for defusedxml's refusal of entity declarations
    (or libxml2's own limit on entity expansion, for the parts parsed with lxml)."""
    seen = error
    while seen is not None:
        if isinstance(seen, DefusedXmlException) or (
            isinstance(seen, SyntaxError) and "entity" in str(seen).casefold()
        ):
            return Refused(XML_NOT_ALLOWED)
        seen = seen.__cause__ or seen.__context__
    return Refused(NOT_XLSX)


def _sheet_rows(book) -> Iterator[tuple]:
    """The first sheet named Results (or the first sheet), row by row, as values; a
    number in Excel's per cent format as text like "12.5%"."""
    percent_styles: dict[int, bool] = {}
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        # Read every row, whatever the file claims its size is; MAX_ROWS bounds it.
        sheet.reset_dimensions()
        for cells in sheet.iter_rows(max_col=MAX_COLUMNS):
            values = []
            for cell in cells:
                value = cell.value
                if type(value) in (int, float) and cell.has_style:
                    style = cell._style_id
                    if style not in percent_styles:
                        percent_styles[style] = _is_percent_format(cell.number_format)
                    if percent_styles[style] and math.isfinite(value):
                        value = f"{(Decimal(repr(value)) * 100).normalize():f}%"
                values.append(value)
            yield tuple(values)
    except Refused:
        raise
    except Exception as error:  # a damaged sheet can fail in many ways while streaming
        raise _refusal(error) from error
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[list]:
    if b"\x00" in data:
        raise Refused(BINARY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(NOT_UTF8) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise Refused(
            f"Line {reader.line_num} of the CSV file cannot be read ({error}). Save it again "
            "from Excel as “CSV UTF-8” and try again."
        ) from error


def _heading_key(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _columns(headings: Sequence) -> tuple[dict[str, int], list[RowProblem]]:
    wanted = {_heading_key(h): h for h in READ}
    found: dict[str, int] = {}
    problems = []
    for index, value in enumerate(headings):
        heading = wanted.get(_heading_key(value))
        if heading is None:
            continue
        if heading in found:
            problems.append(RowProblem(1, heading, "this heading appears twice; keep one."))
        found[heading] = index
    for heading in READ:
        if heading not in found:
            problems.append(
                RowProblem(
                    1,
                    "",
                    f"the heading “{heading}” is missing. Use the sheet downloaded for this "
                    "return, with its headings in row 1.",
                )
            )
    return found, problems


def _text(value: object) -> str:
    """A cell as text, with the apostrophe that neutralised it on export taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _shown(value: object) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _parse_number(value: object, indicator: Indicator) -> tuple[Decimal | None, str]:
    """The value and "" when it can be read, else None and what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool | datetime.date | datetime.time | datetime.timedelta):
        return None, f"“{_shown(value)}” is not a number"
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None, f"“{_shown(value)}” is not a number"
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip()
        percent = text.endswith("%")
        try:
            number = read_number(text.removesuffix("%") if percent else text)
        except NumberError:
            number = None
        if number is None:
            return None, f"“{_shown(value)}” is not a number"
        if percent and indicator.unit.strip() != "%":
            unit = f"in {indicator.unit}" if indicator.unit else "without a unit"
            return None, (
                f"“{_shown(value)}” is a percentage, but {indicator.code} is measured {unit}: "
                "enter the number only"
            )
    if number_problem(number, max_digits=18, decimal_places=6):
        return None, f"“{_shown(value)}” is too large for a result"
    return fit(number, 6), ""


def _parse_period(value: object, cache: dict) -> Period | str:
    """The period, or what is wrong with it. Excel turns "Nov 2025" into a date when
    someone types it, and into "Nov-25" in a CSV it has opened: both are read as months."""
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        try:
            return Period.containing(Frequency.MONTHLY, day)
        except PeriodError as error:
            return str(error)
    text = _text(value)
    if text in cache:
        return cache[text]
    if not text:
        found: Period | str = "enter the period, for example 2025/26 Q3 or Nov 2025"
    else:
        try:
            found = Period.parse(text)
        except PeriodError as error:
            found = str(error)
            match = EXCEL_MONTH.fullmatch(text.casefold())
            if match and match[1][:3] in MONTHS:
                day = datetime.date(2000 + int(match[2]), MONTHS[match[1][:3]], 1)
                found = Period.containing(Frequency.MONTHLY, day)
    cache[text] = found
    return found


def _read_table(ret: Return, table: Iterator[Sequence]) -> ParsedUpload:
    headings = next(table, None)
    if headings is None:
        raise Refused(EMPTY)
    columns, problems = _columns(headings)
    if problems:
        return ParsedUpload(problems=problems)
    position = [columns[h] for h in READ]

    indicators = list(ret.partnership.indicators.all())
    by_code = {i.code: i for i in indicators}
    by_folded = {i.code.casefold(): i for i in indicators}
    due = {f: set(due_periods(f, ret.period)) for f in {i.frequency for i in indicators}}
    periods: dict[str, Period | str] = {}
    seen: dict[tuple[int, Period], int] = {}
    rows: list[ResultInput] = []

    for number, cells in enumerate(table, start=2):
        if number > MAX_ROWS + 1:
            raise Refused(TOO_MANY_ROWS)
        values = [cells[p] if p < len(cells) else None for p in position]
        code_raw, period_raw, result_raw, na_raw, reason_raw, note_raw, comment_raw = values
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue

        def problem(column: str, message: str, row: int = number) -> None:
            problems.append(RowProblem(row, column, message))

        code = _text(code_raw)
        if not code:
            problem(CODE, "enter the indicator code")
            continue
        indicator = by_code.get(code) or by_folded.get(code.casefold())
        if indicator is None:
            problem(CODE, f"{code} is not an indicator of this partnership")
            continue
        period = _parse_period(period_raw, periods)
        if isinstance(period, str):
            problem(PERIOD, period)
            continue
        if period not in due[indicator.frequency]:
            labels = ", ".join(p.label for p in sorted(due[indicator.frequency]))
            problem(
                PERIOD,
                f"{period.label} is not due in this return"
                + (f" ({indicator.code} reports {labels})" if labels else ""),
            )
            continue
        first = seen.setdefault((indicator.pk, period), number)
        if first != number:
            problem(
                "",
                f"the same indicator and period appear twice (rows {first} and {number})",
            )
            continue

        value, wrong = _parse_number(result_raw, indicator)
        if wrong:
            problem(RESULT, wrong)
        not_available_text = _text(na_raw).casefold()
        if not_available_text not in YES | NO:
            problem(
                NOT_AVAILABLE,
                f"write “yes” if the result is not available, or leave it blank, "
                f"not “{_shown(na_raw)}”",
            )
        not_available = not_available_text in YES
        reason, note, commentary = _text(reason_raw), _text(note_raw), _text(comment_raw)
        for column, text in ((REASON, reason), (NOTE, note), (COMMENTARY, commentary)):
            if wrong_text := text_problem(text, TEXT_LIMITS[column]):
                problem(column, wrong_text[:1].lower() + wrong_text[1:])
        if not_available and value is not None:
            problem(
                RESULT, "leave the result blank when it is not available, or clear Not available"
            )
        if not_available and not reason:
            problem(REASON, "say why the result is not available")
        if reason and not not_available and not_available_text in NO:
            problem(
                NOT_AVAILABLE,
                "write “yes” if the result is not available, or clear Why not available",
            )
        reported = value is not None or not_available
        if not reported and not wrong and (note or commentary):
            problem(
                RESULT,
                "enter the result, or mark it not available: a note or commentary is kept "
                "only with a result",
            )
        if reported and not problems:
            rows.append(
                ResultInput(
                    indicator_id=indicator.pk,
                    period=period,
                    value=None if not_available else value,
                    not_available=not_available,
                    not_available_reason=reason if not_available else "",
                    note=note,
                    commentary=commentary,
                )
            )
    if problems:
        return ParsedUpload(problems=problems)
    return ParsedUpload(rows=rows)
