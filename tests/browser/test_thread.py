"""The golden thread pages in a real browser with the demo data: the lead and the viewer
open the Corporate Plan's thread and their own partnership's; every page passes axe,
shows the diagram with its title, and lists the objectives; every link in the list is
reachable with the keyboard."""

import pytest
from playwright.sync_api import Page, expect

from goldenthread.core.models import Partnership, StrategicPlan, User
from goldenthread.core.performance import current_plan
from goldenthread.demo.catalogue import CORPORATE_PLAN
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in


def own_partnership(username: str) -> Partnership:
    return Partnership.objects.visible_to(User.objects.get(username=username)).get()


def expect_diagram(page: Page, title: str) -> None:
    svg = page.locator("svg[role='img']")
    expect(svg).to_be_visible()
    assert svg.locator("title").text_content() == f"Golden thread of {title}"
    assert svg.get_attribute("aria-labelledby") == "thread-diagram-title thread-diagram-desc"
    assert svg.locator("rect").count() > 10
    expect(page.locator("figcaption")).to_contain_text("text alternative")


@pytest.mark.parametrize("username", ["lead", "viewer"])
def test_lead_and_viewer_follow_the_thread(page: Page, live_server, demo, username):
    base = live_server.url
    sign_in(page, base, username)
    partnership = own_partnership(username)
    plan = current_plan(partnership)
    corporate = StrategicPlan.objects.get(title=CORPORATE_PLAN)

    page.goto(f"{base}/strategic-plans/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=CORPORATE_PLAN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CORPORATE_PLAN)
    assert_no_axe_violations(page)
    expect_diagram(page, CORPORATE_PLAN)
    tree = page.locator("#thread-tree").inner_text()
    mine = plan.objectives.filter(outcomes__strategic_plan=corporate).distinct()
    assert mine.exists()
    for objective in mine:
        assert f"{objective.ref} {objective.title}" in tree
    # Other partnerships' objectives are counted, never named.
    assert "partnerships you are not a member of" in tree
    body = page.locator("main").inner_text()
    for name in Partnership.objects.exclude(pk=partnership.pk).values_list("name", flat=True):
        assert name not in body

    page.goto(f"{base}/partnerships/{partnership.pk}/golden-thread/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Golden thread")
    assert_no_axe_violations(page)
    expect_diagram(page, partnership.name)
    tree = page.locator("#thread-tree").inner_text()
    for objective in plan.objectives.all():
        assert f"{objective.ref} {objective.title}" in tree
    expect(page.get_by_role("heading", name="Breaks in the thread")).to_be_visible()

    # A link in the list leads to the objective on the partnership page.
    page.locator("#thread-tree a[href*='#objective-']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(partnership.name)
    assert_no_axe_violations(page)


def test_every_link_in_the_list_is_reachable_by_tab(page: Page, live_server, demo):
    base = live_server.url
    sign_in(page, base, "lead")
    page.goto(f"{base}/partnerships/{own_partnership('lead').pk}/golden-thread/")
    links = page.locator("#thread-tree a")
    total = links.count()
    assert total > 10
    page.evaluate(
        "() => document.querySelectorAll('#thread-tree a')"
        ".forEach((a, i) => { a.dataset.tabCheck = String(i); })"
    )
    focusable = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea').length"
    )
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        index = page.evaluate("() => document.activeElement?.dataset?.tabCheck ?? null")
        if index is not None:
            reached.add(index)
    assert reached == {str(i) for i in range(total)}
