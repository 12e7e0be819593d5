"""People in the browser (issue 14): the lead of the Community Safety Partnership invites
someone; the invitee opens the link from the e-mail, sets a password and lands in the
partnership; the lead changes their role and removes them; the performance team
deactivates someone, whose browser is signed out at once. axe-core checks each new page."""

import re

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from goldenthread.core.models import Membership, Organisation, Partnership, SecurityEvent, User
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import DEMO_PASSWORD, sign_in, sign_out

PARTNERSHIP = "Community Safety Partnership"
EMAIL = "sam.jones@example.org"
PASSWORD = "a-long-new-passphrase-7"


def test_invite_accept_change_remove_and_deactivate(
    page: Page, browser: Browser, live_server, demo
):
    base = live_server.url
    partnership = Partnership.objects.get(name=PARTNERSHIP)
    organisation = Organisation.objects.order_by("name").first()
    mail.outbox.clear()

    # The lead invites Sam from the partnership's People page.
    sign_in(page, base, "lead")
    page.goto(f"{base}{partnership.get_absolute_url()}")
    page.get_by_role("link", name="People: members, roles and invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Invite someone").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the invitation").click()  # empty: messages
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their e-mail address")
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Organisation they represent").select_option(label=organisation.name)
    page.get_by_label("Member", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Invitation sent to {EMAIL}"
    )
    expect(page.locator("#invitations ~ table")).to_contain_text(EMAIL)
    page.get_by_role("link", name=f"Send again or withdraw the invitation to {EMAIL}").click()
    assert_no_axe_violations(page)
    sign_out(page)

    # Sam opens the link from the e-mail and sets a password.
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]
    (path,) = re.findall(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept the invitation")
    assert_no_axe_violations(page)
    expect(page.get_by_label("Username")).to_have_value("sam.jones")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill("not the same one")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the same password twice")
    assert_no_axe_violations(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}{partnership.get_absolute_url()}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have joined")
    sam = User.objects.get(username="sam.jones")
    assert Membership.objects.get(partnership=partnership, person=sam).role == "member"
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("#memberships")).to_contain_text(PARTNERSHIP)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_no_axe_violations(page)
    sign_out(page)
    # The link works once.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has been used")
    assert_no_axe_violations(page)

    # The lead makes Sam a viewer, then removes them.
    sign_in(page, base, "lead")
    page.goto(f"{base}/partnerships/{partnership.pk}/people/")
    page.get_by_role("link", name="Change role of Sam Jones").click()
    assert_no_axe_violations(page)
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Change the role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sam Jones is now viewer"
    )
    expect(page.locator("#role-viewer")).to_contain_text("Sam Jones")
    page.get_by_role("link", name="Remove Sam Jones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove Sam Jones from the partnership?"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove Sam Jones").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("no longer in")
    assert not Membership.objects.filter(partnership=partnership, person=sam).exists()
    sign_out(page)

    # Sam is signed in elsewhere; the performance team deactivates the account.
    elsewhere = browser.new_context(bypass_csp=True)
    try:
        sam_page = elsewhere.new_page()
        sam_page.goto(f"{base}/accounts/login/")
        sam_page.get_by_label("Email address or username").fill("sam.jones")
        sam_page.get_by_role("button", name="Continue").click()
        sam_page.get_by_label("Password").fill(PASSWORD)
        sam_page.get_by_role("button", name="Sign in").click()
        sam_page.wait_for_url(f"{base}/")

        sign_in(page, base, "performance")
        page.get_by_role("link", name="People", exact=True).click()
        assert_no_axe_violations(page)
        page.get_by_label("Search by name, username or e-mail address").fill("sam.jones")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name="Sam Jones").click()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Deactivate Sam Jones's account").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Deactivate the account").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "is deactivated"
        )
        expect(page.locator("#account-state")).to_contain_text("Deactivated")
        assert not User.objects.get(pk=sam.pk).is_active
        assert SecurityEvent.objects.filter(kind="deactivated", subject=sam).exists()

        page.goto(f"{base}/people/invite/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("performance team")
        assert_no_axe_violations(page)

        # Sam's next page, in their own browser, is the sign-in page.
        sam_page.goto(f"{base}/")
        sam_page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    finally:
        elsewhere.close()


def test_a_forgotten_password_is_reset_from_the_email(page: Page, live_server, demo):
    """The reset pages, each checked by axe-core: ask, check your e-mail, the link,
    choose a new one, done; then sign in with it."""
    base = live_server.url
    mail.outbox.clear()
    page.goto(f"{base}/accounts/password/reset/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send me the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your e-mail address")
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill("member@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_no_axe_violations(page)

    (message,) = [m for m in mail.outbox if m.to == ["member@example.org"]]
    (link,) = re.findall(r"https?://\S+/accounts/password/reset/key/\S+/", message.body)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_no_axe_violations(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    assert_no_axe_violations(page)
    assert SecurityEvent.objects.filter(kind="password_reset", subject__username="member").exists()

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address or username").fill("member")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_someone_with_an_account_signs_in_and_accepts(page: Page, live_server, demo):
    """An invitation to an address that already has an account: the link's page asks
    them to sign in, the sign-in brings them back, and accepting adds the partnership."""
    from goldenthread.core.services.invitations import invite

    base = live_server.url
    board = Partnership.objects.get(name="Health and Wellbeing Board")
    member = User.objects.get(username="member")
    assert not Membership.objects.filter(partnership=board, person=member).exists()
    _, token = invite(
        User.objects.get(username="performance"),
        email="member@example.org",
        partnership=board,
        organisation=member.organisation,
        role="viewer",
    )
    page.goto(f"{base}/invitations/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to accept the invitation")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email address or username").fill("member")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/invitations/{token}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(f"{base}{board.get_absolute_url()}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have joined Health and Wellbeing Board as a viewer"
    )
    assert Membership.objects.get(partnership=board, person=member).role == "viewer"
