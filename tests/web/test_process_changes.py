"""Process changes on the indicator page (issue 12, judgement 4: recalculating the process
chart's limits after a change): who sees and uses the form, its errors, the list of
changes with who marked them, the table's parts, removing one, and hostile input."""

import pytest
from django.urls import reverse

from goldenthread.core.models import ProcessChange
from goldenthread.core.services.process_changes import mark_process_change
from goldenthread.rules import Period
from tests.conftest import make_indicator, quarters
from tests.web.error_summary import assert_error_summary

Q2 = Period.parse("2025/26 Q2")
STEP = [20, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19, 30, 31, 29, 30, 32, 30, 29, 31, 30]


def mark_url(indicator):
    return reverse("process_change_mark", args=[indicator.pk])


def post(client, indicator, period="2025-Q2", reason="New triage service started"):
    return client.post(
        mark_url(indicator),
        {"process_change-period": period, "process_change-reason": reason},
    )


@pytest.fixture
def stepped(world):
    return make_indicator(
        world.partnership, "SPC2", quarters("2019/20 Q1", STEP), owner=world.member
    )


def test_an_outsider_finds_nothing(client, world):
    client.force_login(world.outsider)
    assert post(client, world.indicator).status_code == 404
    assert client.get(mark_url(world.indicator)).status_code == 404
    change = world.process_change
    remove = reverse("process_change_remove", args=[change.pk])
    assert client.post(remove).status_code == 404
    assert ProcessChange.objects.filter(pk=change.pk).exists()


@pytest.mark.parametrize("who", ["viewer", "other_member"])
def test_a_viewer_or_another_member_is_refused(client, world, who):
    client.force_login(world.person(who))
    assert post(client, world.indicator).status_code == 403
    change = world.process_change
    assert client.post(reverse("process_change_remove", args=[change.pk])).status_code == 403
    assert list(ProcessChange.objects.values_list("pk", flat=True)) == [change.pk]
    # The page shows the change, without the form or the remove link.
    page = client.get(reverse("indicator", args=[world.indicator.pk])).content.decode()
    assert "New triage service started" in page
    assert 'id="process-change-form"' not in page
    assert reverse("process_change_remove", args=[change.pk]) not in page


@pytest.mark.parametrize("who", ["member", "lead", "performance"])
def test_the_owner_a_lead_or_the_performance_team_marks_a_change(client, world, who):
    client.force_login(world.person(who))
    page = client.get(reverse("indicator", args=[world.indicator.pk])).content.decode()
    assert 'id="process-change-form"' in page
    response = post(client, world.indicator)
    assert response.status_code == 302
    assert response.url == reverse("indicator", args=[world.indicator.pk]) + "#process-changes"
    change = ProcessChange.objects.get()
    assert (change.period, change.created_by) == (Q2, world.person(who))
    assert change.history.get().history_user == world.person(who)


def test_the_page_lists_the_changes_and_the_table_says_each_periods_part(client, world, stepped):
    mark_process_change(
        indicator=stepped,
        period=Period.parse("2022/23 Q1"),
        reason="New triage service started",
        by=world.member,
    )
    client.force_login(world.viewer)
    page = client.get(reverse("indicator", args=[stepped.pk])).content.decode()
    assert 'id="process-changes-table"' in page
    assert "New triage service started" in page and str(world.member) in page
    assert '<th scope="col" class="govuk-table__header">Part</th>' in page
    assert "The limits are recalculated from each process change (2022/23 Q1)" in page
    assert "so their lines break there" in page


def test_removing_a_change_asks_first_then_removes_it(client, world):
    change = world.process_change
    url = reverse("process_change_remove", args=[change.pk])
    client.force_login(world.lead)
    page = client.get(reverse("indicator", args=[world.indicator.pk])).content.decode()
    assert url in page
    assert "Remove the process change at 2025/26 Q2?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not ProcessChange.objects.exists()
    assert ProcessChange.history.filter(history_type="-").get().history_user == world.lead


@pytest.mark.parametrize(
    ("period", "reason", "field", "says"),
    [
        ("", "New service", "period", "SS01: choose the first period of the new process"),
        ("2024-Q3", "New service", "period", "SS01: choose a period from the list"),
        ("2025-Q2", "", "reason", "SS01: say what changed in the process"),
    ],
)
def test_errors_are_next_to_the_field_and_in_the_summary(
    client, world, period, reason, field, says
):
    client.force_login(world.member)
    response = post(client, world.indicator, period=period, reason=reason)
    assert response.status_code == 200
    page = response.content.decode()
    texts = assert_error_summary(page)
    assert says in texts
    assert f'href="#id_process_change-{field}"' in page
    assert not ProcessChange.objects.exists()


def test_a_period_already_marked_is_refused_next_to_the_field(client, world):
    world.process_change  # noqa: B018 - made at 2025/26 Q2
    client.force_login(world.member)
    page = post(client, world.indicator).content.decode()
    assert "SS01: a change is already marked at 2025/26 Q2" in assert_error_summary(page)
    assert ProcessChange.objects.count() == 1


@pytest.mark.parametrize(
    "period",
    ["\x00", "2025-Q9", "x" * 10_000, "2025/26 Q2", "<script>", "9999-Q1", "-1"],
)
def test_hostile_input_is_refused_without_an_error_page(client, world, period):
    client.force_login(world.member)
    response = post(client, world.indicator, period=period, reason="\u202eNew\x00")
    assert response.status_code == 200
    assert not ProcessChange.objects.exists()
    assert client.post(reverse("process_change_remove", args=[999999])).status_code == 404
