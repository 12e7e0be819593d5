"""Pace of change: per partner organisation, the actions it leads in the current plan, as
a timeline and as tables, with what falls due in each of the next four quarters."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import Action, Objective, Organisation, Plan
from goldenthread.rules import ActionState
from tests.conftest import make_partnership


@pytest.fixture(autouse=True)
def frozen_today():
    # 2025/26 Q4: the next four quarters are 2025/26 Q4 and 2026/27 Q1 to Q3.
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def pace_url(world) -> str:
    return reverse("pace_of_change", args=[world.partnership.pk])


def add_action(world, ref, org=None, start=None, due=None, state=ActionState.ON_TRACK, **kw):
    return Action.objects.create(
        objective=kw.pop("objective", world.objective),
        ref=ref,
        title=kw.pop("title", f"Action {ref}"),
        owner=kw.pop("owner", world.member),
        lead_organisation=org,
        start_date=start,
        due_date=due,
        state=state,
        **kw,
    )


def d(year, month, day) -> datetime.date:
    return datetime.date(year, month, day)


def test_it_lists_each_organisations_actions_with_their_dates_status_and_progress(client, world):
    Action.objects.filter(pk=world.action.pk).update(percent_complete=40)
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pace of change" in page
    assert "Safer Streets Partnership plan" in page  # the approved plan, not the draft
    table = re.search(rf'<table[^>]*id="org-{world.police.pk}".*?</table>', page, re.S)[0]
    assert "Test Police" in table
    for text in (
        "A1 Door-to-door visits",
        "O1 Fewer burglaries",
        "Member Tester",
        "1 Apr 2025",
        "30 Jun 2025",
        "On track",
        "40%",
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>',
    ):
        assert text in table, text


def test_actions_are_grouped_by_lead_organisation_with_none_last(client, world):
    fire = Organisation.objects.create(name="Fire Service", kind="fire")
    add_action(world, "A2", fire, d(2026, 1, 1), d(2026, 2, 28))
    add_action(world, "A3", None, d(2026, 2, 1), d(2026, 5, 1))
    add_action(world, "A4", world.council, d(2025, 10, 1), d(2026, 9, 30))
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    names = [group.name for group in response.context["groups"]]
    assert names == ["Fire Service", "Test Council", "Test Police", "No lead organisation"]
    page = response.content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m">No lead organisation' in (
        page
    )


def test_the_summary_counts_what_falls_due_in_each_of_the_next_four_quarters(client, world):
    police = world.police
    add_action(world, "A2", police, d(2025, 12, 1), d(2026, 2, 1))  # 2025/26 Q4
    add_action(world, "A3", police, d(2025, 12, 1), d(2026, 3, 31))  # 2025/26 Q4
    add_action(world, "A4", police, d(2026, 1, 1), d(2026, 5, 1))  # 2026/27 Q1
    add_action(world, "A5", police, d(2026, 1, 1), d(2026, 12, 31))  # 2026/27 Q3
    add_action(world, "A6", police, d(2026, 1, 1), d(2027, 1, 1))  # beyond the four
    add_action(world, "A7", police, d(2026, 1, 1), d(2026, 5, 1), ActionState.COMPLETED)
    add_action(world, "A8", police, d(2025, 11, 1), d(2026, 1, 10))  # overdue, this quarter
    add_action(world, "A9", world.council, None, d(2026, 8, 1))  # 2026/27 Q2, no start
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    assert [q.label for q in response.context["quarters"]] == [
        "2025/26 Q4",
        "2026/27 Q1",
        "2026/27 Q2",
        "2026/27 Q3",
    ]
    groups = {g.name: g for g in response.context["groups"]}
    police_load = groups["Test Police"]
    assert len(police_load.lines) == 8  # A1 to A8
    assert police_load.open_count == 7  # all but the completed A7
    assert police_load.due_by_quarter == [2, 1, 0, 1]
    assert police_load.overdue_count == 2  # A1 (June 2025) and A8
    assert groups["Test Council"].due_by_quarter == [0, 0, 1, 0]
    totals = response.context["totals"]
    assert totals["due_by_quarter"] == [2, 1, 1, 1]
    assert totals["overdue"] == 2
    page = response.content.decode()
    summary = re.search(r'<table[^>]*id="summary-table".*?</table>', page, re.S)[0]
    for label in ("Due 2025/26 Q4", "Due 2026/27 Q1", "Due 2026/27 Q2", "Due 2026/27 Q3"):
        assert label in summary


def test_actions_without_both_dates_are_listed_but_not_drawn(client, world):
    undated = add_action(world, "A2", world.police, None, None)
    half = add_action(world, "A3", world.police, d(2026, 1, 1), None)
    client.force_login(world.viewer)
    page = client.get(pace_url(world)).content.decode()
    svg = re.search(r'<svg[^>]*id="timeline-svg".*?</svg>', page, re.S)[0]
    drawn = {int(pk) for pk in re.findall(r'data-action="(\d+)"', svg)}
    assert drawn == {world.action.pk}
    assert page.count("Not on the timeline: no start or due date.") == 2
    assert "2 actions are not on the timeline because they have no start or due date" in page
    assert undated.title in page and half.title in page


def test_the_timeline_is_accessible_inline_svg_with_today_and_overdue_marked(client, world):
    add_action(world, "A2", world.council, d(2025, 10, 1), d(2026, 6, 30), ActionState.AT_RISK)
    add_action(world, "A3", world.council, d(2025, 5, 1), d(2025, 9, 1), ActionState.CANCELLED)
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    page = response.content.decode()
    svg = re.search(r'<svg[^>]*id="timeline-svg".*?</svg>', page, re.S)[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="timeline-title timeline-desc"' in svg
    assert "<title id=" in svg and "<desc id=" in svg
    assert "style" not in svg
    assert ">Today</text>" in svg
    assert ">2025/26</text>" in svg and ">Q4</text>" in svg
    # Status is written beside each bar, so colour is not the only cue.
    assert ">Overdue</text>" in svg
    assert ">At risk</text>" in svg
    assert ">Cancelled</text>" in svg
    overdue = re.findall(r'data-action="(\d+)" data-overdue="true"', svg)
    assert overdue == [str(world.action.pk)]
    assert 'fill="url(#overdue-hatch)"' in svg
    layout = response.context["timeline"]
    bars = [row for row in layout["rows"] if row["kind"] == "action"]
    assert len(bars) == 3
    assert all(layout["plot_x"] <= row["bar_x"] <= layout["plot_end"] for row in bars)
    assert layout["plot_x"] < layout["today_x"] < layout["plot_end"]
    assert "style=" not in page


def test_it_uses_the_newest_draft_while_no_plan_is_approved(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.SUPERSEDED)
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    assert response.context["plan"] == world.draft_plan
    (group,) = response.context["groups"]
    assert [line.action for line in group.lines] == [world.draft_action]
    assert "version 2 (draft)" in response.content.decode()


def test_a_partnership_without_a_plan_is_told_so(client, world):
    world.partnership.plans.all().delete()
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    assert response.status_code == 200
    assert "This partnership has no written plan yet" in response.content.decode()


def test_a_plan_without_dated_actions_draws_no_timeline(client, world):
    Action.objects.filter(pk=world.action.pk).update(start_date=None)
    client.force_login(world.viewer)
    response = client.get(pace_url(world))
    assert response.context["timeline"] is None
    page = response.content.decode()
    assert "No action has both a start and a due date yet" in page
    assert "<svg" not in page


def test_people_outside_the_partnership_cannot_see_its_pace(client, world):
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(pace_url(world)).status_code == 404


def grow(world, organisations: int, actions: int, tag: str) -> None:
    for o in range(organisations):
        org = Organisation.objects.create(name=f"Org {tag}{o}")
        objective = Objective.objects.create(plan=world.plan, ref=f"O{tag}{o}", title="Aim")
        for a in range(actions):
            add_action(
                world,
                f"A{a}",
                org,
                d(2025, 4 + a % 9, 1),
                d(2026, 4 + a % 9, 1),
                objective=objective,
                owner=world.other_member,
            )


def test_the_pace_pages_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.member)
    grow(world, 1, 1, "s")
    with CaptureQueriesContext(connection) as small:
        assert client.get(pace_url(world)).status_code == 200
    grow(world, 5, 6, "l")
    with django_assert_num_queries(len(small)):
        response = client.get(pace_url(world))
    assert response.context["totals"]["actions"] == 1 + 1 + 30


def test_a_partnership_with_no_plan_at_all_still_answers(client, world):
    empty = make_partnership("Empty Partnership", world.council)
    client.force_login(world.performance)
    response = client.get(reverse("pace_of_change", args=[empty.pk]))
    assert response.status_code == 200
    assert response.context["groups"] == []
