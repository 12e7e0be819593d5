"""The second factor in the browser: setting up an authenticator app by keyboard alone,
signing out, signing in again with a code from it; axe-core on every second-factor page;
allauth's scripts for security keys run under our Content-Security-Policy."""

import time
from datetime import UTC, datetime

import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from goldenthread.core.models import SecurityEvent
from tests.browser.axe import assert_no_axe_violations
from tests.conftest import PASSWORD


def code_for(secret: str) -> str:
    """The app's code now, taken with at least 5 s left in its 30-second window: the
    server checks it a moment later, and a code read just before the window turns is
    refused there (no tolerance), which made this test fail now and then."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_by_keyboard(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address or username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/accounts/login/password/**")
    page.get_by_label("Password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def tab_to(page: Page, locator, limit: int = 60) -> None:
    """Presses Tab until `locator` has the focus (keyboard only: no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"never reached {locator} by Tab")


def test_set_up_an_app_and_sign_in_with_a_code_by_keyboard(page: Page, live_server, world):
    base = live_server.url
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        sign_in_by_keyboard(page, base, "member")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/accounts/2fa/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
        assert_no_axe_violations(page)
        tab_to(page, page.get_by_role("button", name="Set up an authenticator app"))
        page.keyboard.press("Enter")
        # Confirm the password first.
        page.wait_for_url(f"{base}/accounts/reauthenticate/**")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
        assert_no_axe_violations(page)
        tab_to(page, page.get_by_label("Password"))
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/accounts/2fa/totp/activate/")
        assert_no_axe_violations(page)
        # The key as text, for people who cannot scan the QR code, which says so.
        secret = page.locator("#authenticator_secret").inner_text().strip()
        qr = page.get_by_role("img", name="QR code for your authenticator app")
        expect(qr).to_be_visible()
        tab_to(page, page.get_by_label("Code from the app"))
        page.keyboard.type(code_for(secret))
        activated_in = int(time.time()) // 30
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/accounts/2fa/recovery-codes/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
        assert_no_axe_violations(page)
        tab_to(page, page.get_by_role("button", name="Sign out"))
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/accounts/login/**")

    # A window or two on, the app shows a new code (each works once).
    later = datetime.fromtimestamp((activated_in + 2) * 30 + 1, tz=UTC)
    with time_machine.travel(later, tick=True):
        sign_in_by_keyboard(page, base, "member")
        page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        assert_no_axe_violations(page)
        # A wrong code first: refused, with the message in the error summary.
        page.get_by_label("Code").focus()
        page.keyboard.type("000000" if code_for(secret) != "000000" else "111111")
        page.keyboard.press("Enter")
        expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
        assert_no_axe_violations(page)
        page.get_by_label("Code").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(code_for(secret))
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.SIGNED_IN, subject=world.member
    ).exists()


def test_every_second_factor_page_passes_axe(page: Page, live_server, world):
    """With an app set up (and the password just confirmed): the pages to manage it."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(world.member, generate_totp_secret())
    RecoveryCodes.activate(world.member)
    base = live_server.url
    rc = world.member.authenticator_set.get(type="recovery_codes").wrap().get_unused_codes()
    sign_in_by_keyboard(page, base, "member")
    page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(rc[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    for path, heading in [
        ("/accounts/2fa/", "Second factor"),
        ("/accounts/2fa/webauthn/", "Security keys and passkeys"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(page)
    # Changes ask for the password again, then show their page.
    page.goto(f"{base}/accounts/2fa/totp/deactivate/")
    page.wait_for_url(f"{base}/accounts/**reauthenticate/**")
    assert_no_axe_violations(page)
    page.goto(f"{base}/accounts/reauthenticate/?next=/accounts/2fa/totp/deactivate/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/accounts/2fa/totp/deactivate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn off the authenticator app")
    assert_no_axe_violations(page)
    for path, heading in [
        ("/accounts/2fa/recovery-codes/", "Recovery codes"),
        ("/accounts/2fa/recovery-codes/generate/", "Make new recovery codes"),
        ("/accounts/2fa/webauthn/add/", "Add a security key or passkey"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(page)


def test_security_key_scripts_run_under_our_csp(browser: Browser, live_server, world):
    """allauth's scripts for security keys are static files and their data is JSON the
    browser does not run, so `script-src 'self'` lets them work with no inline script.
    (Other browser tests bypass the policy to inject axe-core; this one keeps it.)"""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(world.member, generate_totp_secret())
    context = browser.new_context(bypass_csp=False)
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if "Content Security Policy" in m.text or m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        base = live_server.url
        sign_in_by_keyboard(page, base, "member")
        page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
        # allauth's scripts loaded and set up the button (window.allauth is theirs).
        assert page.evaluate("typeof window.allauth?.webauthn?.forms?.authenticateForm") == (
            "function"
        )
        assert page.evaluate("typeof window.webauthnJSON") == "object"
        assert problems == [], problems
    finally:
        context.close()
