"""Downloading a return as a spreadsheet and uploading it filled in: the round trip,
all-or-nothing writes, re-imports that change nothing, who may upload what, locked
returns, and every kind of bad file refused with a message and nothing written."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goldenthread.core.models import Result, Return
from goldenthread.documents import return_sheets as sheets
from goldenthread.rules import Period
from tests.conftest import make_indicator
from tests.documents.test_return_sheets import BAD_FILES, csv_bytes, csv_row, entity_bomb, fill


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def sheet(world):
    """The 2025/26 Q3 return with rows for MN01 Oct-Dec 2025 (the lead's, rows 2-4),
    OT02 (the other member's, row 5) and SS01 (the member's, result 101, row 6)."""
    world.monthly = make_indicator(
        world.partnership, "MN01", frequency="monthly", unit="%", owner=world.lead
    )
    world.counted = make_indicator(world.partnership, "OT02", owner=world.other_member)
    return world


def upload_url(world) -> str:
    return reverse("return_upload", args=[world.ret.pk])


def post(client, world, content: bytes, name: str = "return.xlsx"):
    return client.post(upload_url(world), {"sheet": SimpleUploadedFile(name, content)})


def download(client, world) -> bytes:
    response = client.get(reverse("return_download_xlsx", args=[world.ret.pk]))
    assert response.status_code == 200
    return response.content


def flash(response) -> list[str]:
    """The message this response added (earlier ones stay queued: no page showed them)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def results() -> list[tuple]:
    return sorted(
        (r.indicator.code, r.period.label, r.value, r.not_available, r.commentary)
        for r in Result.objects.select_related("indicator").filter(
            period__in=[Period.parse(p).key for p in ("Oct 2025", "Nov 2025", "2025/26 Q3")]
        )
    )


def test_downloads_are_named_for_the_return(client, sheet):
    client.force_login(sheet.viewer)
    response = client.get(reverse("return_download_xlsx", args=[sheet.ret.pk]))
    assert response["Content-Type"] == sheets.XLSX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="Safer Streets Partnership 2025-26 Q3 return.xlsx"'
    )
    assert openpyxl.load_workbook(io.BytesIO(response.content))[sheets.SHEET]["A6"].value == (
        "SS01"
    )
    response = client.get(reverse("return_download_csv", args=[sheet.ret.pk]))
    assert response["Content-Type"] == sheets.CSV_TYPE
    assert b"SS01,Indicator SS01,2025/26 Q3" in response.content


def test_the_upload_page_offers_the_downloads_and_a_file_input(client, sheet):
    client.force_login(sheet.member)
    response = client.get(upload_url(sheet))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("return_download_xlsx", args=[sheet.ret.pk]) in content
    assert 'type="file"' in content and "govuk-file-upload" in content
    assert 'enctype="multipart/form-data"' in content


def test_it_round_trips_a_filled_in_workbook(client, sheet):
    client.force_login(sheet.lead)
    filled = fill(
        download(client, sheet),
        {
            2: {"Result": 81.5, "Commentary": "Better than expected"},
            3: {"Not available": "yes", "Why not available": "Survey late"},
            6: {"Result": 97, "Commentary": "Below target: more patrols"},
        },
    )
    response = post(client, sheet, filled)
    assert response.status_code == 302
    assert response.url == reverse("return_detail", args=[sheet.ret.pk])
    assert flash(response) == ["3 results imported (0 unchanged)."]
    assert results() == [
        ("MN01", "Nov 2025", None, True, ""),
        ("MN01", "Oct 2025", Decimal("81.5"), False, "Better than expected"),
        ("SS01", "2025/26 Q3", Decimal(97), False, "Below target: more patrols"),
    ]
    for result in Result.objects.filter(entered_by=sheet.lead):
        assert result.history.first().history_user == sheet.lead
        assert result.history.first().history_change_reason == "2025/26 Q3 return"
    assert Result.objects.filter(entered_by=sheet.lead).count() == 3


def test_the_same_file_twice_creates_no_duplicates(client, sheet):
    client.force_login(sheet.lead)
    filled = fill(download(client, sheet), {2: {"Result": 70}, 6: {"Result": 99}})
    assert flash(post(client, sheet, filled)) == ["2 results imported (0 unchanged)."]
    rows, history = Result.objects.count(), Result.history.count()
    assert flash(post(client, sheet, filled)) == ["0 results imported (2 unchanged)."]
    assert (Result.objects.count(), Result.history.count()) == (rows, history)
    # and the sheet downloaded now, sent back as it is, changes nothing either
    assert flash(post(client, sheet, download(client, sheet))) == [
        "0 results imported (2 unchanged)."
    ]


def test_a_csv_round_trips_too(client, sheet):
    client.force_login(sheet.lead)
    content = client.get(reverse("return_download_csv", args=[sheet.ret.pk])).content
    content = content.replace(b"2025/26 Q3,,100,103,98,101", b"2025/26 Q3,,100,103,98,88")
    assert flash(post(client, sheet, content, "return.csv")) == ["1 result imported (0 unchanged)."]
    assert Result.objects.get(indicator=sheet.indicator, period="2025-Q3").value == 88


@pytest.fixture
def hundred(sheet):
    """A return of exactly 100 rows: SS01 and 33 more monthly measures × 3 months, with
    MN01 and OT02 out of the way."""
    sheet.monthly.delete()
    sheet.counted.delete()
    for n in range(33):
        make_indicator(sheet.partnership, f"M{n:02d}", frequency="monthly", owner=sheet.lead)
    return sheet


def test_a_bad_row_57_of_100_writes_nothing_and_is_named(client, hundred):
    client.force_login(hundred.lead)
    exported = download(client, hundred)
    rows = {row: {"Result": 1000 + row} for row in range(2, 102)}
    rows[57] = {"Result": "abc"}
    before = (Result.objects.count(), Result.history.count())
    response = post(client, hundred, fill(exported, rows))
    assert response.status_code == 200
    assert (Result.objects.count(), Result.history.count()) == before
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "Row 57, Result: “abc” is not a number" in content
    assert 'href="#problem-1"' in content and 'id="problem-1"' in content
    assert "The file has 1 problem, listed below" in content
    assert "Nothing has been saved" in content

    rows[57] = {"Result": 1057}
    response = post(client, hundred, fill(exported, rows))
    assert flash(response) == ["100 results imported (0 unchanged)."]


def test_the_list_of_problems_is_capped(client, sheet):
    client.force_login(sheet.lead)
    content = csv_bytes([csv_row(f"XX{n}", "2025/26 Q3", "1") for n in range(250)])
    response = post(client, sheet, content, "r.csv")
    page = response.content.decode()
    assert page.count("is not an indicator of this partnership") == 400  # summary and table
    assert "and 50 more problems" in page
    assert "The file has 250 problems" in page


def test_a_member_may_change_only_the_results_they_own(client, sheet):
    client.force_login(sheet.member)
    exported = download(client, sheet)
    response = post(client, sheet, fill(exported, {5: {"Result": 4}, 6: {"Result": 90}}))
    assert response.status_code == 200
    assert "Only the lead or the owner can report OT02." in response.content.decode()
    assert not Result.objects.filter(indicator=sheet.counted).exists()
    assert Result.objects.get(indicator=sheet.indicator, period="2025-Q3").value == 101

    # Their own row, with everyone else's sent back unchanged, is fine.
    response = post(client, sheet, fill(exported, {6: {"Result": 90}}))
    assert flash(response) == ["1 result imported (0 unchanged)."]
    result = Result.objects.get(indicator=sheet.indicator, period="2025-Q3")
    assert (result.value, result.entered_by) == (90, sheet.member)
    assert result.history.first().history_user == sheet.member


@pytest.mark.parametrize("role", ["viewer", "performance"])
def test_people_who_do_not_fill_in_returns_cannot_upload(client, sheet, role):
    client.force_login(sheet.person(role))
    content = csv_bytes([csv_row("SS01", "2025/26 Q3", "5")])
    assert post(client, sheet, content, "r.csv").status_code == 403
    assert Result.objects.get(indicator=sheet.indicator, period="2025-Q3").value == 101


def test_outsiders_cannot_download_or_upload(client, sheet):
    client.force_login(sheet.outsider)
    assert client.get(reverse("return_download_xlsx", args=[sheet.ret.pk])).status_code == 404
    content = csv_bytes([csv_row("SS01", "2025/26 Q3", "5")])
    assert post(client, sheet, content, "r.csv").status_code == 404


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Return.Status.SIGNED_OFF, "The 2025/26 Q3 return is signed off, so its results are"),
        (Return.Status.SUBMITTED, "The 2025/26 Q3 return has been submitted"),
    ],
)
def test_a_locked_or_submitted_return_refuses_uploads(client, sheet, status, message):
    client.force_login(sheet.lead)
    exported = download(client, sheet)
    Return.objects.filter(pk=sheet.ret.pk).update(status=status)
    page = client.get(upload_url(sheet)).content.decode()
    assert message in page and 'type="file"' not in page
    response = post(client, sheet, fill(exported, {6: {"Result": 1}}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    assert Result.objects.get(indicator=sheet.indicator, period="2025-Q3").value == 101


def test_no_file_chosen(client, sheet):
    client.force_login(sheet.lead)
    response = client.post(upload_url(sheet), {})
    assert "Select the filled-in spreadsheet" in response.content.decode()


@pytest.mark.parametrize("kind", [k for k in BAD_FILES if k != "empty"])
def test_bad_files_are_refused_and_nothing_is_written(client, sheet, kind):
    make, name, message = BAD_FILES[kind]
    client.force_login(sheet.lead)
    before = (Result.objects.count(), Result.history.count())
    response = post(client, sheet, make(), name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Result.objects.count(), Result.history.count()) == before


def test_an_xml_entity_bomb_is_refused(client, sheet):
    client.force_login(sheet.lead)
    bomb = entity_bomb(download(client, sheet), "xl/worksheets/sheet1.xml")
    response = post(client, sheet, bomb)
    assert sheets.XML_NOT_ALLOWED in response.content.decode()


def test_an_oversized_upload_is_not_read_past_the_limit(client, sheet, monkeypatch):
    """The upload handler stops at the limit: the view never sees the file."""
    monkeypatch.setattr(sheets, "MAX_BYTES", 1000)
    client.force_login(sheet.lead)
    seen = []
    monkeypatch.setattr(sheets, "parse_upload", lambda *args: seen.append(args))
    response = post(client, sheet, b"x" * 5000, "big.csv")
    assert seen == []
    assert sheets.TOO_BIG in response.content.decode()


def test_uploads_need_the_csrf_token(sheet):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sheet.lead)
    content = csv_bytes([csv_row("SS01", "2025/26 Q3", "5")])
    assert post(client, sheet, content, "r.csv").status_code == 403
    assert Result.objects.get(indicator=sheet.indicator, period="2025-Q3").value == 101
