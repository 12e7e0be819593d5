"""The whole-data export as a ZIP of CSV files, one per table (core.export), in UTF-8 with
a byte-order mark so Excel opens accented names correctly."""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from goldenthread.core.export import Table

from .return_sheets.export import FORMULA_STARTS

ZIP_TYPE = "application/zip"


def export_zip(tables: list[Table], progress: Callable[[int, str], None] | None = None) -> bytes:
    """`progress(i, name)` is called before each table is written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, table in enumerate(tables):
            if progress:
                progress(i, table.name)
            text = io.StringIO()
            text.write("\ufeff")
            writer = csv.writer(text)
            writer.writerow(table.headers)
            writer.writerows(_neutralised(row) for row in table.rows)
            archive.writestr(f"{table.name}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def _plain(cell: str) -> str:
    """Text a spreadsheet would run as a formula ("=HYPERLINK(…)", typed into a
    commentary) is made plain text with a leading apostrophe (OWASP); numbers such as
    "-3.5" stay numbers."""
    if cell.startswith(FORMULA_STARTS):
        try:
            Decimal(cell)
        except InvalidOperation:
            return "'" + cell
    return cell


def _neutralised(row: Iterable[str]) -> list[str]:
    return [_plain(cell) for cell in row]
