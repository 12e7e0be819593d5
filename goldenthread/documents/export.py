"""The whole-data export as a ZIP of CSV files, one per table (core.export), in UTF-8 with
a byte-order mark so Excel opens accented names correctly."""

import csv
import io
import zipfile
from collections.abc import Callable

from goldenthread.core.export import Table

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
            writer.writerows(table.rows)
            archive.writestr(f"{table.name}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue()
