"""The partnership side through the API (issue 17): partners' sign-up to the plan, their
profiles, contributions from outside and the health checks, under the anonymity rule;
another partnership's a 404; queries that do not grow with rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from goldenthread.core.models import HealthCheck, Organisation, PlanSignUp, Role
from goldenthread.core.services import partners as services
from goldenthread.core.services.health_checks import (
    answer_health_check,
    close_health_check,
    open_health_check,
)
from goldenthread.rules import health_check as questionnaire
from tests.conftest import add_member, make_user

from .conftest import problem_of
from .reads import check_bounded

TODAY = datetime.date(2026, 3, 10)  # in 2025/26


@pytest.fixture(autouse=True)
def in_march_2026():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


def partnership_path(world, tail: str) -> str:
    return f"/partnerships/{world.partnership.pk}/{tail}"


# --- signing up to the plan ----------------------------------------------------------------


def test_the_sign_up_lists_every_partner_with_its_answer_or_not_yet(world, api_as):
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="concern",
        comment="No budget for overtime.",
        by=world.member,
    )
    body = api_as(world.viewer).get(partnership_path(world, "sign-ups")).json()
    assert body["partnership_id"] == world.partnership.pk
    assert body["plan"] == {
        "id": world.plan.pk,
        "version": 1,
        "title": world.plan.title,
        "status": "approved",
    }
    council, police = body["organisations"]
    assert council == {
        "organisation_id": world.council.pk,
        "organisation": "Test Council",
        "state": "not_yet",
        "state_label": "Not yet",
        "comment": "",
        "signed_by": None,
        "signed_at": None,
    }
    assert (police["state"], police["state_label"]) == ("concern", "Concern raised")
    assert police["comment"] == "No budget for overtime."
    assert police["signed_by"] == str(world.member) and police["signed_at"]


def test_the_sign_up_of_another_version(world, api_as):
    api = api_as(world.member)
    draft = api.get(partnership_path(world, "sign-ups"), {"plan": world.draft_plan.pk}).json()
    # As the plan page: partners sign up to an approved version, so a draft has no table.
    assert draft["plan"]["status"] == "draft" and draft["organisations"] == []
    # Another partnership's plan, even one the person may see, is not this one's.
    other_plan = world.other.plans.get()
    assert (
        api_as(world.performance)
        .get(partnership_path(world, "sign-ups"), {"plan": other_plan.pk})
        .status_code
        == 404
    )
    world.plan.delete()
    assert api.get(partnership_path(world, "sign-ups")).json()["plan"] is None


# --- partner profiles ----------------------------------------------------------------------


def test_the_partner_profiles_with_timescales_capacity_and_decision_dates(world, api_as):
    profile = services.save_partner_profile(
        partnership=world.partnership,
        organisation=world.police,
        by=world.member,
        statutory_duties="Crime and Disorder Act 1998, section 17",
        own_plans="Police and Crime Plan",
        planning_cycle="Budget set in February",
        board_decisions="Overtime for joint patrols",
        capacity_year=2025,
        capacity_people=Decimal("2.5"),
        capacity_money=Decimal("20000"),
        max_actions=3,
    )
    for day, what in ((datetime.date(2026, 2, 1), "Budget"), (datetime.date(2026, 6, 1), "Board")):
        services.add_decision_date(profile=profile, by=world.member, date=day, what=what)

    body = api_as(world.viewer).get(partnership_path(world, "partner-profiles")).json()
    assert body["count"] == 2
    council, police = body["items"]
    assert (council["organisation"], council["profile"], council["next_decision"]) == (
        "Test Council",
        None,
        None,
    )
    assert police["organisation_id"] == world.police.pk
    got = police["profile"]
    assert got["statutory_duties"] == "Crime and Disorder Act 1998, section 17"
    assert (got["own_plans"], got["planning_cycle"]) == (
        "Police and Crime Plan",
        "Budget set in February",
    )
    assert got["board_decisions"] == "Overtime for joint patrols"
    assert (got["capacity_year"], got["max_actions"]) == (2025, 3)
    assert Decimal(got["capacity_people"]) == Decimal("2.5")
    assert Decimal(got["capacity_money"]) == Decimal("20000")
    assert got["decision_dates"] == [
        {"date": "2026-02-01", "what": "Budget"},
        {"date": "2026-06-01", "what": "Board"},
    ]
    assert got["updated_by"] == str(world.member)
    assert police["next_decision"] == {"date": "2026-06-01", "what": "Board"}


# --- contributions from outside ------------------------------------------------------------


def test_the_contributions_by_objective(world, api_as):
    world.contribution  # noqa: B018 (made on first use)
    services.add_contribution(
        objective=world.objective,
        by=world.member,
        organisation_name="Trafford Housing Trust",
        kind="venues",
        description="A room for the monthly surgery",
        amount=None,
        year=2024,
    )
    body = api_as(world.viewer).get(partnership_path(world, "contributions")).json()
    assert body["plan"]["id"] == world.plan.pk
    [objective] = body["objectives"]
    assert (objective["objective_id"], objective["ref"]) == (world.objective.pk, "O1")
    venue, money = objective["contributions"]  # by year
    assert venue == {
        "id": venue["id"],
        "organisation": "Trafford Housing Trust",
        "kind": "venues",
        "description": "A room for the monthly surgery",
        "amount": None,
        "year": 2024,
        "year_label": "2024/25",
    }
    assert (money["organisation"], money["kind"], money["year_label"]) == (
        "Trafford Rotary Club",
        "money",
        "2025/26",
    )
    assert Decimal(money["amount"]) == Decimal("5000")
    # The draft revision's objectives have none of their own.
    draft = api_as(world.member).get(
        partnership_path(world, "contributions"), {"plan": world.draft_plan.pk}
    )
    assert [o["contributions"] for o in draft.json()["objectives"]] == [[]]


# --- health checks -------------------------------------------------------------------------


def opened(world, year: int = 2025):
    return open_health_check(
        partnership=world.partnership,
        by=world.lead,
        year=year,
        closes_on=TODAY + datetime.timedelta(days=20),
        today=TODAY,
    )


def answered(health_check, people, value: int | None = 4, **overrides) -> None:
    for person in people:
        answer_health_check(
            health_check=health_check,
            by=person,
            answers={key: overrides.get(key, value) for key in questionnaire.STATEMENTS},
            comments={"trust": f"A comment from {person.username}"},
            today=TODAY,
        )


def test_the_health_checks_by_year_with_how_many_answered(world, api_as):
    health_check = opened(world)
    answered(health_check, [world.member])
    body = api_as(world.viewer).get(partnership_path(world, "health-checks")).json()
    assert body["items"] == [
        {
            "id": health_check.pk,
            "year": 2025,
            "year_label": "2025/26",
            "state": "open",
            "closed": False,
            "status": "Open until 30 March 2026",
            "opens_on": "2026-03-10",
            "closes_on": "2026-03-30",
            "anonymous": True,
            "answered": 1,
        }
    ]


def test_closed_with_three_answers_the_results_are_shown(world, api_as):
    health_check = opened(world)
    answered(health_check, [world.lead, world.member], trust_open=2)
    answered(health_check, [world.other_member], value=None)  # don't know, throughout
    close_health_check(health_check=health_check, by=world.lead)

    body = api_as(world.viewer).get(partnership_path(world, "health-checks/2025")).json()
    assert (body["state"], body["closed"], body["answered"], body["eligible"]) == (
        "closed",
        True,
        3,
        3,
    )
    assert body["results_shown"] and body["withheld"] == "" and body["last_year"] is None
    themes = {t["key"]: t for t in body["themes"]}
    assert list(themes) == list(questionnaire.THEME_KEYS)
    trust = themes["trust"]
    assert (trust["mean"], trust["agree"], trust["disagree"], trust["weak"]) == (3.0, 2, 2, False)
    assert trust["answers"] == 6
    statement = {s["key"]: s for s in trust["statements"]}["trust_open"]
    assert statement["mean"] == 2.0 and statement["answers"] == 3
    assert {a["answer"]: a["count"] for a in statement["spread"]} == {
        "Strongly agree": 0,
        "Agree": 0,
        "Neither agree nor disagree": 0,
        "Disagree": 2,
        "Strongly disagree": 0,
        "Don't know": 1,
    }
    # Nothing about any one person: no comments, no respondents, no responses.
    assert "A comment from" not in str(body)
    assert set(body) == {
        *("id", "year", "year_label", "state", "closed", "status", "opens_on", "closes_on"),
        *("anonymous", "answered", "eligible", "results_shown", "withheld", "last_year"),
        "themes",
    }
    assert set(trust) == {
        *("key", "title", "answers", "mean", "agree", "disagree", "weak", "last_year_mean"),
        *("spread", "statements"),
    }


def test_two_answers_or_still_open_no_figures(world, api_as):
    api = api_as(world.lead)
    this_year = opened(world)
    answered(this_year, [world.lead, world.member, world.other_member])
    still_open = api.get(partnership_path(world, "health-checks/2025")).json()
    assert still_open["answered"] == 3 and not still_open["closed"]
    assert not still_open["results_shown"] and still_open["themes"] == []
    assert "Results are shown when the health check closes" in still_open["withheld"]

    last_year = opened(world, year=2024)
    answered(last_year, [world.member, world.other_member])
    close_health_check(health_check=last_year, by=world.lead)
    two = api.get(partnership_path(world, "health-checks/2024")).json()
    assert (two["closed"], two["answered"], two["results_shown"]) == (True, 2, False)
    assert two["themes"] == []
    assert "at least 3 have answered" in two["withheld"]
    # Not even the means of the year before beside a later year's.
    close_health_check(health_check=this_year, by=world.lead)
    shown = api.get(partnership_path(world, "health-checks/2025")).json()
    assert shown["results_shown"] and shown["last_year"] is None
    assert all(t["last_year_mean"] is None for t in shown["themes"])


def test_a_year_without_a_health_check_is_not_found(world, api_as):
    api = api_as(world.lead)
    for year in (2023, 1000):
        response = api.get(partnership_path(world, f"health-checks/{year}"))
        assert response.status_code == 404
        problem_of(response)


# --- who sees them -------------------------------------------------------------------------

TAILS = ("sign-ups", "partner-profiles", "contributions", "health-checks", "health-checks/2025")


@pytest.mark.parametrize("tail", TAILS)
def test_another_partnership_is_not_found(world, api_as, tail):
    world.health_check  # noqa: B018 (made on first use)
    for person in (world.outsider, world.nobody):
        response = api_as(person).get(partnership_path(world, tail))
        assert response.status_code == 404, (person, tail)
        assert problem_of(response)["detail"] == "Not found."
    # The plan of a partnership one may not see, asked for by id: as its own URL, a 404.
    mine = f"/partnerships/{world.other.pk}/sign-ups"
    assert api_as(world.outsider).get(mine, {"plan": world.plan.pk}).status_code == 404


# --- queries -------------------------------------------------------------------------------


def more_partners(world, n: int = 8) -> list[Organisation]:
    """n more partner organisations, each with a member there for it."""
    found = []
    for i in range(n):
        org = Organisation.objects.create(name=f"Partner {i:02}", kind="voluntary")
        person = make_user(f"partner{i}")
        add_member(world.partnership, person, Role.MEMBER, org)
        found.append((org, person))
    return found


def test_sign_ups_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    def add_rows():
        for org, person in more_partners(world):
            services.sign_up_to_plan(plan=world.plan, organisation=org, state="agreed", by=person)

    body = check_bounded(
        api_as(world.viewer),
        partnership_path(world, "sign-ups"),
        add_rows,
        django_assert_max_num_queries,
    )
    assert len(body["organisations"]) == 10
    assert PlanSignUp.objects.filter(plan=world.plan).count() == 8


def test_partner_profiles_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    services.save_partner_profile(
        partnership=world.partnership, organisation=world.police, by=world.member
    )

    def add_rows():
        for org, person in more_partners(world):
            profile = services.save_partner_profile(
                partnership=world.partnership, organisation=org, by=person, max_actions=2
            )
            for month in (5, 9):
                services.add_decision_date(
                    profile=profile, by=person, date=datetime.date(2026, month, 1), what="Board"
                )

    body = check_bounded(
        api_as(world.viewer),
        partnership_path(world, "partner-profiles"),
        add_rows,
        django_assert_max_num_queries,
    )
    assert body["count"] == 10
    partner = next(i for i in body["items"] if i["organisation"] == "Partner 07")
    assert len(partner["profile"]["decision_dates"]) == 2


def test_contributions_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    world.contribution  # noqa: B018 (made on first use)

    def add_rows():
        for i in range(10):
            objective = world.plan.objectives.create(ref=f"O{i + 2}", title=f"Aim {i}")
            services.add_contribution(
                objective=objective,
                by=world.member,
                organisation_name=f"Funder {i}",
                kind="money",
                description="A grant",
                amount=Decimal(100 * i),
                year=2025,
            )

    body = check_bounded(
        api_as(world.viewer),
        partnership_path(world, "contributions"),
        add_rows,
        django_assert_max_num_queries,
    )
    assert sum(len(o["contributions"]) for o in body["objectives"]) == 11


def test_health_checks_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    api = api_as(world.viewer)
    this_year = opened(world)
    answered(this_year, [world.lead, world.member, world.other_member])
    close_health_check(health_check=this_year, by=world.lead)
    last_year = opened(world, year=2024)
    answered(last_year, [world.lead, world.member, world.other_member])
    close_health_check(health_check=last_year, by=world.lead)

    def add_rows():
        # Both years get more answers: the results, and last year's beside them, read more.
        for health_check in (this_year, last_year):
            health_check.state = "open"
            health_check.save()
        people = [person for _, person in more_partners(world)]
        answered(this_year, people, value=2)
        answered(last_year, people, value=5)
        for health_check in (this_year, last_year):
            close_health_check(health_check=health_check, by=world.lead)

    body = check_bounded(
        api, partnership_path(world, "health-checks/2025"), add_rows, django_assert_max_num_queries
    )
    assert body["answered"] == 11 and body["last_year"] == 2024
    assert all(t["last_year_mean"] is not None for t in body["themes"])

    def more_years():
        for year in range(2018, 2024):
            HealthCheck.objects.create(
                partnership=world.partnership,
                year=year,
                opens_on=datetime.date(year + 1, 3, 1),
                closes_on=datetime.date(year + 1, 3, 28),
            )

    body = check_bounded(
        api, partnership_path(world, "health-checks"), more_years, django_assert_max_num_queries
    )
    assert body["count"] == 8
