"""The performance team imports a real life expectancy file by sex and three-year periods
(choosing Female, the periods stored against their last year), then a file with a row that
cannot be read, importing the rows understood and seeing the one left out listed; every
page passes axe-core, with and without errors. The files:
tests/documents/data/comparators/README.md."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from goldenthread.core.models import ComparatorValue, Indicator
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in

HERE = Path(__file__).resolve().parents[1] / "documents" / "data" / "comparators"
LIFE = HERE / "life_expectancy.csv"


def test_a_file_by_sex_and_a_file_with_a_bad_row_are_imported(
    page: Page, live_server, demo, tmp_path
):
    base = live_server.url
    indicator = Indicator.objects.get(code="HW03")  # annual: a stand-in for the test
    ComparatorValue.objects.filter(indicator=indicator).delete()
    sign_in(page, base, "performance")

    page.goto(f"{base}/benchmarking/import/")
    page.get_by_label("Upload the file").set_input_files(str(LIFE))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the file to your indicators")
    page.get_by_label("Life expectancy at birth (Life expectancy)").select_option(str(indicator.pk))
    expect(
        page.get_by_role("group", name="Which rows of the column “inequality” to import")
    ).to_be_visible()
    spans = page.get_by_label(
        "Store a figure for several periods against the last period it covers"
    )
    expect(spans).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_title(re.compile("^Error: Match the file"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose which rows of “inequality” to import")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name=re.compile("Choose which rows")).click()
    expect(page.get_by_role("radio", name="Male (153 rows)", exact=True)).to_be_focused()

    page.get_by_role("radio", name="Female (153 rows)", exact=True).check()
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "figures for several periods stored against the last period covered"
    )
    assert_no_axe_violations(page)
    assert ComparatorValue.objects.filter(indicator=indicator).exists()

    # Synthetic: a small file made up for the test, with a period that cannot be read.
    bad = tmp_path / "figures.csv"
    bad.write_text(
        "area_code,area_name,period,indicator,value\n"
        "E08000002,Bury,2019/20,Rate,10.5\n"
        "E08000007,Stockport,last year,Rate,7\n"
    )
    page.goto(f"{base}/benchmarking/import/")
    page.get_by_label("Upload the file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_label("Rate").select_option(str(indicator.pk))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The file has 1 problem")
    assert_no_axe_violations(page)
    page.get_by_label("Import the rows we understand, and list the others").check()
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rows left out")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("“last year” is not a period")
    assert_no_axe_violations(page)
