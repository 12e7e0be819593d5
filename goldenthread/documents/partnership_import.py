"""A partnership's plan and history as one workbook, and back (issue 16).

``template_workbook()`` writes the workbook a new partnership fills in: a "Read me" sheet
that explains every sheet and column with an example, then "Objectives", "Indicators",
"Targets" and "Results", with drop-down lists for the choices. Given an ``Example``, the
same workbook comes filled in with a worked example that this partnership could import as
it is (its own organisation and lead's e-mail; periods around today).

``read_workbook(data)`` reads a filled-in workbook into a
``goldenthread.core.services.partnership_import.PlanImport`` and every problem it can see
in the file alone, each with its sheet, row (the headings are row 1), column and a plain
message: a blank or repeated reference, an objective or indicator reference that no row
defines, a choice that is not one of the list, a period that cannot be read or is not of
the indicator's frequency, the same indicator and period twice, a value that is not a
number. What needs the database (owners, organisations, outcomes, codes already used, the
plan's years, returns) is checked by the service, with the same kind of message.

Periods are read as councils write them ("2023/24", "2023/24 Q2", "Nov 2023"), with the
importers' reader, ``rules.parse_published_period``, which also takes "Q2 2023/24", a
calendar quarter like "Q1 2024" and a date (Excel turns "Nov 2023" into one). Figures are
read like every other way in (``rules.inputs.read_number``: "1,234", "12.5"; "12.5%" only for
an indicator measured in %); more than six decimal places are rounded half up to six
(core.models.fields.DECIMALS_RULE) and counted, so the check page can say so.

The file is read with the return sheet's defences (goldenthread.documents.return_sheets:
at most 5 MB, a real .xlsx zip, no zip bomb, no XML entities, formulas never evaluated,
at most 20,000 rows a sheet read in streaming mode). Between the upload and "create" the
file is kept in Django's file storage under a random name (``keep_upload``), as the
comparator importer keeps its files, and removed once used or after a day.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from goldenthread.core.models.fields import NOTE as NOTE_LIMIT
from goldenthread.core.models.fields import kept_figure
from goldenthread.core.services.partnership_import import (
    BASELINE,
    BASELINE_PERIOD,
    DEADLINE,
    DECIMALS,
    DEFINITION,
    DESCRIPTION,
    FREQUENCY,
    INDICATOR_REF,
    INDICATORS,
    NOTE,
    OBJECTIVE_REFS,
    OBJECTIVES,
    ORGANISATION,
    OUTCOMES,
    OWNER,
    PERIOD,
    POLARITY,
    REF,
    RESULTS,
    SOURCE,
    TARGETS,
    TITLE,
    UNIT,
    UPPER,
    VALUE,
    IndicatorRow,
    ObjectiveRow,
    PlanImport,
    ResultRow,
    SheetProblem,
    TargetRow,
)
from goldenthread.documents.return_sheets.export import neutralise
from goldenthread.documents.return_sheets.upload import (
    EMPTY,
    MAX_COLUMNS,
    MAX_ROWS,
    NOT_XLSX,
    Refused,
    _check_zip,
    _is_percent_format,
    _read_bounded,
    _refusal,
    _text,
)
from goldenthread.rules import (
    Frequency,
    Period,
    PeriodError,
    Polarity,
    financial_year_of,
    latest_ended,
    parse_published_period,
)
from goldenthread.rules.inputs import NumberError, date_problem, number_problem, read_number

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "Golden Thread plan import template.xlsx"
EXAMPLE_NAME = "Golden Thread plan import example.xlsx"
README = "Read me"
SHEETS = (OBJECTIVES, INDICATORS, TARGETS, RESULTS)
NOT_AVAILABLE = {"n/a", "na", "not available"}
# Rows of the template's sheets that carry the drop-down lists.
LIST_ROWS = 500

UPLOAD_FOLDER = "uploads/plan-imports"
UPLOAD_LIFETIME = 24 * 60 * 60  # seconds
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")

NOT_A_WORKBOOK = (
    "This file is not an Excel workbook (.xlsx). Download the template, fill it in, save it "
    "as .xlsx and upload it."
)
NO_FILE = "The file is empty. Download the template, fill it in and upload it."

POLARITIES = {p.label.casefold(): p for p in Polarity} | {p.value: p for p in Polarity}
POLARITIES["neither"] = Polarity.NEITHER
POLARITIES["band"] = POLARITIES["within a band"] = Polarity.BAND
FREQUENCIES = {f.label.casefold(): f for f in Frequency} | {f.value: f for f in Frequency}
FREQUENCIES |= {"annually": Frequency.ANNUAL, "yearly": Frequency.ANNUAL}
FREQUENCIES |= {"month": Frequency.MONTHLY, "quarter": Frequency.QUARTERLY}

KIND = {
    Frequency.ANNUAL: "a financial year",
    Frequency.QUARTERLY: "a quarter",
    Frequency.MONTHLY: "a month",
}
ADVERB = {
    Frequency.ANNUAL: "annually",
    Frequency.QUARTERLY: "quarterly",
    Frequency.MONTHLY: "monthly",
}
LIKE = {
    Frequency.ANNUAL: "2025/26",
    Frequency.QUARTERLY: "2025/26 Q3",
    Frequency.MONTHLY: "Nov 2025",
}


@dataclass(frozen=True)
class Column:
    heading: str
    required: bool
    width: int
    explains: str
    example: str


COLUMNS: dict[str, tuple[Column, ...]] = {
    OBJECTIVES: (
        Column(
            REF,
            True,
            8,
            "Your reference for the objective, used to link indicators to it (O1, O2 …). "
            "Golden Thread numbers the objectives O1, O2 … in the order of this sheet.",
            "O1",
        ),
        Column(TITLE, True, 48, "What the partnership sets out to achieve.", "Fewer burglaries"),
        Column(
            DESCRIPTION,
            False,
            60,
            "More about it: why it matters, who it is for (up to 2,000 characters).",
            "Burglary has risen in two wards for three years.",
        ),
        Column(
            OWNER,
            False,
            30,
            "The e-mail address of the person in the partnership who owns it, or blank.",
            "jo.smith@example.gov.uk",
        ),
        Column(
            ORGANISATION,
            False,
            28,
            "The partner organisation that leads on it, as its name is in Golden Thread, or blank.",
            "Trafford Council",
        ),
        Column(
            DEADLINE,
            False,
            14,
            "When it should be achieved: a date, like 31/03/2028, or blank.",
            "31/03/2028",
        ),
        Column(
            OUTCOMES,
            False,
            28,
            "The codes of the outcomes of the council's strategic plans it serves (the "
            "golden thread), separated by commas; where two plans use the same code, write "
            "the plan's title first, like “Corporate Plan: T1”.",
            "T1, T3",
        ),
    ),
    INDICATORS: (
        Column(
            REF,
            True,
            10,
            "The indicator's code, unique in the partnership (up to 20 characters); the "
            "Targets and Results sheets refer to it.",
            "CS01",
        ),
        Column(TITLE, True, 44, "What is measured.", "Burglaries per 1,000 households"),
        Column(
            DEFINITION,
            False,
            50,
            "Exactly how it is counted (up to 1,000 characters).",
            "Police-recorded domestic burglaries, divided by households, times 1,000.",
        ),
        Column(UNIT, False, 16, "For example %, rate per 10,000, count.", "rate per 1,000"),
        Column(
            DECIMALS,
            False,
            10,
            "Decimal places shown, from 0 to 6 (blank is 0).",
            "1",
        ),
        Column(
            POLARITY,
            True,
            24,
            "Which way is better: choose from the list (Higher is better, Lower is better, "
            "Within a target band, or Neither higher nor lower is better).",
            "Lower is better",
        ),
        Column(
            FREQUENCY,
            True,
            14,
            "How often it is measured: Monthly, Quarterly or Annual.",
            "Quarterly",
        ),
        Column(
            BASELINE,
            False,
            12,
            "The figure change is measured from, or blank.",
            "2.4",
        ),
        Column(
            BASELINE_PERIOD,
            False,
            16,
            "The period of the baseline, of the indicator's frequency, or blank.",
            "2023/24 Q4",
        ),
        Column(
            SOURCE,
            False,
            30,
            "Where the figures come from (up to 500 characters).",
            "Greater Manchester Police",
        ),
        Column(
            OBJECTIVE_REFS,
            False,
            14,
            "The references (on the Objectives sheet) of the objectives it measures, "
            "separated by commas.",
            "O1",
        ),
    ),
    TARGETS: (
        Column(INDICATOR_REF, True, 14, "The indicator's Ref on the Indicators sheet.", "CS01"),
        Column(
            PERIOD,
            True,
            14,
            "A period of the plan's years, of the indicator's frequency, written as councils "
            "write them: 2025/26 (a financial year), 2025/26 Q3 (a quarter; Q1 is April to "
            "June), Nov 2025 (a month).",
            "2025/26 Q1",
        ),
        Column(VALUE, True, 10, "The target.", "2.3"),
        Column(
            UPPER,
            False,
            10,
            "For a target band, its upper edge; otherwise blank.",
            "",
        ),
    ),
    RESULTS: (
        Column(INDICATOR_REF, True, 14, "The indicator's Ref on the Indicators sheet.", "CS01"),
        Column(
            PERIOD,
            True,
            14,
            "A period that has ended, of the indicator's frequency (as on the Targets sheet). "
            "Periods that a quarterly return reports are entered in the return instead.",
            "2024/25 Q4",
        ),
        Column(
            VALUE,
            True,
            10,
            "The result, or n/a if it is not available (then say why in the Note).",
            "2.6",
        ),
        Column(
            NOTE,
            False,
            40,
            "A note on the result (up to 500 characters); for n/a, why it is not available.",
            "Recording system changed in February",
        ),
    ),
}

SHEET_INTRO = {
    OBJECTIVES: "One row for each objective of the plan.",
    INDICATORS: "One row for each indicator (measure) the partnership reports.",
    TARGETS: "One row for each target: an indicator's target for one period of the plan.",
    RESULTS: "One row for each past result: several years of history are welcome.",
}

HEADING_FILL = PatternFill("solid", fgColor="D9D9D9")
REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# --- the template ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """What makes the worked example importable into one partnership as it is."""

    owner_email: str = ""
    organisation: str = ""
    outcome: str = ""


def template_workbook(example: Example | None = None) -> bytes:
    """The template: the Read me sheet and the four sheets with their headings (required
    ones highlighted), drop-down lists for Polarity and Frequency; with ``example``, the
    four sheets filled in with a worked example."""
    book = Workbook()
    readme = book.active
    readme.title = README
    _write_readme(readme)
    rows = _example_rows(example) if example is not None else {}
    for name in SHEETS:
        sheet = book.create_sheet(name)
        columns = COLUMNS[name]
        for number, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=number, value=column.heading)
            cell.font = BOLD
            cell.fill = REQUIRED_FILL if column.required else HEADING_FILL
            cell.alignment = WRAP
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = "A2"
        for values in rows.get(name, []):
            sheet.append([neutralise(v) for v in values])
        # Periods and references are text: keep Excel from turning "2025/26" into a sum or
        # "Nov 2025" into a date as they are typed.
        for heading in (PERIOD, BASELINE_PERIOD, REF, INDICATOR_REF, OBJECTIVE_REFS):
            if heading in {c.heading for c in columns}:
                # On the column, not on cells, so the sheet stays as long as its rows.
                sheet.column_dimensions[_letter(columns, heading)].number_format = "@"
        if name == INDICATORS:
            _choices(
                sheet,
                _letter(columns, POLARITY),
                [p.label for p in Polarity],
                "Choose which way is better from the list.",
            )
            _choices(
                sheet,
                _letter(columns, FREQUENCY),
                [f.label for f in Frequency],
                "Choose Monthly, Quarterly or Annual.",
            )
            decimals = DataValidation(
                type="whole",
                operator="between",
                formula1="0",
                formula2="6",
                allow_blank=True,
                errorTitle=DECIMALS,
                error="Enter a whole number of decimal places from 0 to 6.",
                showErrorMessage=True,
            )
            letter = _letter(columns, DECIMALS)
            decimals.add(f"{letter}2:{letter}{LIST_ROWS}")
            sheet.add_data_validation(decimals)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(columns: Sequence[Column], heading: str) -> str:
    return get_column_letter([c.heading for c in columns].index(heading) + 1)


def _choices(sheet, letter: str, labels: list[str], error: str) -> None:
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        errorTitle="Choose from the list",
        error=error,
        showErrorMessage=True,
    )
    choice.add(f"{letter}2:{letter}{LIST_ROWS}")
    sheet.add_data_validation(choice)


def _write_readme(sheet) -> None:
    for letter, width in zip("ABCD", (22, 11, 80, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    lines: list[tuple[list, Font | None]] = [
        (["Bringing a partnership's plan into Golden Thread"], Font(bold=True, size=14)),
        (
            [
                "Fill in the four sheets (Objectives, Indicators, Targets and Results), save "
                "the workbook as .xlsx and upload it on the partnership's “Bring in a plan "
                "from a spreadsheet” page. Every row is checked first and every problem is "
                "listed with its sheet, row and column; nothing is created until the whole "
                "workbook is right. Then the draft plan is created with everything in it, "
                "at once. Approve it on the plan's page as any other plan."
            ],
            None,
        ),
        (
            [
                "Keep the headings in row 1 (the columns may be in any order; extra columns "
                "are ignored). Yellow headings must be filled in on every row. Blank rows "
                "are skipped."
            ],
            None,
        ),
        (
            [
                "Periods are written as councils write them: 2025/26 for a financial year, "
                "2025/26 Q3 for a quarter (Q1 is April to June), Nov 2025 for a month. "
                "Numbers like 1,234 or 12.5; figures are kept to 6 decimal places (more are "
                "rounded half up)."
            ],
            None,
        ),
    ]
    for values, font in lines:
        sheet.append(values)
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=False, vertical="top")
        if font is not None:
            cell.font = font
    for name in SHEETS:
        sheet.append([])
        sheet.append([f"The {name} sheet"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        sheet.append([SHEET_INTRO[name]])
        sheet.append(["Column", "Required", "What to write", "Example"])
        for number in range(1, 5):
            cell = sheet.cell(row=sheet.max_row, column=number)
            cell.font, cell.fill = BOLD, HEADING_FILL
        for column in COLUMNS[name]:
            sheet.append(
                [
                    column.heading,
                    "Yes" if column.required else "No",
                    column.explains,
                    neutralise(column.example),
                ]
            )
            for number in range(1, 5):
                sheet.cell(row=sheet.max_row, column=number).alignment = WRAP


def _example_rows(example: Example) -> dict[str, list[list]]:
    """A worked example around today: a plan from this financial year for three years,
    results for the periods that have ended."""
    today = timezone.localdate()
    year = financial_year_of(today)
    quarters = [latest_ended(Frequency.QUARTERLY, today)]
    for _ in range(7):
        quarters.insert(0, quarters[0].previous())
    years = [latest_ended(Frequency.ANNUAL, today)]
    for _ in range(2):
        years.insert(0, years[0].previous())
    deadline = datetime.date(year + 3, 3, 31)
    objectives = [
        [
            "O1",
            "Fewer burglaries",
            "Burglary has risen in two wards for three years.",
            example.owner_email,
            example.organisation,
            deadline,
            example.outcome,
        ],
        [
            "O2",
            "People feel safe in their neighbourhood",
            "",
            "",
            example.organisation,
            deadline,
            example.outcome,
        ],
    ]
    indicators = [
        [
            "CS01",
            "Burglaries per 1,000 households",
            "Police-recorded domestic burglaries, divided by households, times 1,000.",
            "rate per 1,000",
            1,
            Polarity.LOWER.label,
            Frequency.QUARTERLY.label,
            2.6,
            quarters[0].label,
            "Police recorded crime",
            "O1",
        ],
        [
            "CS02",
            "Residents who feel safe after dark",
            "Share of residents' survey respondents who feel fairly or very safe.",
            "%",
            0,
            Polarity.HIGHER.label,
            Frequency.ANNUAL.label,
            None,
            "",
            "Residents' survey",
            "O1, O2",
        ],
        [
            "CS03",
            "Anti-social behaviour incidents",
            "Incidents reported to the police and the council.",
            "count",
            0,
            Polarity.NEITHER.label,
            Frequency.QUARTERLY.label,
            None,
            "",
            "Police and council records",
            "O2",
        ],
    ]
    plan_quarters = Period(Frequency.QUARTERLY, year, 1).periods_until(
        Period(Frequency.QUARTERLY, year + 2, 4)
    )
    targets = [
        ["CS01", q.label, round(2.4 - 0.05 * n, 2), None] for n, q in enumerate(plan_quarters)
    ]
    targets += [
        ["CS02", Period(Frequency.ANNUAL, year + n, 1).label, 75 + n, None] for n in range(3)
    ]
    results = [["CS01", q.label, round(2.6 - 0.03 * n, 2), ""] for n, q in enumerate(quarters)]
    results += [["CS02", y.label, 71 + n, ""] for n, y in enumerate(years)]
    results += [["CS03", q.label, 410 - 5 * n, ""] for n, q in enumerate(quarters[:-1])]
    results += [["CS03", quarters[-1].label, "n/a", "The council's records were being moved"]]
    return {OBJECTIVES: objectives, INDICATORS: indicators, TARGETS: targets, RESULTS: results}


# --- reading a filled-in workbook -----------------------------------------------------------


@dataclass
class ReadWorkbook:
    """The workbook's rows and every problem found in the file alone; ``rounded`` figures
    had more than six decimal places."""

    plan: PlanImport = field(default_factory=PlanImport)
    problems: list[SheetProblem] = field(default_factory=list)
    rounded: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def read_upload(uploaded_file) -> bytes:
    """The upload's bytes; ``Refused`` when it is larger than 5 MB or empty."""
    try:
        return _read_bounded(uploaded_file)
    except Refused as refusal:
        raise _ours(refusal) from None


def check_file(data: bytes, name: str = "") -> None:
    """Refuse (``Refused``) what is not a workbook we can open, before it is kept."""
    _open(data, name).close()


def _ours(refusal: Refused) -> Refused:
    message = str(refusal)
    if message == EMPTY:
        return Refused(NO_FILE)
    if message == NOT_XLSX:
        return Refused(NOT_A_WORKBOOK)
    return refusal


def _open(data: bytes, name: str):
    try:
        if not data:
            raise Refused(EMPTY)
        if not data.startswith(b"PK\x03\x04"):
            raise Refused(NOT_XLSX)
        _check_zip(data)
        try:
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise _refusal(error) from error
    except Refused as refusal:
        raise _ours(refusal) from None


def read_workbook(data: bytes, name: str = "") -> ReadWorkbook:
    """Read a filled-in workbook; a file that cannot be read at all is one problem."""
    try:
        book = _open(data, name)
        try:
            tables = {}
            missing = []
            for sheet_name in SHEETS:
                if sheet_name in book.sheetnames:
                    tables[sheet_name] = list(_rows(book[sheet_name], sheet_name))
                else:
                    missing.append(sheet_name)
        except Refused:
            raise
        except Exception as error:  # a damaged sheet can fail in many ways while streaming
            raise _ours(_refusal(error)) from error
        finally:
            book.close()
    except Refused as refusal:
        return ReadWorkbook(problems=[SheetProblem("", None, "", str(refusal))])
    if missing:
        return ReadWorkbook(
            problems=[
                SheetProblem(
                    sheet,
                    None,
                    "",
                    f"the workbook has no sheet named “{sheet}”: use the template, which has "
                    "the four sheets Objectives, Indicators, Targets and Results",
                )
                for sheet in missing
            ]
        )
    return _Reader(tables).read()


def _rows(sheet, name: str) -> Iterator[tuple]:
    """A sheet's rows as values; a number in Excel's per cent format as text like "12.5%"."""
    percent_styles: dict[int, bool] = {}
    sheet.reset_dimensions()  # read every row, whatever the file says its size is
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS + 1:
            raise Refused(
                f"The {name} sheet has more than {MAX_ROWS:,} rows. A plan has far fewer: "
                "check the sheet for stray rows far below the data."
            )
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


def _key(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _refs(value: object) -> tuple[str, ...]:
    """References separated by commas, semicolons or new lines."""
    return tuple(r.strip() for r in re.split(r"[,;\n]", _text(value)) if r.strip())


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")


def _date(value: object) -> datetime.date | str:
    """A date, or what is wrong with it."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        for pattern in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            return f"“{_shown(value)}” is not a date: write it like 31/03/2028"
    return date_problem(day) or day


class _Reader:
    def __init__(self, tables: dict[str, list[tuple]]):
        self.tables = tables
        self.read_as = ReadWorkbook()
        self.problems = self.read_as.problems
        self.frequency: dict[str, Frequency | None] = {}  # by folded indicator ref
        self.units: dict[str, str] = {}
        self.codes: dict[str, str] = {}  # folded → as written

    def read(self) -> ReadWorkbook:
        objective_refs = self._objectives()
        self._indicators(objective_refs)
        self._targets()
        self._results()
        plan = self.read_as.plan
        if not self.problems and not (plan.objectives or plan.indicators):
            self.problems.append(
                SheetProblem(
                    OBJECTIVES,
                    None,
                    "",
                    "the workbook has no objectives or indicators: fill in the template's "
                    "sheets, one row for each",
                )
            )
        if self.problems:
            self.read_as.plan = PlanImport()
        return self.read_as

    # --- rows of a sheet, by heading ----------------------------------------------------

    def _sheet(self, name: str) -> Iterator[tuple[int, dict[str, object]]]:
        """(row number, {heading: cell}) for every row that is not blank; problems with the
        headings are reported once, and then the sheet's rows are not read."""
        rows = self.tables[name]
        columns = COLUMNS[name]
        if not rows:
            return
        wanted = {_key(c.heading): c.heading for c in columns}
        found: dict[str, int] = {}
        problems = []
        for index, value in enumerate(rows[0]):
            heading = wanted.get(_key(value))
            if heading is None:
                continue
            if heading in found:
                problems.append(
                    SheetProblem(name, 1, heading, "this heading appears twice; keep one")
                )
            found[heading] = index
        for column in columns:
            if column.required and column.heading not in found:
                problems.append(
                    SheetProblem(
                        name,
                        1,
                        "",
                        f"the heading “{column.heading}” is missing: keep the template's "
                        "headings in row 1",
                    )
                )
        if problems:
            self.problems.extend(problems)
            return
        for number, cells in enumerate(rows[1:], start=2):
            values = {
                heading: cells[index] if index < len(cells) else None
                for heading, index in found.items()
            }
            if all(_blank(v) for v in values.values()):
                continue
            yield number, values

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(SheetProblem(sheet, row, column, message))

    def _figure(self, sheet: str, row: int, column: str, raw: object, ref: str) -> Decimal | None:
        """A number as kept, or None with the problem reported."""
        if isinstance(raw, bool | datetime.date | datetime.time | datetime.timedelta):
            self.problem(sheet, row, column, f"“{_shown(raw)}” is not a number")
            return None
        if isinstance(raw, int | float):
            if not math.isfinite(raw):
                self.problem(sheet, row, column, f"“{_shown(raw)}” is not a number")
                return None
            number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        else:
            text = _text(raw)
            percent = text.endswith("%")
            try:
                number = read_number(text.removesuffix("%").strip())
            except NumberError:
                number = None
            if number is None:
                self.problem(sheet, row, column, f"“{_shown(raw)}” is not a number")
                return None
            unit = self.units.get(ref.casefold(), "")
            if percent and unit != "%":
                measured = f"in {unit}" if unit else "without a unit"
                self.problem(
                    sheet,
                    row,
                    column,
                    f"“{_shown(raw)}” is a percentage, but {self.codes.get(ref.casefold(), ref)} "
                    f"is measured {measured}: enter the number only",
                )
                return None
        if problem := number_problem(number, max_digits=18, decimal_places=6):
            self.problem(sheet, row, column, f"“{_shown(raw)}” is too large: {problem.lower()}")
            return None
        kept = kept_figure(number)
        self.read_as.rounded += kept != number
        return kept

    def _period(self, sheet: str, row: int, column: str, raw: object, ref: str) -> Period | None:
        """A period of the indicator's frequency, or None with the problem reported."""
        if isinstance(raw, datetime.date):
            day = raw.date() if isinstance(raw, datetime.datetime) else raw
            period: Period | None = Period.containing(Frequency.MONTHLY, day)
        else:
            text = _text(raw)
            if not text:
                self.problem(sheet, row, column, "enter the period, like 2025/26 Q3")
                return None
            try:
                period = parse_published_period(text)
            except PeriodError as error:
                self.problem(sheet, row, column, _lower(str(error)))
                return None
        frequency = self.frequency.get(ref.casefold())
        if frequency is not None and period.frequency is not frequency:
            code = self.codes.get(ref.casefold(), ref)
            self.problem(
                sheet,
                row,
                column,
                f"{period.label} is {KIND[period.frequency]}, but {code} is measured "
                f"{ADVERB[frequency]}: write its periods like {LIKE[frequency]}",
            )
            return None
        return period

    # --- the sheets ---------------------------------------------------------------------

    def _objectives(self) -> dict[str, int]:
        refs: dict[str, int] = {}
        for number, cells in self._sheet(OBJECTIVES):
            ok = True
            ref = _text(cells.get(REF))
            if not ref:
                self.problem(
                    OBJECTIVES, number, REF, "enter a reference for the objective, like O1"
                )
                ok = False
            elif ref.casefold() in refs:
                self.problem(
                    OBJECTIVES,
                    number,
                    REF,
                    f"{ref} is already the reference of the objective in row "
                    f"{refs[ref.casefold()]}: give each objective its own",
                )
                ok = False
            else:
                refs[ref.casefold()] = number
            title = _text(cells.get(TITLE))
            if not title:
                self.problem(OBJECTIVES, number, TITLE, "enter the objective's title")
                ok = False
            owner = _text(cells.get(OWNER))
            if owner and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", owner):
                self.problem(
                    OBJECTIVES,
                    number,
                    OWNER,
                    f"“{_shown(owner)}” is not an e-mail address: write the owner's, like "
                    "jo.smith@example.gov.uk, or leave it blank",
                )
                ok = False
            deadline = None
            if not _blank(cells.get(DEADLINE)):
                deadline = _date(cells.get(DEADLINE))
                if isinstance(deadline, str):
                    self.problem(OBJECTIVES, number, DEADLINE, _lower(deadline))
                    ok = False
            if ok:
                self.read_as.plan.objectives.append(
                    ObjectiveRow(
                        row=number,
                        ref=ref,
                        title=title,
                        description=_text(cells.get(DESCRIPTION)),
                        owner_email=owner,
                        lead_organisation=_text(cells.get(ORGANISATION)),
                        deadline=deadline,
                        outcomes=_refs(cells.get(OUTCOMES)),
                    )
                )
        return refs

    def _indicators(self, objective_refs: dict[str, int]) -> None:
        rows: dict[str, int] = {}
        for number, cells in self._sheet(INDICATORS):
            problems = len(self.problems)
            code = _text(cells.get(REF))
            if not code:
                self.problem(INDICATORS, number, REF, "enter the indicator's code, like CS01")
            elif code.casefold() in rows:
                self.problem(
                    INDICATORS,
                    number,
                    REF,
                    f"{code} is already the code of the indicator in row "
                    f"{rows[code.casefold()]}: give each indicator its own",
                )
                code = ""
            else:
                rows[code.casefold()] = number
            title = _text(cells.get(TITLE))
            if not title:
                self.problem(INDICATORS, number, TITLE, "enter the indicator's title")
            polarity = self._choice(
                number, POLARITY, cells.get(POLARITY), POLARITIES, [p.label for p in Polarity]
            )
            frequency = self._choice(
                number, FREQUENCY, cells.get(FREQUENCY), FREQUENCIES, [f.label for f in Frequency]
            )
            unit = _text(cells.get(UNIT))
            if code:
                self.codes[code.casefold()] = code
                self.units[code.casefold()] = unit
                self.frequency[code.casefold()] = frequency
            decimals = 0
            raw_decimals = cells.get(DECIMALS)
            if not _blank(raw_decimals):
                text = _text(raw_decimals)
                if text.isdigit() and int(text) <= 6:
                    decimals = int(text)
                else:
                    self.problem(
                        INDICATORS,
                        number,
                        DECIMALS,
                        f"“{_shown(raw_decimals)}” is not a number of decimal places: enter a "
                        "whole number from 0 to 6",
                    )
            baseline = None
            if not _blank(cells.get(BASELINE)):
                baseline = self._figure(INDICATORS, number, BASELINE, cells.get(BASELINE), code)
            baseline_period = None
            if not _blank(cells.get(BASELINE_PERIOD)):
                baseline_period = self._period(
                    INDICATORS, number, BASELINE_PERIOD, cells.get(BASELINE_PERIOD), code
                )
            objectives = _refs(cells.get(OBJECTIVE_REFS))
            for ref in objectives:
                if ref.casefold() not in objective_refs:
                    self.problem(
                        INDICATORS,
                        number,
                        OBJECTIVE_REFS,
                        f"no objective on the Objectives sheet has the reference {ref}",
                    )
            if len(self.problems) == problems:
                self.read_as.plan.indicators.append(
                    IndicatorRow(
                        row=number,
                        code=code,
                        title=title,
                        polarity=polarity.value,
                        frequency=frequency.value,
                        definition=_text(cells.get(DEFINITION)),
                        unit=unit,
                        decimals=decimals,
                        baseline=baseline,
                        baseline_period=baseline_period,
                        source=_text(cells.get(SOURCE)),
                        objectives=objectives,
                    )
                )

    def _choice(self, row: int, column: str, raw: object, choices: dict, labels: list[str]):
        text = _key(raw)
        if text in choices:
            return choices[text]
        listed = ", ".join(labels[:-1]) + " or " + labels[-1]
        if not text:
            self.problem(INDICATORS, row, column, f"choose {listed}")
        else:
            self.problem(
                INDICATORS, row, column, f"“{_shown(raw)}” is not one of the choices: {listed}"
            )
        return None

    def _indicator_ref(self, sheet: str, row: int, raw: object) -> str:
        ref = _text(raw)
        if not ref:
            self.problem(sheet, row, INDICATOR_REF, "enter the indicator's Ref, like CS01")
            return ""
        if ref.casefold() not in self.codes:
            self.problem(
                sheet,
                row,
                INDICATOR_REF,
                f"no indicator on the Indicators sheet has the Ref {ref}",
            )
            return ""
        return ref

    def _targets(self) -> None:
        seen: dict[tuple[str, Period], int] = {}
        for number, cells in self._sheet(TARGETS):
            problems = len(self.problems)
            ref = self._indicator_ref(TARGETS, number, cells.get(INDICATOR_REF))
            period = self._period(TARGETS, number, PERIOD, cells.get(PERIOD), ref) if ref else None
            value = None
            if _blank(cells.get(VALUE)):
                self.problem(TARGETS, number, VALUE, "enter the target")
            else:
                value = self._figure(TARGETS, number, VALUE, cells.get(VALUE), ref)
            upper = None
            if not _blank(cells.get(UPPER)):
                upper = self._figure(TARGETS, number, UPPER, cells.get(UPPER), ref)
                if upper is not None and value is not None and upper < value:
                    self.problem(
                        TARGETS,
                        number,
                        UPPER,
                        "the upper edge of the band is below the target",
                    )
            if period is not None and self._repeated(TARGETS, seen, ref, period, number):
                continue
            if len(self.problems) == problems:
                self.read_as.plan.targets.append(
                    TargetRow(row=number, indicator=ref, period=period, value=value, upper=upper)
                )

    def _results(self) -> None:
        seen: dict[tuple[str, Period], int] = {}
        limit = NOTE_LIMIT  # Result.note's and not_available_reason's
        for number, cells in self._sheet(RESULTS):
            problems = len(self.problems)
            ref = self._indicator_ref(RESULTS, number, cells.get(INDICATOR_REF))
            period = self._period(RESULTS, number, PERIOD, cells.get(PERIOD), ref) if ref else None
            note = _text(cells.get(NOTE))
            raw = cells.get(VALUE)
            value = None
            not_available = _key(raw) in NOT_AVAILABLE
            if _blank(raw):
                self.problem(
                    RESULTS, number, VALUE, "enter the result, or n/a if it is not available"
                )
            elif not_available:
                if not note:
                    self.problem(
                        RESULTS, number, NOTE, "say in the Note why the result is not available"
                    )
            else:
                value = self._figure(RESULTS, number, VALUE, raw, ref)
            if len(note) > limit:
                self.problem(
                    RESULTS,
                    number,
                    NOTE,
                    f"enter {limit:,} characters or fewer. This has {len(note):,}",
                )
            if period is not None and self._repeated(RESULTS, seen, ref, period, number):
                continue
            if len(self.problems) == problems:
                self.read_as.plan.results.append(
                    ResultRow(row=number, indicator=ref, period=period, value=value, note=note)
                )

    def _repeated(self, sheet: str, seen: dict, ref: str, period: Period, number: int) -> bool:
        first = seen.setdefault((ref.casefold(), period), number)
        if first == number:
            return False
        what = "target" if sheet == TARGETS else "result"
        self.problem(
            sheet,
            number,
            PERIOD,
            f"row {first} already has the {what} of {self.codes[ref.casefold()]} for "
            f"{period.label}: a {what} for each indicator and period, once",
        )
        return True


def _lower(message: str) -> str:
    message = message.strip().rstrip(".")
    return (
        message[:1].lower() + message[1:]
        if message[:1].isupper() and message[1:2].islower()
        else message
    )


# --- keeping the file between the check and creating ----------------------------------------


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
