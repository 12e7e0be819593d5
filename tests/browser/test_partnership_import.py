"""A lead brings a new partnership's plan in from a spreadsheet (issue 16): downloads the
template, fills it in (openpyxl, here), uploads it, sees the problem, puts it right,
uploads again, creates the plan and lands on the draft with the objectives and indicators.
By keyboard, axe-core on every page."""

import io
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from goldenthread.core.models import Indicator, Plan
from goldenthread.rules import Frequency, Period, financial_year_of, latest_ended
from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_second_factor import sign_in_by_keyboard


def filled_in(template: bytes, target_ref: str) -> bytes:
    """The template with one objective, one indicator, a target and a result."""
    book = load_workbook(io.BytesIO(template))
    book["Objectives"].append(["O1", "Fewer young people reoffend", "", "", "", None, "T1"])
    book["Indicators"].append(
        [
            "YJ01",
            "Reoffending rate",
            "",
            "%",
            1,
            "Lower is better",
            "Quarterly",
            None,
            "",
            "Youth justice service",
            "O1",
        ]
    )
    year = financial_year_of(timezone.localdate())
    book["Targets"].append([target_ref, Period(Frequency.QUARTERLY, year, 4).label, 30, None])
    book["Results"].append(
        ["YJ01", latest_ended(Frequency.QUARTERLY, timezone.localdate()).label, 34.5, ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_lead_brings_a_plan_in_from_a_spreadsheet(
    page: Page, live_server, world, new_partnership, tmp_path
):
    base = live_server.url
    sign_in_by_keyboard(page, base, "lead")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/partnerships/{new_partnership.pk}/plans/")
    page.get_by_role("link", name="Bring in a plan from a spreadsheet").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring in a plan from a spreadsheet")
    assert_no_axe_violations(page)

    # No file chosen: the error, next to the box.
    page.get_by_role("button", name="Upload and check").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: Bring in a plan"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the filled-in workbook")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (.xlsx)").click()
    template = download.value.path().read_bytes()

    # A target for an indicator the workbook does not have.
    wrong = tmp_path / "youth plan.xlsx"
    wrong.write_bytes(filled_in(template, "YJ99"))
    page.get_by_label("The filled-in workbook").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and check").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: Check the workbook"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Targets, row 2, Indicator ref: no indicator on the Indicators sheet has the Ref YJ99"
    )
    row = page.locator("#problem-1")
    expect(row).to_contain_text("No indicator on the Indicators sheet has the Ref YJ99")
    assert_no_axe_violations(page)
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#problem-1$"))
    assert not Plan.objects.filter(partnership=new_partnership).exists()

    # Put right, and uploaded again.
    page.get_by_role("link", name="Upload a corrected workbook").focus()
    page.keyboard.press("Enter")
    right = tmp_path / "youth plan.xlsx"
    right.write_bytes(filled_in(template, "YJ01"))
    page.get_by_label("The filled-in workbook").set_input_files(str(right))
    page.get_by_role("button", name="Upload and check").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Check the workbook"))
    expect(page.locator(".govuk-summary-list")).to_contain_text("YJ01")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create the draft plan").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get(partnership=new_partnership)
    assert page.url == f"{base}/plans/{plan.pk}/"
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Draft plan created from youth plan.xlsx: 1 objective, 1 indicator, 1 target and "
        "1 past result."
    )
    main = page.locator("main")
    expect(main).to_contain_text("Fewer young people reoffend")
    expect(main).to_contain_text("YJ01")
    assert_no_axe_violations(page)
    indicator = Indicator.objects.get(partnership=new_partnership, code="YJ01")
    assert list(indicator.objectives.all()) == list(plan.objectives.all())
    assert indicator.results.get().value == Decimal("34.5")
