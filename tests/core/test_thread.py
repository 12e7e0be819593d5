"""The golden thread's reads without HTTP: current plans in bulk, objectives rolled up as
everywhere else, the strategic plans' years, and the tree both the diagram and the list
are drawn from."""

import datetime

from goldenthread.core.charts.thread import partnership_drawing, strategic_plan_drawing
from goldenthread.core.models import Objective, Partnership, Role
from goldenthread.core.performance import current_plan, plan_objectives
from goldenthread.core.thread import (
    current_plans,
    partnership_thread,
    strategic_plan_thread,
    strategic_plans,
)
from tests.conftest import add_member, make_partnership, make_plan

# 2025/26 Q4: the world's action A1 was due on 30 June 2025 and is overdue.
TODAY = datetime.date(2026, 1, 15)


def test_current_plans_agree_with_current_plan_for_every_partnership(world):
    draft_only = make_partnership("Draft Only", world.council)
    make_plan(draft_only, status="draft", version=1)
    revised = make_partnership("Revised", world.council)
    make_plan(revised, status="superseded", version=1)
    make_plan(revised, status="approved", version=2)
    make_plan(revised, status="draft", version=3)
    make_partnership("No Plan", world.council)

    bulk = set(current_plans())
    expected = {current_plan(p) for p in Partnership.objects.all()} - {None}
    assert bulk == expected
    assert world.plan in bulk and world.draft_plan not in bulk


def test_the_thread_rolls_up_an_objective_as_the_partnership_page_does(world):
    (on_page,) = plan_objectives(world.plan, TODAY)
    (on_thread,) = strategic_plan_thread(world.strategy, world.lead, TODAY).objective_views
    assert on_thread.objective == on_page.objective == world.objective
    assert on_thread.status == on_page.status
    assert on_thread.status.label == "Off track"  # the overdue action
    assert on_thread.overdue_action_ids == on_page.overdue_action_ids == {world.action.pk}
    assert [(line.indicator, line.rag) for line in on_thread.indicators] == [
        (line.indicator, line.rag) for line in on_page.indicators
    ]


def test_strategic_plans_are_listed_with_their_years_and_outcomes(world):
    ((plan, years),) = strategic_plans()
    assert plan == world.strategy
    assert years == "2024/25 to 2028/29"
    assert plan.outcome_count == 1


def test_a_partnerships_thread_follows_its_current_plan(world):
    assert partnership_thread(world.partnership, TODAY).plan == world.plan
    draft_only = make_partnership("Draft Only", world.council)
    draft = make_plan(draft_only, status="draft", version=1)
    assert partnership_thread(draft_only, TODAY).plan == draft


def test_the_strategic_plans_tree_names_each_item_with_its_status(world):
    drawing = strategic_plan_drawing(strategic_plan_thread(world.strategy, world.lead, TODAY))
    (outcome,) = drawing.nodes
    assert (outcome.kind, outcome.label, outcome.colour, outcome.heading) == (
        "outcome",
        "T1 Safe places",
        "blue",
        3,
    )
    (objective,) = outcome.children
    assert (objective.label, objective.status, objective.colour) == (
        "O1 Fewer burglaries",
        "Off track",
        "red",
    )
    assert objective.detail == objective.subtitle == "Safer Streets Partnership"
    indicator, action = objective.children
    assert (indicator.label, indicator.status, indicator.colour, indicator.detail) == (
        "SS01 Indicator SS01",
        "Green",
        "green",
        "latest result 2025/26 Q3",
    )
    assert indicator.url == world.indicator.get_absolute_url()
    # The action's own status in the list, "Overdue" in red over it in the diagram.
    assert (action.status, action.status_colour, action.flag, action.colour) == (
        "On track",
        "green",
        "Overdue",
        "red",
    )
    assert action.detail == "due 30 June 2025"
    # The diagram's root is the plan itself; the page heads the list with it.
    assert drawing.diagram.boxes[-1].texts[0].text == "Corporate Plan"
    assert "(1 outcome) to partnership objectives (1 objective)" in drawing.description


def test_other_partnerships_objectives_are_counted_in_the_tree_never_named(world):
    Objective.objects.get(plan__partnership=world.other).outcomes.add(world.outcome)
    drawing = strategic_plan_drawing(strategic_plan_thread(world.strategy, world.lead, TODAY))
    (outcome,) = drawing.nodes
    objective, hidden = outcome.children
    assert objective.label == "O1 Fewer burglaries"
    assert (hidden.kind, hidden.label, hidden.diagram_label) == (
        "hidden",
        "and 1 objective of partnerships you are not a member of",
        "1 objective of other partnerships",
    )


def test_a_partnerships_tree_has_a_root_per_strategic_plan_and_one_for_the_unlinked(world):
    drawing = partnership_drawing(partnership_thread(world.partnership, TODAY))
    (root,) = drawing.nodes
    assert (root.kind, root.label, root.heading) == ("strategic_plan", "Corporate Plan", 3)
    (outcome,) = root.children
    (objective,) = outcome.children
    # Its own page does not name the partnership on each objective.
    assert objective.detail == objective.subtitle == ""

    (unlinked,) = partnership_drawing(partnership_thread(world.other, TODAY)).nodes
    assert (unlinked.kind, unlinked.anchor, unlinked.colour) == ("unlinked", "not-linked", "break")
    assert [child.label for child in unlinked.children] == ["O1 Other aim"]

    empty = make_partnership("Empty Partnership", world.council)
    add_member(empty, world.member, Role.MEMBER, world.police)
    drawing = partnership_drawing(partnership_thread(empty, TODAY))
    assert drawing.nodes == [] and drawing.diagram is None
