"""Open data files (issue 15): core.open_data's rows as RFC 4180 CSV with its CSV on the
Web metadata (W3C "Metadata Vocabulary for Tabular Data") and as JSON, the same rows in
the same order with the licence.

The CSV is UTF-8 without a byte-order mark (a mark would become part of the first
column's name for CSVW readers), lines end CRLF, cells are quoted only where needed. A
text cell a spreadsheet would run as a formula gets a leading apostrophe, as in every
other CSV the product writes; the JSON keeps the text as written."""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.core.open_data import OpenDataSet, OpenRow

from .return_sheets.export import FORMULA_STARTS

CSV_TYPE = "text/csv; charset=utf-8"
METADATA_TYPE = "application/csvw+json"
JSON_TYPE = "application/json"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


@dataclass(frozen=True)
class Column:
    name: str  # OpenRow's field and the CSV header
    title: str
    datatype: str | dict
    description: str
    required: bool = False


COLUMNS = [
    Column(
        "partnership_id",
        "Partnership number",
        "integer",
        "The partnership's number in Golden Thread; its public page is /public/<number>/.",
        required=True,
    ),
    Column("partnership", "Partnership", "string", "The partnership's name.", required=True),
    Column(
        "area_code",
        "Area code",
        "string",
        "The council's ONS Government Statistical Service (GSS) area code.",
        required=True,
    ),
    Column(
        "indicator_code",
        "Indicator code",
        "string",
        "The indicator's code, unique within the partnership.",
        required=True,
    ),
    Column("indicator_title", "Indicator", "string", "The indicator's title.", required=True),
    Column(
        "frequency",
        "Frequency",
        "string",
        "How often the indicator is reported: monthly, quarterly or annual.",
        required=True,
    ),
    Column(
        "period",
        "Period",
        "string",
        "The period as councils write it: a financial year (2025/26), a quarter of one "
        "(2025/26 Q1, April to June) or a month (Apr 2025).",
        required=True,
    ),
    Column("period_start", "Period start", "date", "The period's first day.", required=True),
    Column("period_end", "Period end", "date", "The period's last day.", required=True),
    Column(
        "value",
        "Result",
        "decimal",
        "The result, rounded as the public page shows it; empty when not available.",
    ),
    Column(
        "not_available",
        "Not available",
        {"base": "boolean", "format": "true|false"},
        "true when the partnership could not report a result for the period.",
        required=True,
    ),
    Column("unit", "Unit", "string", "What the value counts: %, a rate, a count."),
    Column(
        "polarity",
        "Polarity",
        "string",
        "Which way is better: higher, lower, or band (within a target band).",
        required=True,
    ),
    Column("target", "Target", "decimal", "The target for the period; empty when none was set."),
    Column(
        "target_upper",
        "Target band upper edge",
        "decimal",
        "For a target band, its upper edge (the target is its lower edge); otherwise empty.",
    ),
    Column(
        "rag",
        "RAG status",
        "string",
        "The result against target: green (met), amber (within tolerance), red (off "
        "target), or grey (no result or no target).",
        required=True,
    ),
    Column(
        "commentary",
        "Commentary",
        "string",
        "For a red result, why it is off target and what is being done, as the partnership "
        "wrote it; otherwise empty.",
    ),
]
PRIMARY_KEY = ["partnership_id", "indicator_code", "period"]
NUMBERS = {"partnership_id", "value", "target", "target_upper"}


def _cell(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if name not in NUMBERS and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def open_data_csv(data: OpenDataSet) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerows([_cell(c.name, getattr(row, c.name)) for c in COLUMNS] for row in data.rows)
    return text.getvalue().encode("utf-8")


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        # A number, as the CSV writes it: an integer when it has no decimals.
        return int(value) if value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _licence(data: OpenDataSet) -> dict:
    return {
        "name": data.licence.name,
        "url": data.licence.url,
        "attribution": data.licence.attribution,
    }


def _row(row: OpenRow) -> dict:
    return {c.name: _json_value(getattr(row, c.name)) for c in COLUMNS}


def open_data_json(data: OpenDataSet) -> bytes:
    document = {
        "title": data.title,
        "description": data.description,
        "publisher": data.publisher,
        "area_code": data.area_code,
        "licence": _licence(data),
        "columns": [c.name for c in COLUMNS],
        "rows": [_row(row) for row in data.rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def open_data_metadata(data: OpenDataSet, *, csv_url: str) -> bytes:
    """The CSV's description, for `csv_url` (where the CSV is published)."""
    columns = []
    for c in COLUMNS:
        column = {
            "name": c.name,
            "titles": c.title,
            "datatype": c.datatype,
            "dc:description": c.description,
        }
        if c.required:
            column["required"] = True
        columns.append(column)
    metadata = {
        "@context": CSVW_CONTEXT,
        "url": csv_url,
        "dc:title": data.title,
        "dc:description": data.description,
        "dc:publisher": data.publisher,
        "dc:license": data.licence.url,
        "dc:rights": "; ".join(filter(None, [data.licence.name, data.licence.attribution])),
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": columns, "primaryKey": PRIMARY_KEY},
    }
    return json.dumps(metadata, ensure_ascii=False, indent=1).encode("utf-8")
