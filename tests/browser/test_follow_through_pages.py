"""Follow-through pages in the browser, each checked with axe-core: the public index
(reached from the sign-in page), the success story form (with its errors, then saved and
published), the history pages of a return, an update form, a plan version, an indicator
and an action, and a partnership's public page with its published story."""

from playwright.sync_api import Page, expect

from goldenthread.core.models import Action, Partnership, Plan, Return, SuccessStory
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_follow_through_pages_are_accessible(page: Page, live_server, demo):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    Partnership.objects.filter(pk=partnership.pk).update(is_public=True)

    # The public index, from the sign-in page, by keyboard.
    page.goto(f"{base}/accounts/login/")
    link = page.get_by_role("link", name="Public performance information")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Partnerships' public performance information"
    )
    assert_no_axe_violations(page)

    # A success story: the form, its errors, then written and published.
    sign_in(page, base, "lead")
    page.goto(f"{base}/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Success stories").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Success stories")
    page.get_by_role("link", name="Write a success story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a success story")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save the story").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title for the success story")
    expect(summary).to_contain_text("Enter the story: what went well, and for whom")
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Fewer repeat victims in Stretford")
    page.get_by_label("The story").fill("Target hardening visits cut repeat burglaries.")
    page.locator("input[name=indicators]").first.check()
    page.get_by_label("Publish it").check()
    page.get_by_role("button", name="Save the story").click()
    expect(
        page.get_by_role("heading", level=2, name="Fewer repeat victims in Stretford")
    ).to_be_visible()
    assert SuccessStory.objects.get(title="Fewer repeat victims in Stretford").published
    assert_no_axe_violations(page)

    # History pages.
    ret = Return.objects.filter(partnership=partnership).exclude(status="open").first()
    plan = Plan.objects.filter(partnership=partnership, status="approved").get()
    action = Action.objects.filter(objective__plan=plan).first()
    indicator = partnership.indicators.order_by("code").first()
    year = ret.period.year if ret else 2025
    for url in [
        f"/returns/{ret.pk}/history/" if ret else None,
        f"/plans/{plan.pk}/history/",
        f"/actions/{action.pk}/history/",
        f"/indicators/{indicator.pk}/history/",
        f"/partnerships/{partnership.pk}/update-form/{year}/history/",
    ]:
        if url is None:
            continue
        page.goto(f"{base}{url}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("History:")
        assert_no_axe_violations(page)

    # The public page with the published story.
    page.goto(f"{base}/public/{partnership.pk}/")
    expect(page.get_by_role("heading", name="Success stories")).to_be_visible()
    assert_no_axe_violations(page)
