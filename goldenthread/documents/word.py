"""Generic helpers for Word files written for partners and the public (python-docx).

Accessible Word means: real heading styles (screen readers and the navigation pane use
them), tables with a header row that repeats on each page and a caption, a document
language, a title in the file's properties, and plain, left-aligned text. A4 pages with
"Page 3 of 12" in the footer, as councils print them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

FONT = "Arial"
TEXT_COLOUR = RGBColor(0x0B, 0x0C, 0x0C)  # GOV.UK text colour
HEADING_SIZES = {1: 22, 2: 16, 3: 13, 4: 11}


def new_document(
    *, title: str, author: str, subject: str = "", language: str = "en-GB", landscape: bool = False
):
    doc = Document()
    properties = doc.core_properties
    properties.title = title
    properties.author = author
    properties.subject = subject
    properties.language = language
    properties.comments = "Made with Golden Thread."

    section = doc.sections[0]
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)

    normal = doc.styles["Normal"]
    _font(normal, size=11, language=language)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in HEADING_SIZES.items():
        style = doc.styles[f"Heading {level}"]
        _font(style, size=size, language=language)
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(18 if level <= 2 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name in ("Title", "Subtitle", "Caption", "List Bullet", "Header", "Footer"):
        _font(doc.styles[name], language=language)
    doc.styles["Caption"].font.size = Pt(10)
    doc.styles["Caption"].font.bold = True
    doc.styles["Caption"].font.italic = False
    doc.styles["Caption"].paragraph_format.keep_with_next = True
    doc.styles["Subtitle"].font.size = Pt(12)
    return doc


def _font(style, *, size: float | None = None, language: str = "en-GB") -> None:
    style.font.name = FONT
    style.font.color.rgb = TEXT_COLOUR
    if size:
        style.font.size = Pt(size)
    # The theme fonts win over w:ascii unless every script's font is named.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def running_header(doc: DocxDocument, text: str, *, marking: str = "") -> None:
    """The document's title (and a marking such as "Draft – not yet approved") at the top of
    every page."""
    header = doc.sections[0].header
    paragraph = header.paragraphs[0]
    paragraph.text = text
    paragraph.runs[0].font.size = Pt(9)
    if marking:
        run = paragraph.add_run(f"  |  {marking}")
        run.bold = True
        run.font.size = Pt(9)


def page_number_footer(doc: DocxDocument) -> None:
    """The footer "Page 3 of 12", counted by Word when the file is opened."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size = Pt(9)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} \\* MERGEFORMAT ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def heading(doc: DocxDocument, text: str, level: int):
    return doc.add_heading(text, level=level)


def paragraph(
    doc: DocxDocument,
    text: str,
    *,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    space_after: float | None = None,
):
    para = doc.add_paragraph(style=style)
    run = para.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if space_after is not None:
        para.paragraph_format.space_after = Pt(space_after)
    return para


def bullets(doc: DocxDocument, items: Iterable[str]) -> None:
    for item in items:
        doc.add_paragraph(item, style="List Bullet")


def key_values(
    doc: DocxDocument, rows: Sequence[tuple[str, str]], *, keep_with_next: bool = False
) -> None:
    """Label and value pairs as plain paragraphs ("Owner: Sarah Bennett"), not as a layout
    table, which a screen reader would announce as data. Values may hold line breaks.
    `keep_with_next` keeps the last pair on the page of what follows (a table)."""
    for label, value in rows:
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(2)
        para.paragraph_format.keep_with_next = True
        para.add_run(f"{label}: ").bold = True
        lines = value.split("\n")
        para.add_run(lines[0])
        for line in lines[1:]:
            run = para.add_run()
            run.add_break()
            run.add_text(line)
    doc.paragraphs[-1].paragraph_format.space_after = Pt(8)
    doc.paragraphs[-1].paragraph_format.keep_with_next = keep_with_next or None


def table(
    doc: DocxDocument,
    *,
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric_from: int | None = None,
    widths: Sequence[float] | None = None,
    width_mm: float | None = None,
) -> Table:
    """A data table: a caption above it (also stored as the table's alternative text), a
    bold header row that repeats at the top of every page, rows that do not split over a
    page, and columns from `numeric_from` on aligned right.

    `widths` are the columns' relative widths (the first column twice the others if not
    given), over `width_mm` or else the whole width between the margins."""
    doc.add_paragraph(caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    _describe(grid, caption)
    section = doc.sections[-1]
    total = (
        Mm(width_mm)
        if width_mm
        else section.page_width - section.left_margin - section.right_margin
    )
    weights = list(widths or [2, *[1] * (len(headers) - 1)])
    column_widths = [int(total * w / sum(weights)) for w in weights]
    for column, width in zip(grid.columns, column_widths, strict=True):
        column.width = width

    header_row = grid.rows[0]
    _mark_row(header_row, header=True)
    for index, (cell, text) in enumerate(zip(header_row.cells, headers, strict=True)):
        _fill(cell, text, bold=True, right=numeric_from is not None and index >= numeric_from)
        _shade(cell, "F3F2F1")
        cell.width = column_widths[index]
    for values in rows:
        row = grid.add_row()
        _mark_row(row, header=False)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _fill(cell, text, right=numeric_from is not None and index >= numeric_from)
            cell.width = column_widths[index]
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return grid


def _fill(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    para = cell.paragraphs[0]
    para.paragraph_format.space_before = Pt(2)
    para.paragraph_format.space_after = Pt(2)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(text)
    run.font.size = Pt(9.5)
    run.bold = bold or None


def _mark_row(row, *, header: bool) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _describe(grid: Table, caption: str) -> None:
    """Word's "Alt Text" title and description of a table (w:tblCaption, w:tblDescription),
    which must follow the other table properties in schema order."""
    properties = grid._tbl.tblPr
    for tag in ("w:tblCaption", "w:tblDescription"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), caption)
        properties.append(element)


def to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
