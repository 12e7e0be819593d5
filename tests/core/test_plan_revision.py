"""A revision keeps everything attached: what hangs off an objective or an action of the
approved version (risks, budgets, spends, comments, progress updates, improvement plans,
lessons) follows its reference (O1, A1) into the new version when that is approved, and
the move is in the history. Without HTTP; the plan pages: tests/web/test_plans.py."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from goldenthread.core.finance import finance_summary
from goldenthread.core.models import (
    Action,
    ActionUpdate,
    Budget,
    Comment,
    CorrectiveAction,
    Objective,
    Plan,
    Risk,
    Spend,
)
from goldenthread.core.planning import smart_report
from goldenthread.core.risks import register_risks
from goldenthread.core.services.plans import ActionDecision, approve_plan, revise_plan
from goldenthread.rules import ActionState, Period

TODAY = datetime.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def attached(world):
    """Version 1 approved (no draft yet), with something hanging off O1 and A1 of every
    kind, and a finished action A2 that will not be carried forward."""
    world.draft_plan.delete()
    world.lesson.objectives.add(world.objective)
    world.improvement.actions.add(world.action)
    Budget.objects.create(
        partnership=world.partnership, year=2025, action=world.action, amount=Decimal("5000")
    )
    Spend.objects.create(
        partnership=world.partnership,
        period=Period.parse("2025/26 Q2"),
        action=world.action,
        amount=Decimal("1200"),
    )
    Comment.objects.create(
        partnership=world.partnership, action=world.action, author=world.member, body="On track."
    )
    ActionUpdate.objects.create(
        action=world.action, ret=world.ret, state=ActionState.ON_TRACK, percent_complete=40
    )
    CorrectiveAction.objects.create(
        ret=world.ret,
        indicator=world.indicator,
        period=Period.parse("2025/26 Q3"),
        description="More patrols",
        owner=world.member,
    )
    finished = Action.objects.create(
        objective=world.objective, ref="A2", title="Leaflets", state=ActionState.COMPLETED
    )
    Budget.objects.create(
        partnership=world.partnership, year=2025, action=finished, amount=Decimal("800")
    )
    return world


def revise_and_approve(world) -> Plan:
    draft = revise_plan(
        plan=world.plan,
        by=world.lead,
        reason="New police priorities",
        decisions={world.action.pk: ActionDecision(carry=True)},
    )
    reasons = {item.key: "Accepted by the board" for item in smart_report(draft, TODAY).failures}
    return approve_plan(plan=draft, by=world.lead, reasons=reasons, today=TODAY)


def test_risks_follow_their_objective_into_the_approved_revision(attached):
    world = attached
    new = revise_and_approve(world)
    o1 = new.objectives.get(ref="O1")

    assert [r.ref for r in register_risks(world.partnership, objective=o1.pk)] == ["R1"]
    risk = Risk.objects.get(pk=world.risk.pk)
    record = risk.history.first()
    assert record.history_user == world.lead
    assert "version 2" in record.history_change_reason


def test_the_budget_page_lists_a_carried_action_once_with_its_figures(attached):
    world = attached
    new = revise_and_approve(world)
    a1 = Action.objects.get(objective__plan=new, ref="A1")

    rows = finance_summary(world.partnership, 2025, TODAY).actions
    assert [(r.action.ref, r.in_current_plan) for r in rows] == [("A1", True), ("A2", False)]
    assert rows[0].action == a1
    assert rows[0].finance.budget == Decimal("5000")
    assert rows[0].finance.spend_by_quarter == {Period.parse("2025/26 Q2"): Decimal("1200")}
    assert Budget.objects.get(action=a1).history.first().history_user == world.lead


def test_comments_updates_improvement_plans_and_lessons_follow_too(attached):
    world = attached
    new = revise_and_approve(world)
    a1 = Action.objects.get(objective__plan=new, ref="A1")
    o1 = new.objectives.get(ref="O1")

    assert [c.body for c in a1.comments.all()] == ["On track."]
    assert [(u.ret, u.percent_complete) for u in a1.updates.all()] == [(world.ret, 40)]
    assert list(world.improvement.actions.all()) == [a1]
    assert list(world.lesson.objectives.all()) == [o1]
    # Indicators belong to the partnership, not to a version: corrective actions and
    # improvement plans stay on the indicator the new version measures.
    assert list(o1.indicators.all()) == [world.indicator]
    assert world.indicator.corrective_actions.count() == 1
    assert world.indicator.improvement_plans.count() == 1
    # The superseded version keeps only what was not carried forward.
    old_a1 = Action.objects.get(pk=world.action.pk)
    assert not old_a1.comments.exists() and not old_a1.budgets.exists()
    assert Objective.objects.get(pk=world.objective.pk).risks.count() == 0
    assert Budget.objects.filter(action__ref="A2").count() == 1


def test_progress_reported_on_the_live_action_during_the_revision_is_kept(attached):
    world = attached
    draft = revise_plan(
        plan=world.plan,
        by=world.lead,
        reason="New police priorities",
        decisions={world.action.pk: ActionDecision(carry=True)},
    )
    # While the revision is drafted, the approved version is the live one: a return moves A1.
    Action.objects.filter(pk=world.action.pk).update(state=ActionState.AT_RISK, percent_complete=60)
    reasons = {item.key: "Accepted" for item in smart_report(draft, TODAY).failures}
    new = approve_plan(plan=draft, by=world.lead, reasons=reasons, today=TODAY)
    a1 = Action.objects.get(objective__plan=new, ref="A1")
    assert (a1.state, a1.percent_complete) == (ActionState.AT_RISK, 60)


def test_a_figure_set_on_both_versions_keeps_the_new_versions(attached):
    world = attached
    draft = revise_plan(
        plan=world.plan,
        by=world.lead,
        reason="New police priorities",
        decisions={world.action.pk: ActionDecision(carry=True)},
    )
    draft_a1 = Action.objects.get(objective__plan=draft, ref="A1")
    Budget.objects.create(
        partnership=world.partnership, year=2025, action=draft_a1, amount=Decimal("6000")
    )
    reasons = {item.key: "Accepted" for item in smart_report(draft, TODAY).failures}
    approve_plan(plan=draft, by=world.lead, reasons=reasons, today=TODAY)

    assert list(Budget.objects.filter(action__ref="A1").values_list("amount", flat=True)) == [
        Decimal("6000")
    ]
    rows = finance_summary(world.partnership, 2025, TODAY).actions
    assert [r.action.ref for r in rows] == ["A1", "A2"]
    # The superseded figure is in the history, with why it went.
    gone = Budget.history.filter(amount=Decimal("5000"), history_type="-").get()
    assert gone.history_user == world.lead and "version 2" in gone.history_change_reason
