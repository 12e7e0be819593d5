"""Browser tests: Debian's Chromium driven by Playwright (pytest-playwright).

Every test in this folder is marked `browser`, so `pytest -m "not browser"` skips them all.
Playwright never downloads a browser here: we launch /usr/bin/chromium (or $GT_CHROMIUM).

Shared by the tests here: the `demo` fixture, and signing in and out as a demo person
(`from tests.browser.conftest import sign_in, sign_in_with_keyboard, sign_out`).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.snapshot import DemoSnapshot

# Playwright's sync API runs an event loop in the test thread, so Django would refuse ORM calls
# from test code (SynchronousOnlyOperation) without this. Set before Django is set up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent

DEMO_PASSWORD = "demo-password-1"  # every demo person's (README, "Demo sign-ins")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No network here but the loopback: keep Chromium from calling home at every start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("GT_CHROMIUM") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: `make test` installs it "
            "(apt-get install chromium), or set GT_CHROMIUM to another Chromium."
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Our Content-Security-Policy forbids inline scripts, and Playwright injects axe-core as one
    # (page.add_script_tag); bypass_csp lets the test harness in without weakening the site.
    return {**browser_context_args, "bypass_csp": True}


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory):
    snapshot = DemoSnapshot(tmp_path_factory.mktemp("demo"))
    yield snapshot
    snapshot.close()


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The demo world, fresh for every test that asks for it. The live server answers from
    another thread, so these tests need transactional_db, which empties the database after
    each test; and many of them change the demo as they go. The first test loads it; each
    test after gets an exact copy of what that load left (tests/browser/snapshot.py)."""
    demo_snapshot.fresh_demo()


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in as a demo person through the two sign-in pages: who you are, then the
    password (a demo person's username has no organisation's sign-in)."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sign_in_with_keyboard(page: Page, base: str, username: str) -> None:
    """Sign in as a demo person with the keyboard alone, checking both sign-in pages with
    axe-core and that the skip link comes first on each."""
    page.goto(f"{base}/accounts/login/")
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.get_by_label("Email address or username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/accounts/login/password/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your password")
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    # What was typed on the first page is filled in; Tab goes on to the password.
    login = page.get_by_label("Email address or username")
    expect(login).to_have_value(username)
    login.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
