"""Writing, checking, approving, revising and comparing a plan, as each role would."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import (
    Action,
    Indicator,
    Milestone,
    Objective,
    Plan,
    PlanTarget,
    Result,
    SmartWaiver,
    Target,
)
from goldenthread.core.planning import smart_report
from goldenthread.rules import ActionState, Period
from tests.conftest import cell_texts, make_partnership


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def objective_data(world, **overrides):
    data = {
        "title": "Fewer homes burgled in the three worst-hit wards",
        "description": "Burglaries fall by a fifth by March 2027.",
        "owner": world.member.pk,
        "lead_organisation": world.police.pk,
        "deadline": "2027-03-31",
        "outcomes": [world.outcome.pk],
        "indicators": [world.indicator.pk],
    }
    data.update(overrides)
    return data


# --- starting a plan --------------------------------------------------------------------


def test_the_lead_starts_a_plan(client, world):
    fresh = make_partnership("Fresh Partnership", world.council)
    from tests.conftest import add_member

    add_member(fresh, world.lead, "lead", world.council)
    client.force_login(world.lead)
    response = client.post(
        reverse("plan_create", args=[fresh.pk]),
        {
            "title": "Fresh plan",
            "vision": "Better",
            "key_issues": "One\nTwo",
            "first_year": 2025,
            "last_year": 2027,
        },
    )
    plan = Plan.objects.get(partnership=fresh)
    assert response.status_code == 302
    assert (plan.version, plan.status, plan.first_year, plan.last_year) == (1, "draft", 2025, 2027)
    assert plan.history.first().history_user == world.lead


def test_plan_years_out_of_order_are_refused_and_nothing_is_saved(client, world):
    fresh = make_partnership("Fresh Partnership", world.council)
    from tests.conftest import add_member

    add_member(fresh, world.lead, "lead", world.council)
    client.force_login(world.lead)
    response = client.post(
        reverse("plan_create", args=[fresh.pk]),
        {"title": "Fresh plan", "first_year": 2027, "last_year": 2025},
    )
    assert response.status_code == 200
    assert (
        "The plan must end in the same financial year or after it starts."
        in response.content.decode()
    )
    assert 'value="Fresh plan"' in response.content.decode()
    assert not Plan.objects.filter(partnership=fresh).exists()


def test_a_second_plan_is_refused_while_one_exists(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("plan_create", args=[world.partnership.pk]),
        {"title": "Another", "first_year": 2025, "last_year": 2027},
    )
    assert "already has" in response.content.decode()
    assert world.partnership.plans.count() == 2


# --- objectives -------------------------------------------------------------------------


def test_a_member_drafts_an_objective_they_own(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("objective_create", args=[world.draft_plan.pk]),
        objective_data(world, owner=world.lead.pk),  # a member cannot give it away
    )
    assert response.status_code == 302
    objective = world.draft_plan.objectives.get(title__startswith="Fewer homes")
    assert objective.ref == "O2"  # O1 is taken in every version
    assert objective.owner == world.member
    assert list(objective.outcomes.all()) == [world.outcome]
    assert list(objective.indicators.all()) == [world.indicator]
    assert objective.history.first().history_user == world.member


def test_the_lead_can_give_an_objective_to_anyone(client, world):
    client.force_login(world.lead)
    client.post(
        reverse("objective_create", args=[world.draft_plan.pk]),
        objective_data(world, owner=world.other_member.pk),
    )
    assert (
        world.draft_plan.objectives.get(title__startswith="Fewer homes").owner == world.other_member
    )


def test_a_viewer_cannot_draft_and_a_member_cannot_edit_what_they_do_not_own(client, world):
    client.force_login(world.viewer)
    assert (
        client.post(
            reverse("objective_create", args=[world.draft_plan.pk]), objective_data(world)
        ).status_code
        == 403
    )
    client.force_login(world.other_member)
    response = client.post(
        reverse("objective_edit", args=[world.draft_objective.pk]),
        objective_data(world, title="Hijacked"),
    )
    assert response.status_code == 403
    world.draft_objective.refresh_from_db()
    assert world.draft_objective.title == "Fewer burglaries"


def test_editing_an_approved_version_is_refused_and_changes_nothing(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("objective_edit", args=[world.objective.pk]), objective_data(world, title="Changed")
    )
    assert response.status_code == 409
    assert "cannot be changed" in response.content.decode()
    world.objective.refresh_from_db()
    assert world.objective.title == "Fewer burglaries"
    response = client.post(
        reverse("plan_edit", args=[world.plan.pk]),
        {"title": "New", "first_year": 2024, "last_year": 2026},
    )
    assert response.status_code == 409
    world.plan.refresh_from_db()
    assert world.plan.title == "Safer Streets Partnership plan"


def test_the_objective_form_checks_smart_as_you_type(client, world):
    client.force_login(world.member)
    url = reverse("objective_smart_preview", args=[world.draft_plan.pk])
    page = client.get(url, {"title": "Improve things"}).content.decode()
    assert "no indicator measures this objective" in page
    assert "no deadline" in page
    page = client.get(url, objective_data(world)).content.decode()
    assert "no indicator measures this objective" not in page
    assert "no deadline" not in page


# --- actions and milestones -------------------------------------------------------------


def action_data(**overrides):
    data = {
        "title": "Target-hardening for 200 homes",
        "start_date": "2026-04-01",
        "due_date": "2026-09-30",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Homes chosen",
        "milestones-0-due_date": "2026-05-31",
        "milestones-1-title": "",
        "milestones-1-due_date": "",
    }
    data.update(overrides)
    return data


def test_an_action_with_a_milestone_is_added(client, world):
    client.force_login(world.member)
    response = client.post(reverse("action_create", args=[world.draft_objective.pk]), action_data())
    assert response.status_code == 302
    action = Action.objects.get(title="Target-hardening for 200 homes")
    assert action.objective == world.draft_objective
    assert action.owner == world.member
    assert [(m.title, m.due_date) for m in action.milestones.all()] == [
        ("Homes chosen", datetime.date(2026, 5, 31))
    ]
    assert action.history.first().history_user == world.member


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": "2026-03-01"}, "Enter a due date on or after the start date."),
        ({"milestones-0-due_date": "2026-12-01"}, "must fall between the start and due dates"),
        ({"milestones-0-due_date": ""}, "Enter the date this milestone is due."),
        ({"due_date": "next week"}, "Enter a valid date."),
    ],
)
def test_bad_action_input_gets_a_message_and_saves_nothing(client, world, overrides, message):
    client.force_login(world.member)
    response = client.post(
        reverse("action_create", args=[world.draft_objective.pk]), action_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Target-hardening for 200 homes"' in response.content.decode()
    assert not Action.objects.filter(title="Target-hardening for 200 homes").exists()
    assert not Milestone.objects.exists()


# --- targets ----------------------------------------------------------------------------


def targets_data(rows):
    data = {"targets-TOTAL_FORMS": str(len(rows)), "targets-INITIAL_FORMS": str(len(rows))}
    for n, (period, value) in enumerate(rows):
        data[f"targets-{n}-period"] = period
        data[f"targets-{n}-value"] = value
    return data


def test_targets_are_set_for_the_plans_periods(client, world):
    client.force_login(world.member)
    url = reverse("plan_targets", args=[world.draft_plan.pk, world.indicator.pk])
    page = client.get(url).content.decode()
    assert page.count('name="targets-') >= 12 * 2  # every quarter of three years
    response = client.post(
        url, targets_data([("2025/26 Q4", "104"), ("2026/27 Q4", "108"), ("2024/25 Q1", "")])
    )
    assert response.status_code == 302
    saved = {t.period.label: t.value for t in PlanTarget.objects.filter(plan=world.draft_plan)}
    assert saved == {"2025/26 Q4": Decimal("104"), "2026/27 Q4": Decimal("108")}
    assert PlanTarget.objects.first().history.first().history_user == world.member
    assert not Target.objects.filter(
        period=Period.parse("2026/27 Q4")
    ).exists()  # live only on approval


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("2025/26 Q4", "lots")], "Enter a number, like 42 or 3.5"),
        ([("2028/29 Q1", "5")], "2028/29 Q1 is outside the plan (2024/25 to 2026/27)."),
        ([("2025/26", "5")], "2025/26 is not a quarterly period."),
        ([("Smarch 2026", "5")], "Smarch 2026"),
    ],
)
def test_bad_targets_get_a_message_and_save_nothing(client, world, rows, message):
    client.force_login(world.member)
    url = reverse("plan_targets", args=[world.draft_plan.pk, world.indicator.pk])
    response = client.post(url, targets_data([("2025/26 Q3", "100"), *rows]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlanTarget.objects.exists()


def test_a_new_indicator_is_added_to_an_objective(client, world):
    client.force_login(world.member)
    data = {
        "code": "SS02",
        "title": "Repeat burglaries",
        "definition": "Homes burgled twice in a year",
        "unit": "count",
        "decimals": "0",
        "polarity": "lower",
        "frequency": "quarterly",
        "roll_up": "sum",
        "baseline": "40",
        "baseline_period": "2024/25 Q4",
        "tolerance_kind": "percent",
        "tolerance": "10",
    }
    response = client.post(reverse("indicator_create", args=[world.draft_objective.pk]), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="SS02")
    assert indicator.owner == world.member
    assert indicator.baseline_period == Period.parse("2024/25 Q4")
    assert indicator in world.draft_objective.indicators.all()

    data.update(code="SS01", baseline="forty", baseline_period="2024/25")
    response = client.post(reverse("indicator_create", args=[world.draft_objective.pk]), data)
    page = response.content.decode()
    assert "Enter a number, like 42 or 3.5" in page
    assert "2024/25 is not a quarterly period" in page or "Enter a number" in page
    assert Indicator.objects.filter(code="SS01").count() == 1


# --- approving --------------------------------------------------------------------------


def test_only_a_lead_may_approve(client, world):
    for person in (world.member, world.viewer, world.performance):
        client.force_login(person)
        response = client.post(reverse("plan_approve", args=[world.draft_plan.pk]))
        assert response.status_code == 403
        message = "Only the partnership&#x27;s lead link officer or leads can do this."
        assert message in response.content.decode()
    world.draft_plan.refresh_from_db()
    assert world.draft_plan.status == "draft"


def test_approving_with_smart_gaps_needs_a_reason_for_each(client, world):
    report = smart_report(world.draft_plan, datetime.date(2026, 1, 15))
    assert report.failures, "the draft is expected to have gaps (no targets, no deadline…)"
    client.force_login(world.lead)
    url = reverse("plan_approve", args=[world.draft_plan.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Give a reason for approving the plan with this gap." in response.content.decode()
    world.draft_plan.refresh_from_db()
    assert world.draft_plan.status == "draft"
    assert not SmartWaiver.objects.exists()

    reasons = {item.key: f"Board accepted: {item.message}" for item in report.failures}
    response = client.post(url, reasons)
    assert response.status_code == 302
    world.draft_plan.refresh_from_db()
    world.plan.refresh_from_db()
    assert (world.draft_plan.status, world.plan.status) == ("approved", "superseded")
    assert world.draft_plan.approved_by == world.lead
    assert SmartWaiver.objects.filter(plan=world.draft_plan).count() == len(report.failures)
    assert world.plan.history.first().history_change_reason == "Superseded by version 2"


def test_approval_makes_the_plans_targets_live(client, world):
    PlanTarget.objects.create(
        plan=world.draft_plan,
        indicator=world.indicator,
        period=Period.parse("2026/27 Q1"),
        value=120,
    )
    PlanTarget.objects.create(
        plan=world.draft_plan,
        indicator=world.indicator,
        period=Period.parse("2025/26 Q3"),
        value=99,
    )
    from goldenthread.core.services.plans import approve_plan

    report = smart_report(world.draft_plan, datetime.date(2026, 1, 15))
    approve_plan(
        plan=world.draft_plan,
        by=world.lead,
        reasons={i.key: "accepted" for i in report.failures},
        today=datetime.date(2026, 1, 15),
    )
    live = {t.period.label: t.value for t in world.indicator.targets.all()}
    assert live["2026/27 Q1"] == Decimal("120")
    assert live["2025/26 Q3"] == Decimal("99")  # replaced the old target
    assert (
        Target.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
        .history.first()
        .history_user
        == world.lead
    )


# --- revising ---------------------------------------------------------------------------


@pytest.fixture
def approved_only(world):
    """The world without its draft, so version 1 can be revised."""
    world.draft_plan.delete()
    Action.objects.create(
        objective=world.objective, ref="A2", title="Leaflets", state=ActionState.NOT_STARTED
    )
    Action.objects.create(
        objective=world.objective, ref="A3", title="Finished thing", state=ActionState.COMPLETED
    )
    PlanTarget.objects.create(
        plan=world.plan, indicator=world.indicator, period=Period.parse("2025/26 Q4"), value=100
    )
    return world


def test_revising_needs_a_reason_and_a_decision_for_every_unfinished_action(client, approved_only):
    world = approved_only
    client.force_login(world.lead)
    url = reverse("plan_revise", args=[world.plan.pk])
    a1 = Action.objects.get(ref="A1")
    response = client.post(url, {"reason": "", f"action_{a1.pk}": "close"})
    page = response.content.decode()
    assert "Say why the plan is being revised." in page
    assert "Say why A1 is being closed." in page
    assert "Choose whether to carry A2 forward or close it." in page
    assert world.partnership.plans.count() == 1


def test_revising_carries_or_closes_every_unfinished_action(client, approved_only):
    world = approved_only
    client.force_login(world.lead)
    a1, a2 = Action.objects.get(ref="A1"), Action.objects.get(ref="A2")
    response = client.post(
        reverse("plan_revise", args=[world.plan.pk]),
        {
            "reason": "New police priorities",
            f"action_{a1.pk}": "carry",
            f"action_{a2.pk}": "close",
            f"close_{a2.pk}": "No longer funded",
        },
    )
    assert response.status_code == 302
    draft = world.partnership.plans.get(status="draft")
    assert (draft.version, draft.previous, draft.revision_reason) == (
        2,
        world.plan,
        "New police priorities",
    )
    copy = draft.objectives.get()
    assert copy.ref == "O1" and list(copy.outcomes.all()) == [world.outcome]
    assert list(copy.indicators.all()) == [world.indicator]
    assert [a.ref for a in Action.objects.filter(objective__plan=draft)] == ["A1"]
    a2.refresh_from_db()
    assert (a2.state, a2.closed_reason) == ("cancelled", "No longer funded")
    assert a2.history.first().history_user == world.lead
    assert [t.period.label for t in draft.targets.all()] == ["2025/26 Q4"]
    # Results stay attached to the indicator, which both versions share.
    assert Result.objects.filter(indicator=world.indicator).count() == 3
    world.plan.refresh_from_db()
    assert world.plan.status == "approved"  # until the revision is approved


def test_a_revision_while_one_is_in_progress_is_refused(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("plan_revise", args=[world.plan.pk]), {"reason": "again"})
    assert response.status_code == 409
    assert "already in progress" in response.content.decode()
    assert world.partnership.plans.count() == 2


# --- comparing --------------------------------------------------------------------------


def test_comparison_shows_what_was_added_removed_and_changed(client, world):
    PlanTarget.objects.create(
        plan=world.plan, indicator=world.indicator, period=Period.parse("2025/26 Q4"), value=100
    )
    PlanTarget.objects.create(
        plan=world.draft_plan,
        indicator=world.indicator,
        period=Period.parse("2025/26 Q4"),
        value=104,
    )
    Objective.objects.create(plan=world.draft_plan, ref="O2", title="Safer night-time economy")
    Action.objects.filter(pk=world.action.pk).update(state=ActionState.COMPLETED)
    Action.objects.filter(pk=world.draft_action.pk).update(owner=world.lead)
    world.draft_action.refresh_from_db()
    world.draft_action.ref = "A9"
    world.draft_action.save()

    client.force_login(world.viewer)
    response = client.get(
        reverse("plan_compare", args=[world.partnership.pk]),
        {"old": world.plan.pk, "new": world.draft_plan.pk},
    )
    changes = {(c.kind, c.ref, c.status) for c in response.context["changes"]}
    assert ("objective", "O2", "added") in changes
    assert ("target", "SS01 2025/26 Q4", "changed") in changes
    assert ("action", "A1", "removed") in changes
    assert ("action", "A9", "added") in changes
    objective_o1 = next(c for c in response.context["changes"] if c.ref == "O1")
    assert ("owner", "Lead Tester", "Member Tester") in objective_o1.fields
    removed = next(c for c in response.context["changes"] if c.ref == "A1")
    assert removed.note == "Not carried forward: completed"
    page = response.content.decode()
    cells = cell_texts(page)
    assert "Safer night-time economy" in page
    assert any(re.search(r"\b100 → changed to 104\b", cell) for cell in cells), cells


def test_the_smart_check_says_which_day_targets_are_judged_from(client, world):
    from django.utils import timezone

    world.plan.approved_at = timezone.make_aware(datetime.datetime(2025, 5, 1, 12))
    world.plan.save()
    client.force_login(world.viewer)
    approved = client.get(reverse("plan_smart", args=[world.plan.pk])).content.decode()
    assert "Targets are judged from 1 May 2025, the day this version was approved" in approved
    draft = client.get(reverse("plan_smart", args=[world.draft_plan.pk])).content.decode()
    assert "Targets are judged from 15 January 2026, today, the day it would be approved" in draft


def test_comparison_page_shows_targets_in_period_order_indicators_and_closing_reasons(
    client, world
):
    for plan, rows in (
        (world.plan, {"2026/27 Q1": "102", "2024/25 Q2": "90"}),
        (world.draft_plan, {"2026/27 Q1": "102", "2026/27 Q2": "106", "2025/26 Q1": "95"}),
    ):
        for label, value in rows.items():
            PlanTarget.objects.create(
                plan=plan, indicator=world.indicator, period=Period.parse(label), value=value
            )
    dropped = Indicator.objects.create(
        partnership=world.partnership, code="SS02", title="Repeat victims"
    )
    world.objective.indicators.add(dropped)
    Action.objects.filter(pk=world.action.pk).update(
        state=ActionState.CANCELLED, closed_reason="No longer funded by the police"
    )
    world.draft_action.delete()

    client.force_login(world.viewer)
    response = client.get(
        reverse("plan_compare", args=[world.partnership.pk]),
        {"old": world.plan.pk, "new": world.draft_plan.pk},
    )
    cells = cell_texts(response.content.decode())
    rows = [cells[i : i + 3] for i in range(len(cells)) if cells[i].startswith("SS01 20")]
    assert rows == [
        ["SS01 2024/25 Q2", "Removed", "Target : 90"],
        ["SS01 2025/26 Q1", "Added", "Target : 95"],
        ["SS01 2026/27 Q2", "Added", "Target : 106"],
    ]
    assert ["SS02 Repeat victims", "Removed", ""] in [cells[i : i + 3] for i in range(len(cells))]
    assert "Not carried forward: cancelled. Reason: No longer funded by the police" in cells, cells


def test_comparing_a_version_with_itself_is_refused(client, world):
    client.force_login(world.viewer)
    response = client.get(
        reverse("plan_compare", args=[world.partnership.pk]),
        {"old": world.plan.pk, "new": world.plan.pk},
    )
    assert "Choose two different versions to compare." in response.content.decode()
    assert response.context["changes"] is None


# --- query counts -----------------------------------------------------------------------


def test_plan_page_queries_do_not_grow_with_objectives(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.lead)
    url = reverse("plan_detail", args=[world.draft_plan.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(2, 8):
        objective = Objective.objects.create(
            plan=world.draft_plan, ref=f"O{n}", title=f"Aim number {n}", owner=world.member
        )
        objective.outcomes.add(world.outcome)
        objective.indicators.add(world.indicator)
        action = Action.objects.create(
            objective=objective, ref=f"A{n}", title="Do", owner=world.member
        )
        Milestone.objects.create(action=action, title="Step", due_date=datetime.date(2026, 5, 1))
        PlanTarget.objects.create(
            plan=world.draft_plan,
            indicator=world.indicator,
            period=Period("quarterly", 2024 + n % 3, n % 4 + 1),
            value=n,
        )
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
