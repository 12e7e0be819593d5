"""A quarterly return as a spreadsheet: the sheet's columns, and writing it.

`export_xlsx(ret)` and `export_csv(ret)` write one row per result due in the return,
pre-filled with what is already recorded; the lead fills in the yellow columns and uploads
it again (reading it back is .upload's job).

Exported text is neutralised against formula injection (OWASP, "CSV injection"): a text
cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe, so Excel
shows it as text. Numbers are written as numbers, so negative numbers stay numbers. On
import, that apostrophe is taken off again, so a sheet round-trips unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from goldenthread.core.models import Indicator, Result, Return
from goldenthread.core.monitoring import DueResult, return_contents

CODE = "Indicator code"
TITLE = "Indicator"
PERIOD = "Period"
UNIT = "Unit"
TARGET = "Target"
PREVIOUS = "Previous result"
LAST_YEAR = "Same period last year"
RESULT = "Result"
NOT_AVAILABLE = "Not available"
REASON = "Why not available"
NOTE = "Note"
COMMENTARY = "Commentary"

HEADINGS = (
    CODE,
    TITLE,
    PERIOD,
    UNIT,
    TARGET,
    PREVIOUS,
    LAST_YEAR,
    RESULT,
    NOT_AVAILABLE,
    REASON,
    NOTE,
    COMMENTARY,
)
INPUTS = (RESULT, NOT_AVAILABLE, REASON, NOTE, COMMENTARY)
WIDTHS = {
    CODE: 14,
    TITLE: 48,
    PERIOD: 12,
    UNIT: 12,
    TARGET: 12,
    PREVIOUS: 14,
    LAST_YEAR: 14,
    RESULT: 12,
    NOT_AVAILABLE: 14,
    REASON: 36,
    NOTE: 36,
    COMMENTARY: 60,
}

SHEET = "Results"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# What a cell may start with that a spreadsheet would read as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: fill these in
HEADING_FILL = PatternFill("solid", fgColor="D9D9D9")
INPUT_HEADING_FILL = PatternFill("solid", fgColor="FFE699")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would take for a formula, made plain text (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _earlier(result: Result | None) -> int | float | str | None:
    if result is None:
        return None
    return "not available" if result.not_available else _number(result.value)


def _target(due: DueResult) -> int | float | str | None:
    target = due.target
    if target is None:
        return None
    if target.upper is not None:
        fmt = due.indicator.format_value
        return f"{fmt(target.value)} to {fmt(target.upper)}"
    return _number(target.value)


def _values(due: DueResult) -> list:
    """One row of the sheet, in the order of HEADINGS, before neutralising."""
    indicator, result = due.indicator, due.result
    return [
        indicator.code,
        indicator.title,
        due.period.label,
        indicator.unit,
        _target(due),
        _earlier(due.previous),
        _earlier(due.last_year),
        _number(result.value) if result and not result.not_available else None,
        "yes" if result and result.not_available else "",
        result.not_available_reason if result and result.not_available else "",
        result.note if result else "",
        result.commentary if result else "",
    ]


def filename(ret: Return, extension: str) -> str:
    name = f"{ret.partnership.name} {ret.period.label.replace('/', '-')} return"
    return f"{re.sub(r'[^A-Za-z0-9 ._-]', '', name)}.{extension}"


def _number_format(indicator: Indicator) -> str:
    decimals = "." + "0" * indicator.decimals if indicator.decimals else ""
    return f"#,##0{decimals}"


def export_xlsx(ret: Return) -> bytes:
    """The return's results sheet, with an "About" sheet saying what it is and how to
    fill it in. Written in openpyxl's write-only mode, which streams rows to the file."""
    contents = return_contents(ret)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    last_row = len(contents.results) + 1
    last_column = get_column_letter(len(HEADINGS))
    # A write-only sheet does not record its size, and without it openpyxl reads the
    # whole sheet once just to look for it when the file is opened again.
    sheet.calculate_dimension = lambda: f"A1:{last_column}{last_row}"
    sheet.freeze_panes = "A2"
    for number, heading in enumerate(HEADINGS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = WIDTHS[heading]

    def heading_cell(heading: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = BOLD
        cell.fill = INPUT_HEADING_FILL if heading in INPUTS else HEADING_FILL
        cell.alignment = WRAP
        return cell

    sheet.append([heading_cell(h) for h in HEADINGS])
    numeric = {TARGET, PREVIOUS, LAST_YEAR}
    for due in contents.results:
        number_format = _number_format(due.indicator)
        row = []
        for heading, value in zip(HEADINGS, _values(due), strict=True):
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if heading in INPUTS:
                cell.fill = INPUT_FILL
            if heading in numeric and isinstance(value, int | float):
                cell.number_format = number_format
            if heading in (TITLE, REASON, NOTE, COMMENTARY):
                cell.alignment = WRAP
            row.append(cell)
        sheet.append(row)
    not_available = get_column_letter(HEADINGS.index(NOT_AVAILABLE) + 1)
    choice = DataValidation(
        type="list",
        formula1='"yes"',
        allow_blank=True,
        errorTitle="Not available",
        error="Write yes if the result is not available, or leave the cell blank.",
    )
    choice.add(f"{not_available}2:{not_available}{max(last_row, 2)}")
    sheet.data_validations.append(choice)
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"

    about = book.create_sheet("About")
    about.column_dimensions["A"].width = 110
    for number, line in enumerate(_about(ret)):
        cell = WriteOnlyCell(about, value=neutralise(line))
        cell.alignment = WRAP
        if number == 0 or line == HOW_TO:
            cell.font = Font(bold=True, size=14 if number == 0 else 11)
        about.append([cell])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOW_TO = "How to fill it in"


def _about(ret: Return) -> list[str]:
    lines = [
        f"{ret.partnership.name}: {ret.period.label} monitoring return",
        f"Deadline: {ret.deadline:%-d %B %Y}. Downloaded {timezone.localdate():%-d %B %Y}.",
        "",
        HOW_TO,
        "1. On the Results sheet, each row is one result due in this return. Fill in the "
        "yellow columns only: Result, Not available, Why not available, Note and Commentary.",
        "2. Result: a number, such as 1234 or 12.5. For a measure in per cent, 12.5 means 12.5%.",
        "3. If a result is not available, leave Result blank, write yes under Not available "
        "and say why under Why not available.",
        "4. Explain every result that is off target in the Commentary.",
        "5. Leave a row's yellow columns blank if you are not reporting it yet: it is left "
        "as it is.",
        "6. Do not change the Indicator code or Period columns: they say which result a row "
        "is. You may sort the rows, and delete rows you are not reporting.",
        "7. Save it as .xlsx (or as CSV UTF-8) and upload it on the return's page. You can "
        "upload it again after changes: results already recorded are only updated where "
        "they changed. Members can only change results of the indicators they own.",
    ]
    if ret.partnership.is_demo:
        lines += ["", "Demonstration data: the partnership and its results are made up."]
    return lines


def export_csv(ret: Return) -> bytes:
    """The same rows as the workbook, as UTF-8 CSV with a byte order mark, so Excel
    opens it with the right characters."""
    contents = return_contents(ret)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for due in contents.results:
        writer.writerow(_csv_value(v) for v in _values(due))
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, int):
        return str(value)
    return str(neutralise(value))
