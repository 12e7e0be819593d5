"""Who may do what with the annual report: leads comment, publish and correct; leads and
members see the draft; everyone who may see the partnership reads what is published;
people of other partnerships get a 404. The years listed on the partnership page:
tests/core/test_annual_report_reads.py."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from goldenthread.core.models import AnnualReport, Job
from goldenthread.core.services import annual_reports as services
from tests.conftest import published

YEAR = 2025


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


def url(world, name: str, year: int = YEAR) -> str:
    return reverse(name, args=[world.partnership.pk, year])


def test_it_saves_the_leads_commentary_in_a_new_draft(client, world):
    client.force_login(world.lead)
    response = client.post(url(world, "annual_report_commentary"), {"commentary": "  Proud.  "})
    assert response.status_code == 302
    assert response.url == url(world, "annual_report")
    draft = AnnualReport.objects.get(partnership=world.partnership, year=YEAR)
    assert (draft.edition, draft.status, draft.commentary) == (1, "draft", "Proud.")
    assert draft.history.first().history_user == world.lead


def test_it_keeps_what_was_typed_when_the_commentary_is_empty(client, world):
    client.force_login(world.lead)
    response = client.post(url(world, "annual_report_commentary"), {"commentary": ""})
    assert response.status_code == 200
    assert b"Error: " in response.content
    assert b"Enter your commentary on the year" in response.content
    assert not AnnualReport.objects.exists()


def test_it_publishes_for_the_lead(client, world):
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="Proud.", by=world.lead
    )
    client.force_login(world.lead)
    assert client.get(url(world, "annual_report_publish")).status_code == 200
    response = client.post(url(world, "annual_report_publish"))
    assert response.status_code == 302
    # Publishing is a background job (run at once by the immediate backend in tests): the
    # job page says it is done and links to the published edition.
    job = Job.objects.get()
    assert response.url == reverse("job", args=[job.pk])
    assert job.status == "succeeded" and job.started_by == world.lead
    page = client.get(response.url)
    assert page.status_code == 200
    assert (url(world, "annual_report") + "?edition=1").encode() in page.content
    report = AnnualReport.objects.get()
    assert report.status == "published" and report.published_by == world.lead
    assert report.history.first().history_user == world.lead


def test_publishing_without_commentary_says_so(client, world):
    client.force_login(world.lead)
    response = client.post(url(world, "annual_report_publish"))
    assert response.status_code == 400
    assert b"Add your commentary before publishing" in response.content
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("role", ["member", "viewer", "performance"])
def test_only_a_lead_comments_publishes_or_corrects(client, world, role):
    published(world)
    client.force_login(world.person(role))
    for name in ("annual_report_commentary", "annual_report_publish", "annual_report_correct"):
        assert client.get(url(world, name)).status_code == 403
        assert client.post(url(world, name), {"commentary": "x", "note": "x"}).status_code == 403
    assert AnnualReport.objects.count() == 1
    assert AnnualReport.objects.get().commentary == "A good year."


def test_the_lead_corrects_a_published_report_as_a_new_edition(client, world):
    published(world)
    client.force_login(world.lead)
    assert client.get(url(world, "annual_report_commentary")).status_code == 200
    refused = client.post(url(world, "annual_report_commentary"), {"commentary": "Changed."})
    assert refused.status_code == 409  # a published edition never changes
    response = client.post(url(world, "annual_report_correct"), {"note": "A figure was wrong."})
    assert response.status_code == 302
    draft = AnnualReport.objects.get(status="draft")
    assert (draft.edition, draft.correction_note) == (2, "A figure was wrong.")
    assert draft.history.first().history_user == world.lead
    # Only one draft at a time.
    again = client.post(url(world, "annual_report_correct"), {"note": "Another."})
    assert again.status_code == 409
    assert AnnualReport.objects.count() == 2


def test_members_see_the_draft_and_viewers_only_what_is_published(client, world):
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="Draft words.", by=world.lead
    )
    # The performance team previews the draft too, before the lead publishes it.
    for role in ("lead", "member", "performance"):
        client.force_login(world.person(role))
        page = client.get(url(world, "annual_report"))
        assert page.status_code == 200
        assert page.context["choice"].is_preview
        assert b"Draft words." in page.content
        assert client.get(url(world, "annual_report_pdf")).status_code == 200
        assert client.get(url(world, "annual_report_docx")).status_code == 200
    for role in ("viewer",):
        client.force_login(world.person(role))
        page = client.get(url(world, "annual_report"))
        assert page.status_code == 200
        assert b"has not been published yet" in page.content
        assert b"Draft words." not in page.content
        assert client.get(url(world, "annual_report"), {"edition": 1}).status_code == 404
        assert client.get(url(world, "annual_report_pdf")).status_code == 404
        assert client.get(url(world, "annual_report_docx")).status_code == 404


def test_the_performance_team_previews_any_partnerships_draft(client, world):
    """Issue 12: the performance team checks a draft before the lead publishes it, in any
    partnership (it is a member of none), on the page, by the draft's edition link and as
    the draft PDF."""
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="Draft words.", by=world.lead
    )
    client.force_login(world.performance)
    page = client.get(url(world, "annual_report"))
    assert page.status_code == 200 and page.context["choice"].is_preview
    assert b"Draft words." in page.content
    assert page.context["doc"].is_draft
    assert client.get(url(world, "annual_report"), {"edition": 1}).status_code == 200
    pdf = client.get(url(world, "annual_report_pdf"), {"edition": 1})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].endswith('-annual-report-2025-26-draft.pdf"')
    # A partnership with no draft started yet: the preview is made from the data.
    other = reverse("annual_report", args=[world.other.pk, YEAR])
    page = client.get(other)
    assert page.status_code == 200 and page.context["choice"].is_preview
    pdf = client.get(reverse("annual_report_pdf", args=[world.other.pk, YEAR]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Still only the lead writes the commentary and publishes.
    assert client.get(url(world, "annual_report_publish")).status_code == 403


def test_everyone_in_the_partnership_reads_the_published_edition(client, world):
    report = published(world)
    stored_pdf, stored_docx = report.pdf.read(), report.docx.read()
    assert stored_pdf.startswith(b"%PDF")
    for role in ("viewer", "member", "lead", "performance"):
        client.force_login(world.person(role))
        page = client.get(url(world, "annual_report"))
        assert page.status_code == 200
        assert page.context["choice"].report == report
        assert b"A good year." in page.content
        pdf = client.get(url(world, "annual_report_pdf"))
        assert pdf.status_code == 200
        assert pdf.content == stored_pdf
        assert pdf["Content-Disposition"] == (
            'attachment; filename="safer-streets-partnership-annual-report-2025-26.pdf"'
        )
        word = client.get(url(world, "annual_report_docx"))
        assert word.content == stored_docx


def test_people_outside_the_partnership_get_nothing(client, world):
    report = published(world)
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        for name in (
            "annual_report",
            "annual_report_pdf",
            "annual_report_docx",
            "annual_report_commentary",
            "annual_report_publish",
            "annual_report_correct",
        ):
            assert client.get(url(world, name)).status_code == 404
        assert (
            client.get(url(world, "annual_report_pdf"), {"edition": report.edition}).status_code
            == 404
        )


def test_a_year_out_of_range_or_an_unknown_edition_is_not_found(client, world):
    client.force_login(world.lead)
    assert client.get(url(world, "annual_report", 1899)).status_code == 404
    assert client.get(url(world, "annual_report"), {"edition": 9}).status_code == 404


def test_the_page_has_one_h1_and_its_charts_are_images_with_numbers_beside_them(client, world):
    published(world)
    client.force_login(world.viewer)
    page = client.get(url(world, "annual_report")).content.decode()
    main = page[page.index("<main") :]
    assert main.count("<h1") == 1
    assert 'role="img"' in main
    assert "style=" not in main and "<style" not in main  # the CSP forbids both
    assert "SS01: year-end results, 2021/22 to 2025/26" in main  # the chart, in its row


def test_an_edition_stored_in_an_earlier_snapshot_format_still_shows(client, world):
    """tests/core/data holds an edition as format 1 of the snapshot stored it."""
    stored = Path(__file__).parents[1] / "core" / "data" / "annual_report_snapshot_format_1.json"
    AnnualReport.objects.create(
        partnership=world.partnership,
        year=YEAR,
        edition=1,
        status=AnnualReport.Status.PUBLISHED,
        snapshot=json.loads(stored.read_text()),
        pdf=ContentFile(b"%PDF-stored", name="edition-1.pdf"),
        docx=ContentFile(b"PK-stored", name="edition-1.docx"),
    )
    client.force_login(world.viewer)
    page = client.get(url(world, "annual_report"))
    assert page.status_code == 200
    assert b"A good year." in page.content
    assert b"SS02 Repeat victims of burglary" in page.content
    assert client.get(url(world, "annual_report_pdf")).content == b"%PDF-stored"
