"""Improvement plans through the pages: the indicator's owner or a lead starts one for an
indicator red two quarters running, the form says what is wrong and keeps what was typed,
everyone in the partnership reads it, and only a lead closes it, with a reason. The trigger,
the services and the banner: tests/core/test_improvement.py."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import ImprovementPlan
from tests.conftest import RED, quarterly, start


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def no_sample_plans(world):
    # The world may carry a sample plan for the URL walk; these tests start from none.
    ImprovementPlan.objects.all().delete()


# --- The pages ---------------------------------------------------------------------------


def form_data(world, **changes) -> dict:
    data = {
        "summary": "Extra patrols in the two hotspots.",
        "owner": str(world.member.pk),
        "actions": [str(world.action.pk)],
        "review_date": "2026-03-31",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ["member", "lead"])
def test_the_indicator_owner_or_a_lead_starts_a_plan(client, world, role):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    client.force_login(world.person(role))
    url = reverse("improvement_create", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Start an improvement plan" in html
    assert "T1 was red in 2025/26 Q2 and 2025/26 Q3" in html
    response = client.post(url, form_data(world))
    plan = ImprovementPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("improvement_detail", args=[plan.pk])
    assert plan.indicator == indicator
    assert plan.owner == world.member
    assert plan.created_by == world.person(role)
    assert plan.review_date == datetime.date(2026, 3, 31)
    assert list(plan.actions.all()) == [world.action]
    assert plan.history.first().history_user == world.person(role)


@pytest.mark.parametrize("role", ["other_member", "viewer", "performance", "outsider"])
def test_others_cannot_start_a_plan(client, world, role):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    client.force_login(world.person(role))
    url = reverse("improvement_create", args=[indicator.pk])
    assert client.post(url, form_data(world)).status_code in (403, 404)
    assert not ImprovementPlan.objects.exists()


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client, world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    client.force_login(world.member)
    url = reverse("improvement_create", args=[indicator.pk])
    response = client.post(url, {})
    html = response.content.decode()
    assert "<title>Error: Start an improvement plan for T1" in html
    assert "Enter what will be done to bring the indicator back on track" in html
    assert "Choose who owns the improvement plan" in html
    assert "Enter the date the improvement plan will be reviewed" in html

    response = client.post(url, form_data(world, review_date="2026-01-14", actions=["99999"]))
    html = response.content.decode()
    assert "Enter a review date that is today or in the future" in html
    assert "Choose actions of this partnership&#x27;s approved plan" in html
    assert "Extra patrols in the two hotspots." in html
    assert not ImprovementPlan.objects.exists()


def test_without_a_trigger_the_page_says_none_is_needed(client, world):
    client.force_login(world.member)
    url = reverse("improvement_create", args=[world.indicator.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "SS01 does not need an improvement plan" in response.content.decode()
    assert client.post(url, form_data(world)).status_code == 200
    assert not ImprovementPlan.objects.exists()


def test_with_an_open_plan_the_page_points_to_it(client, world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator)
    client.force_login(world.member)
    response = client.get(reverse("improvement_create", args=[indicator.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "T1 already has an improvement plan" in html
    assert reverse("improvement_detail", args=[plan.pk]) in html


def test_a_viewer_reads_the_plan(client, world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator, review_date=datetime.date(2026, 1, 15))
    client.force_login(world.viewer)
    response = client.get(reverse("improvement_detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Extra patrols in the two hotspots." in html
    assert "Red in 2025/26 Q2 and 2025/26 Q3" in html
    assert "A1 Door-to-door visits" in html
    assert "Review overdue" not in html  # due today is on time
    assert "Close the improvement plan" not in html
    client.force_login(world.outsider)
    assert client.get(reverse("improvement_detail", args=[plan.pk])).status_code == 404


def test_only_a_lead_closes_a_plan_and_must_say_why(client, world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator)
    url = reverse("improvement_close", args=[plan.pk])
    for role in ("member", "viewer", "performance"):
        client.force_login(world.person(role))
        assert client.post(url, {"reason": "Done"}).status_code == 403

    client.force_login(world.lead)
    assert (
        "Close the improvement plan"
        in client.get(reverse("improvement_detail", args=[plan.pk])).content.decode()
    )
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter why the improvement plan is being closed" in response.content.decode()
    plan.refresh_from_db()
    assert plan.closed_at is None

    response = client.post(url, {"reason": "Green for two quarters."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.closed_at is not None
    assert plan.closed_reason == "Green for two quarters."
    record = plan.history.first()
    assert (record.history_user, record.history_change_reason) == (
        world.lead,
        "Green for two quarters.",
    )
    html = client.get(reverse("improvement_detail", args=[plan.pk])).content.decode()
    assert "Green for two quarters." in html
    # Closing again goes back to the plan.
    assert client.get(url).status_code == 302
