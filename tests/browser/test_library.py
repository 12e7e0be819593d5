"""The council indicator library in the browser (issue 16): the performance team adds a
library indicator; a lead uses it in the Community Safety draft plan (the Climate
Emergency draft uses it too); its owner enters a result once, and both partnerships'
pages show it. axe-core checks every page, with and without errors, and the forms are
worked by keyboard."""

from playwright.sync_api import Page, expect

from goldenthread.core.models import (
    Action,
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Partnership,
    Plan,
    User,
)
from goldenthread.core.services.library import use_library_indicator
from goldenthread.core.services.plans import UNFINISHED, ActionDecision, revise_plan
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_in_with_keyboard, sign_out


def draft_of(name: str) -> Plan:
    """A revision in progress of the partnership's approved plan, every unfinished
    action carried into it."""
    partnership = Partnership.objects.get(name=name)
    plan = partnership.plans.get(status=Plan.Status.APPROVED)
    lead = partnership.memberships.filter(role="lead").first().person
    unfinished = Action.objects.filter(objective__plan=plan, state__in=UNFINISHED)
    return revise_plan(
        plan=plan,
        by=lead,
        reason="Adding the council's smoking measure",
        decisions={a.pk: ActionDecision(carry=True) for a in unfinished},
    )


def test_one_library_indicator_two_partnerships_one_result(page: Page, live_server, demo):
    base = live_server.url
    safety = draft_of("Community Safety Partnership")
    climate = draft_of("Climate Emergency Partnership")

    sign_in_with_keyboard(page, base, "performance")
    page.get_by_role("link", name="Indicator library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council indicator library")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a library indicator").click()
    # Sent without a title: the message is next to the box, and axe checks the errors.
    page.get_by_label("Code").fill("SMK1")
    page.get_by_role("button", name="Save library indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the indicator's title")
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Smoking prevalence in adults")
    page.get_by_label("Source").fill("Office for Health Improvement and Disparities")
    page.get_by_label("Metric reference").fill("Fingertips 92443")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Decimals").fill("1")
    page.get_by_label("Lower is better", exact=True).check()
    page.get_by_label("Annual", exact=True).check()
    page.get_by_label("Owner", exact=True).select_option(label="Daniel Hughes")
    page.get_by_label("Title").focus()
    page.keyboard.press("Enter")  # submits the form from the keyboard
    expect(page.get_by_role("heading", level=1)).to_have_text("Smoking prevalence in adults")
    library = LibraryIndicator.objects.get(code="SMK1")
    assert library.owner.username == "member"
    assert_no_axe_violations(page)
    sign_out(page)

    # The lead of Community Safety uses it in the draft, from an objective.
    sign_in(page, base, "lead")
    objective = safety.objectives.order_by("order").first()
    page.goto(f"{base}/objectives/{objective.pk}/indicators/new/")
    page.get_by_role("link", name="use an indicator from the council library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Use an indicator from the council library"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Use this indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the library indicator the plan will use"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Library indicator").select_option(label=str(library))
    page.get_by_label("Code in this partnership").fill("CS-SMK")
    page.get_by_role("button", name="Use this indicator").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "CS-SMK from the council library added"
    )
    ours = Indicator.objects.get(partnership=safety.partnership, library_indicator=library)
    assert ours.title == "Smoking prevalence in adults"
    assert_no_axe_violations(page)
    sign_out(page)

    climate_lead = climate.partnership.memberships.filter(role="lead").first().person
    theirs = use_library_indicator(
        plan=climate,
        objective=climate.objectives.first(),
        library_indicator=library,
        by=climate_lead,
        code="CE-SMK",
    )

    # Its owner enters a result once.
    sign_in(page, base, "member")
    page.goto(f"{base}/council/library/{library.pk}/")
    assert_no_axe_violations(page)
    page.get_by_label("Period").fill("2024/25")
    page.get_by_role("button", name="Save the result").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the result, or mark it not available."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Result", exact=True).fill("10.9")
    page.get_by_label("Note").fill("Annual Population Survey")
    page.get_by_label("Note").press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "SMK1 2024/25 saved for every plan that uses it."
    )
    assert LibraryResult.objects.get(library_indicator=library).entered_by == User.objects.get(
        username="member"
    )
    used_by = page.locator("#used-by-table")
    expect(used_by).to_contain_text("Community Safety Partnership")
    expect(used_by).to_contain_text("Climate Emergency Partnership")
    assert_no_axe_violations(page)

    # The member is in both partnerships: each indicator page shows the one result.
    for indicator in (ours, theirs):
        page.goto(f"{base}/indicators/{indicator.pk}/")
        expect(page.locator("#library-note")).to_contain_text("council indicator library")
        expect(page.locator("#history-table")).to_contain_text("10.9%")
        assert_no_axe_violations(page)

    # Entered for the wrong year: its owner takes it back, after being asked.
    page.goto(f"{base}/council/library/{library.pk}/")
    page.get_by_role("link", name="Remove the 2024/25 result").click()
    expect(page.locator("#remove-result")).to_contain_text("Remove SMK1's result for 2024/25?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove the 2024/25 result").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "SMK1 2024/25 removed from the library and from the 2 plans using it."
    )
    assert_no_axe_violations(page)
    assert not LibraryResult.objects.filter(library_indicator=library).exists()
    assert not ours.results.exists() and not theirs.results.exists()


def test_a_lead_links_the_partnerships_own_copy_and_stops_using_it(page: Page, live_server, demo):
    """Community Safety's own NEET measure (CS03) is linked to the council's: the
    page lists the result that differs and asks before the library's replaces it; then the
    lead stops using it again. axe-core on each page, with and without errors."""
    from decimal import Decimal

    from goldenthread.core.models import Result
    from goldenthread.core.services.library import (
        LibraryResultInput,
        create_library_indicator,
        record_library_results,
    )

    base = live_server.url
    safety = draft_of("Community Safety Partnership")
    ours = safety.partnership.indicators.get(code="CS03")
    own = {r.period: r for r in ours.results.exclude(value=None)}
    same, differs = sorted(own)[-2:]
    performance = User.objects.get(username="performance")
    library = create_library_indicator(
        by=performance,
        code="NEET-CS",
        title="16 and 17 year olds NEET, as the council reports it",
        source="Department for Education",
        unit="%",
        decimals=1,
        polarity=ours.polarity,
        frequency=ours.frequency,
    )
    record_library_results(
        library_indicator=library,
        by=performance,
        results={
            same: LibraryResultInput(value=own[same].value, note=own[same].note),
            differs: LibraryResultInput(value=own[differs].value + Decimal("0.3")),
        },
    )

    sign_in(page, base, "lead")
    page.goto(f"{base}/indicators/{ours.pk}/edit/")
    page.get_by_role("link", name="link to a council library indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Link CS03 to a council library indicator"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Council library indicator").select_option(label=str(library))
    page.get_by_role("button", name="Link CS03").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("differs from NEET-CS's")
    expect(page.locator("#differences-table")).to_contain_text(differs.label)
    assert_no_axe_violations(page)
    assert Indicator.objects.get(pk=ours.pk).library_indicator_id is None
    page.get_by_label("Replace these results with the library's").check()
    page.get_by_role("button", name="Link CS03").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "CS03 now uses the council library indicator NEET-CS"
    )
    assert_no_axe_violations(page)
    ours.refresh_from_db()
    assert (ours.library_indicator, ours.title) == (
        library,
        "16 and 17 year olds NEET, as the council reports it",
    )
    replaced = Result.objects.get(indicator=ours, period=differs)
    assert replaced.value == own[differs].value + Decimal("0.3")
    assert replaced.commentary == own[differs].commentary
    assert replaced.history.first().history_user.username == "lead"

    page.goto(f"{base}/indicators/{ours.pk}/edit/")
    page.get_by_role("button", name="Stop using the library indicator").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stop using the library")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop using NEET-CS").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "CS03 no longer uses the council library indicator NEET-CS"
    )
    assert_no_axe_violations(page)
    ours.refresh_from_db()
    assert ours.library_indicator is None
    assert ours.title == "16 and 17 year olds NEET, as the council reports it"  # kept, now its own
