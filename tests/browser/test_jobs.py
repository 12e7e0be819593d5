"""Background jobs in a browser: a lead exports the partnership's data and downloads it
from the job page; a running job's page shows its progress and updates itself (htmx)
until it is done; a failed one says why and offers Try again. Every page passes axe."""

import zipfile

from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import Job, Partnership, User
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_a_lead_exports_the_data_and_watches_jobs(page: Page, live_server, demo):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    lead = User.objects.get(username="lead")

    sign_in(page, base, "lead")
    page.goto(f"{base}/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Export all of the partnership's data").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Export the data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Exporting the data of Community Safety Partnership"
    )
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.startswith("community-safety-partnership-data-")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "results.csv" in archive.namelist()
        assert archive.read("results.csv").count(b"\n") > 10

    # A job still running: its progress, updated in place as the worker reports.
    job = Job.objects.create(
        kind="publish_report",
        title="Publishing the 2025/26 annual report of Community Safety Partnership",
        status=Job.Status.RUNNING,
        started_by=lead,
        partnership=partnership,
        attempts=1,
        heartbeat_at=timezone.now(),
        progress_done=3,
        progress_total=12,
        progress_message="Rendering the PDF: page 3 of 12",
    )
    page.goto(f"{base}/jobs/{job.pk}/")
    progress = page.get_by_role("progressbar", name="Rendering the PDF: page 3 of 12")
    expect(progress).to_have_attribute("value", "3")
    assert_no_axe_violations(page)
    Job.objects.filter(pk=job.pk).update(progress_done=9, progress_message="Writing the Word file")
    expect(page.get_by_role("progressbar", name="Writing the Word file")).to_have_attribute(
        "value", "9"
    )
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED,
        failure="The file could not be saved: the file store refused it.",
        finished_at=timezone.now(),
    )
    expect(page.get_by_text("The file could not be saved")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{base}/jobs/")
    expect(page.get_by_role("link", name=job.title)).to_be_visible()
    assert_no_axe_violations(page)
