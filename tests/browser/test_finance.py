"""The lead changes the year's budget with the keyboard — first mistyped, then right — and
sees the new figure in the finance summary; the finance page and its form (with and
without errors) pass axe-core, for the lead and for a viewer."""

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import Budget, Partnership
from goldenthread.rules import financial_year_of
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard


def test_the_lead_changes_the_budget_by_keyboard_and_sees_the_summary(
    page: Page, live_server, demo
):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    year = financial_year_of(timezone.localdate())
    label = f"{year}/{(year + 1) % 100:02d}"
    sign_in_with_keyboard(page, base, "lead")

    page.goto(base + reverse("finance", args=[partnership.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Finance {label}")
    expect(page.locator("#finance-summary")).to_contain_text("Forecast year-end spend")
    assert_no_axe_violations(page)

    change = page.get_by_role("link", name="Change the budgets and spend")
    change.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Change the budgets and spend for {label}"
    )
    assert_no_axe_violations(page)

    # A word for a number: refused by the field, with what was typed kept.
    budget = page.locator("#id_budget")
    budget.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("twelve")
    page.keyboard.press("Enter")
    expect(page).to_have_title(
        f"Error: Change the budgets and spend for {label} – Community Safety Partnership"
        " – Golden Thread"
    )
    message = f"Enter the {label} budget as an amount in pounds, like 12,500 or 12,500.50"
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("#id_budget_error")).to_contain_text(message)
    expect(budget).to_have_value("twelve")
    assert_no_axe_violations(page)

    # The summary's link takes the keyboard to the field; put it right and save.
    page.locator(".govuk-error-summary").get_by_role("link", name=message).focus()
    page.keyboard.press("Enter")
    expect(budget).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("£450,000")
    page.keyboard.press("Tab")
    expect(page.locator(f"#id_spend_{year}-Q1")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Finance {label}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Budget and spend for {label} saved"
    )
    summary = page.locator("#finance-summary")
    expect(summary.locator(".govuk-summary-list__row").first).to_contain_text("£450,000")
    expect(page.locator("#forecast")).to_contain_text("the budget of £450,000")
    assert_no_axe_violations(page)
    saved = Budget.objects.get(partnership=partnership, year=year, action=None)
    assert saved.amount == Decimal("450000")
    assert saved.history.first().history_user.username == "lead"


def test_a_viewer_reads_the_finance_page(page: Page, live_server, demo):
    base = live_server.url
    board = Partnership.objects.get(name="Health and Wellbeing Board")
    sign_in_with_keyboard(page, base, "viewer")
    page.goto(base + reverse("finance", args=[board.pk]) + "?year=2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finance 2025/26")
    expect(page.locator("#quarters-table")).to_contain_text("2025/26 Q4")
    expect(page.get_by_role("link", name="Change the budgets and spend")).to_have_count(0)
    chart = page.locator("img.gt-chart")
    expect(chart).to_have_attribute("alt", re.compile("The numbers are in the table that follows"))
    chart.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.gt-chart').naturalWidth > 0")
    assert_no_axe_violations(page)
