"""The browser plumbing itself: Chromium starts, axe-core runs, and the check can fail."""

import pytest

from tests.browser.axe import assert_no_axe_violations, run_axe

GOOD_PAGE = (
    "<!doctype html><html lang='en'><head><title>t</title></head>"
    "<body><main><h1>Hello</h1></main></body></html>"
)
BAD_PAGE = (
    "<!doctype html><html lang='en'><head><title>t</title></head>"
    "<body><main><h1>Hello</h1><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='></main>"
    "</body></html>"
)


def test_axe_passes_a_clean_page(page):
    page.set_content(GOOD_PAGE)
    results = assert_no_axe_violations(page)
    assert results["passes"] > 0  # axe really ran rules on it


def test_axe_reports_an_image_without_alt(page):
    page.set_content(BAD_PAGE)
    with pytest.raises(AssertionError) as excinfo:
        assert_no_axe_violations(page)
    message = str(excinfo.value)
    assert "image-alt" in message
    assert "<img" in message


def test_axe_runs_under_the_sites_content_security_policy(live_server, page):
    # Any response of ours carries the CSP (script-src 'self'), a 404 too; axe-core is injected
    # inline, so this fails unless the context bypasses the CSP.
    response = page.goto(live_server.url + "/browser-smoke-test-no-such-page/")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    results = run_axe(page)
    assert results["version"].startswith("4.")
    assert results["passes"] > 0
