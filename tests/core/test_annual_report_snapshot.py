"""A published annual report is shown from its stored snapshot for as long as it exists, so
an edition stored by an earlier version must still load and render after the content
classes change. data/annual_report_snapshot_format_1.json is a real edition, published by
the code of format 1 for the Safer Streets Partnership of tests/documents'
test_annual_report (its `year` fixture), stored as it was."""

import dataclasses
import io
import json
import subprocess
from pathlib import Path

import docx
import pytest

from goldenthread.core.annual_report import AnnualReportContent, SnapshotError, snapshot
from goldenthread.core.annual_report import content as content_classes
from goldenthread.documents.annual_report import annual_report_docx, annual_report_pdf

STORED = Path(__file__).parent / "data" / "annual_report_snapshot_format_1.json"


def stored() -> dict:
    return json.loads(STORED.read_text())


def test_an_edition_stored_in_format_1_loads_and_renders_to_pdf_and_word(tmp_path):
    data = stored()
    assert data["format"] == 1
    content = AnnualReportContent.from_snapshot(data)
    assert data == stored()  # loading leaves what is stored alone
    assert (content.partnership, content.year_label, content.is_draft) == (
        "Safer Streets Partnership",
        "2025/26",
        False,
    )
    assert [i.code for i in content.indicators] == ["SS01", "SS02", "SS03", "SS04"]
    assert content.objectives[0].indicators[0].trend.values == [None, None, None, 98.0, 101.0]
    assert content.finance.chart.bars[0].text == "£90,000"
    assert content.risks[0].score_text == "8 (Medium)"
    # Stored again, it is today's snapshot of the same edition.
    assert content.to_snapshot() == snapshot.upgrade(stored())

    path = tmp_path / "old.pdf"
    path.write_bytes(annual_report_pdf(content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert "Edition 1, published 12 May 2026" in words
    assert "SS02 Repeat victims of burglary" in words
    assert "A good year." in words
    document = docx.Document(io.BytesIO(annual_report_docx(content)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Annual performance report 2025/26" in paragraphs
    assert "A good year." in paragraphs


def test_a_format_1_edition_gets_no_corrections_beside_its_measures():
    """Format 2 (issue 12) gave each measure the later changes to its year-end figures;
    an edition stored before then had none."""
    content = AnnualReportContent.from_snapshot(stored())
    assert all(i.corrections == [] for i in content.indicators)
    assert snapshot.upgrade(stored())["format"] == snapshot.SNAPSHOT_FORMAT == 3


def test_a_format_1_edition_from_before_the_more_lines_existed_loads():
    data = stored()
    del data["more_lessons"], data["more_meeting_notes"]
    content = AnnualReportContent.from_snapshot(data)
    assert (content.more_lessons, content.more_meeting_notes) == ("", "")


def risk_line_with(name: str) -> type:
    """RiskLine as it would be after gaining a required field `name`: a new class in its
    place, not a subclass, as a later version of content.py would define it."""
    old = content_classes.RiskLine
    return dataclasses.make_dataclass(
        "RiskLine",
        [(f.name, f.type) for f in dataclasses.fields(old)] + [(name, "str")],
        namespace={"score_text": old.score_text},
    )


def test_a_required_field_added_later_needs_an_upgrade_step_and_old_editions_then_load(
    monkeypatch,
):
    monkeypatch.setattr(content_classes, "RiskLine", risk_line_with("review_date"))
    # Without an upgrade step, an old edition is refused, saying what is missing...
    with pytest.raises(SnapshotError, match=r"risks\[0\] lacks review_date"):
        AnnualReportContent.from_snapshot(stored())

    # ...and with one (the next format: every risk line gains a review date), it loads,
    # through every step since format 1.
    def risks_get_a_review_date(data: dict) -> dict:
        for risk in data["risks"]:
            risk["review_date"] = "Not recorded"
        return data

    today = snapshot.SNAPSHOT_FORMAT
    monkeypatch.setattr(snapshot, "SNAPSHOT_FORMAT", today + 1)
    monkeypatch.setitem(snapshot.UPGRADES, today, risks_get_a_review_date)
    content = AnnualReportContent.from_snapshot(stored())
    assert (content.risks[0].ref, content.risks[0].review_date) == ("R1", "Not recorded")
    assert content.risks[0].score_text == "8 (Medium)"
    # New editions are stored in the next format, and load as they were.
    again = content.to_snapshot()
    assert again["format"] == today + 1
    assert AnnualReportContent.from_snapshot(again) == content


def test_an_edition_stored_by_a_later_version_is_refused_with_a_clear_error():
    data = stored()
    data["format"] = snapshot.SNAPSHOT_FORMAT + 1
    with pytest.raises(SnapshotError, match="newer than this version of Golden Thread reads"):
        AnnualReportContent.from_snapshot(data)


@pytest.mark.parametrize("value", [None, 0, "1"])
def test_a_snapshot_without_a_format_is_refused(value):
    data = stored()
    data["format"] = value
    with pytest.raises(SnapshotError, match="no snapshot format"):
        AnnualReportContent.from_snapshot(data)


def test_a_field_the_classes_do_not_know_is_refused_not_dropped():
    data = stored()
    data["risks"][0]["owner_name"] = "Someone"
    with pytest.raises(SnapshotError, match=r"risks\[0\] has owner_name"):
        AnnualReportContent.from_snapshot(data)
