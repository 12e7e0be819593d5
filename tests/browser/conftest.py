"""Browser tests: Debian's Chromium driven by Playwright (pytest-playwright).

Every test in this folder is marked `browser`, so `pytest -m "not browser"` skips them all.
Playwright never downloads a browser here: we launch /usr/bin/chromium (or $GT_CHROMIUM).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, so Django would refuse ORM calls
# from test code (SynchronousOnlyOperation) without this. Set before Django is set up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent

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
