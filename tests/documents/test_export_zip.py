"""The whole-data export's CSV files: what a spreadsheet would run as a formula is made
plain text; numbers stay numbers."""

import csv
import io
import zipfile

from goldenthread.core.export import Table
from goldenthread.documents.export import export_zip


def test_formulas_typed_by_people_are_made_plain_text_and_numbers_stay():
    rows = [
        ["Safer Streets", '=HYPERLINK("http://x","click")', "-3.5"],
        ["Safer Streets", "@SUM(A1)", "+2"],
        ["Safer Streets", "-not a number", "12"],
        ["Safer Streets", "plain", ""],
    ]
    table = Table(
        name="comments", headers=["partnership", "body", "value"], rows=iter(rows), count=4
    )
    with zipfile.ZipFile(io.BytesIO(export_zip([table]))) as archive:
        text = archive.read("comments.csv").decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == ["partnership", "body", "value"]
    assert [row[1:] for row in read[1:]] == [
        ['\'=HYPERLINK("http://x","click")', "-3.5"],
        ["'@SUM(A1)", "+2"],
        ["'-not a number", "12"],
        ["plain", ""],
    ]
