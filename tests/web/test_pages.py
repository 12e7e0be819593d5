import datetime

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import Action
from goldenthread.rules import ActionState
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def test_it_signs_in_and_shows_my_partnerships(client, world):
    response = client.post(
        reverse("sign_in_password"), {"login": "member", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == world.member
    page = response.content.decode()
    assert "Safer Streets Partnership" in page
    assert "Other Partnership" not in page


def test_it_keeps_the_username_and_shows_an_error_summary_on_a_bad_sign_in(client, world):
    response = client.post(reverse("sign_in_password"), {"login": "member", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "govuk-error-summary" in page
    assert 'value="member"' in page
    assert "_auth_user_id" not in client.session


def test_home_counts_rag_of_the_latest_period_and_overdue_actions(client, world):
    # SS01's latest result is 2025/26 Q3: 101 against 100, higher is better: green.
    client.force_login(world.lead)
    response = client.get(reverse("home"))
    (summary,) = response.context["summaries"]
    assert summary.rag_counts == {"green": 1}
    # The action was due 30 June 2025 and is not complete.
    assert summary.overdue_actions == 1
    assert summary.role_label == "Lead"


def test_home_does_not_count_completed_or_cancelled_actions_as_overdue(client, world):
    Action.objects.filter(pk=world.action.pk).update(state=ActionState.COMPLETED)
    client.force_login(world.lead)
    (summary,) = client.get(reverse("home")).context["summaries"]
    assert summary.overdue_actions == 0


def test_performance_team_sees_every_partnership(client, world):
    client.force_login(world.performance)
    response = client.get(reverse("home"))
    names = [s.partnership.name for s in response.context["summaries"]]
    assert names == ["Other Partnership", "Safer Streets Partnership"]


def test_partnership_page_shows_plan_objectives_outcomes_indicators_and_actions(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("partnership", args=[world.partnership.pk]))
    page = response.content.decode()
    assert "Safer Streets Partnership plan" in page
    assert "O1: Fewer burglaries" in page
    assert "T1 Safe places" in page
    assert "SS01 Indicator SS01" in page
    assert "2025/26 Q3" in page
    assert "Door-to-door visits" in page
    assert "Overdue" in page
    (view,) = response.context["objectives"]
    line = view.indicators[0]
    assert line.latest.period.label == "2025/26 Q3"
    assert line.latest.since_previous == "worse"  # 101 after 103
    assert line.latest.since_last_year == "better"  # 101 after 98
    assert view.status == "off_track"  # the overdue action outweighs the green indicator


def test_indicator_page_has_history_table_and_chart(client, world):
    client.force_login(world.member)
    response = client.get(reverse("indicator", args=[world.indicator.pk]))
    page = response.content.decode()
    assert [row.period.label for row in response.context["rows"]] == [
        "2024/25 Q3",
        "2025/26 Q2",
        "2025/26 Q3",
    ]
    assert [row.rag for row in response.context["rows"]] == ["amber", "green", "green"]
    assert reverse("indicator_chart", args=[world.indicator.pk]) in page
    assert "Targets and results by period" in page

    chart = client.get(reverse("indicator_chart", args=[world.indicator.pk]))
    assert chart["Content-Type"] == "image/svg+xml"
    svg = chart.content.decode()
    assert svg.lstrip().startswith("<?xml") or svg.lstrip().startswith("<svg")
    assert "2025/26 Q3" in svg
    assert "<script" not in svg
