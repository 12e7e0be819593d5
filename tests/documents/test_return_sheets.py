"""A return as a spreadsheet and back: the export, the importer's row-by-row checks, and
every kind of bad file refused with a message, within bounded memory."""

import csv
import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import openpyxl.xml
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.core.models import Result, Target
from goldenthread.core.services.returns import ResultInput, record_results
from goldenthread.documents import return_sheets as sheets
from goldenthread.documents.return_sheets import HEADINGS, export_csv, export_xlsx, parse_upload
from goldenthread.rules import Period
from tests.conftest import make_indicator

INJECTION = '=HYPERLINK("http://evil.example/","Click me")'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def sheet(world):
    """The world's 2025/26 Q3 return with five rows: a monthly measure in per cent owned
    by the lead (rows 2-4, Oct-Dec 2025), a quarterly count owned by the other member
    (row 5) and the world's SS01, owned by the member, with a result of 101 (row 6)."""
    monthly = make_indicator(
        world.partnership,
        "MN01",
        {"Oct 2025": ("80", None), "Nov 2025": ("80", None), "Dec 2025": ("80", None)},
        title="Victims contacted within 24 hours",
        frequency="monthly",
        unit="%",
        decimals=1,
        owner=world.lead,
    )
    counted = make_indicator(
        world.partnership,
        "OT02",
        {"2025/26 Q2": ("40", "-3")},
        title="Change in repeat burglaries",
        unit="count",
        owner=world.other_member,
        polarity="lower",
    )
    world.monthly, world.counted = monthly, counted
    return world


def upload(content: bytes, name: str = "return.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def fill(content: bytes, changes: dict[int, dict[str, object]]) -> bytes:
    """The workbook with {row: {heading: value}} typed in, as someone would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book[sheets.SHEET]
    columns = {cell.value: cell.column for cell in ws[1]}
    for row, values in changes.items():
        for heading, value in values.items():
            ws.cell(row=row, column=columns[heading], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], headings=HEADINGS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_row(code: str, period: str, result="", na="", reason="", note="", commentary=""):
    return [code, "", period, "", "", "", "", result, na, reason, note, commentary]


def problems(parsed) -> list[str]:
    return [str(p) for p in parsed.problems]


# --- Export --------------------------------------------------------------------------------


def test_the_workbook_has_a_row_for_every_result_due_prefilled(sheet):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))
    ws = book[sheets.SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADINGS
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("MN01", "Oct 2025"),
        ("MN01", "Nov 2025"),
        ("MN01", "Dec 2025"),
        ("OT02", "2025/26 Q3"),
        ("SS01", "2025/26 Q3"),
    ]
    assert rows[5] == (
        "SS01",
        "Indicator SS01",
        "2025/26 Q3",
        None,
        100,
        103,
        98,
        101,
        None,
        None,
        None,
        None,
    )
    assert rows[1][3:5] == ("%", 80)
    assert rows[4][5] == -3  # the previous quarter, a negative number, stays a number
    assert ws["F5"].data_type == "n"


def test_the_workbook_is_laid_out_for_people(sheet):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))
    ws = book[sheets.SHEET]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == sheets.WIDTHS["Indicator"]
    result, title = ws.cell(row=2, column=8), ws.cell(row=2, column=2)
    assert result.fill.fgColor.rgb.endswith("FFF2CC")  # inputs are yellow
    assert title.fill.fgColor.rgb in (None, "00000000")
    assert ws["A1"].font.bold
    assert [dv.sqref for dv in ws.data_validations.dataValidation] == ["I2:I6"] or str(
        ws.data_validations.dataValidation[0].sqref
    ) == "I2:I6"
    about = "\n".join(str(c.value or "") for c in book["About"]["A"])
    assert "Safer Streets Partnership: 2025/26 Q3 monitoring return" in about
    assert "Deadline: 31 January 2026" in about
    assert "Fill in the yellow columns" in about


def test_recorded_results_are_filled_in(sheet):
    Result.objects.create(
        indicator=sheet.monthly,
        period=Period.parse("Nov 2025"),
        not_available=True,
        not_available_reason="System down",
        note="Source: CRM",
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))[sheets.SHEET].iter_rows(
            values_only=True
        )
    )
    assert rows[2][7:12] == (None, "yes", "System down", "Source: CRM", None)


def test_formula_like_text_is_neutralised_and_numbers_are_not(sheet):
    Result.objects.filter(indicator=sheet.indicator).update(
        value=Decimal("-5"), commentary=INJECTION, note="-5 fewer than planned"
    )
    sheet.indicator.title = "@risk\tcount"
    sheet.indicator.save()
    ws = openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))[sheets.SHEET]
    assert ws["L6"].value == "'" + INJECTION
    assert ws["L6"].data_type == "s"  # text, not a formula
    assert ws["K6"].value == "'-5 fewer than planned"
    assert ws["B6"].value == "'@risk\tcount"
    assert (ws["H6"].value, ws["H6"].data_type) == (-5, "n")

    text = export_csv(sheet.ret).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[5]
    assert row[11] == "'" + INJECTION
    assert row[10] == "'-5 fewer than planned"
    assert row[7] == "-5"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_dangerous_start_is_neutralised(start):
    assert sheets.neutralise(f"{start}cmd") == f"'{start}cmd"
    assert sheets.neutralise(f"a{start}") == f"a{start}"
    assert sheets.neutralise(-5) == -5


def test_the_csv_says_the_same_as_the_workbook(sheet):
    data = export_csv(sheet.ret)
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(HEADINGS)
    assert rows[5][:8] == ["SS01", "Indicator SS01", "2025/26 Q3", "", "100", "103", "98", "101"]


def test_a_band_target_is_written_as_its_range(sheet):
    Target.objects.filter(indicator=sheet.indicator, period=Period.parse("2025/26 Q3")).update(
        upper=Decimal("110")
    )
    ws = openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))[sheets.SHEET]
    assert ws["E6"].value == "100 to 110"


# --- Reading a filled-in sheet -------------------------------------------------------------


def test_a_sheet_sent_back_untouched_changes_nothing(sheet):
    """The export reads back as exactly what is recorded, neutralised text included."""
    Result.objects.filter(indicator=sheet.indicator).update(commentary=INJECTION)
    for export, name in ((export_xlsx, "r.xlsx"), (export_csv, "r.csv")):
        parsed = parse_upload(sheet.ret, upload(export(sheet.ret), name))
        assert parsed.ok, problems(parsed)
        assert [(r.indicator_id, r.period.label, r.value, r.commentary) for r in parsed.rows] == [
            (sheet.indicator.pk, "2025/26 Q3", Decimal(101), INJECTION)
        ]
        assert record_results(ret=sheet.ret, by=sheet.lead, results=parsed.rows) == 0


def test_a_filled_in_workbook_reads_back(sheet):
    filled = fill(
        export_xlsx(sheet.ret),
        {
            2: {"Result": 82.5},
            3: {"Result": "1,234"},
            4: {"Not available": "Yes", "Why not available": "Survey late"},
            5: {"Result": -2, "Commentary": "Fewer repeats"},
            6: {"Result": 99.1234567, "Note": "Provisional"},
        },
    )
    parsed = parse_upload(sheet.ret, upload(filled))
    assert parsed.ok, problems(parsed)
    got = {(r.indicator_id, r.period.label): r for r in parsed.rows}
    assert got[sheet.monthly.pk, "Oct 2025"].value == Decimal("82.5")
    assert got[sheet.monthly.pk, "Nov 2025"].value == Decimal("1234")
    december = got[sheet.monthly.pk, "Dec 2025"]
    assert (december.value, december.not_available, december.not_available_reason) == (
        None,
        True,
        "Survey late",
    )
    assert got[sheet.counted.pk, "2025/26 Q3"].value == Decimal(-2)
    assert got[sheet.indicator.pk, "2025/26 Q3"].value == Decimal("99.123457")  # six places


def test_rows_left_blank_are_skipped(sheet):
    content = csv_bytes([csv_row("MN01", "Oct 2025"), ["", "", "", "", "", "", "", "", ""]])
    parsed = parse_upload(sheet.ret, upload(content, "r.csv"))
    assert parsed.ok and parsed.rows == []


def test_columns_may_move_and_extra_ones_are_ignored(sheet):
    headings = ["Commentary", "Result", "Period", "Mine", "Indicator code"]
    headings += ["Note", "Not available", "Why not available"]
    content = csv_bytes([["Good", "7", "2025/26 Q3", "x", "OT02", "", "", ""]], headings)
    parsed = parse_upload(sheet.ret, upload(content, "r.csv"))
    assert [(r.value, r.commentary) for r in parsed.rows] == [(Decimal(7), "Good")]


def test_percentages_are_read_for_measures_in_per_cent_only(sheet):
    content = csv_bytes(
        [csv_row("MN01", "Oct 2025", "12.5%"), csv_row("OT02", "2025/26 Q3", "12%")]
    )
    parsed = parse_upload(sheet.ret, upload(content, "r.csv"))
    assert problems(parsed) == [
        "Row 3, Result: “12%” is a percentage, but OT02 is measured in count: enter the number only"
    ]
    parsed = parse_upload(sheet.ret, upload(content.replace(b"12%", b"12"), "r.csv"))
    assert [r.value for r in parsed.rows] == [Decimal("12.5"), Decimal(12)]


def test_a_number_typed_with_a_per_cent_sign_in_excel_is_read_as_per_cent(sheet):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(sheet.ret)))
    cell = book[sheets.SHEET]["H2"]
    cell.value, cell.number_format = 0.125, "0.0%"  # what Excel stores for "12.5%"
    literal = book[sheets.SHEET]["H3"]
    literal.value, literal.number_format = 40, '0"%"'
    out = io.BytesIO()
    book.save(out)
    parsed = parse_upload(sheet.ret, upload(out.getvalue()))
    assert [r.value for r in parsed.rows] == [Decimal("12.5"), Decimal(40), Decimal(101)]


def test_periods_as_excel_mangles_them_are_read(sheet):
    content = csv_bytes([csv_row("MN01", "Oct-25", "1"), csv_row("MN01", "november 2025", "2")])
    parsed = parse_upload(sheet.ret, upload(content, "r.csv"))
    assert [(r.period.label, r.value) for r in parsed.rows] == [
        ("Oct 2025", Decimal(1)),
        ("Nov 2025", Decimal(2)),
    ]
    filled = fill(export_xlsx(sheet.ret), {4: {"Period": datetime.datetime(2025, 12, 1)}})
    parsed = parse_upload(sheet.ret, upload(fill(filled, {4: {"Result": 3}})))
    assert (parsed.rows[0].period.label, parsed.rows[0].value) == ("Dec 2025", Decimal(3))


def test_every_problem_is_named_with_its_row_and_column(sheet):
    content = csv_bytes(
        [
            csv_row("MN01", "Oct 2025", "abc"),  # row 2
            csv_row("XX99", "2025/26 Q3", "1"),  # row 3
            csv_row("SS01", "2024/25 Q1", "1"),  # row 4
            csv_row("MN01", "Nov 2025", "", "yes"),  # row 5
            csv_row("OT02", "2025/26 Q3", "4"),  # row 6
            csv_row("MN01", "Dec 2025", "1,5"),  # row 7
            csv_row("OT02", "2025/26 Q3", "5"),  # row 8
            csv_row("SS01", "Q5", "1"),  # row 9
            csv_row("SS01", "2025/26 Q3", "1", "maybe"),  # row 10
            csv_row("", "2025/26 Q3", "1"),  # row 11
        ]
    )
    parsed = parse_upload(sheet.ret, upload(content, "r.csv"))
    assert parsed.rows == []
    found = problems(parsed)
    assert found[:8] == [
        "Row 2, Result: “abc” is not a number",
        "Row 3, Indicator code: XX99 is not an indicator of this partnership",
        "Row 4, Period: 2024/25 Q1 is not due in this return (SS01 reports 2025/26 Q3)",
        "Row 5, Why not available: say why the result is not available",
        "Row 7, Result: “1,5” is not a number",
        "Row 8: the same indicator and period appear twice (rows 6 and 8)",
        found[6],
        "Row 10, Not available: write “yes” if the result is not available, or leave it "
        "blank, not “maybe”",
    ]
    assert found[6].startswith("Row 9, Period: ")
    assert found[8:] == ["Row 11, Indicator code: enter the indicator code"]


def test_a_note_without_a_result_is_not_silently_dropped(sheet):
    content = csv_bytes(
        [
            csv_row("MN01", "Oct 2025", note="Waiting for data"),
            csv_row("MN01", "Nov 2025", "4", "yes", "Late"),
            csv_row("MN01", "Dec 2025", "4", reason="Late"),
        ]
    )
    assert problems(parse_upload(sheet.ret, upload(content, "r.csv"))) == [
        "Row 2, Result: enter the result, or mark it not available: a note or commentary is "
        "kept only with a result",
        "Row 3, Result: leave the result blank when it is not available, or clear Not available",
        "Row 4, Not available: write “yes” if the result is not available, or clear Why not "
        "available",
    ]


def test_wrong_headings_are_refused(sheet):
    content = csv_bytes([csv_row("MN01", "Oct 2025", "1")], ["Code", "When", "Value"])
    found = problems(parse_upload(sheet.ret, upload(content, "r.csv")))
    assert (
        "Row 1: the heading “Indicator code” is missing. Use the sheet downloaded for this "
        "return, with its headings in row 1." in found
    )
    assert len(found) == len(sheets.READ)


def test_the_import_takes_a_fixed_number_of_queries(sheet):
    def queries(rows: int) -> int:
        for n in range(rows):
            make_indicator(sheet.partnership, f"Q{rows}{n:03d}", owner=sheet.lead)
        filled = csv_bytes([csv_row(f"Q{rows}{n:03d}", "2025/26 Q3", str(n)) for n in range(rows)])
        with CaptureQueriesContext(connection) as context:
            parsed = parse_upload(sheet.ret, upload(filled, "r.csv"))
            record_results(ret=sheet.ret, by=sheet.lead, results=parsed.rows)
        return len(context)

    queries(1)  # who the lead is in the partnership is looked up once, then kept
    assert queries(3) == queries(30)


# --- Bad files -----------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"/>'
)


def zip_bytes(members: dict[str, bytes], *, zeros: dict[str, int] | None = None) -> bytes:
    """A zip with the given members, plus members of `zeros` bytes of zeros, streamed in
    so the test never holds them: a zip bomb is small on disk and in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for name, size in (zeros or {}).items():
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
    return out.getvalue()


def zip_bomb(unpacked: int = 2 * 1024 * 1024) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES.encode(), "xl/workbook.xml": b"<workbook/>"},
        zeros={"xl/worksheets/sheet1.xml": unpacked},
    )


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
)


def entity_bomb(real: bytes, part: str) -> bytes:
    """A real workbook with one part replaced by a "billion laughs" document."""
    bodies = {
        "xl/worksheets/sheet1.xml": (
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
            "</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
        ),
        "xl/workbook.xml": (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
    }
    source = zipfile.ZipFile(io.BytesIO(real))
    members = {name: source.read(name) for name in source.namelist()}
    members[part] = (LAUGHS + bodies[part]).encode()
    return zip_bytes(members)


def shared_strings_workbook() -> bytes:
    """A workbook whose text is in a shared strings table, as Excel writes it (openpyxl
    writes text inline)."""
    book = openpyxl.Workbook()
    book.active.append(["a"])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    members = {name: source.read(name) for name in source.namelist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    members["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>Indicator code</t></si></sst>'
    )
    return zip_bytes(members)


def too_many_parts() -> bytes:
    members = {f"xl/media/image{n}.png": b"x" for n in range(sheets.MAX_ZIP_MEMBERS + 1)}
    return zip_bytes({"xl/workbook.xml": b"<workbook/>", **members})


def word_document() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES.encode(), "word/document.xml": b"x"})


BAD_FILES = {
    "oversized": (lambda: b"a" * (sheets.MAX_BYTES + 1), "big.csv", sheets.TOO_BIG),
    "renamed PDF": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "results.xlsx", sheets.NOT_XLSX),
    "old binary xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "r.xls", None),
    "a zip that is not a workbook": (word_document, "results.xlsx", sheets.NOT_XLSX),
    "zip bomb": (zip_bomb, "results.xlsx", sheets.ZIP_BOMB),
    "zip bomb, large": (
        lambda: zip_bomb(sheets.MAX_UNPACKED_BYTES + 1024 * 1024),
        "results.xlsx",
        sheets.TOO_BIG_UNPACKED,
    ),
    "too many parts": (too_many_parts, "results.xlsx", sheets.TOO_MANY_PARTS),
    "CSV not UTF-8": (
        lambda: csv_bytes([csv_row("SS01", "2025/26 Q3", "1", note="£5 spent")], encoding="cp1252"),
        "r.csv",
        sheets.NOT_UTF8,
    ),
    "NUL bytes": (lambda: b"Indicator code,Period\r\nSS01\0,1\r\n", "r.csv", sheets.BINARY),
    "empty": (lambda: b"", "r.csv", sheets.EMPTY),
}
BAD_FILES["old binary xls"] = (BAD_FILES["old binary xls"][0], "r.xls", sheets.NOT_XLSX)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_files_are_refused_with_a_message(sheet, kind):
    make, name, message = BAD_FILES[kind]
    parsed = parse_upload(sheet.ret, upload(make(), name))
    assert parsed.rows == []
    assert problems(parsed) == [message]
    assert parsed.problems[0].row is None


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"]
)
def test_an_xml_entity_bomb_is_refused_within_bounded_memory(sheet, part):
    real = shared_strings_workbook() if part == "xl/sharedStrings.xml" else export_xlsx(sheet.ret)
    bomb = entity_bomb(real, part)
    assert len(bomb) < 20_000
    tracemalloc.start()
    try:
        parsed = parse_upload(sheet.ret, upload(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parsed.rows == []
    assert problems(parsed) == [sheets.XML_NOT_ALLOWED]
    assert peak < 20 * 1024 * 1024


def test_a_zip_bomb_is_refused_before_it_is_unpacked(sheet):
    bomb = zip_bomb(sheets.MAX_UNPACKED_BYTES + 1024 * 1024)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        parsed = parse_upload(sheet.ret, upload(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems(parsed) == [sheets.TOO_BIG_UNPACKED]
    assert peak < 5 * 1024 * 1024


def test_too_many_rows_are_refused(sheet):
    rows = [csv_row("XX", "2025/26 Q3")] * (sheets.MAX_ROWS + 1)
    parsed = parse_upload(sheet.ret, upload(csv_bytes(rows), "r.csv"))
    assert problems(parsed) == [sheets.TOO_MANY_ROWS]


def test_a_renamed_csv_is_read_by_its_content(sheet):
    content = csv_bytes([csv_row("OT02", "2025/26 Q3", "3")])
    parsed = parse_upload(sheet.ret, upload(content, "results.txt"))
    assert [r.value for r in parsed.rows] == [Decimal(3)]
    parsed = parse_upload(sheet.ret, upload(export_xlsx(sheet.ret), "results.csv"))
    assert parsed.ok


def test_a_result_input_is_what_the_service_takes(sheet):
    content = csv_bytes([csv_row("OT02", "2025/26 Q3", "3", note=" n ")])
    [row] = parse_upload(sheet.ret, upload(content, "r.csv")).rows
    assert row == ResultInput(
        indicator_id=sheet.counted.pk,
        period=Period.parse("2025/26 Q3"),
        value=Decimal(3),
        note="n",
    )
