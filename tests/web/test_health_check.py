"""The health check's pages: the list, opening one, the questionnaire, the results with
their CSV and chart, closing, and an action from a weak theme; and the anonymity rule on
every page, file and the annual update form."""

import datetime
import subprocess

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import (
    Action,
    HealthCheck,
    HealthCheckAction,
    HealthCheckAnswer,
    HealthCheckResponse,
)
from goldenthread.core.services.health_checks import (
    answer_health_check,
    close_health_check,
    open_health_check,
)
from goldenthread.rules import health_check as questionnaire

DURING = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def in_march_2026():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


def opened(world, year: int = 2025) -> HealthCheck:
    return open_health_check(
        partnership=world.partnership,
        by=world.lead,
        year=year,
        closes_on=DURING + datetime.timedelta(days=20),
        today=DURING,
    )


def scores(value, **overrides) -> dict:
    return {key: overrides.get(key, value) for key in questionnaire.STATEMENTS}


def posted_answers(value: str, **overrides: str) -> dict[str, str]:
    return {key: overrides.get(key, value) for key in questionnaire.STATEMENTS}


def answered(world, health_check, people, **overrides) -> None:
    for person in people:
        answer_health_check(
            health_check=health_check,
            by=person,
            answers=scores(4, **overrides),
            comments={"trust": f"A comment from {person.username}"},
            today=DURING,
        )


def test_the_list_shows_each_year_and_offers_opening_to_the_lead(client, world):
    health_check = opened(world)
    answered(world, health_check, [world.member])
    client.force_login(world.lead)
    page = client.get(reverse("health_check_list", args=[world.partnership.pk])).content.decode()
    assert "2025/26" in page and "Open until 30 March 2026" in page
    assert reverse("health_check_open", args=[world.partnership.pk]) in page
    client.force_login(world.member)
    page = client.get(reverse("health_check_list", args=[world.partnership.pk])).content.decode()
    assert reverse("health_check", args=[health_check.pk]) in page
    assert reverse("health_check_open", args=[world.partnership.pk]) not in page


def test_the_list_takes_the_same_queries_for_many_years(
    client, world, django_assert_max_num_queries
):
    for year in (2025, 2024):
        HealthCheck.objects.create(
            partnership=world.partnership, year=year, opens_on=DURING, closes_on=DURING
        )
    client.force_login(world.member)
    url = reverse("health_check_list", args=[world.partnership.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_lead_opens_a_health_check(client, world):
    client.force_login(world.lead)
    url = reverse("health_check_open", args=[world.partnership.pk])
    response = client.post(url, {"year": "2025", "closes_on": "2026-03-31", "anonymous": "on"})
    health_check = HealthCheck.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("health_check", args=[health_check.pk])
    assert health_check.anonymous and health_check.closes_on == datetime.date(2026, 3, 31)
    assert health_check.history.get().history_user == world.lead


def test_opening_with_a_past_closing_date_says_so_next_to_it(client, world):
    client.force_login(world.performance)
    url = reverse("health_check_open", args=[world.partnership.pk])
    response = client.post(url, {"year": "2025", "closes_on": "2026-03-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'id="id_closes_on_error"' in page and "Enter a closing date after today" in page
    assert not HealthCheck.objects.exists()


def test_a_member_answers_once(client, world):
    health_check = opened(world)
    url = reverse("health_check_answer", args=[health_check.pk])
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert page.count('<fieldset class="govuk-fieldset"') == len(questionnaire.STATEMENTS)
    assert "Strongly agree" in page and "Don&#x27;t know" in page
    assert "This health check is anonymous" in page

    response = client.post(url, {**posted_answers("4", trust_open="dk"), "comment_trust": "Ok"})

    assert response.status_code == 302
    response_row = HealthCheckResponse.objects.get()
    assert response_row.respondent is None
    answers = dict(response_row.answers.values_list("statement", "score"))
    assert answers["trust_open"] is None and answers["purpose_need"] == 4
    # A second go is not offered, and a second post writes nothing.
    page = client.get(url).content.decode()
    assert "You have answered this health check" in page
    assert 'id="health-check-form"' not in page
    client.post(url, posted_answers("1"))
    assert HealthCheckResponse.objects.count() == 1
    assert not HealthCheckAnswer.objects.filter(score=1).exists()


def test_a_missing_answer_is_named_in_the_error_summary_and_nothing_is_saved(client, world):
    health_check = opened(world)
    client.force_login(world.member)
    data = posted_answers("4")
    del data["roles_clear"]
    response = client.post(reverse("health_check_answer", args=[health_check.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_roles_clear_0"' in page
    assert "Choose an answer to statement 5" in page
    # What was chosen stays chosen.
    assert 'value="4" id="id_purpose_need_1" class="govuk-radios__input" checked' in page
    assert not HealthCheckResponse.objects.exists()


def test_two_answers_show_no_figures_on_any_page_file_or_form(client, world):
    health_check = opened(world)
    answered(world, health_check, [world.lead, world.member], trust_open=1)
    close_health_check(health_check=health_check, by=world.lead)
    client.force_login(world.viewer)

    page = client.get(reverse("health_check", args=[health_check.pk])).content.decode()
    assert "2 of 3 answered; results are shown when at least 3 have answered" in page
    assert 'id="theme-table"' not in page and "A comment from" not in page
    assert reverse("health_check_chart", args=[health_check.pk]) not in page
    csv = client.get(reverse("health_check_export", args=[health_check.pk])).content
    assert b"2 of 3 answered" in csv and b"Strongly disagree" not in csv
    chart = client.get(reverse("health_check_chart", args=[health_check.pk])).content
    assert b"Trust" not in chart
    form = client.get(reverse("update_form", args=[world.partnership.pk, 2025])).content.decode()
    assert "2 of 3 answered; results are shown when at least 3" in form
    assert 'id="update-form-health-check-themes"' not in form


def test_three_answers_show_the_results_and_the_lead_may_raise_an_action(client, world):
    health_check = opened(world)
    answered(
        world,
        health_check,
        [world.lead, world.member, world.other_member],
        trust_open=1,
        trust_fair=2,
    )
    close_health_check(health_check=health_check, by=world.lead)
    url = reverse("health_check", args=[health_check.pk])
    client.force_login(world.lead)

    page = client.get(url).content.decode()

    assert "3 of 3 answered" in page
    assert 'id="theme-table"' in page and 'id="spread-trust"' in page
    assert "A comment from member" in page
    action_url = reverse("health_check_action", args=[health_check.pk]) + "?theme=trust"
    assert action_url in page
    # Who answered is shown nowhere: not the people, not the order.
    assert "member" not in page.split('id="spread"')[0].split('id="results"')[1]
    client.force_login(world.member)
    assert action_url not in client.get(url).content.decode()
    csv = client.get(reverse("health_check_export", args=[health_check.pk])).content.decode(
        "utf-8-sig"
    )
    assert "Trust,All its statements,6,1.5,0,0,0,3,3,0" in csv
    form = client.get(reverse("update_form", args=[world.partnership.pk, 2025])).content.decode()
    assert 'id="update-form-health-check-themes"' in form

    client.force_login(world.lead)
    form_page = client.get(action_url).content.decode()
    assert "Revise the cultural aspects of the partnership" in form_page
    response = client.post(
        action_url,
        {
            "theme": "trust",
            "title": "Revise the cultural aspects of the partnership",
            "objective": world.objective.pk,
            "owner": world.member.pk,
            "due_date": "2026-09-30",
        },
    )
    assert response.status_code == 302
    link = HealthCheckAction.objects.get()
    assert link.action.objective == world.objective and link.theme == "trust"
    assert Action.objects.get(pk=link.action.pk).history.get().history_user == world.lead
    assert "Revise the cultural aspects" in client.get(url).content.decode()


def test_the_update_form_pdf_carries_the_health_check(client, world, tmp_path):
    health_check = opened(world)
    answered(world, health_check, [world.lead, world.member, world.other_member])
    close_health_check(health_check=health_check, by=world.lead)
    client.force_login(world.viewer)
    response = client.get(reverse("update_form_pdf", args=[world.partnership.pk, 2025]))
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Partnership health check" in text
    assert "3 of 3 answered" in text and "Involving residents" in text


def test_closing_early(client, world):
    health_check = opened(world)
    client.force_login(world.performance)
    url = reverse("health_check_close", args=[health_check.pk])
    assert "0 of 3 answered" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    health_check.refresh_from_db()
    assert health_check.state == HealthCheck.State.CLOSED
    assert health_check.closed_by == world.performance
