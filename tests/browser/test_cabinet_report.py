"""Telling people (issue 17) in a real browser with the demo data: a performance officer
produces the quarter's Cabinet report from the council view, reads it on the page and
downloads it as PDF and Word; a resident gives a public partnership feedback on its public
page with the keyboard alone. Every page passes axe-core."""

import io
import re

import docx
from playwright.sync_api import Page, expect

from goldenthread.core.models import Feedback, Partnership, ReportingRound, Return
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_a_performance_officer_produces_the_cabinet_report(page: Page, live_server, demo):
    round_ = ReportingRound.objects.order_by("-period").first()
    label = round_.period.label
    # The quarter's returns signed off, but the Health and Wellbeing Board's.
    Return.objects.filter(round=round_).exclude(
        partnership__name="Health and Wellbeing Board"
    ).update(status=Return.Status.SIGNED_OFF, highlights="A record spring clean.")
    base = live_server.url
    sign_in(page, base, "performance")
    page.goto(f"{base}/council/")
    page.get_by_role("link", name="the Cabinet report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Partnership performance report to Cabinet: {label}"
    )
    assert_no_axe_violations(page)

    # Choosing the quarter with the keyboard: a GET form, no JavaScript needed.
    page.get_by_label("Quarter", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show the report")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#report-summary")).to_contain_text(
        f"4 of 5 partnerships had their {label} return signed off"
    )
    expect(page.locator("#not-signed-off-list")).to_have_text(
        "Health and Wellbeing Board: not signed off (return open)"
    )
    status = page.locator("#status-table tbody th")
    expect(status).to_have_count(4)
    page.get_by_role("link", name="Community Safety Partnership").first.click()
    # The contents and the table link to each partnership's section.
    expect(page).to_have_url(re.compile(r"#p\d+-community-safety-partnership$"))
    expect(page.locator("section.partnership h3").first).to_have_text(
        "Children and Young People's Partnership"
    )
    assert_no_axe_violations(page)

    slug = label.replace("/", "").replace(" ", "-").lower()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"cabinet-performance-report-{slug}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word").click()
    assert download.value.suggested_filename == f"cabinet-performance-report-{slug}.docx"
    with open(download.value.path(), "rb") as word:
        document = docx.Document(io.BytesIO(word.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Community Safety Partnership" in headings and "Not yet signed off" in headings


def test_a_resident_gives_feedback_on_the_public_page_with_the_keyboard(
    page: Page, live_server, demo
):
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    partnership.is_public = True
    partnership.save()
    partnership.indicators.filter(code__in=["CS03", "CS05"]).update(is_published=True)
    base = live_server.url
    page.goto(f"{base}/public/{partnership.pk}/")
    expect(page.get_by_role("heading", name="Our plan on a page")).to_be_visible()
    expect(page.get_by_role("heading", name="Give us feedback")).to_be_visible()
    assert_no_axe_violations(page)

    # Sent empty: the message is next to the box, and the page still passes.
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your feedback")
    assert_no_axe_violations(page)

    page.get_by_label("Your feedback").focus()
    page.keyboard.type("Please publish the figures sooner.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What is it about? (optional)")).to_be_focused()
    page.keyboard.type("Publishing")
    page.keyboard.press("Tab")
    page.keyboard.type("Ann Resident")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your e-mail address (optional)")).to_be_focused()
    page.keyboard.type("ann@example.org")
    # The hidden box is skipped: the next stop is the button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send feedback")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-sent")).to_contain_text("Thank you")
    assert_no_axe_violations(page)
    feedback = Feedback.objects.get(partnership=partnership, source="public")
    assert (feedback.name, feedback.email, feedback.author) == (
        "Ann Resident",
        "ann@example.org",
        None,
    )
    assert "Ann Resident" not in page.content()
