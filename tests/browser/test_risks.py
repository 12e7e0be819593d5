"""The lead adds a risk through the form, mostly with the keyboard, and finds it on the
heat map's table; the register, the form (with and without errors) and the pace of change
page pass axe-core."""

import pytest
from playwright.sync_api import Page, expect

from goldenthread.core.models import Partnership, Risk
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard


def type_into(page: Page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.keyboard.type(text)


def test_the_lead_adds_a_risk_and_finds_it_on_the_heat_map(page: Page, live_server, demo):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    sign_in_with_keyboard(page, base, "lead")

    page.get_by_role("link", name="Community Safety Partnership", exact=True).click()
    page.get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Add a risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a risk")
    assert_no_axe_violations(page)

    # Sending it empty shows every problem, linked from the summary; axe passes on that too.
    page.get_by_role("button", name="Add the risk").click()
    expect(page).to_have_title("Error: Add a risk – Community Safety Partnership – Golden Thread")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title for the risk")
    expect(summary).to_contain_text("Enter a whole number from 1 to 5 for the inherent likelihood")
    assert_no_axe_violations(page)

    # A residual score above the inherent one is refused, and what was typed is kept.
    type_into(page, "#id_title", "Partner data feeds stop")
    page.keyboard.press("Tab")
    expect(page.locator("#id_cause")).to_be_focused()
    page.keyboard.type("The police data platform is being replaced.")
    page.keyboard.press("Tab")
    expect(page.locator("#id_consequence")).to_be_focused()
    page.keyboard.type("Hotspot maps go out of date.")
    page.keyboard.press("Tab")
    expect(page.locator("#id_inherent_likelihood")).to_be_focused()
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    expect(page.locator("#id_mitigation")).to_be_focused()
    page.keyboard.type("Interim monthly extracts agreed.")
    page.keyboard.press("Tab")
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("4")
    page.locator("#id_review_date").fill("2030-03-31")
    page.locator("#id_residual_impact").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "must not be higher than the inherent score"
    )
    expect(page.locator("#id_title")).to_have_value("Partner data feeds stop")
    assert_no_axe_violations(page)

    page.locator("#id_residual_likelihood").fill("")
    type_into(page, "#id_residual_likelihood", "2")
    page.locator("#id_residual_impact").fill("")
    type_into(page, "#id_residual_impact", "3")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    risk = Risk.objects.get(partnership=partnership, title="Partner data feeds stop")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{risk.ref} Partner data feeds stop was added to the risk register"
    )
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 3)
    assert risk.history.first().history_user.username == "lead"
    cell = page.locator('#heat-map-table td[data-likelihood="2"][data-impact="3"]')
    expect(cell).to_contain_text(risk.ref)
    svg_cell = page.locator('#heat-map-svg g[data-likelihood="2"][data-impact="3"]')
    assert svg_cell.get_attribute("data-count") == cell.get_attribute("data-count")
    assert_no_axe_violations(page)

    # The inherent view and the objective filter, without JavaScript's help.
    page.get_by_role("link", name="Show inherent scores instead").click()
    expect(page.get_by_role("heading", name="Heat map of inherent scores")).to_be_visible()
    inherent_cell = page.locator('#heat-map-table td[data-likelihood="3"][data-impact="4"]')
    expect(inherent_cell).to_contain_text(risk.ref)
    page.get_by_label("Show risks for").select_option(label="Not linked to an objective")
    page.get_by_role("button", name="Show risks").click()
    expect(page.locator("#open-risks + table")).to_contain_text("Partner data feeds stop")
    assert "score=inherent" in page.url
    assert_no_axe_violations(page)


@pytest.mark.parametrize("username", ["lead", "viewer", "performance"])
def test_the_pace_of_change_page_passes_axe(page: Page, live_server, demo, username):
    base = live_server.url
    sign_in_with_keyboard(page, base, username)
    page.locator("table.gt-summary-table tbody th a").first.click()
    page.get_by_role("link", name="Pace of change: who leads which actions, and when").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pace of change")
    assert_no_axe_violations(page)
    page.goto(page.url.replace("/pace/", "/risks/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    assert_no_axe_violations(page)
