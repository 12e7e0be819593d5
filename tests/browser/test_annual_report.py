"""The lead link officer previews the year's annual report, adds their commentary,
publishes it and downloads the PDF; then chooses what is public, and an anonymous visitor
reads the public page. Every page passes axe-core."""

from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import AnnualReport, Partnership
from goldenthread.rules import financial_year_of
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_the_lead_publishes_the_report_and_the_public_reads_it(
    page: Page, browser, live_server, demo
):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    year = financial_year_of(timezone.localdate()) - 1  # the last year that has ended
    label = f"{year}/{(year + 1) % 100:02d}"
    report_url = f"{base}/partnerships/{partnership.pk}/reports/{year}/"

    sign_in(page, base, "lead")
    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annual performance report {label}")
    expect(page.get_by_text("Draft – not yet published.")).to_be_visible()
    expect(page.get_by_role("heading", name="The year at a glance")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add your commentary").click()
    assert_no_axe_violations(page)
    page.get_by_label("Your commentary on the year").fill(
        "Youth diversion held up well; NEET rates are our priority for next year."
    )
    page.get_by_role("button", name="Save commentary").click()
    expect(page.get_by_text("Your commentary is saved in the draft.")).to_be_visible()
    expect(page.get_by_text("NEET rates are our priority for next year.")).to_be_visible()

    page.get_by_role("link", name="Publish the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publish the {label} annual report")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish edition 1").click()
    # Publishing is a background job: its page says it is done and links to the edition.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Publishing the {label} annual report of Community Safety Partnership"
    )
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Open edition 1 of the {label} report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annual performance report {label}")
    report = AnnualReport.objects.get(partnership=partnership, year=year)
    assert report.status == AnnualReport.Status.PUBLISHED

    with page.expect_download() as download:
        page.get_by_role("link", name="Edition 1 (PDF)").click()
    assert download.value.suggested_filename == (
        f"community-safety-partnership-annual-report-{year}-{(year + 1) % 100:02d}.pdf"
    )
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read() == report.pdf.read()

    page.goto(f"{report_url}correct/")
    expect(page.get_by_role("button", name="Start edition 2")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{base}/partnerships/{partnership.pk}/publishing/")
    assert_no_axe_violations(page)
    page.get_by_label("Yes: anyone can see the indicators and reports chosen here").check()
    first = partnership.indicators.order_by("code").first()
    page.get_by_label(f"{first.code} {first.title}").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The public page is on.")).to_be_visible()

    # Someone who has never signed in.
    visitor = browser.new_context(bypass_csp=True).new_page()
    visitor.goto(f"{base}/public/{partnership.pk}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(partnership.name)
    expect(visitor.get_by_role("heading", name=first.title)).to_be_visible()
    expect(
        visitor.get_by_role("link", name=f"Annual performance report {label} (PDF)")
    ).to_be_visible()
    expect(visitor.get_by_text("Sign out")).to_have_count(0)
    assert_no_axe_violations(visitor)
    visitor.context.close()
