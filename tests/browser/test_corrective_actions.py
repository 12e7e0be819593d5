"""A red result followed to a corrective action closed the next quarter, in the browser:
the lead reports a red result with a corrective action in the open quarter's return and
submits it; the performance team signs it off and the next quarter opens; the owner sees
the corrective action on their home page, reports its progress in the next return, and
closes it saying it worked. The database is checked after each write, and axe-core checks
each new page."""

import datetime
from decimal import Decimal

from playwright.sync_api import Page, expect

from goldenthread.core.models import (
    CorrectiveAction,
    CorrectiveActionUpdate,
    ReportingRound,
    Result,
    Return,
    User,
)
from goldenthread.core.monitoring import return_contents
from goldenthread.core.services.returns import open_quarter
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_out

PARTNERSHIP = "Community Safety Partnership"


def _everything_else_reported(ret: Return):
    """Every result the return asks for is in, on target, except one the lead will type:
    an indicator where higher or lower is better, with a target above zero. Returns it."""
    contents = return_contents(ret)
    pick = next(
        d
        for d in contents.results
        if d.target and d.indicator.polarity in ("higher", "lower") and d.target.value > 0
    )
    for due in contents.results:
        if due is pick:
            Result.objects.filter(indicator=due.indicator, period=due.period).delete()
            continue
        Result.objects.update_or_create(
            indicator=due.indicator,
            period=due.period,
            defaults={
                "value": due.target.value if due.target else Decimal(1),
                "commentary": "As expected.",
            },
        )
    return pick


def test_a_red_result_to_a_corrective_action_closed_the_next_quarter(page: Page, live_server, demo):
    base = live_server.url
    round_ = ReportingRound.objects.order_by("-period").first()
    ret = Return.objects.get(round=round_, partnership__name=PARTNERSHIP)
    pick = _everything_else_reported(ret)
    owner = User.objects.get(username="member")
    red = "0" if pick.indicator.polarity == "higher" else str(pick.target.value * 10)

    # The lead: a red result, its commentary and a corrective action; then submits.
    sign_in(page, base, "lead")
    page.goto(f"{base}{ret.get_absolute_url()}")
    row = page.locator(f"#result-{pick.key}")
    row.get_by_label("Result for").fill(red)
    row.get_by_label("Commentary").fill("Two burglary series in the north of the borough.")
    row.locator("summary").filter(has_text="Corrective action").click()
    row.get_by_label("What will change").fill("Extra patrols and target hardening.")
    row.get_by_label("Who owns it").select_option(str(owner.pk))
    due = datetime.date.today() + datetime.timedelta(days=60)
    row.get_by_label("By when").fill(due.isoformat())
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been submitted")
    ret.refresh_from_db()
    assert ret.status == "submitted"
    ca = CorrectiveAction.objects.get(ret=ret, indicator=pick.indicator)
    assert (ca.owner, ca.due_date, ca.status) == (owner, due, "open")
    sign_out(page)

    # The performance team signs it off; the next quarter opens.
    sign_in(page, base, "performance")
    page.goto(f"{base}{ret.get_absolute_url()}")
    page.get_by_role("link", name="Sign off or return").click()
    page.get_by_label("Sign it off").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    ret.refresh_from_db()
    assert ret.status == "signed_off"
    performance = User.objects.get(username="performance")
    # It has not ended yet: the performance team opens it early.
    following = open_quarter(period=round_.period.next(), by=performance, early=True)
    next_ret = following.returns.get(partnership=ret.partnership)
    sign_out(page)

    # The owner sees it on their home page and opens it.
    sign_in(page, base, "member")
    mine = page.locator("section.gt-corrective-owned")
    expect(mine).to_contain_text("Corrective actions you own")
    assert_no_axe_violations(page)
    mine.get_by_role("link", name=f"{PARTNERSHIP}: {pick.indicator.code}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corrective action for")
    assert_no_axe_violations(page)

    # In the next quarter's return: its progress.
    page.goto(f"{base}{next_ret.get_absolute_url()}")
    section = page.locator(f"#corrective-{ca.pk}")
    expect(section).to_be_visible()
    section.get_by_label("Status").select_option("in_progress")
    section.get_by_label("Progress this quarter").fill("Patrols running in both wards.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    update = CorrectiveActionUpdate.objects.get(corrective_action=ca, ret=next_ret)
    assert (update.status, update.progress, update.by) == (
        "in_progress",
        "Patrols running in both wards.",
        owner,
    )
    assert_no_axe_violations(page)

    # Closed, saying it worked: first without saying, to see the errors.
    page.goto(f"{base}/corrective-actions/{ca.pk}/")
    page.get_by_role("button", name="Close it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say whether the corrective action worked"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Yes, it worked").check()
    page.get_by_label("What did it achieve, and what was learned?").fill(
        "Burglaries back under target; patrols stay in the plan."
    )
    page.get_by_role("button", name="Close it").click()
    expect(page.locator("#ca-status")).to_contain_text("Closed")
    ca.refresh_from_db()
    assert (ca.status, ca.worked, ca.closed_by) == ("closed", "yes", owner)
    assert ca.history.first().history_change_reason == "Closed: yes, it worked"
    assert_no_axe_violations(page)
