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
