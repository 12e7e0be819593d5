"""Shared direction (issue 17) through the pages: signing up on the plan page, the partners
page and a partner's profile with its decision dates, the capacity flags on the pace of
change page, contributions from outside on the plan and in the annual report, and the
sign-up on the annual update form. Each write is checked in the database."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import (
    Organisation,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    Role,
)
from goldenthread.core.services import partners as services
from tests.conftest import add_member, cell_texts, make_user


@pytest.fixture(autouse=True)
def in_may_2025():
    with time_machine.travel(datetime.datetime(2025, 5, 1, 10, 0), tick=False):
        yield


def plan_url(world) -> str:
    return reverse("plan_detail", args=[world.plan.pk])


def sign_up_url(world) -> str:
    return reverse("plan_sign_up", args=[world.plan.pk])


# --- signing up ------------------------------------------------------------------------


def test_the_plan_page_shows_every_partners_answer_and_a_representative_the_form(client, world):
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.council,
        state="agreed_with_comments",
        comment="Subject to the budget.",
        by=world.lead,
    )
    client.force_login(world.member)
    page = client.get(plan_url(world)).content.decode()
    cells = cell_texts(page)
    assert "Agreed, with comments" in cells and "Subject to the budget." in cells
    assert "Not yet" in cells  # the police have not answered
    assert 'id="sign-up-form"' in page
    assert "Sign up for Test Police" in page
    # A viewer sees the answers, without a form.
    client.force_login(world.viewer)
    page = client.get(plan_url(world)).content.decode()
    assert "Subject to the budget." in page
    assert 'id="sign-up-form"' not in page


def test_a_draft_has_no_sign_up_yet(client, world):
    client.force_login(world.member)
    page = client.get(reverse("plan_detail", args=[world.draft_plan.pk])).content.decode()
    assert "Partners sign up to the plan once this version is approved." in page
    assert 'id="sign-up-form"' not in page


def test_a_member_signs_up_with_comments(client, world):
    client.force_login(world.member)
    response = client.post(
        sign_up_url(world),
        {"state": "agreed_with_comments", "comment": "We can staff two of the three events."},
    )
    assert response.status_code == 302
    assert response.url == plan_url(world) + "#sign-up"
    row = PlanSignUp.objects.get(plan=world.plan)
    assert (row.organisation, row.state, row.signed_by) == (
        world.police,
        "agreed_with_comments",
        world.member,
    )
    assert row.history.get().history_user == world.member


def test_a_concern_without_words_is_refused_next_to_the_comment(client, world):
    client.force_login(world.member)
    response = client.post(sign_up_url(world), {"state": "concern", "comment": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Describe the concern" in page
    assert 'href="#id_comment"' in page  # the error summary links to the box
    assert not PlanSignUp.objects.exists()


def test_nothing_chosen_is_refused_with_a_clear_message(client, world):
    client.force_login(world.member)
    response = client.post(sign_up_url(world), {})
    assert "Choose whether you agree, agree with comments, or raise a concern" in (
        response.content.decode()
    )
    assert not PlanSignUp.objects.exists()


def test_signing_a_draft_is_refused_without_a_500(client, world):
    client.force_login(world.member)
    response = client.post(reverse("plan_sign_up", args=[world.draft_plan.pk]), {"state": "agreed"})
    assert response.status_code == 200
    assert "approved version of the plan only" in response.content.decode()
    assert not PlanSignUp.objects.exists()


def test_viewers_and_the_performance_team_cannot_sign(client, world):
    for person in (world.viewer, world.performance):
        client.force_login(person)
        assert client.post(sign_up_url(world), {"state": "agreed"}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(sign_up_url(world), {"state": "agreed"}).status_code == 404
    assert not PlanSignUp.objects.exists()


def test_the_update_form_reports_the_sign_up(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(
        approved_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)
    )
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="concern",
        comment="No overtime budget.",
        by=world.member,
    )
    client.force_login(world.viewer)
    page = client.get(reverse("update_form", args=[world.partnership.pk, 2025])).content.decode()
    assert "Partners signed up to the plan" in page
    cells = cell_texts(page)
    assert "Concern raised" in cells and "No overtime budget." in cells
    assert "1 concern raised, 1 not yet" in page


# --- partners and their profiles -------------------------------------------------------


def partners_url(world) -> str:
    return reverse("partner_list", args=[world.partnership.pk])


def profile_url(world, org) -> str:
    return reverse("partner_profile", args=[world.partnership.pk, org.pk])


PROFILE = {
    "statutory_duties": "Crime and Disorder Act 1998",
    "own_plans": "Police and Crime Plan",
    "planning_cycle": "Budget set each February",
    "capacity_year": "2025",
    "capacity_people": "1.5",
    "capacity_money": "£12,500",
    "max_actions": "2",
    "board_decisions": "Overtime for summer patrols",
}


def test_a_member_saves_their_organisations_profile(client, world):
    client.force_login(world.member)
    response = client.post(profile_url(world, world.police), {**PROFILE, "save_profile": "1"})
    assert response.status_code == 302
    profile = PartnerProfile.objects.get(partnership=world.partnership, organisation=world.police)
    assert (profile.capacity_money, profile.capacity_people, profile.max_actions) == (
        Decimal("12500"),
        Decimal("1.5"),
        2,
    )
    assert profile.history.get().history_user == world.member
    page = client.get(partners_url(world)).content.decode()
    assert "Crime and Disorder Act 1998" in page
    assert "£12,500" in cell_texts(page)


def test_bad_numbers_are_refused_next_to_their_boxes(client, world):
    client.force_login(world.member)
    response = client.post(
        profile_url(world, world.police),
        {**PROFILE, "capacity_money": "lots", "max_actions": "-1", "save_profile": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_capacity_money"' in page and 'href="#id_max_actions"' in page
    assert not PartnerProfile.objects.exists()


def test_decision_dates_are_added_and_removed(client, world):
    client.force_login(world.lead)
    url = profile_url(world, world.police)
    response = client.post(url, {"add_date": "1", "date": "2025-09-01", "what": "Board approves"})
    assert response.status_code == 302
    decision = PartnerDecisionDate.objects.get()
    assert (decision.date, decision.what) == (datetime.date(2025, 9, 1), "Board approves")
    assert decision.profile.organisation == world.police  # the profile was started for it
    response = client.post(url, {"add_date": "1", "date": "", "what": ""})
    assert response.status_code == 400
    assert "Enter the date of the decision" in response.content.decode()
    assert client.post(url, {"remove_date": str(decision.pk)}).status_code == 302
    assert not PartnerDecisionDate.objects.exists()
    assert client.post(url, {"remove_date": "x"}).status_code == 404


def test_who_may_edit_a_profile(client, world):
    # The member is there for the police, not the council.
    client.force_login(world.member)
    assert client.get(profile_url(world, world.council)).status_code == 403
    assert client.post(profile_url(world, world.council), PROFILE).status_code == 403
    for person in (world.lead, world.performance):
        client.force_login(person)
        assert client.get(profile_url(world, world.council)).status_code == 200
    client.force_login(world.viewer)
    assert client.get(profile_url(world, world.police)).status_code == 403
    assert not PartnerProfile.objects.exists()


def test_an_organisation_that_is_not_a_partner_has_no_profile_page(client, world):
    stranger = Organisation.objects.create(name="Stranger Ltd")
    client.force_login(world.lead)
    assert client.get(profile_url(world, stranger)).status_code == 404
    missing = reverse("partner_profile", args=[world.partnership.pk, 99999])
    assert client.get(missing).status_code == 404


def test_the_partners_page_query_count_does_not_grow(client, world):
    client.force_login(world.viewer)

    def grow(n: int, tag: str) -> None:
        for i in range(n):
            org = Organisation.objects.create(name=f"Org {tag}{i}")
            person = make_user(f"person-{tag}{i}")
            add_member(world.partnership, person, Role.MEMBER, org)
            profile = PartnerProfile.objects.create(
                partnership=world.partnership, organisation=org, max_actions=2
            )
            profile.decision_dates.create(date=datetime.date(2025, 9, 1), what="Board")

    grow(1, "s")
    with CaptureQueriesContext(connection) as small:
        assert client.get(partners_url(world)).status_code == 200
    grow(6, "l")
    with CaptureQueriesContext(connection) as large:
        assert client.get(partners_url(world)).status_code == 200
    assert len(large) == len(small)


# --- the pace of change page -----------------------------------------------------------


def test_the_pace_page_flags_a_partner_over_capacity_and_one_due_before_its_decision(client, world):
    police = services.save_partner_profile(
        partnership=world.partnership, organisation=world.police, by=world.lead, max_actions=0
    )
    services.add_decision_date(
        profile=police, by=world.lead, date=datetime.date(2025, 9, 1), what="Board approves"
    )
    services.save_partner_profile(
        partnership=world.partnership, organisation=world.council, by=world.lead, max_actions=4
    )
    client.force_login(world.viewer)
    page = client.get(reverse("pace_of_change", args=[world.partnership.pk])).content.decode()
    assert 'id="capacity-rules"' in page  # the rules are stated
    row = page[page.index(f'id="capacity-org-{world.police.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Over capacity" in row and "Due before its decision date" in row
    council = page[page.index(f'id="capacity-org-{world.council.pk}"') :]
    council = council[: council.index("</tr>")]
    assert "Over capacity" not in council and "None" in council
    early = page[page.index('id="early-table"') :]
    assert "A1 Door-to-door visits" in early and "1 Sep 2025: Board approves" in early


# --- contributions from outside --------------------------------------------------------

CONTRIBUTION = {
    "organisation_name": "Trafford Rotary Club",
    "kind": "money",
    "description": "Grant for door locks",
    "amount": "5,000",
    "year": "2025",
}


def test_a_member_records_a_contribution_and_it_shows_under_its_objective(client, world):
    client.force_login(world.member)
    url = reverse("contribution_create", args=[world.objective.pk])
    response = client.post(url, CONTRIBUTION)
    assert response.status_code == 302
    assert response.url == plan_url(world) + f"#objective-{world.objective.pk}"
    c = OutsideContribution.objects.get()
    assert (c.objective, c.amount, c.recorded_by) == (
        world.objective,
        Decimal("5000"),
        world.member,
    )
    assert c.history.get().history_user == world.member
    page = client.get(plan_url(world)).content.decode()
    section = page[page.index(f'id="contributions-{world.objective.pk}"') :]
    assert "Trafford Rotary Club" in section and "£5,000" in section and "2025/26" in section


def test_a_partner_is_not_an_outside_contributor(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("contribution_create", args=[world.objective.pk]),
        {**CONTRIBUTION, "organisation_name": "Test Police"},
    )
    assert response.status_code == 400
    assert "is a partner in the partnership" in response.content.decode()
    assert not OutsideContribution.objects.exists()


def test_a_contribution_is_changed_and_removed(client, world):
    c = world.contribution
    client.force_login(world.lead)
    response = client.post(
        reverse("contribution_edit", args=[c.pk]),
        {**CONTRIBUTION, "kind": "people", "amount": "", "description": "Two volunteers"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.kind, c.amount, c.description) == ("people", None, "Two volunteers")
    assert client.get(reverse("contribution_remove", args=[c.pk])).status_code == 200
    assert client.post(reverse("contribution_remove", args=[c.pk])).status_code == 302
    assert not OutsideContribution.objects.exists()


def test_viewers_cannot_record_contributions(client, world):
    client.force_login(world.viewer)
    url = reverse("contribution_create", args=[world.objective.pk])
    assert client.post(url, CONTRIBUTION).status_code == 403
    assert not OutsideContribution.objects.exists()


def test_the_annual_report_page_shows_the_years_contributions(client, world):
    world.contribution  # noqa: B018 - made on first use
    client.force_login(world.lead)
    page = client.get(reverse("annual_report", args=[world.partnership.pk, 2025])).content.decode()
    assert "Contributions from outside the partnership" in page
    assert "Trafford Rotary Club" in cell_texts(page)


def test_a_closed_partnership_takes_no_new_answers(client, world):
    Partnership.objects.filter(pk=world.partnership.pk).update(
        closed_on=datetime.date(2025, 4, 1), closed_reason="Merged"
    )
    client.force_login(world.member)
    assert client.post(sign_up_url(world), {"state": "agreed"}).status_code == 403
    assert not PlanSignUp.objects.exists()


@pytest.mark.parametrize(
    "name, data, field",
    [
        ("sign_up", {"state": "concern", "comment": "Bad\x00byte"}, "comment"),
        ("sign_up", {"state": "concern", "comment": "x" * 2001}, "comment"),
        ("profile", {"capacity_money": "1e400", "save_profile": "1"}, "capacity_money"),
        ("profile", {"capacity_year": "99999", "save_profile": "1"}, "capacity_year"),
        ("profile", {"max_actions": "99999999", "save_profile": "1"}, "max_actions"),
        ("profile", {"add_date": "1", "date": "0001-01-01", "what": "Board"}, "date"),
        ("contribution", {**CONTRIBUTION, "year": "99999"}, "year"),
        ("contribution", {**CONTRIBUTION, "amount": "£1.001"}, "amount"),
        ("contribution", {**CONTRIBUTION, "organisation_name": "\u202eevil"}, "organisation_name"),
    ],
)
def test_hostile_input_gets_a_message_next_to_the_field_and_saves_nothing(
    client, world, name, data, field
):
    urls = {
        "sign_up": sign_up_url(world),
        "profile": profile_url(world, world.police),
        "contribution": reverse("contribution_create", args=[world.objective.pk]),
    }
    client.force_login(world.member)
    response = client.post(urls[name], data)
    assert response.status_code in (200, 400)
    assert f'href="#id_{field}"' in response.content.decode()
    assert not PlanSignUp.objects.exists()
    assert not PartnerProfile.objects.exists()
    assert not OutsideContribution.objects.exists()
