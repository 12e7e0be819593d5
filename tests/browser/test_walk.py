"""Each demo role signs in with the keyboard and walks every page it may see; every
page must pass axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) and show only what the role
may see."""

import re

import pytest
from playwright.sync_api import Page, expect

from goldenthread.core.models import Indicator, Partnership, User
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_in_with_keyboard


def visible_partnerships(username: str) -> set[str]:
    return set(
        Partnership.objects.visible_to(User.objects.get(username=username)).values_list(
            "name", flat=True
        )
    )


@pytest.mark.parametrize("username", ["performance", "lead", "member", "viewer", "outsider"])
def test_each_role_walks_its_pages_and_every_page_passes_axe(
    page: Page, live_server, demo, username
):
    base = live_server.url
    sign_in_with_keyboard(page, base, username)
    assert_no_axe_violations(page)

    expected = visible_partnerships(username)
    rows = page.locator("table.gt-summary-table tbody th a")
    assert set(rows.all_inner_texts()) == expected
    hidden = set(Partnership.objects.values_list("name", flat=True)) - expected
    body = page.locator("main").inner_text()
    for name in hidden:
        assert name not in body

    for name in sorted(expected):
        page.goto(f"{base}/")
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_no_axe_violations(page)
        indicator_links = page.locator("table.gt-table a[href^='/indicators/']")
        if indicator_links.count():
            indicator_links.first.click()
            expect(page).to_have_url(re.compile(r"/indicators/\d+/$"))
            assert_no_axe_violations(page)
            chart = page.locator("img.gt-chart").first
            expect(chart).to_be_visible()
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
            expect(page.locator("#history-table tbody tr").first).to_be_visible()

    # Any indicator of a partnership this person may not see is refused.
    others = Indicator.objects.exclude(partnership__name__in=expected)
    if others.exists():
        response = page.goto(f"{base}/indicators/{others.first().pk}/")
        assert response.status == 404


def test_skip_link_moves_focus_to_the_main_content(page: Page, live_server, demo):
    sign_in_with_keyboard(page, live_server.url, "member")
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_pages_break_no_content_security_policy(browser, live_server, demo):
    # The other browser tests bypass the CSP to inject axe-core; this one keeps it.
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if message.type == "error" else None
    )
    sign_in(page, live_server.url, "lead")
    page.get_by_role("link", name="Community Safety Partnership").click()
    page.locator("table.gt-table a[href^='/indicators/']").first.click()
    page.wait_for_load_state("networkidle")
    assert refused == []
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    context.close()
