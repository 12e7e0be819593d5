"""The performance team imports a real published file through upload → map → import and
opens an indicator's benchmark page; every benchmarking page passes axe-core, with and
without errors, for the performance team and for a viewer."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from goldenthread.core.models import ComparatorValue, Indicator
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard

REPO = Path(__file__).resolve().parents[2]
EMPLOYMENT = REPO / "goldenthread" / "demo" / "data" / "economy" / "employment_rate.csv"


def test_the_performance_team_imports_a_real_file_and_a_viewer_sees_the_benchmark(
    page: Page, live_server, demo
):
    base = live_server.url
    employment = Indicator.objects.get(code="EG01")
    ComparatorValue.objects.filter(indicator=employment).delete()
    sign_in_with_keyboard(page, base, "performance")

    page.goto(f"{base}/benchmarking/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Import comparator data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import comparator data")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page).to_have_title(re.compile("^Error: Import comparator data"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a CSV or Excel file")
    assert_no_axe_violations(page)

    page.get_by_label("Upload the file").set_input_files(str(EMPLOYMENT))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the file to your indicators")
    assert_no_axe_violations(page)
    # The demo's import remembered which indicator this is.
    mapping = page.get_by_label("Employment rate - aged 16-64 (Percentage)")
    expect(mapping).to_have_value(str(employment.pk))

    # A mistake first: the value column set to the period's.
    page.get_by_label("Value column").select_option(label="period")
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_title(re.compile("^Error: Match the file"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The value cannot be in the same column as the period"
    )
    assert_no_axe_violations(page)

    page.get_by_label("Value column").select_option(label="value")
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Imported 224 figures for EG01: 224 new"
    )
    assert_no_axe_violations(page)
    assert ComparatorValue.objects.filter(indicator=employment).count() == 224

    page.get_by_role("link", name=re.compile(r"^EG01 Employment rate")).click()
    expect(page).to_have_url(re.compile(rf"/indicators/{employment.pk}/benchmark/$"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Compared with CIPFA"))
    ).to_be_visible()
    chart = page.locator("img.gt-chart")
    expect(chart).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.querySelector('img.gt-chart');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    expect(page.locator("#benchmark-table tbody tr").first).to_be_visible()
    assert_no_axe_violations(page)

    # A comparator group with a mistake in it.
    page.goto(f"{base}/benchmarking/groups/import/")
    page.get_by_role("button", name="Import the group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the group")
    assert_no_axe_violations(page)

    # A viewer (one demo load serves both: loading takes a while) sees a benchmark page
    # without the form to change the usual group, and the page with a wrong group asked for.
    page.context.clear_cookies()
    obesity = Indicator.objects.get(code="HW01")
    sign_in_with_keyboard(page, base, "viewer")
    page.goto(f"{base}/indicators/{obesity.pk}/benchmark/")
    expect(page.locator("#benchmark-table tbody tr").first).to_be_visible()
    expect(page.get_by_role("button", name="Save the usual group")).to_have_count(0)
    assert_no_axe_violations(page)
    page.goto(f"{base}/indicators/{obesity.pk}/benchmark/?group=0")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a comparator group")
    assert_no_axe_violations(page)
    page.goto(f"{base}/benchmarking/")
    assert_no_axe_violations(page)
