"""Strategic plans, plan versions with their objectives, and actions through the API: who
sees which, filters, another partnership's a 404, queries that do not grow with rows."""

import datetime

from goldenthread.core.models import Action, Objective, Outcome, StrategicPlan
from goldenthread.rules import ActionState

from .conftest import problem_of
from .reads import check_bounded, queries_of


def test_strategic_plans_are_council_wide(world, api_as):
    StrategicPlan.objects.create(title="Community Strategy", first_year=2020, last_year=2022)
    body = api_as(world.outsider).get("/strategic-plans/").json()
    assert [p["title"] for p in body["items"]] == ["Corporate Plan", "Community Strategy"]
    covering = api_as(world.nobody).get("/strategic-plans/", {"year": 2021}).json()
    assert [p["title"] for p in covering["items"]] == ["Community Strategy"]
    outcomes = api_as(world.viewer).get(f"/strategic-plans/{world.strategy.pk}/outcomes").json()
    assert [(o["code"], o["title"]) for o in outcomes["items"]] == [("T1", "Safe places")]
    assert api_as(world.viewer).get("/strategic-plans/999999").status_code == 404


def test_a_plan_version_with_its_objectives_outcomes_indicators_and_actions(world, api_as):
    body = api_as(world.viewer).get(f"/plans/{world.plan.pk}").json()
    assert body["status"] == "approved" and body["years"] == "2024/25 to 2026/27"
    [objective] = body["objectives"]
    assert objective["ref"] == "O1" and objective["owner"] == str(world.lead)
    assert [o["code"] for o in objective["outcomes"]] == ["T1"]
    assert [i["code"] for i in objective["indicators"]] == ["SS01"]
    assert [(a["ref"], a["status"], a["lead_organisation"]) for a in objective["actions"]] == [
        ("A1", "on_track", "Test Police")
    ]


def test_plans_list_and_filter_by_status_and_partnership(world, api_as):
    api = api_as(world.member)
    body = api.get("/plans/").json()
    assert [(p["version"], p["status"]) for p in body["items"]] == [(2, "draft"), (1, "approved")]
    drafts = api.get("/plans/", {"status": "draft"}).json()
    assert [p["id"] for p in drafts["items"]] == [world.draft_plan.pk]
    mine = api.get("/plans/", {"partnership": world.partnership.pk}).json()
    assert mine["count"] == 2
    everyone = api_as(world.performance).get("/plans/").json()
    assert everyone["count"] == 3


def test_another_partnerships_plan_is_not_found(world, api_as):
    api = api_as(world.outsider)
    for path in (
        f"/plans/{world.plan.pk}",
        f"/objectives/{world.objective.pk}",
        f"/actions/{world.action.pk}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert problem_of(response)["detail"] == "Not found."
    for path, params in (
        ("/plans/", {"partnership": world.partnership.pk}),
        ("/objectives/", {"plan": world.plan.pk}),
        ("/actions/", {"objective": world.objective.pk}),
    ):
        assert api.get(path, params).status_code == 404, path
    own = api.get("/plans/").json()
    assert {p["partnership_id"] for p in own["items"]} == {world.other.pk}


def test_objectives_by_plan(world, api_as):
    body = api_as(world.viewer).get("/objectives/", {"plan": world.draft_plan.pk}).json()
    assert [(o["id"], o["owner"]) for o in body["items"]] == [
        (world.draft_objective.pk, str(world.member))
    ]
    one = api_as(world.viewer).get(f"/objectives/{world.objective.pk}").json()
    assert one["plan_id"] == world.plan.pk and one["partnership_id"] == world.partnership.pk


def test_actions_filters(world, api_as):
    Action.objects.create(
        objective=world.objective,
        ref="A2",
        title="Late one",
        due_date=datetime.date(2020, 1, 1),
        state=ActionState.OFF_TRACK,
        owner=world.lead,
    )
    api = api_as(world.viewer)
    every = api.get("/actions/").json()
    assert every["count"] == 3
    current = api.get("/actions/", {"current": "true"}).json()
    assert {a["ref"] for a in current["items"]} == {"A1", "A2"}
    assert {a["plan_id"] for a in current["items"]} == {world.plan.pk}
    off = api.get("/actions/", {"status": "off_track"}).json()
    assert [(a["ref"], a["overdue"]) for a in off["items"]] == [("A2", True)]
    owned = api.get("/actions/", {"owner": world.member.pk, "plan": world.draft_plan.pk}).json()
    assert [a["id"] for a in owned["items"]] == [world.draft_action.pk]
    bad = api.get("/actions/", {"status": "done"})
    assert bad.status_code == 422
    assert problem_of(bad)["errors"][0]["pointer"] == "#/query/status"


def test_plan_reads_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    outcome = Outcome.objects.create(strategic_plan=world.strategy, code="T2", title="More")

    def add_rows():
        for n in range(2, 12):
            objective = Objective.objects.create(plan=world.plan, ref=f"O{n}", title=f"Aim {n}")
            objective.outcomes.add(outcome)
            objective.indicators.add(world.indicator)
            for m in range(3):
                Action.objects.create(
                    objective=objective, ref=f"A{m}", title="Act", owner=world.member
                )

    api = api_as(world.viewer)
    before = {path: queries_of(api, path) for path in (f"/plans/{world.plan.pk}", "/objectives/")}
    body = check_bounded(api, "/actions/", add_rows, django_assert_max_num_queries)
    assert body["count"] == 32
    for path, count in before.items():
        with django_assert_max_num_queries(count):
            assert api.get(path).status_code == 200
    assert len(api.get(f"/plans/{world.plan.pk}").json()["objectives"]) == 11
