"""Single sign-on through a real OpenID Connect provider (oidc-provider-mock, on this
machine's loopback) in Chromium: the e-mail address on the sign-in page leads to the
provider, and back signed in, the first time linked to the existing account with that
verified e-mail; an e-mail from a domain the provider does not serve, and an unverified
one, are refused with a clear message; then signing out. axe-core on every page of ours.

The round trip runs in a browser context that keeps our Content-Security-Policy (the
other tests bypass it to inject axe-core): Chrome applies `form-action` to the redirect
that follows the sign-in form's POST, so this proves the provider is let through."""

import pytest
from allauth.socialaccount.models import SocialAccount
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from goldenthread.core.models import Membership, Organisation, Role, SecurityEvent, User
from goldenthread.core.services import invitations, sign_in
from tests.browser.axe import assert_no_axe_violations
from tests.conftest import make_partnership

Kind = SecurityEvent.Kind

PEOPLE = [
    ProviderUser(
        sub="sam-1",
        claims={"email": "sam.jones@police.example", "email_verified": True, "name": "Sam Jones"},
    ),
    ProviderUser(
        sub="stranger-1",
        claims={"email": "stranger@elsewhere.example", "email_verified": True},
    ),
    ProviderUser(
        sub="newcomer-1",
        claims={
            "email": "new.person@police.example",
            "email_verified": True,
            "given_name": "New",
            "family_name": "Person",
        },
    ),
    ProviderUser(
        sub="unverified-1",
        claims={"email": "kim@police.example", "email_verified": False},
    ),
]


@pytest.fixture
def provider_url():
    with run_server_in_thread(port=0, user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def police(transactional_db, provider_url):
    council = Organisation.objects.create(name="Council", kind="council")
    police = Organisation.objects.create(name="Police", kind="police")
    admin = User.objects.create(username="perf", is_performance_team=True, organisation=council)
    for username, email in (("sam", "sam.jones@police.example"), ("kim", "kim@police.example")):
        User.objects.create(username=username, email=email, organisation=police)
    return sign_in.add_provider(
        by=admin,
        name="Test Police",
        organisation=police,
        issuer=provider_url,
        client_id="golden-thread",
        secret="s3cret",
        domains="police.example",
    )


@pytest.fixture
def strict_page(browser: Browser):
    """A page that keeps the site's Content-Security-Policy."""
    context = browser.new_context(bypass_csp=False)
    yield context.new_page()
    context.close()


def through_provider(page: Page, base: str, email: str, who: str, provider_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/notifications/")
    page.get_by_label("Email address or username").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{provider_url}/oauth2/authorize?**")
    page.get_by_role("button", name=who, exact=True).click()


def test_signing_in_through_the_organisations_provider(
    strict_page: Page, page: Page, live_server, police, provider_url
):
    base = live_server.url
    sam = User.objects.get(username="sam")

    # The sign-in page, checked with axe-core (in the page that may inject it).
    page.goto(f"{base}/accounts/login/")
    assert_no_axe_violations(page)

    # With the site's own CSP: e-mail, the provider's page, back signed in where we were going.
    through_provider(strict_page, base, "Sam.Jones@police.example", "sam-1", provider_url)
    strict_page.wait_for_url(f"{base}/notifications/")
    expect(strict_page.get_by_role("button", name="Sign out")).to_be_visible()
    link = SocialAccount.objects.get(user=sam)
    assert (link.provider, link.uid) == (police.app.provider_id, "sam-1")
    event = SecurityEvent.objects.get(kind=Kind.PROVIDER_LINKED)
    assert event.subject == sam and "Test Police" in event.detail

    # Signing out, then in again: the link is used, not made again.
    strict_page.get_by_role("button", name="Sign out").click()
    strict_page.wait_for_url(f"{base}/accounts/login/**")
    strict_page.goto(f"{base}/")
    strict_page.wait_for_url(f"{base}/accounts/login/**")
    through_provider(strict_page, base, "sam.jones@police.example", "sam-1", provider_url)
    strict_page.wait_for_url(f"{base}/notifications/")
    assert SocialAccount.objects.filter(user=sam).count() == 1
    assert SecurityEvent.objects.filter(kind=Kind.PROVIDER_LINKED).count() == 1


def test_an_email_of_another_domain_is_refused(page: Page, live_server, police, provider_url):
    base = live_server.url
    # The person typed a police address, but the provider says it is someone else's.
    through_provider(page, base, "sam.jones@police.example", "stranger-1", provider_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in this way")
    expect(page.locator("#refusal")).to_contain_text(
        "Test Police does not sign in people with elsewhere.example e-mail addresses"
    )
    assert_no_axe_violations(page)
    assert not SocialAccount.objects.exists()
    event = SecurityEvent.objects.get(kind=Kind.PROVIDER_REFUSED)
    assert event.login == "stranger@elsewhere.example"
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/login/**")  # not signed in


def test_an_unverified_email_is_refused(page: Page, live_server, police, provider_url):
    base = live_server.url
    through_provider(page, base, "kim@police.example", "unverified-1", provider_url)
    expect(page.locator("#refusal")).to_contain_text(
        "Test Police did not confirm that kim@police.example is yours"
    )
    assert_no_axe_violations(page)
    assert not SocialAccount.objects.exists()
    assert "not verified" in SecurityEvent.objects.get(kind=Kind.PROVIDER_REFUSED).detail


def test_the_performance_teams_pages_and_a_cancelled_sign_in(
    page: Page, live_server, police, provider_url
):
    base = live_server.url
    perf = User.objects.get(username="perf")
    perf.set_password("perf-password-1")
    perf.save()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address or username").fill("perf")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your password")
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill("perf-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="organisations' sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations' sign-in")
    expect(page.locator(".gt-callback-url")).to_have_text(
        f"{base}/accounts/oidc/test-police/login/callback/"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add an identity provider").click()
    page.get_by_role("button", name="Add identity provider").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the issuer URL")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to organisations' sign-in").click()
    page.get_by_role("link", name="Change Test Police").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Test Police")
    assert_no_axe_violations(page)

    # allauth's "Continue" page for a provider, and the page for a sign-in the person
    # cancelled at the provider.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/accounts/oidc/test-police/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with Test Police")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{provider_url}/oauth2/authorize?**")
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your organisation's sign-in did not work"
    )
    assert_no_axe_violations(page)


def test_an_invitation_accepted_through_the_provider(
    strict_page: Page, live_server, police, provider_url
):
    """Someone with no account yet, invited by e-mail, chooses their organisation's
    sign-in on the invitation page: the account is made, with no password, and linked."""
    base = live_server.url
    partnership = make_partnership("Safer Streets", police.organisation)
    invitation, token = invitations.invite(
        User.objects.get(username="perf"),
        email="new.person@police.example",
        partnership=partnership,
        organisation=police.organisation,
        role=Role.MEMBER,
    )
    strict_page.goto(f"{base}/invitations/{token}/")
    strict_page.get_by_role("button", name="Continue with Test Police").click()
    strict_page.wait_for_url(f"{provider_url}/oauth2/authorize?**")
    strict_page.get_by_role("button", name="newcomer-1", exact=True).click()
    strict_page.wait_for_url(f"{base}/partnerships/{partnership.pk}/")
    newcomer = User.objects.get(email__iexact="new.person@police.example")
    assert (newcomer.first_name, newcomer.last_name) == ("New", "Person")
    assert not newcomer.has_usable_password()
    assert Membership.objects.filter(
        person=newcomer, partnership=partnership, role=Role.MEMBER
    ).exists()
    assert SocialAccount.objects.get(user=newcomer).uid == "newcomer-1"
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert "through an invitation" in SecurityEvent.objects.get(kind=Kind.PROVIDER_LINKED).detail
