"""The risk register's pages: the register, the heat map and its table, overdue reviews,
filtering by objective, and adding, editing and closing a risk (each write checked in the
database and its history). Risk levels, the heat map's cells and the services:
tests/core/test_risks.py."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import Objective, Plan, Risk
from goldenthread.core.services.risks import close_risk, update_risk
from tests.conftest import add_risk, make_plan


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def register_url(world, **query) -> str:
    url = reverse("risk_register", args=[world.partnership.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def valid_post(world, **changes) -> dict:
    data = {
        "title": "Volunteers leave",
        "cause": "Volunteer numbers are falling",
        "consequence": "Fewer street patrols",
        "inherent_likelihood": "3",
        "inherent_impact": "4",
        "mitigation": "Recruitment drive",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "owner": str(world.member.pk),
        "review_date": "2026-04-30",
        "objective": str(world.objective.pk),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- The register page ------------------------------------------------------------------


def test_the_register_shows_every_open_risk_with_scores_levels_owner_and_review(client, world):
    world.risk.cause = "Government grant ends"
    world.risk.consequence = "Fewer officers on the beat"
    world.risk.mitigation = "Bid for a new grant"
    world.risk.save()
    client.force_login(world.viewer)
    response = client.get(register_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Risk register" in page
    row = re.search(r'<tr class="govuk-table__row" id="risk-R1">(.*?)</tr>', page, re.S)[1]
    for text in (
        "R1",
        "Police funding cut",
        "Government grant ends",
        "Fewer officers on the beat",
        "Bid for a new grant",
        "4 × 4 =",
        "16",
        "Very high",
        "2 × 4 =",
        "Medium",
        "Member Tester",
        "31 Mar 2026",
        "O1 Fewer burglaries",
    ):
        assert text in row, text
    assert "Review overdue" not in row
    assert "No reviews are overdue." in page


def test_viewers_see_no_add_edit_or_close_links(client, world):
    client.force_login(world.viewer)
    page = client.get(register_url(world)).content.decode()
    assert "Add a risk" not in page
    assert reverse("risk_edit", args=[world.risk.pk]) not in page
    assert reverse("risk_close", args=[world.risk.pk]) not in page


def test_the_performance_team_reads_the_register_only(client, world):
    client.force_login(world.performance)
    page = client.get(register_url(world)).content.decode()
    assert "Police funding cut" in page
    assert "Add a risk" not in page
    assert reverse("risk_edit", args=[world.risk.pk]) not in page


def test_members_may_edit_only_their_own_risks_and_leads_any(client, world):
    edit = reverse("risk_edit", args=[world.risk.pk])
    client.force_login(world.member)
    page = client.get(register_url(world)).content.decode()
    assert "Add a risk" in page and edit in page
    client.force_login(world.other_member)
    page = client.get(register_url(world)).content.decode()
    assert "Add a risk" in page and edit not in page
    client.force_login(world.lead)
    assert edit in client.get(register_url(world)).content.decode()


def test_the_partnership_page_links_to_the_register_and_the_pace_of_change(client, world):
    client.force_login(world.viewer)
    page = client.get(reverse("partnership", args=[world.partnership.pk])).content.decode()
    assert register_url(world) in page
    assert reverse("pace_of_change", args=[world.partnership.pk]) in page


def test_overdue_reviews_are_flagged_and_counted(client, world):
    add_risk(world, "R2", (3, 3), (2, 2), review_date=datetime.date(2026, 1, 14))
    add_risk(world, "R3", (3, 3), (2, 2), review_date=datetime.date(2026, 1, 15))  # due today
    add_risk(world, "R4", (3, 3), (2, 2), review_date=datetime.date(2025, 1, 1), is_open=False)
    client.force_login(world.viewer)
    response = client.get(register_url(world))
    page = response.content.decode()
    assert response.context["overdue_count"] == 1
    assert "1 open risk is overdue for review." in page
    flagged = {row.risk.ref for row in response.context["rows"] if row.review_overdue}
    assert flagged == {"R2"}
    r2 = re.search(r'id="risk-R2">(.*?)</tr>', page, re.S)[1]
    assert '<strong class="govuk-tag govuk-tag--red">Review overdue</strong>' in r2
    r3 = re.search(r'id="risk-R3">(.*?)</tr>', page, re.S)[1]
    assert "Review overdue" not in r3


def test_a_review_date_passing_makes_the_risk_overdue(client, world):
    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, 0), tick=False):
        client.force_login(world.viewer)  # a fresh session: the old one would have expired
        assert client.get(register_url(world)).context["overdue_count"] == 0
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, 0), tick=False):
        client.force_login(world.viewer)
        response = client.get(register_url(world))
        assert response.context["overdue_count"] == 1
        assert "1 open risk is overdue for review." in response.content.decode()


def test_closed_risks_are_listed_apart_with_why_when_and_by_whom(client, world):
    close_risk(risk=world.risk, by=world.lead, reason="Funding confirmed for three years")
    client.force_login(world.viewer)
    response = client.get(register_url(world))
    page = response.content.decode()
    assert response.context["rows"] == []
    closed_section = page.split('id="closed-risks"')[1]
    assert "Police funding cut" in closed_section
    assert "Funding confirmed for three years" in closed_section
    assert "15 Jan 2026 by Lead Tester" in closed_section
    assert response.context["heat"].total == 0


# --- The heat map --------------------------------------------------------------------------


def svg_counts(page: str) -> dict[tuple[int, int], int]:
    svg = re.search(r'<svg[^>]*id="heat-map-svg".*?</svg>', page, re.S)[0]
    return {
        (int(lk), int(im)): int(n)
        for lk, im, n in re.findall(
            r'<g data-likelihood="(\d)" data-impact="(\d)" data-count="(\d+)">', svg
        )
    }


def table_counts(page: str) -> dict[tuple[int, int], int]:
    table = re.search(r'<table[^>]*id="heat-map-table".*?</table>', page, re.S)[0]
    return {
        (int(lk), int(im)): int(n)
        for lk, im, n in re.findall(
            r'<td[^>]*data-likelihood="(\d)" data-impact="(\d)" data-count="(\d+)"', table
        )
    }


def test_the_heat_map_svg_and_its_table_agree_on_every_cell(client, world):
    add_risk(world, "R2", (4, 5), (3, 4))
    add_risk(world, "R3", (3, 4), (3, 4))
    add_risk(world, "R4", (5, 5), (3, 4), is_open=False)  # closed: not on the map
    client.force_login(world.viewer)
    page = client.get(register_url(world)).content.decode()
    svg, table = svg_counts(page), table_counts(page)
    assert len(svg) == len(table) == 25
    assert svg == table
    assert svg[(3, 4)] == 2
    assert svg[(2, 4)] == 1
    assert sum(svg.values()) == 3
    cell = re.search(r'data-likelihood="3" data-impact="4" data-count="2">(.*?)</td>', page, re.S)
    assert "R2, R3" in cell[1]
    assert 'role="img"' in page
    assert '<title id="heat-map-title">' in page and '<desc id="heat-map-desc">' in page
    assert 'aria-labelledby="heat-map-title heat-map-desc"' in page
    assert "style=" not in page


def test_the_heat_map_switches_to_inherent_scores(client, world):
    add_risk(world, "R2", (4, 5), (3, 4))
    client.force_login(world.viewer)
    page = client.get(register_url(world, score="inherent")).content.decode()
    svg = svg_counts(page)
    assert svg == table_counts(page)
    assert svg[(4, 4)] == 1 and svg[(4, 5)] == 1
    assert "Heat map of inherent scores" in page
    assert "Show residual scores instead" in page


# --- Filtering by objective ------------------------------------------------------------------


def test_the_register_filters_by_objective(client, world):
    add_risk(world, "R2", (3, 3), (2, 2), objective=world.draft_objective)
    add_risk(world, "R3", (3, 3), (2, 2))
    client.force_login(world.viewer)
    response = client.get(register_url(world, objective=world.objective.pk))
    assert [row.risk.ref for row in response.context["rows"]] == ["R1"]
    assert response.context["heat"].total == 1
    page = response.content.decode()
    assert f'<option value="{world.objective.pk}" selected>' in page
    assert "Showing risks to <strong>O1 Fewer burglaries</strong>" in page

    response = client.get(register_url(world, objective="none"))
    assert [row.risk.ref for row in response.context["rows"]] == ["R3"]

    response = client.get(register_url(world, objective=world.draft_objective.pk, score="inherent"))
    assert [row.risk.ref for row in response.context["rows"]] == ["R2"]
    assert response.context["score"] == "inherent"


def test_the_filter_is_a_plain_get_form_that_works_without_javascript(client, world):
    client.force_login(world.viewer)
    page = client.get(register_url(world)).content.decode()
    form = re.search(r'<form method="get".*?</form>', page, re.S)[0]
    assert '<select name="objective"' in form
    assert '<label class="govuk-label govuk-label--s" for="id_objective">Show risks for' in form
    assert '<button type="submit"' in form
    assert "O1 Fewer burglaries (plan version 1, approved)" in form
    assert "O1 Fewer burglaries (plan version 2, draft)" in form


@pytest.mark.parametrize("value", ["nonsense", "999999", "other"])
def test_an_unknown_objective_shows_every_risk(client, world, value):
    if value == "other":
        other_plan = make_plan(world.other, version=2, status="draft")
        value = Objective.objects.create(plan=other_plan, ref="X1", title="Theirs").pk
    add_risk(world, "R2", (3, 3), (2, 2))
    client.force_login(world.viewer)
    response = client.get(register_url(world, objective=value))
    assert response.status_code == 200
    assert [row.risk.ref for row in response.context["rows"]] == ["R1", "R2"]
    assert response.context["chosen"] == ""


# --- Adding a risk --------------------------------------------------------------------------


def test_it_lets_the_lead_add_a_risk_owned_by_a_member(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("risk_create", args=[world.partnership.pk]), valid_post(world))
    assert response.status_code == 302
    assert response.url == register_url(world)
    risk = Risk.objects.get(partnership=world.partnership, ref="R2")
    assert risk.title == "Volunteers leave"
    assert risk.cause == "Volunteer numbers are falling"
    assert (risk.inherent_likelihood, risk.inherent_impact) == (3, 4)
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 3)
    assert risk.owner == world.member
    assert risk.objective == world.objective
    assert risk.review_date == datetime.date(2026, 4, 30)
    assert risk.is_open
    entry = risk.history.first()
    assert entry.history_user == world.lead
    assert entry.history_change_reason == "Risk R2 added"
    page = client.get(response.url).content.decode()
    assert "R2 Volunteers leave was added to the risk register" in page


def test_a_member_adds_a_risk_they_own_whatever_owner_is_posted(client, world):
    client.force_login(world.member)
    form_page = client.get(reverse("risk_create", args=[world.partnership.pk])).content.decode()
    assert 'name="owner"' not in form_page
    assert "You (Member Tester)" in form_page
    response = client.post(
        reverse("risk_create", args=[world.partnership.pk]),
        valid_post(world, owner=str(world.lead.pk), objective=str(world.draft_objective.pk)),
    )
    assert response.status_code == 302
    risk = Risk.objects.get(ref="R2")
    assert risk.owner == world.member
    assert risk.objective == world.draft_objective
    assert risk.history.first().history_user == world.member


def test_the_lead_owns_a_new_risk_unless_they_choose_someone_else(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("risk_create", args=[world.partnership.pk]))
    assert response.context["form"]["owner"].value() == world.lead.pk
    page = response.content.decode()
    assert "Member Tester" in page and "Viewer Tester" not in page


@pytest.mark.parametrize("role", ["viewer", "performance"])
def test_viewers_and_the_performance_team_cannot_add_risks(client, world, role):
    client.force_login(world.person(role))
    url = reverse("risk_create", args=[world.partnership.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, valid_post(world)).status_code == 403
    assert Risk.objects.count() == 1


def test_an_outsider_cannot_add_a_risk_to_another_partnership(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("risk_create", args=[world.partnership.pk]), valid_post(world))
    assert response.status_code == 404
    assert Risk.objects.count() == 1


def _other_objective(world) -> str:
    plan = world.other.plans.get()
    return str(plan.objectives.get().pk)


def _superseded_objective(world) -> str:
    old = make_plan(world.partnership, status="superseded", version=3)
    return str(Objective.objects.create(plan=old, ref="O9", title="Old aim").pk)


BAD_INPUTS = [
    ({"title": ""}, "title", "Enter a title for the risk"),
    ({"inherent_likelihood": "high"}, "inherent_likelihood", "Enter a whole number from 1 to 5"),
    ({"inherent_impact": "2.5"}, "inherent_impact", "Enter a whole number from 1 to 5"),
    ({"residual_likelihood": "0"}, "residual_likelihood", "Enter a whole number from 1 to 5"),
    ({"residual_impact": "6"}, "residual_impact", "Enter a whole number from 1 to 5"),
    ({"inherent_likelihood": ""}, "inherent_likelihood", "Enter a whole number from 1 to 5"),
    (
        {"residual_likelihood": "4", "residual_impact": "4"},
        "residual_likelihood",
        "The residual score (4 × 4 = 16) must not be higher than the inherent score (3 × 4 = 12)",
    ),
    ({"review_date": ""}, "review_date", "Enter the date the risk will next be reviewed"),
    ({"review_date": "31/02/2026"}, "review_date", "Enter the review date as a real date"),
    ({"objective": "other"}, "objective", "Choose an objective of this partnership"),
    ({"objective": "superseded"}, "objective", "Choose an objective of this partnership"),
    ({"objective": "banana"}, "objective", "Choose an objective of this partnership"),
    ({"owner": "outsider"}, "owner", "Choose an owner who is a lead or member of this partnership"),
    ({"owner": "viewer"}, "owner", "Choose an owner who is a lead or member of this partnership"),
    ({"owner": ""}, "owner", "Choose the risk's owner"),
]


def _resolve(world, changes: dict) -> dict:
    resolved = dict(changes)
    if resolved.get("objective") == "other":
        resolved["objective"] = _other_objective(world)
    if resolved.get("objective") == "superseded":
        resolved["objective"] = _superseded_objective(world)
    if resolved.get("owner") in ("outsider", "viewer"):
        resolved["owner"] = str(world.person(resolved["owner"]).pk)
    return resolved


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUTS)
def test_bad_input_when_adding_gets_a_clear_message_and_saves_nothing(
    client, world, changes, field, message
):
    client.force_login(world.lead)
    data = valid_post(world, **_resolve(world, changes))
    response = client.post(reverse("risk_create", args=[world.partnership.pk]), data)
    assert response.status_code == 200
    assert Risk.objects.count() == 1
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "<title>Error: Add a risk" in page
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert 'value="Volunteers leave"' in page or changes.get("title") == ""
    assert "Volunteer numbers are falling</textarea>" in page


def test_a_non_number_score_is_kept_as_typed(client, world):
    client.force_login(world.lead)
    data = valid_post(world, inherent_likelihood="three")
    page = client.post(reverse("risk_create", args=[world.partnership.pk]), data).content.decode()
    assert 'value="three"' in page
    assert "Enter a whole number from 1 to 5 for the inherent likelihood" in page


# --- Editing a risk -------------------------------------------------------------------------


def test_it_lets_a_member_edit_their_own_risk(client, world):
    client.force_login(world.member)
    url = reverse("risk_edit", args=[world.risk.pk])
    form_page = client.get(url).content.decode()
    assert 'value="Police funding cut"' in form_page
    assert 'name="owner"' not in form_page
    data = valid_post(
        world,
        title="Police funding cut",
        inherent_likelihood="4",
        inherent_impact="4",
        residual_likelihood="1",
        residual_impact="4",
        owner=str(world.lead.pk),  # ignored: a member's risk stays theirs
    )
    response = client.post(url, data)
    assert response.status_code == 302
    world.risk.refresh_from_db()
    assert world.risk.residual_likelihood == 1
    assert world.risk.owner == world.member
    assert world.risk.cause == "Volunteer numbers are falling"
    entry = world.risk.history.first()
    assert entry.history_user == world.member
    assert entry.history_change_reason.startswith("Changed ")
    assert "residual likelihood" in entry.history_change_reason
    assert "R1 Police funding cut was updated" in client.get(response.url).content.decode()


def test_the_lead_edits_any_risk_and_may_hand_it_on(client, world):
    client.force_login(world.lead)
    data = valid_post(
        world,
        title="Police funding cut",
        inherent_likelihood="4",
        inherent_impact="4",
        residual_likelihood="2",
        residual_impact="4",
        owner=str(world.other_member.pk),
    )
    response = client.post(reverse("risk_edit", args=[world.risk.pk]), data)
    assert response.status_code == 302
    world.risk.refresh_from_db()
    assert world.risk.owner == world.other_member
    assert world.risk.history.first().history_user == world.lead


def test_a_member_cannot_edit_someone_elses_risk(client, world):
    client.force_login(world.other_member)
    url = reverse("risk_edit", args=[world.risk.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, valid_post(world, title="Hijacked")).status_code == 403
    world.risk.refresh_from_db()
    assert world.risk.title == "Police funding cut"
    assert world.risk.history.count() == 1


@pytest.mark.parametrize("role", ["viewer", "performance"])
def test_readers_cannot_edit_or_close(client, world, role):
    client.force_login(world.person(role))
    for name in ("risk_edit", "risk_close"):
        url = reverse(name, args=[world.risk.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", **valid_post(world)}).status_code == 403
    world.risk.refresh_from_db()
    assert world.risk.is_open and world.risk.history.count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUTS)
def test_bad_input_when_editing_gets_a_clear_message_and_changes_nothing(
    client, world, changes, field, message
):
    client.force_login(world.lead)
    data = valid_post(world, **_resolve(world, changes))
    response = client.post(reverse("risk_edit", args=[world.risk.pk]), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert "<title>Error: Edit R1" in response.content.decode()
    world.risk.refresh_from_db()
    assert world.risk.title == "Police funding cut"
    assert world.risk.history.count() == 1


def test_editing_a_risk_linked_to_a_superseded_objective_says_so(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.SUPERSEDED)
    client.force_login(world.member)
    page = client.get(reverse("risk_edit", args=[world.risk.pk])).content.decode()
    assert "It was linked to O1 Fewer burglaries in plan version 1, which has been superseded" in (
        page
    )


# --- Closing a risk -------------------------------------------------------------------------


def test_it_closes_a_risk_with_the_reason_in_the_history(client, world):
    client.force_login(world.member)
    url = reverse("risk_close", args=[world.risk.pk])
    page = client.get(url).content.decode()
    assert "Close R1 Police funding cut" in page
    assert "4 × 4 = 16" in page
    response = client.post(url, {"reason": "Three-year funding settlement agreed"})
    assert response.status_code == 302
    world.risk.refresh_from_db()
    assert not world.risk.is_open
    entry = world.risk.history.first()
    assert entry.history_user == world.member
    assert entry.history_change_reason == "Three-year funding settlement agreed"
    assert "R1 Police funding cut was closed" in client.get(response.url).content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason(client, world, reason):
    client.force_login(world.lead)
    response = client.post(reverse("risk_close", args=[world.risk.pk]), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter why the risk is being closed" in page
    assert "<title>Error: Close R1" in page
    world.risk.refresh_from_db()
    assert world.risk.is_open
    assert world.risk.history.count() == 1


def test_a_member_cannot_close_someone_elses_risk(client, world):
    client.force_login(world.other_member)
    response = client.post(reverse("risk_close", args=[world.risk.pk]), {"reason": "Done"})
    assert response.status_code == 403
    world.risk.refresh_from_db()
    assert world.risk.is_open


def test_a_closed_risk_cannot_be_edited_or_closed_again(client, world):
    close_risk(risk=world.risk, by=world.lead, reason="Gone")
    client.force_login(world.lead)
    for name in ("risk_edit", "risk_close"):
        response = client.post(reverse(name, args=[world.risk.pk]), {"reason": "Again"})
        assert response.status_code == 302
        assert response.url == register_url(world)
    assert world.risk.history.count() == 2
    with pytest.raises(ValidationError):
        close_risk(risk=world.risk, by=world.lead, reason="Again")
    with pytest.raises(ValidationError):
        update_risk(risk=world.risk, by=world.lead, title="New")


# --- Query counts ---------------------------------------------------------------------------


def grow(world, count: int, tag: str) -> None:
    """Open risks across new objectives, and as many closed ones, closed through the
    service so their history is read too."""
    for i in range(count):
        objective = Objective.objects.create(plan=world.plan, ref=f"O{tag}{i}", title=f"Aim {i}")
        add_risk(world, f"R{tag}{i}", (4, 5), (2, 3), objective=objective, owner=world.lead)
        closing = add_risk(world, f"C{tag}{i}", (2, 2), (1, 1), owner=world.other_member)
        close_risk(risk=closing, by=world.lead, reason=f"Done {i}")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_registers_query_count_does_not_grow_with_risks(
    client, world, django_assert_num_queries
):
    client.force_login(world.member)
    url = register_url(world)
    grow(world, 1, "s")
    small = count_queries(client, url)
    grow(world, 10, "l")
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 12
    assert len(response.context["closed"]) == 11
    assert all(item.reason.startswith("Done") for item in response.context["closed"])
