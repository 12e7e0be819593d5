"""The Cabinet report as files: a tagged PDF and a Word file drawn from the same read as
the web page, each carrying the quarter's exceptions with their commentary and corrective
actions, what changed and what is not yet signed off; tables whose header row repeats.
(The PDF's pages were rendered with pdftoppm and looked at while this was written.)"""

import datetime
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest

from goldenthread.core.cabinet_report import cabinet_report
from goldenthread.core.models import ReportingRound
from goldenthread.documents.cabinet_report import cabinet_report_docx, cabinet_report_pdf
from tests.cabinet import Q3, sign_off_a_quarter

TODAY = datetime.date(2026, 2, 20)


@pytest.fixture
def report(council):
    sign_off_a_quarter(council)
    return cabinet_report(ReportingRound.objects.get(period=Q3), today=TODAY)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pdf_is_tagged_and_carries_the_exceptions(report, tmp_path: Path):
    pdf = cabinet_report_pdf(report)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "cabinet.pdf"
    path.write_bytes(pdf)
    text = flat(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes", info.stdout, re.MULTILINE)
    assert "Partnership performance report to Cabinet: 2025/26 Q3" in info.stdout
    for expected in (
        "1 of 2 partnerships had their 2025/26 Q3 return signed off",
        "Indicator C2",
        "Staff shortages over the winter.",
        "Borrow two officers from the county team (Test Police, by 31 March 2026)",
        "Weekly review of the backlog",
        "Half the backlog cleared.",
        "A1 Keep going",
        "The contractor pulled out.",
        "Two measures slipped after the contractor left.",
        "Improved: C1 Indicator C1: Red to Green",
        "Resolved: action A2 Recruit volunteers",
        "Record turnout at the community safety fair.",
        "Safer Streets Partnership: not signed off (return open)",
    ):
        assert expected in text, expected
    # Nothing of a partnership not signed off is reported.
    assert "SS01" not in text


def test_the_word_file_has_the_same_contents_with_repeating_headers(report):
    document = docx.Document(io.BytesIO(cabinet_report_docx(report)))
    assert document.core_properties.title == report.title
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        report.title,
        "Summary",
        "Exceptions and corrective actions",
        "Changes Partnership",
    ]
    assert {"What changed since last quarter", "Highlights", "Not yet signed off"} <= set(headings)
    status, exceptions, actions, changes = document.tables
    assert [c.text for c in status.rows[1].cells] == [
        "Changes Partnership",
        "Off track",
        "3",
        "3",
        "1",
        "1",
        "4",
    ]
    assert [row.cells[0].text for row in exceptions.rows[1:]] == [
        "C2 Indicator C2 (new)",
        "C4 Indicator C4 (new)",
        "C8 Indicator C8 (new)",
    ]
    c2 = [c.text for c in exceptions.rows[1].cells]
    assert c2[1] == "2025/26 Q3: 80 against a target of 100"
    assert c2[2] == "Staff shortages over the winter."
    assert c2[3] == (
        "Borrow two officers from the county team (Test Police, by 31 March 2026). "
        "Set this quarter."
    )
    assert "Half the backlog cleared." in exceptions.rows[3].cells[3].text
    assert actions.rows[1].cells[2].text == "The contractor pulled out."
    assert [c.text for c in changes.rows[1].cells] == ["Changes Partnership", "1", "2", "4", "2"]
    for table in document.tables:
        assert 'w:tblHeader w:val="true"' in table.rows[0]._tr.xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Safer Streets Partnership: not signed off (return open)" in text
