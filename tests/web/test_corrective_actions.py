"""Corrective actions on the pages: the next quarter's return asks for progress and will
not be submitted without it; the corrective action's own page (who sees it, who may
update, close and reopen it, and its forms' errors); where it appears: the owner's home
page, the indicator, the plan and the council-wide view."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import (
    CorrectiveAction,
    CorrectiveActionUpdate,
    Result,
    Return,
)
from goldenthread.core.services.returns import open_quarter
from goldenthread.rules import Period
from tests.conftest import cell_texts
from tests.web.error_summary import assert_error_summary
from tests.web.test_returns import page_data

Q4 = Period.parse("2025/26 Q4")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def tracked(world):
    """The world's corrective action (Q3, owned by the member, due 31 March 2026: overdue
    on 15 April), its Q3 return signed off, and Q4 open with its result in."""
    ca = world.corrective_action
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    round_ = open_quarter(period=Q4, by=world.performance)
    world.q4 = round_.returns.get(partnership=world.partnership)
    Result.objects.create(indicator=world.indicator, period=Q4, value=Decimal("100"))
    return ca


def url(ca) -> str:
    return reverse("corrective_action", args=[ca.pk])


def test_the_next_return_asks_for_progress_and_refuses_submission_without_it(
    client, world, tracked
):
    ca = tracked
    client.force_login(world.lead)
    page_url = reverse("return_detail", args=[world.q4.pk])
    page = client.get(page_url).content.decode()
    assert "Corrective actions from earlier quarters" in page
    assert f'id="corrective-{ca.pk}"' in page
    data = page_data(client, world.q4)
    assert data[f"c_{ca.pk}_status"] == "open"
    data["submit"] = "1"
    response = client.post(page_url, data)
    page = response.content.decode()
    assert "The return cannot be submitted yet" in page
    assert (
        f'<a href="#id_c_{ca.pk}_progress">Corrective action for SS01 2025/26 Q3 (from the '
        "2025/26 Q3 return): give its status and say how it is going.</a>"
    ) in page
    assert Return.objects.get(pk=world.q4.pk).status == "open"

    data = page_data(client, world.q4)
    data.update({f"c_{ca.pk}_status": "in_progress", f"c_{ca.pk}_progress": "Patrols began."})
    data["submit"] = "1"
    response = client.post(page_url, data)
    assert response.status_code == 302
    assert Return.objects.get(pk=world.q4.pk).status == "submitted"
    update = CorrectiveActionUpdate.objects.get(corrective_action=ca, ret=world.q4)
    assert (update.status, update.progress, update.by) == (
        "in_progress",
        "Patrols began.",
        world.lead,
    )
    ca.refresh_from_db()
    assert (ca.status, ca.progress) == ("in_progress", "Patrols began.")
    assert ca.history.first().history_user == world.lead


def test_a_status_without_progress_is_named_in_the_error(client, world, tracked):
    ca = tracked
    client.force_login(world.member)
    data = page_data(client, world.q4)
    data.update({f"c_{ca.pk}_status": "in_progress", f"c_{ca.pk}_progress": ""})
    response = client.post(reverse("return_detail", args=[world.q4.pk]), data)
    page = response.content.decode()
    assert "Corrective action for SS01 2025/26 Q3: say how it is going" in page
    assert not CorrectiveActionUpdate.objects.exists()


def test_only_its_owner_or_a_lead_gets_the_boxes_in_the_return(client, world, tracked):
    ca = tracked
    client.force_login(world.other_member)
    form = client.get(reverse("return_detail", args=[world.q4.pk])).context["form"]
    assert f"c_{ca.pk}_progress" not in form.fields
    client.force_login(world.member)
    form = client.get(reverse("return_detail", args=[world.q4.pk])).context["form"]
    assert f"c_{ca.pk}_progress" in form.fields


# --- its own page --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "nobody"])
def test_outsiders_get_a_404(client, world, tracked, who):
    client.force_login(world.person(who))
    assert client.get(url(tracked)).status_code == 404
    response = client.post(
        url(tracked), {"form": "close", "close-worked": "yes", "close-closing_note": "x"}
    )
    assert response.status_code == 404
    assert CorrectiveAction.objects.get(pk=tracked.pk).status == "open"


def test_a_viewer_reads_it_but_cannot_change_it(client, world, tracked):
    client.force_login(world.viewer)
    response = client.get(url(tracked))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Extra patrols in the two hotspots." in page and "Overdue" in page
    assert "Report progress" not in page and "Did it work?" not in page
    response = client.post(
        url(tracked), {"form": "progress", "progress-status": "open", "progress-progress": "x"}
    )
    assert response.status_code == 403
    assert not CorrectiveActionUpdate.objects.exists()


def test_the_owner_reports_progress_then_closes_it(client, world, tracked):
    client.force_login(world.member)
    page = client.get(url(tracked)).content.decode()
    assert "Report progress" in page and "Did it work?" in page
    response = client.post(
        url(tracked),
        {"form": "progress", "progress-status": "in_progress", "progress-progress": "Begun."},
    )
    assert response.status_code == 302
    update = CorrectiveActionUpdate.objects.get(corrective_action=tracked)
    assert (update.ret, update.progress, update.by) == (None, "Begun.", world.member)

    response = client.post(
        url(tracked),
        {"form": "close", "close-worked": "partly", "close-closing_note": "One ward better."},
    )
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert (tracked.status, tracked.worked, tracked.closed_by) == ("closed", "partly", world.member)
    page = client.get(url(tracked)).content.decode()
    assert "Did it work? Partly" in page and "One ward better." in page
    assert "Closed: partly" in page  # the history


def test_closing_without_saying_whether_it_worked_shows_the_errors(client, world, tracked):
    client.force_login(world.lead)
    response = client.post(url(tracked), {"form": "close", "close-closing_note": " "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Say whether the corrective action worked: yes, partly or no" in page
    assert "Say what it achieved, and what was learned" in page
    assert "This field is required" not in page
    assert len(assert_error_summary(page)) == 2  # each links to its box
    assert CorrectiveAction.objects.get(pk=tracked.pk).status == "open"


@pytest.mark.parametrize(
    "data",
    [
        {"form": "nonsense"},
        {"form": "reopen", "reopen-reason": "x"},  # not closed
        {"form": "progress", "progress-status": "closed", "progress-progress": "x"},
        {"form": "progress", "progress-status": "open", "progress-progress": "a\x00b"},
        {"form": "close", "close-worked": "maybe", "close-closing_note": "x" * 9000},
    ],
)
def test_hostile_posts_change_nothing(client, world, tracked, data):
    client.force_login(world.lead)
    response = client.post(url(tracked), data)
    assert response.status_code in (200, 302)
    tracked.refresh_from_db()
    assert (tracked.status, tracked.updates.count()) == ("open", 0)


def test_the_performance_team_reopens_a_closed_one(client, world, tracked):
    CorrectiveAction.objects.filter(pk=tracked.pk).update(
        status="closed",
        worked="yes",
        closing_note="Done.",
        closed_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    client.force_login(world.performance)
    response = client.post(url(tracked), {"form": "reopen", "reopen-reason": "It slipped."})
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert (tracked.status, tracked.closed_at) == ("in_progress", None)


# --- where it appears ---------------------------------------------------------------


def test_the_owner_sees_it_on_their_home_page_marked_overdue(client, world, tracked):
    client.force_login(world.member)
    page = client.get(reverse("home")).content.decode()
    assert "Corrective actions you own" in page
    assert f'href="{url(tracked)}"' in page
    assert "Overdue" in page.split("Corrective actions you own")[1].split("</section>")[0]
    client.force_login(world.other_member)
    assert "Corrective actions you own" not in client.get(reverse("home")).content.decode()


def test_the_indicator_and_the_plan_show_it_with_its_updates(client, world, tracked):
    CorrectiveActionUpdate.objects.create(
        corrective_action=tracked, ret=world.q4, status="in_progress", progress="Half done."
    )
    client.force_login(world.viewer)
    for page_url in (
        reverse("indicator", args=[world.indicator.pk]),
        reverse("plan_detail", args=[world.plan.pk]),
    ):
        page = client.get(page_url).content.decode()
        assert f'href="{url(tracked)}"' in page, page_url
        assert "Half done." in page and "Overdue" in page


def test_the_council_view_counts_open_and_overdue(client, world, tracked):
    client.force_login(world.performance)
    response = client.get(reverse("council_view"))
    [row] = [r for r in response.context["overview"].rows if r.partnership == world.partnership]
    assert (row.open_corrective, row.overdue_corrective) == (1, 1)
    assert "1 open, 1 overdue" in cell_texts(response.content.decode())
