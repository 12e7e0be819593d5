"""The annual update form in the browser: the lead fills it in and submits it, mostly by
keyboard; the performance team accepts it and the tracker shows the requirement met.
axe-core checks the tracker, the evidence page and the form (also with an error)."""

from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import AnnualUpdateForm, Partnership
from goldenthread.rules.compliance import update_form_deadline
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard, sign_out

YEAR = 2025
NAME = "Community Safety Partnership"


def form_cell(page: Page, partnership: Partnership):
    return page.locator(f"#row-{partnership.pk} td[data-requirement='update_form'] .govuk-tag")


def type_into(page: Page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def test_the_lead_submits_the_form_and_the_performance_team_accepts_it(
    page: Page, live_server, demo
):
    base = live_server.url
    partnership = Partnership.objects.get(name=NAME)
    AnnualUpdateForm.objects.filter(partnership=partnership, year=YEAR).delete()
    form_url = f"{base}/partnerships/{partnership.pk}/update-form/{YEAR}/"

    sign_in_with_keyboard(page, base, "lead")
    page.goto(f"{base}/compliance/?year={YEAR}")
    expect(form_cell(page, partnership)).not_to_have_text("Met")
    page.goto(form_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual update form, 2025/26")
    assert_no_axe_violations(page)

    # Submitting with parts missing saves what is there and says what is missing.
    type_into(page, "Achievements", "Burglary fell by a fifth.")
    page.get_by_role("button", name="Submit to the performance team").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the year's challenges")
    expect(page.get_by_label("Achievements", exact=True)).to_have_value("Burglary fell by a fifth.")
    assert_no_axe_violations(page)

    type_into(page, "Challenges", "Police funding was cut.")
    type_into(page, "The plan's status", "Approved, running to 2026/27.")
    type_into(page, "Priorities for next year", "Repeat victims.")
    for group in page.locator(".gt-assessment fieldset").all():
        if not group.locator("input:checked").count():
            group.get_by_label("Partly met").focus()
            page.keyboard.press("Space")
    type_into(page, "Comment on monitored at least quarterly", "Q3 came in late.")
    page.get_by_role("button", name="Submit to the performance team").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been submitted")
    expect(page.locator("#form-status")).to_contain_text("Submitted")
    sign_out(page)

    # The performance team accepts it, and the tracker shows the requirement met.
    sign_in_with_keyboard(page, base, "performance")
    page.goto(f"{base}/compliance/?year={YEAR}")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Evidence for annual update form, {NAME}").click()
    expect(page.locator("#update_form")).to_contain_text("Submitted")
    assert_no_axe_violations(page)
    page.goto(form_url)
    page.get_by_role("link", name="Accept or return the form").click()
    page.get_by_label("Accept it").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#form-status")).to_contain_text("Accepted")
    assert_no_axe_violations(page)
    page.goto(f"{base}/compliance/?year={YEAR}")
    # Submitted today: met, or met late once its 30 June deadline has passed.
    late = timezone.localdate() > update_form_deadline(YEAR)
    expect(form_cell(page, partnership)).to_have_text("Met late" if late else "Met")
    assert AnnualUpdateForm.objects.get(partnership=partnership, year=YEAR).status == "accepted"
