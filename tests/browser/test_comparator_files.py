"""The lead link officer creates indicators from a real published file (Trafford Data Lab's
children_offending.csv, in the demo's data folder with its attribution) and brings their
history in: our area's figures as past results, the other areas' as comparator figures.
With the keyboard, axe-core on every page, with and without errors; then the database and
the indicator's history page. The performance team makes a comparator group of the same
file's metropolitan districts."""

import csv
import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from goldenthread.core.models import (
    Action,
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    Plan,
    Result,
    User,
)
from goldenthread.core.services.history import periods_reported_in_returns
from goldenthread.core.services.plans import UNFINISHED, ActionDecision, revise_plan
from goldenthread.rules import parse_published_period
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard

REPO = Path(__file__).resolve().parents[2]
OFFENDING = REPO / "goldenthread" / "demo" / "data" / "children" / "children_offending.csv"
HOME = "E08000009"


def draft_of_community_safety() -> Plan:
    """A revision in progress, which is where new indicators go (tests/browser/test_plans.py
    starts one in the browser)."""
    plan = Plan.objects.get(partnership__name="Community Safety Partnership", status="approved")
    unfinished = Action.objects.filter(objective__plan=plan, state__in=UNFINISHED)
    return revise_plan(
        plan=plan,
        by=User.objects.get(username="lead"),
        reason="Youth justice measures added",
        decisions={a.pk: ActionDecision(carry=True) for a in unfinished},
    )


def published(measure: str) -> list[dict]:
    with OFFENDING.open(encoding="utf-8-sig", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["measure"] == measure]


def test_the_lead_creates_indicators_from_a_real_file_with_their_history(
    page: Page, live_server, demo
):
    base = live_server.url
    draft = draft_of_community_safety()
    sign_in_with_keyboard(page, base, "lead")
    page.goto(f"{base}/plans/{draft.pk}/")
    page.get_by_role("link", name="Create indicators from a data file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create indicators from a data file")
    assert_no_axe_violations(page)

    # No file: the error, next to the box.
    page.get_by_role("button", name="Upload and continue").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: Create indicators"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a CSV or Excel file")
    assert_no_axe_violations(page)

    page.get_by_label("Upload the file").set_input_files(str(OFFENDING))
    page.get_by_role("button", name="Upload and continue").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the indicators to create")
    assert_no_axe_violations(page)

    count = page.locator(
        "fieldset.gt-file-indicator", has_text="Children cautioned or sentenced (Count)"
    )
    expect(count.get_by_label("Title")).to_have_value("Children cautioned or sentenced (Count)")
    expect(count.get_by_label("Annual")).to_be_checked()
    code = count.get_by_label("Code").input_value()
    assert re.fullmatch(r"CS\d\d", code)

    # Ticked, but which way is better not said: the error names the indicator.
    count.get_by_label("Create an indicator from this").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Check and create").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: Choose the indicators"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Children cautioned or sentenced (Count): Choose which way is better"
    )
    assert_no_axe_violations(page)
    assert not Indicator.objects.filter(code=code, partnership=draft.partnership).exists()

    # The summary's link takes the keyboard to the box.
    summary.get_by_role("link", name=re.compile("Choose which way is better")).focus()
    page.keyboard.press("Enter")
    expect(count.get_by_label("Higher is better", exact=True)).to_be_focused()  # the first choice
    page.keyboard.press("ArrowDown")  # the arrow keys move through radios, choosing
    expect(count.get_by_label("Lower is better", exact=True)).to_be_checked()
    count = page.locator(
        "fieldset.gt-file-indicator", has_text="Children cautioned or sentenced (Count)"
    )
    expect(count.get_by_label("Create an indicator from this")).to_be_checked()
    count.get_by_label("Unit (optional)").fill("children")
    page.get_by_role("button", name="Check and create").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Community Safety")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Created {code} with")
    assert_no_axe_violations(page)

    # The database: the indicator, its results, its comparator figures, the mapping.
    indicator = Indicator.objects.get(partnership=draft.partnership, code=code)
    assert (indicator.title, indicator.unit, indicator.polarity, indicator.frequency) == (
        "Children cautioned or sentenced (Count)",
        "children",
        "lower",
        "annual",
    )
    assert not indicator.objectives.exists()  # no objective was chosen
    rows = published("Count")
    left = periods_reported_in_returns(indicator)
    ours = {
        parse_published_period(r["period"]): Decimal(r["value"])
        for r in rows
        if r["area_code"] == HOME and parse_published_period(r["period"]) not in left
    }
    assert ours and {r.period: r.value for r in indicator.results.all()} == ours
    assert set(
        Result.history.filter(indicator_id=indicator.pk).values_list(
            "history_change_reason", flat=True
        )
    ) == {"Imported from children_offending.csv"}
    others = [r for r in rows if r["area_code"] != HOME]
    assert ComparatorValue.objects.filter(indicator=indicator).count() == len(others) == 110
    assert ComparatorMapping.objects.filter(
        indicator=indicator,
        source_indicator="Children cautioned or sentenced",
        source_measure="Count",
    ).exists()
    expect(banner).to_contain_text(f"{len(ours)} results for our area and 110 comparator figures")

    # The indicator's history page says where each result came from.
    page.goto(f"{base}/indicators/{indicator.pk}/history/")
    expect(page.locator("main")).to_contain_text("Imported from children_offending.csv")
    assert_no_axe_violations(page)

    # The performance team makes a comparator group of the file's metropolitan districts.
    page.context.clear_cookies()
    sign_in_with_keyboard(page, base, "performance")
    page.goto(f"{base}/benchmarking/groups/from-file/")
    assert_no_axe_violations(page)
    page.get_by_label("Upload the file").set_input_files(str(OFFENDING))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the group’s areas")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save the group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the group")
    assert_no_axe_violations(page)
    page.get_by_label("Metropolitan districts, coded E08 (3)").check()
    page.get_by_label("Name of the group").fill("Metropolitan districts in the youth justice file")
    page.get_by_role("button", name="Save the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("3 areas")
    group = ComparatorGroup.objects.get(name="Metropolitan districts in the youth justice file")
    assert set(group.areas.values_list("code", flat=True)) == {
        r["area_code"] for r in rows if r["area_code"].startswith("E08")
    }
