"""The Revise stage in the browser: a member records a lesson and the performance team finds
it by searching across partnerships; a lead starts and closes an improvement plan for an
indicator red two quarters running. axe-core checks every page, with and without errors."""

import datetime
from decimal import Decimal

from playwright.sync_api import Page, expect

from goldenthread.core.models import ImprovementPlan, Indicator, Lesson, Partnership, Result, Target
from goldenthread.rules import Frequency, Period
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard, sign_out


def test_a_member_records_a_lesson_and_the_performance_team_finds_it(page: Page, live_server, demo):
    base = live_server.url
    sign_in_with_keyboard(page, base, "member")
    page.goto(f"{base}/lessons/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lessons learned")
    assert_no_axe_violations(page)

    partnership = Partnership.objects.get(name="Community Safety Partnership")
    page.locator(f"a[href='/partnerships/{partnership.pk}/lessons/new/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a lesson")
    assert_no_axe_violations(page)

    # Sent with a source that needs saying which one, and no title: both are explained.
    page.get_by_label("What happened").fill(
        "Tenants in Partington answered a phone call about mediation far more often than a letter."
    )
    page.get_by_label("Did not work").check()
    page.get_by_label("Another organisation").check()
    page.get_by_role("button", name="Record the lesson").click()
    expect(page).to_have_title(
        "Error: Record a lesson – Community Safety Partnership – Golden Thread"
    )
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title for the lesson")
    expect(summary).to_contain_text("Enter which organisation the lesson came from")
    expect(page.get_by_label("What happened")).to_have_value(
        "Tenants in Partington answered a phone call about mediation far more often than a letter."
    )
    assert_no_axe_violations(page)

    page.get_by_label("Title", exact=True).fill("Mediation offered by letter")
    page.get_by_label("Which partnership, council service, organisation or sector").fill(
        "A housing association's tenancy team"
    )
    page.get_by_label("Tags").fill("Mediation, Housing , mediation")
    page.locator("input[name=objectives]").first.check()
    page.get_by_role("button", name="Record the lesson").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mediation offered by letter")
    lesson = Lesson.objects.get(title="Mediation offered by letter")
    assert lesson.tags == "mediation, housing"
    assert lesson.history.first().history_user.username == "member"
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was recorded")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Edit the lesson").click()
    expect(page.get_by_label("Tags")).to_have_value("mediation, housing")
    assert_no_axe_violations(page)

    sign_out(page)
    sign_in_with_keyboard(page, base, "performance")
    page.goto(f"{base}/lessons/")
    # The demo has a similar lesson; "Partington" is in this one only.
    page.get_by_label("Words").fill("Partington letter")
    page.get_by_label("Did not work").check()
    page.get_by_role("button", name="Search lessons").click()
    expect(page.locator("#results-heading")).to_have_text("1 lesson found")
    result = page.locator("ol.gt-lessons li").first
    expect(result).to_contain_text("Community Safety Partnership")
    expect(result.locator("mark").first).to_have_text("letter")
    assert_no_axe_violations(page)
    result.get_by_role("link", name="Mediation offered by letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mediation offered by letter")
    expect(page.get_by_role("link", name="Edit the lesson")).to_have_count(0)
    assert_no_axe_violations(page)

    # A search that cannot be run says why, and the page still passes.
    page.goto(f"{base}/lessons/?outcome=brilliant&q=letter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an outcome from the list")
    assert_no_axe_violations(page)


def red_twice(partnership: Partnership, owner) -> Indicator:
    """A quarterly indicator red in the two quarters before the one running today."""
    latest = Period.containing(Frequency.QUARTERLY, datetime.date.today()).previous()
    indicator = Indicator.objects.create(
        partnership=partnership,
        code="CS99",
        title="Repeat victims of burglary",
        polarity="higher",
        frequency="quarterly",
        owner=owner,
    )
    for period in (latest.previous(), latest):
        Target.objects.create(indicator=indicator, period=period, value=Decimal(100))
        Result.objects.create(indicator=indicator, period=period, value=Decimal(80))
    return indicator


def test_a_lead_starts_and_closes_an_improvement_plan(page: Page, live_server, demo):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    indicator = red_twice(partnership, partnership.lead_link_officer)
    sign_in_with_keyboard(page, base, "lead")

    page.goto(f"{base}/indicators/{indicator.pk}/improvement/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start an improvement plan")
    assert_no_axe_violations(page)
    page.get_by_label("Review date").fill("")
    page.get_by_role("button", name="Start the improvement plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what will be done")
    expect(summary).to_contain_text("Enter the date the improvement plan will be reviewed")
    assert_no_axe_violations(page)

    page.get_by_label("What will be done").fill("Target hardening visits to every repeat victim.")
    page.locator("input[name=actions]").first.check()
    page.get_by_label("Review date").fill("2030-03-31")
    page.get_by_role("button", name="Start the improvement plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    plan = ImprovementPlan.objects.get(indicator=indicator)
    assert plan.owner == partnership.lead_link_officer
    assert plan.actions.count() == 1
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Close the improvement plan").click()
    page.get_by_role("button", name="Close the improvement plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the improvement plan is being closed"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Why is this improvement plan being closed?").fill(
        "Replaced by the county-wide burglary plan."
    )
    page.get_by_role("button", name="Close the improvement plan").click()
    expect(page.locator("main")).to_contain_text("Replaced by the county-wide burglary plan.")
    plan.refresh_from_db()
    assert plan.closed_at is not None
    assert_no_axe_violations(page)

    # The same red pair does not ask again: the page says no plan is needed.
    page.goto(f"{base}/indicators/{indicator.pk}/improvement/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "CS99 does not need an improvement plan"
    )
    assert_no_axe_violations(page)


def test_a_lead_shares_a_lesson_and_another_partnership_finds_it(page: Page, live_server, demo):
    base = live_server.url
    lesson = Lesson.objects.get(title="Letters alone did not get tenants to mediation")
    assert not lesson.shared

    # Not shared yet: a member of another partnership cannot open it.
    sign_in_with_keyboard(page, base, "outsider")
    assert page.goto(f"{base}/lessons/{lesson.pk}/").status == 404
    sign_out(page)

    sign_in_with_keyboard(page, base, "lead")
    page.goto(f"{base}/lessons/{lesson.pk}/share/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Share with every partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    assert_no_axe_violations(page)
    lesson.refresh_from_db()
    assert lesson.shared and lesson.shared_by.username == "lead"
    assert lesson.history.first().history_change_reason == "Shared with every partnership"
    sign_out(page)

    sign_in_with_keyboard(page, base, "outsider")
    page.goto(f"{base}/lessons/?q=mediation")
    result = page.get_by_role("link", name=lesson.title)
    expect(result).to_be_visible()
    expect(page.locator("main")).to_contain_text("Shared with every partnership")
    assert_no_axe_violations(page)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    assert_no_axe_violations(page)
