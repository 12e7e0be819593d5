"""A partner signs up to the demo plan in the browser (issue 17): the demo "member", there
for Irwell and Mersey Homes, agrees with comments on the plan's page using the keyboard;
the lead then sees the answer in the sign-up table. axe-core checks the plan page, the
partners page (with a profile's edit form) and the pace of change page with its capacity
flags."""

from playwright.sync_api import Page, expect

from goldenthread.core.models import Organisation, Plan, PlanSignUp
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_out

PARTNERSHIP = "Community Safety Partnership"
HOUSING = "Irwell and Mersey Homes"
COMMENT = "We can host the panel in our offices, but not on Fridays."


def test_a_representative_signs_up_with_comments_and_the_lead_sees_it(
    page: Page, live_server, demo
):
    base = live_server.url
    plan = Plan.objects.get(partnership__name=PARTNERSHIP, status=Plan.Status.APPROVED)
    housing = Organisation.objects.get(name=HOUSING)

    sign_in(page, base, "member")
    page.goto(f"{base}{plan.get_absolute_url()}")
    table = page.locator("#sign-up-table")
    expect(table.locator(f"#sign-up-org-{housing.pk}")).to_contain_text("Not yet")
    expect(table).to_contain_text("Agreed, with comments")  # the police, in the demo
    assert_no_axe_violations(page)

    # By keyboard: choose the answer, type the comment, submit.
    form = page.locator("#sign-up-form")
    expect(form.get_by_role("heading")).to_have_text(f"Sign up for {HOUSING}")
    form.get_by_label("Agreed, with comments").focus()
    page.keyboard.press("Space")
    expect(form.get_by_label("Agreed, with comments")).to_be_checked()
    form.get_by_label("Comments or concern").focus()
    page.keyboard.type(COMMENT)
    form.get_by_role("button", name=f"Record the answer for {HOUSING}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{HOUSING} is recorded as: agreed, with comments."
    )
    sign_up = PlanSignUp.objects.get(plan=plan, organisation=housing)
    assert (sign_up.state, sign_up.comment, sign_up.signed_by.username) == (
        "agreed_with_comments",
        COMMENT,
        "member",
    )
    assert sign_up.history.count() == 1
    assert_no_axe_violations(page)
    sign_out(page)

    # The lead sees it, and the partners and pace of change pages pass axe-core.
    sign_in(page, base, "lead")
    page.goto(f"{base}{plan.get_absolute_url()}")
    row = page.locator(f"#sign-up-org-{housing.pk}")
    expect(row).to_contain_text("Agreed, with comments")
    expect(row).to_contain_text(COMMENT)
    partnership = plan.partnership
    page.goto(f"{base}/partnerships/{partnership.pk}/partners/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Edit the profile of Greater Manchester Police").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Profile of Greater Manchester Police"
    )
    assert_no_axe_violations(page)
    page.goto(f"{base}/partnerships/{partnership.pk}/pace/")
    expect(page.locator("#capacity-table")).to_contain_text("Over capacity")
    expect(page.locator("#capacity-table")).to_contain_text("Due before its decision date")
    assert_no_axe_violations(page)
