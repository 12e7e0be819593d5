"""The compliance tracker as a spreadsheet (.xlsx) and as CSV: one row per partnership,
each of the five minimum requirements' status ("Met late" included), why each is so with
its deadline and, once delivered, when, and the evidence in words. The rows are
goldenthread.core.compliance's, as the tracker page shows them. Text is neutralised
against formula injection, as in every spreadsheet we write (return_sheets.neutralise)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from goldenthread.core.compliance import Row
from goldenthread.rules import Requirement, year_label

from .return_sheets import neutralise

HEADINGS = ["Partnership", *[r.label for r in Requirement], "Why", "Evidence"]


def _table(rows: list[Row]) -> list[list[str]]:
    lines = []
    for row in rows:
        why = " | ".join(f"{c.requirement.label}: {c.reason}" for c in row.cells)
        evidence = " | ".join(f"{c.requirement.label}: {c.evidence_text}" for c in row.cells)
        lines.append([row.partnership.name, *[c.status.label for c in row.cells], why, evidence])
    return lines


def compliance_filename(year: int, extension: str) -> str:
    return f"Minimum requirements {year_label(year).replace('/', '-')}.{extension}"


def compliance_xlsx(rows: list[Row], year: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Requirements {year_label(year).replace('/', '-')}")
    sheet.freeze_panes = "B2"
    for letter, width in zip("ABCDEFGH", [36, 14, 14, 14, 14, 14, 70, 90], strict=True):
        sheet.column_dimensions[letter].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    heading_cells = []
    for heading in HEADINGS:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font, cell.alignment = bold, wrap
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for line in _table(rows):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def compliance_csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for line in _table(rows):
        writer.writerow([neutralise(value) for value in line])
    # A byte order mark, so Excel opens it with the right characters.
    return buffer.getvalue().encode("utf-8-sig")
