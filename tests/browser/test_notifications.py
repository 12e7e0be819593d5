"""A returned return, in the browser: the performance officer sends the lead's submitted
return back with a reason; the lead sees the count in the header, opens the notification,
lands on the return, reads the reason, puts it right and resubmits; the performance
officer signs it off and the lead is told. axe-core checks the notifications page and the
settings page."""

import re

from playwright.sync_api import Page, expect

from goldenthread.core.models import Notification, NotificationPreference, Return, User
from goldenthread.core.monitoring import return_contents
from goldenthread.core.services.returns import ResultInput, record_results, submit_return
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_in_with_keyboard, sign_out

REASON = "CS05: say when the survey results will be available."


def submitted_by_the_lead() -> Return:
    """The demo's open Community Safety Partnership return, filled in and submitted by
    the lead through the services (the return pages have their own browser test)."""
    ret = Return.objects.get(partnership__name="Community Safety Partnership", status="open")
    lead = User.objects.get(username="lead")
    missing = [due for due in return_contents(ret).results if not due.is_reported]
    record_results(
        ret=ret,
        by=lead,
        results=[
            ResultInput(
                indicator_id=due.indicator.pk,
                period=due.period,
                value=None,
                not_available=True,
                not_available_reason="The survey is published late.",
            )
            for due in missing
        ],
    )
    return submit_return(ret=Return.objects.get(pk=ret.pk), by=lead)


def decide(page: Page, base: str, ret: Return, choice: str, reason: str = "") -> None:
    sign_in(page, base, "performance")
    page.goto(f"{base}{ret.get_absolute_url()}")
    page.get_by_role("link", name="Sign off or return").click()
    page.get_by_label(choice).check()
    if reason:
        page.get_by_label("If returning it, what needs to change?").fill(reason)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    sign_out(page)


def test_a_returned_return_reaches_the_lead_and_comes_back_signed_off(
    page: Page, live_server, demo
):
    base = live_server.url
    ret = submitted_by_the_lead()
    decide(page, base, ret, "Return it for changes", REASON)
    ret.refresh_from_db()
    assert ret.status == Return.Status.RETURNED

    # The lead sees the count in the header and opens the notification.
    sign_in_with_keyboard(page, base, "lead")
    header = page.locator("header")
    header.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = page.locator(".gt-notifications li").first
    expect(item).to_contain_text("Unread")
    expect(item).to_contain_text(REASON)
    assert_no_axe_violations(page)
    item.get_by_role("button", name=re.compile("sent back for changes")).click()

    # It lands on the return, which says why; the count is gone.
    page.wait_for_url(f"{base}{ret.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text(REASON)
    expect(header.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert Notification.objects.get(recipient__username="lead").is_read

    # Put right and resubmitted.
    page.get_by_label("Highlights: what went well").fill(
        "CS05's survey results follow in January, when they are published."
    )
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED
    sign_out(page)

    decide(page, base, ret, "Sign it off")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SIGNED_OFF

    sign_in(page, base, "lead")
    header.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.locator(".gt-notifications li").first).to_contain_text("was signed off")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 notification marked")
    expect(header.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    # The lead stops e-mails about signed-off returns.
    page.get_by_role("link", name="Choose which notifications you get by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    assert_no_axe_violations(page)
    page.get_by_label("A return signed off").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("settings were saved")
    expect(page.get_by_label("A return signed off")).not_to_be_checked()
    expect(page.get_by_label("A return sent back for changes")).to_be_checked()
    assert (
        NotificationPreference.objects.get(user__username="lead", kind="return_signed_off").email
        is False
    )
    assert_no_axe_violations(page)
