"""Open data in a real browser with the demo data (issue 15): the performance team finds
the open data licence from the council view, is told clearly what is wrong with a bad web
address, chooses another licence with the keyboard, and a visitor, not signed in, sees it
stated beside the links to the files on the public pages. Every page passes axe-core."""

import json

from playwright.sync_api import Page, expect

from goldenthread.core.models import Indicator, OpenDataLicence, Partnership
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def test_the_performance_team_chooses_the_licence_and_the_public_sees_it(
    page: Page, live_server, demo, browser
):
    base = live_server.url
    sign_in(page, base, "performance")
    page.goto(f"{base}/council/")
    page.get_by_role("link", name="the open data licence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data licence")
    expect(page.locator("#licence-now")).to_contain_text("Open Government Licence v3.0")
    assert_no_axe_violations(page)

    page.get_by_label("Licence", exact=True).fill("Creative Commons Attribution 4.0")
    page.get_by_label("Web address of the licence").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save the licence").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the licence's web address, starting https://")
    expect(page).to_have_title("Error: Open data licence – Golden Thread")
    assert_no_axe_violations(page)
    assert not OpenDataLicence.objects.exclude(name="Open Government Licence v3.0").exists()

    address = page.get_by_label("Web address of the licence")
    address.fill("https://creativecommons.org/licenses/by/4.0/")
    page.get_by_label("Attribution (optional)").fill("Contains Trafford Council data")
    page.get_by_label("Attribution (optional)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save the licence")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Open data licence saved")).to_be_visible()
    expect(page.locator("#licence-now")).to_contain_text("Creative Commons Attribution 4.0")
    assert_no_axe_violations(page)
    licence = OpenDataLicence.objects.get()
    assert licence.url == "https://creativecommons.org/licenses/by/4.0/"

    # A visitor, not signed in, on a public page.
    partnership = Partnership.objects.filter(name__startswith="Community Safety").get()
    partnership.is_public = True
    partnership.save()
    Indicator.objects.filter(partnership=partnership).update(is_published=True)
    visitor = browser.new_context(bypass_csp=True).new_page()
    try:
        for url in (f"{base}/public/", f"{base}/public/{partnership.pk}/"):
            visitor.goto(url)
            statement = visitor.locator("#open-data-licence")
            expect(statement).to_contain_text("Contains Trafford Council data")
            link = statement.get_by_role("link", name="Creative Commons Attribution 4.0")
            expect(link).to_have_attribute("href", "https://creativecommons.org/licenses/by/4.0/")
            assert_no_axe_violations(visitor)
        json_url = visitor.locator("#open-data-json").get_attribute("href")
        response = visitor.request.get(f"{base}{json_url}")
        assert response.ok
        document = json.loads(response.body())
        assert document["licence"]["name"] == "Creative Commons Attribution 4.0"
        assert {row["partnership"] for row in document["rows"]} == {partnership.name}
    finally:
        visitor.context.close()
