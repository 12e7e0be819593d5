"""The golden thread pages: strategic plan → outcome → objective → indicators and
actions, the breaks in the thread, who sees which objectives, and query counts."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import (
    Action,
    Objective,
    Outcome,
    Role,
    StrategicPlan,
    Target,
)
from goldenthread.rules import ActionState, Period
from tests.conftest import add_member, make_indicator, make_partnership, make_plan


@pytest.fixture(autouse=True)
def frozen_today():
    # 2025/26 Q4, January 2026, financial year 2025/26.
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def strategic_page(client, user, strategy):
    client.force_login(user)
    response = client.get(reverse("strategic_plan_thread", args=[strategy.pk]))
    assert response.status_code == 200
    return response


def partnership_page(client, user, partnership):
    client.force_login(user)
    response = client.get(reverse("partnership_thread", args=[partnership.pk]))
    assert response.status_code == 200
    return response


def tree_html(response) -> str:
    """The nested list only: the text alternative of the diagram."""
    page = response.content.decode()
    match = re.search(r'<ul class="govuk-list" id="thread-tree">(.*?)<h2', page, re.S)
    assert match, "no thread list on the page"
    return match.group(1)


def breaks_html(response) -> str:
    page = response.content.decode()
    return page[page.index('id="breaks"') :]


def svg_html(response) -> str:
    page = response.content.decode()
    return page[page.index("<svg") : page.index("</svg>")]


# --- The tree --------------------------------------------------------------------------


@pytest.fixture
def themed(world):
    """A theme with a child outcome that the approved objective also works towards."""
    theme = Outcome.objects.create(strategic_plan=world.strategy, code="T2", title="Healthy lives")
    child = Outcome.objects.create(
        strategic_plan=world.strategy, code="T2.1", title="Active people", parent=theme
    )
    world.objective.outcomes.add(child)
    return theme, child


def test_strategic_plan_thread_shows_outcomes_objectives_indicators_and_actions(
    client, world, themed
):
    theme, child = themed
    response = strategic_page(client, world.lead, world.strategy)
    thread = response.context["thread"]
    assert [b.outcome for b in thread.outcomes] == [world.outcome, theme]
    (t1, t2) = thread.outcomes
    assert [v.objective for v in t1.objectives] == [world.objective]
    assert [c.outcome for c in t2.children] == [child]
    assert [v.objective for v in t2.children[0].objectives] == [world.objective]

    tree = tree_html(response)
    assert re.search(r"<h3[^>]*>T1 Safe places</h3>", tree)
    assert re.search(r"<h3[^>]*>T2 Healthy lives</h3>", tree)
    assert re.search(r"<h4[^>]*>T2.1 Active people</h4>", tree)
    objective_url = reverse("partnership", args=[world.partnership.pk])
    assert f'href="{objective_url}#objective-{world.objective.pk}"' in tree
    assert "O1 Fewer burglaries</a> (Safer Streets Partnership)" in tree
    # An overdue action makes the objective off track: the status is said in words.
    assert 'govuk-tag--red">Off track</strong>' in tree
    assert f'href="{world.indicator.get_absolute_url()}">SS01 Indicator SS01</a>' in tree
    assert "latest result 2025/26 Q3" in tree
    assert "Action A1 Door-to-door visits" in tree
    assert ">Overdue</strong>" in tree
    # The objective is linked to two outcomes, so it is shown under both.
    assert tree.count("O1 Fewer burglaries</a>") == 2


def test_the_diagram_is_inline_svg_with_a_title_a_description_and_no_styles(client, world, themed):
    response = strategic_page(client, world.lead, world.strategy)
    page = response.content.decode()
    svg = svg_html(response)
    assert 'role="img"' in svg
    assert 'aria-labelledby="thread-diagram-title thread-diagram-desc"' in svg
    assert '<title id="thread-diagram-title">Golden thread of Corporate Plan</title>' in svg
    assert '<desc id="thread-diagram-desc">' in svg
    assert re.search(r'viewBox="0 0 960 \d+"', svg)
    assert "style=" not in page and "<style" not in page
    for label in ("Corporate Plan", "T2 Healthy lives", "T2.1 Active people", "SS01", "A1"):
        assert label in svg
    assert "Off track" in svg and "Overdue" in svg
    assert "is the diagram’s text alternative" in page


def test_draft_objectives_are_not_shown_while_an_approved_plan_exists(client, world):
    response = strategic_page(client, world.performance, world.strategy)
    (t1,) = response.context["thread"].outcomes
    assert [v.objective.pk for v in t1.objectives] == [world.objective.pk]


def test_a_partnership_with_only_a_draft_plan_is_shown_by_its_draft(client, world):
    draft_only = make_partnership("Draft Only Partnership", world.council)
    add_member(draft_only, world.member, Role.MEMBER, world.police)
    plan = make_plan(draft_only, status="draft", version=1)
    objective = Objective.objects.create(plan=plan, ref="D1", title="Drafted aim")
    objective.outcomes.add(world.outcome)

    tree = tree_html(strategic_page(client, world.member, world.strategy))
    assert "D1 Drafted aim</a> (Draft Only Partnership, draft plan)" in tree

    response = partnership_page(client, world.member, draft_only)
    assert response.context["plan"] == plan
    assert "no version is approved yet, so this shows the newest draft" in (
        response.content.decode()
    )
    assert "D1 Drafted aim</a>" in tree_html(response)


def test_partnership_thread_traces_the_current_plan_up_to_strategic_plans(client, world, themed):
    theme, child = themed
    community = StrategicPlan.objects.create(
        title="Community Strategy", kind="community_strategy", first_year=2021, last_year=2030
    )
    c1 = Outcome.objects.create(strategic_plan=community, code="C1", title="Reduce poverty")
    Outcome.objects.create(strategic_plan=community, code="C2", title="Not worked towards")
    world.objective.outcomes.add(c1)

    response = partnership_page(client, world.viewer, world.partnership)
    thread = response.context["thread"]
    # Newest first, as the strategic plans are listed.
    assert [st.strategic_plan for st in thread.strategic] == [world.strategy, community]
    assert [b.outcome for b in thread.strategic[0].outcomes] == [world.outcome, theme]
    assert [c.outcome for c in thread.strategic[0].outcomes[1].children] == [child]
    # Only the branches the partnership works towards: C2 is left out.
    assert [b.outcome for b in thread.strategic[1].outcomes] == [c1]

    tree = tree_html(response)
    assert f'href="{reverse("strategic_plan_thread", args=[community.pk])}"' in tree
    assert re.search(r"<h4[^>]*>T2 Healthy lives</h4>", tree)
    assert re.search(r"<h5[^>]*>T2.1 Active people</h5>", tree)
    assert "Not worked towards" not in response.content.decode()
    assert tree.count("O1 Fewer burglaries</a>") == 3
    # The partnership's own page does not repeat its name on every objective.
    assert "O1 Fewer burglaries</a> (Safer Streets" not in tree
    assert "Outcomes no partnership works towards" not in breaks_html(response)


def test_partnership_thread_puts_unlinked_objectives_under_their_own_heading(client, world):
    response = partnership_page(client, world.outsider, world.other)
    tree = tree_html(response)
    assert re.search(r'<h3[^>]*id="not-linked"[^>]*>Not linked to any outcome</h3>', tree)
    assert "O1 Other aim</a>" in tree
    assert "Not linked to any outcome" in svg_html(response)


def test_a_partnership_without_a_plan_says_so(client, world):
    empty = make_partnership("Empty Partnership", world.council)
    add_member(empty, world.member, Role.MEMBER, world.police)
    response = partnership_page(client, world.member, empty)
    page = response.content.decode()
    assert "no written plan yet" in page
    assert "<svg" not in page


# --- Who sees which objectives ---------------------------------------------------------


@pytest.fixture
def other_linked(world):
    """The other partnership's objective also works towards T1."""
    objective = Objective.objects.get(plan__partnership=world.other)
    objective.outcomes.add(world.outcome)
    return objective


def test_objectives_of_partnerships_you_are_not_in_are_counted_not_named(
    client, world, other_linked
):
    response = strategic_page(client, world.lead, world.strategy)
    page = response.content.decode()
    assert "Other aim" not in page
    assert "Other Partnership" not in page
    assert "OT01" not in page
    assert "Fewer burglaries" in page
    assert "And 1 objective of partnerships you are not a member of." in tree_html(response)
    assert response.context["thread"].hidden_objectives == 1
    assert "1 objective of other partnerships" in svg_html(response)

    response = strategic_page(client, world.outsider, world.strategy)
    page = response.content.decode()
    assert "Other aim" in page
    assert "Fewer burglaries" not in page and "Safer Streets" not in page
    assert response.context["thread"].hidden_objectives == 1


def test_the_performance_team_sees_every_partnerships_objectives(client, world, other_linked):
    response = strategic_page(client, world.performance, world.strategy)
    tree = tree_html(response)
    assert "O1 Other aim</a> (Other Partnership)" in tree
    assert "O1 Fewer burglaries</a> (Safer Streets Partnership)" in tree
    assert response.context["thread"].hidden_objectives == 0
    assert "not a member of" not in tree


def test_anyone_signed_in_may_list_the_strategic_plans(client, world):
    client.force_login(world.nobody)
    response = client.get(reverse("strategic_plan_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("strategic_plan_thread", args=[world.strategy.pk]) in page
    assert "2024/25 to 2028/29" in page


# --- Breaks in the thread --------------------------------------------------------------


def test_objectives_linked_to_no_outcome_are_breaks(client, world):
    # The other partnership's objective is linked to nothing, but the lead cannot see it.
    breaks = breaks_html(strategic_page(client, world.lead, world.strategy))
    assert 'id="breaks-unlinked"' not in breaks
    assert "None: every objective you can see is linked" in breaks

    breaks = breaks_html(strategic_page(client, world.performance, world.strategy))
    other = Objective.objects.get(plan__partnership=world.other)
    url = f"{reverse('partnership', args=[world.other.pk])}#objective-{other.pk}"
    assert f'<a class="govuk-link" href="{url}">O1 Other aim</a> (Other Partnership)' in breaks

    response = partnership_page(client, world.outsider, world.other)
    assert response.context["breaks"].unlinked_objectives == [other]
    assert f'href="{url}">O1 Other aim</a>' in breaks_html(response)

    response = partnership_page(client, world.lead, world.partnership)
    assert response.context["breaks"].unlinked_objectives == []


def test_outcomes_no_partnership_works_towards_are_breaks(client, world, themed):
    theme, child = themed
    idle = Outcome.objects.create(strategic_plan=world.strategy, code="T3", title="Idle")
    hidden_only = Outcome.objects.create(
        strategic_plan=world.strategy, code="T4", title="Worked by others"
    )
    Objective.objects.get(plan__partnership=world.other).outcomes.add(hidden_only)
    # A draft objective does not count while its partnership has an approved plan.
    drafted = Outcome.objects.create(strategic_plan=world.strategy, code="T5", title="Drafted")
    world.draft_objective.outcomes.add(drafted)

    response = strategic_page(client, world.lead, world.strategy)
    assert response.context["breaks"].idle_outcomes == [idle, drafted]
    breaks = breaks_html(response)
    assert f'<a class="govuk-link" href="#outcome-{idle.pk}">T3 Idle</a>' in breaks
    assert f'id="outcome-{idle.pk}"' in response.content.decode()
    # A theme is worked towards through its outcomes; an outcome worked towards only
    # by a partnership the lead cannot see is worked towards all the same.
    for outcome in (world.outcome, theme, child, hidden_only):
        assert f"#outcome-{outcome.pk}" not in breaks
    assert "No partnership works towards this outcome yet" in tree_html(response)
    assert "No objectives" in svg_html(response)


def test_indicators_with_no_target_for_the_current_period_are_breaks(client, world):
    # Today is in 2025/26 Q4; SS01 has targets up to Q3.
    response = strategic_page(client, world.lead, world.strategy)
    (item,) = response.context["breaks"].untargeted_indicators
    assert item.indicator == world.indicator
    assert item.period == Period.parse("2025/26 Q4")
    breaks = breaks_html(response)
    assert f'href="{world.indicator.get_absolute_url()}">SS01 Indicator SS01</a>' in breaks
    assert "no target for 2025/26 Q4" in breaks
    assert "the one that contains today, 15 January 2026" in breaks
    assert "2025/26 Q4 for quarterly" in breaks

    Target.objects.create(indicator=world.indicator, period=Period.parse("2025/26 Q4"), value=1)
    response = strategic_page(client, world.lead, world.strategy)
    assert response.context["breaks"].untargeted_indicators == []
    assert "None: every indicator has a target" in breaks_html(response)


def test_an_annual_indicator_needs_this_years_target(client, world):
    annual = make_indicator(world.partnership, "AN01", {"2024/25": ("5", "4")}, frequency="annual")
    world.objective.indicators.add(annual)
    response = partnership_page(client, world.member, world.partnership)
    untargeted = {
        i.indicator.code: i.period.label for i in response.context["breaks"].untargeted_indicators
    }
    assert untargeted == {"SS01": "2025/26 Q4", "AN01": "2025/26"}


def test_actions_with_no_owner_or_no_due_date_are_breaks(client, world):
    response = partnership_page(client, world.lead, world.partnership)
    assert response.context["breaks"].unready_actions == []
    assert "None: every open action has an owner and a due date." in breaks_html(response)

    Action.objects.filter(pk=world.action.pk).update(owner=None)
    no_due = Action.objects.create(
        objective=world.objective, ref="A2", title="Leaflets", owner=world.lead
    )
    Action.objects.create(
        objective=world.objective, ref="A3", title="Finished", state=ActionState.COMPLETED
    )
    Action.objects.create(
        objective=world.objective, ref="A4", title="Dropped", state=ActionState.CANCELLED
    )
    neither = Action.objects.create(objective=world.objective, ref="A5", title="Unplanned")

    response = partnership_page(client, world.lead, world.partnership)
    found = {(i.action.ref, i.missing) for i in response.context["breaks"].unready_actions}
    assert found == {
        ("A1", "no owner"),
        (no_due.ref, "no due date"),
        (neither.ref, "no owner and no due date"),
    }
    breaks = breaks_html(response)
    url = f"{reverse('partnership', args=[world.partnership.pk])}#objective-{world.objective.pk}"
    assert f'href="{url}">A1 Door-to-door visits</a>: no owner (objective O1)' in breaks
    assert "Finished" not in breaks and "Dropped" not in breaks

    # The same on the strategic plan page, with the partnership named.
    breaks = breaks_html(strategic_page(client, world.lead, world.strategy))
    assert "A2 Leaflets</a>: no due date (objective O1, Safer Streets Partnership)" in breaks


def test_a_break_is_listed_once_however_many_outcomes_its_objective_serves(client, world, themed):
    Action.objects.filter(pk=world.action.pk).update(owner=None)
    response = strategic_page(client, world.lead, world.strategy)
    breaks = response.context["breaks"]
    assert len(breaks.untargeted_indicators) == 1
    assert len(breaks.unready_actions) == 1


# --- Query counts ----------------------------------------------------------------------


def grow(world, *, partnerships: int, objectives: int, indicators: int, tag: str) -> None:
    """More outcomes, partnerships (the member is in half of them), objectives linked
    to outcomes and to none, indicators and actions."""
    theme = Outcome.objects.create(strategic_plan=world.strategy, code=f"G{tag}", title="Theme")
    for p in range(partnerships):
        partnership = make_partnership(f"Grown {tag}{p}", world.council)
        if p % 2 == 0:
            add_member(partnership, world.member, Role.MEMBER, world.police)
        plan = make_plan(partnership, status="approved" if p % 3 else "draft")
        for o in range(objectives):
            outcome = Outcome.objects.create(
                strategic_plan=world.strategy, code=f"G{tag}.{p}.{o}", title="Grown", parent=theme
            )
            objective = Objective.objects.create(plan=plan, ref=f"O{o}", title=f"Aim {o}")
            if o:
                objective.outcomes.add(outcome, world.outcome)
            Action.objects.create(objective=objective, ref="A1", title="Act", owner=world.member)
            Action.objects.create(objective=objective, ref="A2", title="Unowned")
            for i in range(indicators):
                indicator = make_indicator(
                    partnership,
                    f"X{tag}{p}-{o}-{i}",
                    {"2025/26 Q3": ("10", "9"), "2025/26 Q4": ("10", None)},
                )
                objective.indicators.add(indicator)
        # Grow the world partnership's own plan too, for its thread page.
        objective = Objective.objects.create(plan=world.plan, ref=f"W{tag}{p}", title="More")
        objective.outcomes.add(theme)
        objective.indicators.add(make_indicator(world.partnership, f"W{tag}{p}", {}))
        Action.objects.create(objective=objective, ref="A1", title="Act")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["member", "performance"])
def test_strategic_plan_page_query_count_does_not_grow(
    client, world, who, django_assert_num_queries
):
    client.force_login(world.person(who))
    url = reverse("strategic_plan_thread", args=[world.strategy.pk])
    grow(world, partnerships=2, objectives=2, indicators=1, tag="s")
    small = count_queries(client, url)
    grow(world, partnerships=5, objectives=4, indicators=3, tag="l")
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["thread"].hidden_objectives or who == "performance"
    assert len(response.context["thread"].objective_views) > 10


def test_partnership_thread_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.member)
    url = reverse("partnership_thread", args=[world.partnership.pk])
    grow(world, partnerships=1, objectives=1, indicators=1, tag="s")
    small = count_queries(client, url)
    grow(world, partnerships=5, objectives=3, indicators=3, tag="l")
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["breaks"].unready_actions) > 5


def test_strategic_plan_list_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.viewer)
    url = reverse("strategic_plan_list")
    small = count_queries(client, url)
    for n in range(4):
        plan = StrategicPlan.objects.create(title=f"Plan {n}", first_year=2024, last_year=2026)
        Outcome.objects.create(strategic_plan=plan, code="X1", title="Outcome")
    with django_assert_num_queries(small):
        client.get(url)
