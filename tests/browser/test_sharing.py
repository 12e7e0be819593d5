"""A stakeholder (the demo viewer) opens their partnership's plan on a page and full plan,
both pass axe-core, and the PDF and Word files download."""

import zipfile

from playwright.sync_api import Page, expect

from goldenthread.core.models import Plan
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_a_viewer_reads_and_downloads_the_plan(page: Page, live_server, demo):
    base = live_server.url
    plan = Plan.objects.get(partnership__name="Health and Wellbeing Board", status="approved")
    sign_in(page, base, "viewer")

    page.goto(f"{base}/plans/{plan.pk}/on-a-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator("caption").first).to_contain_text("targets for each year")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Plan on a page (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1-plan-on-a-page.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name="See the full plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.get_by_role("heading", level=2, name="Our objectives")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Full plan (PDF)").click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Full plan (Word document)").click()
    assert download_info.value.suggested_filename.endswith("-v1.docx")
    assert "word/document.xml" in zipfile.ZipFile(download_info.value.path()).namelist()


def test_an_outsider_cannot_open_another_partnerships_plan(page: Page, live_server, demo):
    plan = Plan.objects.get(partnership__name="Health and Wellbeing Board", status="approved")
    sign_in(page, live_server.url, "outsider")
    response = page.goto(f"{live_server.url}/plans/{plan.pk}/on-a-page/")
    assert response.status == 404


def test_a_draft_is_marked_and_its_pages_pass_axe(page: Page, live_server, demo):
    plan = Plan.objects.get(partnership__name="Community Safety Partnership", status="approved")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    sign_in(page, live_server.url, "lead")
    for path in ("on-a-page", "full"):
        page.goto(f"{live_server.url}/plans/{plan.pk}/{path}/")
        expect(page.locator(".govuk-warning-text")).to_contain_text("Draft – not yet approved")
        assert_no_axe_violations(page)
