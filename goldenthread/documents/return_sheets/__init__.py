"""A quarterly return as a spreadsheet and back: councils work in Excel.

.export writes the return's sheet (.xlsx or CSV), pre-filled with what is recorded;
.upload reads it back, filled in, refusing unsafe files, and returns the rows to record
or every problem in the file. The names callers use are here.
"""

from .export import (
    COMMENTARY,
    CSV_TYPE,
    HEADINGS,
    RESULT,
    SHEET,
    WIDTHS,
    XLSX_TYPE,
    export_csv,
    export_xlsx,
    filename,
    neutralise,
)
from .upload import (
    BINARY,
    EMPTY,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    NOT_UTF8,
    NOT_XLSX,
    READ,
    TOO_BIG,
    TOO_BIG_UNPACKED,
    TOO_MANY_PARTS,
    TOO_MANY_ROWS,
    XML_NOT_ALLOWED,
    ZIP_BOMB,
    ParsedUpload,
    Refused,
    RowProblem,
    parse_upload,
)

__all__ = [
    "BINARY",
    "COMMENTARY",
    "CSV_TYPE",
    "EMPTY",
    "HEADINGS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_MEMBERS",
    "NOT_UTF8",
    "NOT_XLSX",
    "READ",
    "RESULT",
    "SHEET",
    "TOO_BIG",
    "TOO_BIG_UNPACKED",
    "TOO_MANY_PARTS",
    "TOO_MANY_ROWS",
    "WIDTHS",
    "XLSX_TYPE",
    "XML_NOT_ALLOWED",
    "ZIP_BOMB",
    "ParsedUpload",
    "Refused",
    "RowProblem",
    "export_csv",
    "export_xlsx",
    "filename",
    "neutralise",
    "parse_upload",
]
