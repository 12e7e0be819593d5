"""The council-wide view in a real browser with the demo data: the performance team opens
it, filters by a strategic theme with the keyboard alone (no JavaScript needed: a GET
form), and both pages pass axe-core."""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import Outcome, Partnership
from goldenthread.rules import Frequency, Period
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_performance_team_filters_the_council_view_by_outcome_with_the_keyboard(
    page: Page, live_server, demo
):
    base = live_server.url
    sign_in(page, base, "performance")
    page.goto(f"{base}/council/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Council view")
    table = page.locator("#council-table")
    every = set(Partnership.objects.values_list("name", flat=True))
    assert set(table.locator("tbody th a").all_inner_texts()) == every
    assert_no_axe_violations(page)

    # The climate theme: its outcomes (T4.1 to T4.3) are served by one partnership only.
    theme = Outcome.objects.get(code="T4", parent=None, strategic_plan__title__contains="Corporate")
    outcome = page.get_by_label("Strategic outcome")
    outcome.focus()
    for _ in range(40):  # arrow down through the options, as a keyboard user would
        if outcome.input_value() == str(theme.pk):
            break
        page.keyboard.press("ArrowDown")
    assert outcome.input_value() == str(theme.pk)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Organisation")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show partnerships")).to_be_focused()
    page.keyboard.press("Enter")

    # The quarter picker comes first in the form, and keeps the quarter shown.
    page.wait_for_url(re.compile(rf"/council/\?quarter=[^&]+&outcome={theme.pk}&organisation=$"))
    expect(table.locator("tbody th a")).to_have_text(["Climate Emergency Partnership"])
    expect(page.locator("#filter-summary")).to_contain_text(
        f"Showing 1 of {len(every)} partnerships contributing to T4 Addressing the climate crisis"
    )
    expect(page.get_by_label("Strategic outcome")).to_have_value(str(theme.pk))
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Climate Emergency Partnership", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate Emergency Partnership")


def test_a_quarter_opened_early_is_confirmed_and_chosen_on_the_council_view(
    page: Page, live_server, demo
):
    """Issue 12, judgement 7: opening the quarter under way asks for confirmation; the
    council view keeps showing an earlier quarter until its deadline passes, and the
    picker (a GET form, keyboard only) shows the new one. Both pages pass axe-core."""
    current = Period.containing(Frequency.QUARTERLY, timezone.localdate())
    base = live_server.url
    sign_in(page, base, "performance")
    page.goto(f"{base}/returns/open/")
    page.get_by_label("Quarter", exact=True).fill(current.label)
    page.get_by_role("button", name="Open the quarter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{current.label} has not ended yet"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Yes, open this quarter before it ends").check()
    page.get_by_role("button", name="Open the quarter early").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{current.label} is open")

    page.goto(f"{base}/council/")
    expect(page.locator("#quarter-shown")).not_to_contain_text(current.label)
    picker = page.get_by_label("Quarter")
    picker.focus()
    for _ in range(40):  # up to the newest quarter opened, which comes first
        if picker.input_value() == current.label:
            break
        page.keyboard.press("ArrowUp")
    assert picker.input_value() == current.label
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show partnerships")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#quarter-shown")).to_contain_text(current.label)
    assert_no_axe_violations(page)
