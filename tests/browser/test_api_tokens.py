"""API tokens and the API's documentation in the browser (issue 15), by keyboard alone: a
member opens “API tokens” from Your account, makes a token (after a mistake), copies the
secret from the page that shows it once, uses it, and revokes it; the performance team
revokes someone's from their page. axe-core checks every page, the documentation too."""

import datetime

from django.utils import timezone
from playwright.sync_api import Locator, Page, Playwright, expect

from goldenthread.core.models import ApiToken, TokenScope, User
from goldenthread.core.services.api_tokens import create_token
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in

TABS = 80  # more than any of these pages has things to tab through


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""
    handle = target.element_handle()
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_make_copy_use_and_revoke_a_token_by_keyboard(
    page: Page, playwright: Playwright, live_server, demo
):
    base = live_server.url
    # Another system: none of the browser's cookies, only the token.
    other_system = playwright.request.new_context()
    sign_in(page, base, "member")
    page.goto(f"{base}/account/")
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name="API tokens", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.locator("#tokens")).to_contain_text("You have no API tokens.")
    assert_no_axe_violations(page)

    # Sent without a name: a message next to the box, and in the summary.
    tab_to(page, page.get_by_role("button", name="Make the token"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the token a name")
    expect(page.locator("#id_name_error")).to_contain_text("Give the token a name")
    assert_no_axe_violations(page)

    tab_to(page, page.get_by_label("Name"))
    page.keyboard.type("Power BI dashboard")
    page.keyboard.press("Tab")  # to the chosen radio: read only
    expect(page.get_by_label("Read only")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Read and write")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Make the token"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Token “Power BI dashboard” made")
    assert_no_axe_violations(page)
    secret_box = page.get_by_label("Your new token")
    tab_to(page, secret_box)
    page.keyboard.press("Control+A")
    page.keyboard.press("Control+C")
    copied = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.value.substring(e.selectionStart, e.selectionEnd); }"
    )
    assert copied.startswith("gt_") and copied == secret_box.input_value()
    token = ApiToken.objects.get(person=User.objects.get(username="member"))
    assert token.name == "Power BI dashboard" and token.may_write
    assert copied.startswith(token.prefix)

    answer = other_system.get(
        f"{base}/api/v1/partnerships/", headers={"Authorization": f"Bearer {copied}"}
    )
    assert answer.status == 200, answer.text()
    names = [p["name"] for p in answer.json()["items"]]
    assert "Community Safety Partnership" in names

    tab_to(page, page.get_by_role("link", name="Back to your API tokens"))
    page.keyboard.press("Enter")
    row = page.locator(f"#token-{token.pk}")
    expect(row).to_contain_text("Power BI dashboard")
    expect(row).to_contain_text("Active")
    expect(page.locator("body")).not_to_contain_text(copied)
    assert_no_axe_violations(page)

    tab_to(page, page.get_by_role("link", name="Revoke “Power BI dashboard”"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revoke the token “Power BI dashboard”?"
    )
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("button", name="Revoke the token"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is revoked")
    expect(row).to_contain_text("Revoked")
    assert_no_axe_violations(page)
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = other_system.get(
        f"{base}/api/v1/partnerships/", headers={"Authorization": f"Bearer {copied}"}
    )
    assert refused.status == 401
    other_system.dispose()


def test_the_performance_team_revokes_someones_token(page: Page, live_server, demo):
    base = live_server.url
    member = User.objects.get(username="member")
    token, _secret = create_token(
        member,
        name="Old laptop",
        scope=TokenScope.READ,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    sign_in(page, base, "performance")
    page.goto(f"{base}/people/{member.pk}/")
    page.get_by_role("link", name=f"See and revoke {member}'s API tokens").click()
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("Old laptop")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Revoke “Old laptop”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token “Old laptop”?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is revoked")
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("Revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_api_documentation_is_accessible(page: Page, live_server, demo):
    base = live_server.url
    page.goto(f"{base}/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Golden Thread API")
    expect(page.get_by_role("heading", name="Authentication")).to_be_visible()
    assert_no_axe_violations(page)
    # The link to the description it is made from works.
    page.get_by_role("link", name="the OpenAPI description (JSON)").click()
    assert '"openapi": "3.1' in page.content() or '"openapi":"3.1' in page.content()
