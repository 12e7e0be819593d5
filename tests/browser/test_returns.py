"""A quarter in the browser: the performance team opens it, the lead fills in the return,
uploads the spreadsheet, submits; the performance team signs it off. axe-core checks
every page on the way."""

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from goldenthread.core.models import Result, Return
from goldenthread.rules import Period
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard, sign_out

QUARTER = "2025/26 Q4"


def test_a_quarter_from_opening_to_sign_off(page: Page, live_server, demo, tmp_path):
    base = live_server.url
    sign_in_with_keyboard(page, base, "performance")
    page.get_by_role("link", name="Quarterly returns").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Open a quarter").click()
    page.get_by_label("Quarter").fill("2025/26 Q9")
    page.get_by_role("button", name="Open the quarter").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Quarter").fill(QUARTER)
    page.get_by_role("button", name="Open the quarter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{QUARTER} is open")
    sign_out(page)

    # The lead fills in the return.
    sign_in_with_keyboard(page, base, "lead")
    expect(page.locator("#owed-heading")).to_be_visible()  # what they owe
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Community Safety Partnership: {QUARTER} return").click()
    ret = Return.objects.get(
        partnership__name="Community Safety Partnership", round__period=Period.parse(QUARTER)
    )
    assert_no_axe_violations(page)

    # A typo is kept with its message; nothing typed is lost.
    first = page.locator("section.gt-return-row").first
    first.get_by_label("Result for").fill("thirty")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number")
    expect(page.locator("section.gt-return-row").first.get_by_label("Result for")).to_have_value(
        "thirty"
    )
    assert_no_axe_violations(page)

    # The spreadsheet round trip: download, fill in, upload.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (.xlsx)").click()
    path = tmp_path / "return.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    result_col = headers.index("Result") + 1
    commentary_col = headers.index("Commentary") + 1
    target_col = headers.index("Target") + 1
    for row in range(2, sheet.max_row + 1):
        target = sheet.cell(row, target_col).value
        sheet.cell(row, result_col).value = target if target is not None else 1
        sheet.cell(row, commentary_col).value = "On target this quarter."
    book.save(path)
    page.get_by_role("link", name="Upload a filled-in spreadsheet").click()
    assert_no_axe_violations(page)
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("imported")
    assert Result.objects.filter(
        indicator__partnership=ret.partnership, entered_by__username="lead"
    ).exists()

    # Progress on each open action, then submit.
    for section in page.locator("section[id^='action-']").all():
        section.get_by_label("Per cent complete").fill("50")
    page.get_by_label("Highlights: what went well").fill("Youth panels running in every locality.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    assert_no_axe_violations(page)
    ret.refresh_from_db()
    assert ret.status == "submitted"
    sign_out(page)

    # The performance team signs it off.
    sign_in_with_keyboard(page, base, "performance")
    page.goto(f"{base}/returns/{ret.pk}/")
    page.get_by_role("link", name="Sign off or return").click()
    assert_no_axe_violations(page)
    page.get_by_label("Sign it off").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    ret.refresh_from_db()
    assert ret.status == "signed_off"
    page.get_by_role("link", name="Reopen").click()
    assert_no_axe_violations(page)
    assert Period.parse(QUARTER) == ret.period
