"""The partnership health check in the browser (issue 17): the demo's member answers this
year's health check with the keyboard alone (after sending it half done, and being told
what is missing); then, with three answers in, the lead closes it and sees the results
beside last year's, and adds an action to the plan from a weak theme. axe-core checks
every page of the health check on the way."""

from playwright.sync_api import Page, expect

from goldenthread.core.models import HealthCheck, HealthCheckAnswer, Partnership
from goldenthread.rules import health_check as questionnaire
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_in_with_keyboard, sign_out


def test_a_member_answers_by_keyboard_and_the_lead_sees_the_results(page: Page, live_server, demo):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    health_check = HealthCheck.objects.filter(partnership=partnership).order_by("-year").first()
    assert health_check.responses.count() == 2
    sign_in_with_keyboard(page, base, "member")

    page.goto(f"{base}/partnerships/{partnership.pk}/health-checks/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"{health_check.year_label} health check").click()
    expect(page.locator("#results-withheld")).to_contain_text("2 of 5 answered so far")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Answer the health check").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partnership health check")
    assert_no_axe_violations(page)

    # Sent with nothing chosen: the error summary names every statement.
    page.get_by_role("button", name="Send my answers").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose an answer to statement 1, or “don't know”")
    expect(summary.locator("a")).to_have_count(len(questionnaire.STATEMENTS))
    assert_no_axe_violations(page)
    # Following the first error's link puts the cursor on the first statement's answers.
    summary.locator("a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_purpose_need_0")).to_be_focused()

    # Each statement: Space chooses "Strongly agree", each arrow moves one answer down;
    # Tab goes on to the next statement, and after each theme's two to its comment box.
    # One down is "Agree"; five down is "Don't know".
    downs = {"trust_open": 5, "trust_fair": 3, "residents_involved": 4}
    for theme in questionnaire.THEMES:
        for statement in theme.statements:
            expect(page.locator(f"#id_{statement.key}_0")).to_be_focused()
            page.keyboard.press("Space")
            for _ in range(downs.get(statement.key, 1)):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
        expect(page.locator(f"#id_comment_{theme.key}")).to_be_focused()
        if theme.key == "trust":
            page.keyboard.type("Partners still keep bad news to themselves.")
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my answers")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("your answers are saved")
    expect(page.locator("#you-answered")).to_be_visible()
    assert health_check.responses.count() == 3
    # Only the member said "don't know" to the first statement on trust; no name is kept.
    mine = HealthCheckAnswer.objects.get(
        response__health_check=health_check, statement="trust_open", score=None
    ).response
    assert mine.respondent is None
    assert dict(mine.answers.values_list("statement", "score"))["residents_involved"] == 1
    assert_no_axe_violations(page)

    sign_out(page)
    sign_in(page, base, "lead")
    page.goto(f"{base}/health-checks/{health_check.pk}/")
    page.get_by_role("link", name="Close the health check now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the health check")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Close the health check").click()

    expect(page.locator("#answer-count")).to_have_text("3 of 5 answered")
    table = page.locator("#theme-table")
    last_year = HealthCheck.objects.get(partnership=partnership, year=health_check.year - 1)
    expect(table.locator("thead")).to_contain_text(last_year.year_label)
    expect(table.locator("#theme-row-residents")).to_contain_text("Needs attention")
    expect(page.locator("#comments-trust")).to_contain_text(
        "Partners still keep bad news to themselves."
    )
    expect(
        page.get_by_role("img", name="Bar chart of the mean score of each theme")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # The weak theme becomes an action in the plan, prefilled from the theme.
    page.get_by_role("link", name="Add an action to the plan for involving residents").click()
    expect(page.get_by_label("The action")).to_have_value(
        questionnaire.theme("residents").action_title
    )
    assert_no_axe_violations(page)
    page.get_by_label("Objective of the plan it belongs to").select_option(index=3)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions-table")).to_contain_text("Involve residents and service users")
    assert health_check.actions.get().theme == "residents"

    page.goto(f"{base}/partnerships/{partnership.pk}/health-checks/open/")
    expect(page.get_by_label("Anonymous (recommended)")).to_be_checked()
    assert_no_axe_violations(page)
