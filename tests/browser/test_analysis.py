"""The indicator page says what the numbers say: SPC chart and table, forecast,
commentary; with too few points it says so instead of drawing."""

from playwright.sync_api import Page, expect

from goldenthread.core.models import Indicator
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard


def test_indicator_page_says_what_the_numbers_say(page: Page, live_server, demo):
    base = live_server.url
    sign_in_with_keyboard(page, base, "member")
    long = Indicator.objects.get(code="CS05")  # 37 monthly results
    page.goto(f"{base}/indicators/{long.pk}/")
    expect(page.get_by_role("heading", level=2, name="What the numbers say")).to_be_visible()
    chart = page.locator("img[src$='/spc.svg']")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#spc-table tbody tr")).to_have_count(37)
    # Recorded to 0.1 and mostly unchanged month to month: the page says why nearly every
    # result is marked, and how the limits were worked out.
    expect(page.get_by_text("The results are recorded in steps of 0.1, too coarse")).to_be_visible()
    expect(page.locator("#spc-screening")).to_be_attached()
    expect(page.get_by_role("heading", level=2, name="Year-end forecast")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Commentary by period")).to_be_visible()
    assert_no_axe_violations(page)
    short = Indicator.objects.get(code="CS03")  # 7 annual results
    page.goto(f"{base}/indicators/{short.pk}/")
    expect(page.locator("#spc-too-few")).to_have_text(
        "Too few points to draw a process chart: 7 of the 12 needed."
    )
    expect(page.locator("img[src$='/spc.svg']")).to_have_count(0)
    assert_no_axe_violations(page)


def test_marking_a_process_change_recalculates_the_limits(page: Page, live_server, demo):
    base = live_server.url
    sign_in_with_keyboard(page, base, "performance")
    long = Indicator.objects.get(code="CS05")
    page.goto(f"{base}/indicators/{long.pk}/")
    expect(page.locator("#process-changes-none")).to_be_visible()
    # Without a reason: the form comes back with the error beside the box and in the summary.
    page.get_by_label("First period of the new process").select_option(index=20)
    page.get_by_role("button", name="Mark a process change").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("CS05: say what changed in the process")
    assert_no_axe_violations(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("What changed?")).to_be_focused()
    page.keyboard.type("New recording system")
    page.get_by_role("button", name="Mark the change").click()
    expect(page.locator("#process-changes-table")).to_contain_text("New recording system")
    expect(page.locator("#spc-table thead")).to_contain_text("Part")
    expect(page.get_by_text("The limits are recalculated from each process change")).to_be_visible()
    assert_no_axe_violations(page)
