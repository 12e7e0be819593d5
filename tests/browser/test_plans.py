"""The lead link officer revises the demo plan in the browser: writes an objective
(watching the SMART check update as they type), sets targets, approves with reasons
for the gaps, and compares the two versions. axe-core checks every page on the way."""

import re

from playwright.sync_api import Page, expect

from goldenthread.core.models import Plan, PlanTarget, SmartWaiver
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard


def test_lead_revises_checks_approves_and_compares_a_plan(page: Page, live_server, demo):
    base = live_server.url
    sign_in_with_keyboard(page, base, "lead")
    page.get_by_role("link", name="Community Safety Partnership", exact=True).click()
    page.get_by_role("link", name="Plan versions").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Version 1").click()
    assert_no_axe_violations(page)

    # Revise: a reason, and a decision for every unfinished action.
    page.get_by_role("link", name="Revise the plan").click()
    page.get_by_role("button", name="Start the revision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the plan is being revised."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Why is the plan being revised?").fill(
        "Police priorities changed in the spring"
    )
    for group in page.locator("fieldset").all():
        group.get_by_label("Carry it into the new version").check()
    page.get_by_role("button", name="Start the revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community Safety Plan 2024 to 2027")
    expect(page.locator("main")).to_contain_text("Version 2")
    assert_no_axe_violations(page)

    # A new objective: the SMART check updates as the lead types (htmx).
    page.get_by_role("link", name="Add an objective").click()
    page.get_by_label("Title").fill("Improve things")
    page.get_by_label("Title").press("Tab")
    smart = page.locator("#objective-smart")
    expect(smart).to_contain_text("no indicator measures this objective")
    expect(smart).to_contain_text("no deadline")
    page.get_by_label("Title").fill(
        "Halve repeat antisocial behaviour calls in Old Trafford by 2027"
    )
    page.get_by_label("Description").fill(
        "Repeat calls about the same address fall from 120 to 60 a year."
    )
    page.get_by_label("Deadline").fill("2027-03-31")
    page.get_by_label("T1.1 People feel safe where they live").check()
    page.get_by_label("CS05 Claimants as a proportion of residents aged 16-64").check()
    expect(smart).not_to_contain_text("no indicator measures this objective")
    expect(smart).not_to_contain_text("no deadline")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save objective").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Objective O4 added.")

    # Targets: a bad one is refused with a message, a good one is saved.
    page.get_by_role("link", name="Set targets for CS01").click()
    expect(page.get_by_label("Target for 2026/27")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Target for 2026/27").fill("thirty")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number, like 42 or 3.5")
    assert_no_axe_violations(page)
    page.get_by_label("Target for 2026/27").fill("34")
    page.get_by_role("button", name="Save targets").click()
    draft = Plan.objects.get(partnership__name="Community Safety Partnership", status="draft")
    assert PlanTarget.objects.get(plan=draft, indicator__code="CS01", period="2026/27").value == 34

    # Approve: every SMART gap needs a reason.
    page.get_by_role("link", name="Approve this version").click()
    assert_no_axe_violations(page)
    reasons = page.locator("textarea")
    gaps = reasons.count()
    assert gaps > 0
    for n in range(gaps):
        reasons.nth(n).fill("The board accepted this on 3 March and will review it in June.")
    page.get_by_role("button", name="Approve version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 approved")
    draft.refresh_from_db()
    assert draft.status == "approved"
    assert SmartWaiver.objects.filter(plan=draft).count() == gaps

    # Compare the two versions.
    page.get_by_role("link", name="Compare with version 1").click()
    expect(page).to_have_url(re.compile(r"/plans/compare/"))
    added = page.locator("tr[data-change='added']")
    expect(added.first).to_contain_text("O4")
    expect(page.locator("main")).to_contain_text("34")
    assert_no_axe_violations(page)


def test_every_other_plan_page_passes_axe(page: Page, live_server, demo):
    """The forms and confirmation pages not walked above, including with errors."""
    from goldenthread.core.models import Action, Objective

    base = live_server.url
    sign_in_with_keyboard(page, base, "lead")
    plan = Plan.objects.get(partnership__name="Community Safety Partnership")
    objective = Objective.objects.filter(plan=plan).first()
    action = Action.objects.filter(objective__plan=plan).first()
    for path in (
        f"/plans/{plan.pk}/edit/",  # approved: the "cannot be changed" page
        f"/objectives/{objective.pk}/edit/",
        f"/plans/{plan.pk}/smart/",
        f"/indicators/{objective.indicators.first().pk}/edit/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)

    page.goto(f"{base}/plans/{plan.pk}/revise/")
    page.get_by_label("Why is the plan being revised?").fill("Checking pages")
    for group in page.locator("fieldset").all():
        group.get_by_label("Carry it into the new version").check()
    page.get_by_role("button", name="Start the revision").click()
    draft = Plan.objects.get(partnership=plan.partnership, status="draft")
    objective = draft.objectives.first()
    action = Action.objects.filter(objective__plan=draft).first()
    for path in (
        f"/plans/{draft.pk}/edit/",
        f"/objectives/{objective.pk}/actions/new/",
        f"/objectives/{objective.pk}/indicators/new/",
        f"/objectives/{objective.pk}/remove/",
        f"/actions/{action.pk}/edit/",
        f"/actions/{action.pk}/remove/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)
        buttons = page.locator("main form button[type=submit]")
        if path.endswith(("/new/", "/edit/")) and buttons.count():
            if path.endswith("/actions/new/"):
                page.get_by_label("Start date").fill("2026-09-01")
                page.get_by_label("Due date").fill("2026-08-01")
            if page.get_by_label("Title", exact=True).count():
                page.get_by_label("Title", exact=True).fill("")
            buttons.first.click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            assert_no_axe_violations(page)
