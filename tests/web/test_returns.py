"""The quarter in the product: opening it, filling in, saving drafts, submitting,
signing off, returning, reopening, locking and conflicts — as each role does it."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import (
    ActionUpdate,
    CorrectiveAction,
    Indicator,
    ReportingRound,
    Result,
    Return,
    Target,
)
from goldenthread.core.services.returns import open_quarter
from goldenthread.rules import Period
from tests.conftest import make_indicator

Q3 = Period.parse("2025/26 Q3")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def key(indicator: Indicator, period: Period = Q3) -> str:
    return f"r_{indicator.pk}_{period.key}_"


def page_data(client, ret) -> dict:
    """The return page's form as it stands, ready to post back."""
    form = client.get(reverse("return_detail", args=[ret.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    return data


# --- the calendar -----------------------------------------------------------------------


def test_the_performance_team_opens_a_quarter_for_every_partnership(client, world):
    client.force_login(world.performance)
    # On 15 January Q4 is under way: opening it is confirmed (see the tests at the end).
    opening = {"period": "2025/26 Q4", "deadline": "", "early": "on"}
    response = client.post(reverse("quarter_open"), opening)
    assert response.status_code == 302
    round_ = ReportingRound.objects.get(period=Period.parse("2025/26 Q4"))
    assert round_.deadline == datetime.date(2026, 4, 30)  # last day of the month after
    assert set(round_.returns.values_list("partnership", flat=True)) == {
        world.partnership.pk,
        world.other.pk,
    }
    assert round_.returns.first().history.first().history_user == world.performance
    # Again: nothing new, nothing changed.
    client.post(reverse("quarter_open"), opening)
    assert round_.returns.count() == 2


@pytest.mark.parametrize(
    ("period", "deadline", "message"),
    [
        ("2025/26", "", "is not a quarter"),
        ("Q9 2025", "", "is not a period"),
        ("2025/26 Q4", "2026-03-01", "The deadline must fall after the quarter ends."),
    ],
)
def test_opening_a_quarter_refuses_bad_input(client, world, period, deadline, message):
    client.force_login(world.performance)
    response = client.post(reverse("quarter_open"), {"period": period, "deadline": deadline})
    assert message in response.content.decode()
    assert ReportingRound.objects.count() == 1


def test_the_calendar_lists_only_the_persons_own_returns(client, world):
    client.force_login(world.outsider)
    page = client.get(reverse("reporting_calendar")).content.decode()
    assert "Safer Streets Partnership" not in page
    client.force_login(world.member)
    assert "Safer Streets Partnership" in client.get(reverse("reporting_calendar")).content.decode()


def test_only_the_performance_team_opens_a_quarter(client, world):
    client.force_login(world.lead)
    assert client.post(reverse("quarter_open"), {"period": "2025/26 Q4"}).status_code == 403
    with pytest.raises(Exception, match="performance team"):
        open_quarter(period=Period.parse("2025/26 Q4"), by=world.lead)


# --- filling in -------------------------------------------------------------------------


def test_the_return_shows_target_previous_and_last_year(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("return_detail", args=[world.ret.pk]))
    page = response.content.decode()
    (due,) = response.context["contents"].results
    assert (due.indicator, due.period) == (world.indicator, Q3)
    assert due.target.value == 100 and due.previous.value == 103 and due.last_year.value == 98
    assert "Previous period (2025/26 Q2)" in page and "Same period last year (2024/25 Q3)" in page
    assert not response.context["can_edit"]  # a viewer reads


def test_a_member_saves_a_draft_and_the_history_says_who(client, world):
    client.force_login(world.member)
    data = page_data(client, world.ret)
    data[key(world.indicator) + "value"] = "97"
    data[key(world.indicator) + "commentary"] = "Two burglary series in November."
    data[f"a_{world.action.pk}_state"] = "at_risk"
    data[f"a_{world.action.pk}_percent"] = "40"
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 302
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    assert result.value == Decimal("97")
    assert result.history.first().history_user == world.member
    update = ActionUpdate.objects.get(action=world.action, ret=world.ret)
    assert (update.state, update.percent_complete) == ("at_risk", 40)
    world.action.refresh_from_db()
    assert world.action.state == "at_risk"

    # Saving the same again changes nothing and writes no history.
    before = result.history.count()
    client.post(reverse("return_detail", args=[world.ret.pk]), page_data(client, world.ret))
    assert result.history.count() == before


def test_nothing_typed_is_lost_when_an_entry_is_invalid(client, world):
    client.force_login(world.member)
    data = page_data(client, world.ret)
    data[key(world.indicator) + "value"] = "ninety"
    data[f"a_{world.action.pk}_percent"] = "55"
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    page = response.content.decode()
    assert "Enter a number, like 42 or 3.5" in page
    assert 'value="ninety"' in page
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal(
        "101"
    )  # untouched
    assert (
        ActionUpdate.objects.get(action=world.action).percent_complete == 55
    )  # the valid row saved
    world.ret.refresh_from_db()
    assert world.ret.draft == {key(world.indicator) + "value": "ninety"} | {
        name: value
        for name, value in world.ret.draft.items()
        if name != key(world.indicator) + "value"
    }
    # Coming back later: the draft is shown with its message.
    page = client.get(reverse("return_detail", args=[world.ret.pk])).content.decode()
    assert 'value="ninety"' in page and "Enter a number, like 42 or 3.5" in page


def test_a_member_cannot_report_what_they_do_not_own(client, world):
    indicator = make_indicator(
        world.partnership, "SS09", {"2025/26 Q3": ("5", None)}, owner=world.lead
    )
    client.force_login(world.member)
    form = client.get(reverse("return_detail", args=[world.ret.pk])).context["form"]
    assert key(indicator) + "value" not in form.fields
    assert key(world.indicator) + "value" in form.fields
    data = page_data(client, world.ret)
    data[key(indicator) + "value"] = "7"  # not offered, so ignored
    client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert not Result.objects.filter(indicator=indicator).exists()


def test_not_available_needs_a_reason(client, world):
    client.force_login(world.member)
    data = page_data(client, world.ret)
    data.pop(key(world.indicator) + "value")
    data[key(world.indicator) + "na"] = "on"
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert "Say why the result is not available" in response.content.decode()
    assert not Result.objects.get(indicator=world.indicator, period=Q3).not_available


# --- submitting -------------------------------------------------------------------------


def submit(client, ret, **changes):
    data = page_data(client, ret)
    data.update(changes)
    data["submit"] = "1"
    return client.post(reverse("return_detail", args=[ret.pk]), data)


def test_submitting_checks_results_commentary_and_corrective_actions(client, world):
    client.force_login(world.lead)
    k = key(world.indicator)
    # Red (80 against 100, beyond 5%) without commentary or a corrective action.
    response = submit(client, world.ret, **{k + "value": "80", k + "commentary": ""})
    page = response.content.decode()
    assert "SS01 2025/26 Q3 is red: say why, in the commentary." in page
    assert "add a corrective action saying what will change" in page
    world.ret.refresh_from_db()
    assert world.ret.status == "open"
    assert (
        Result.objects.get(indicator=world.indicator, period=Q3).value == 80
    )  # saved all the same

    response = submit(
        client,
        world.ret,
        **{
            k + "commentary": "A burglary series in two wards.",
            k + "ca_description": "Extra patrols and target hardening in both wards.",
            k + "ca_owner": str(world.member.pk),
            k + "ca_due": "2026-03-31",
            f"a_{world.action.pk}_state": "on_track",
            f"a_{world.action.pk}_percent": "50",
        },
    )
    assert response.status_code == 302
    world.ret.refresh_from_db()
    assert (world.ret.status, world.ret.submitted_by) == ("submitted", world.lead)
    assert CorrectiveAction.objects.get(ret=world.ret).owner == world.member
    assert world.ret.history.first().history_change_reason == "Submitted"


def test_a_missing_result_stops_submission(client, world):
    Result.objects.filter(indicator=world.indicator, period=Q3).delete()
    client.force_login(world.lead)
    response = submit(client, world.ret)
    assert "enter the result, or mark it not available and say why" in response.content.decode()
    world.ret.refresh_from_db()
    assert world.ret.status == "open"


def test_only_the_lead_submits(client, world):
    client.force_login(world.member)
    response = submit(client, world.ret)
    assert response.status_code == 302  # saved as a draft
    world.ret.refresh_from_db()
    assert world.ret.status == "open"


# --- signing off, returning, reopening --------------------------------------------------


@pytest.fixture
def submitted(client, world):
    client.force_login(world.lead)
    submit(
        client,
        world.ret,
        **{f"a_{world.action.pk}_state": "on_track", f"a_{world.action.pk}_percent": "50"},
    )
    world.ret.refresh_from_db()
    assert world.ret.status == "submitted"
    return world.ret


def test_the_performance_team_signs_off_and_the_results_lock(client, world, submitted):
    client.force_login(world.lead)
    assert (
        client.post(
            reverse("return_decide", args=[submitted.pk]), {"decision": "sign_off"}
        ).status_code
        == 403
    )
    client.force_login(world.performance)
    response = client.post(reverse("return_decide", args=[submitted.pk]), {"decision": "sign_off"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by) == ("signed_off", world.performance)

    client.force_login(world.lead)
    data = page_data(client, submitted)
    data[key(world.indicator) + "value"] = "50"
    response = client.post(reverse("return_detail", args=[submitted.pk]), data, follow=True)
    assert "signed off, so its results are locked" in response.content.decode()
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == 101


def test_returning_needs_a_reason_and_the_lead_can_resubmit(client, world, submitted):
    client.force_login(world.performance)
    response = client.post(
        reverse("return_decide", args=[submitted.pk]), {"decision": "return", "reason": ""}
    )
    assert "Say what needs to change" in response.content.decode()
    client.post(
        reverse("return_decide", args=[submitted.pk]),
        {"decision": "return", "reason": "Explain A1's delay"},
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.returned_reason) == ("returned", "Explain A1's delay")
    client.force_login(world.lead)
    page = client.get(reverse("return_detail", args=[submitted.pk])).content.decode()
    assert "Explain A1&#x27;s delay" in page
    submit(client, submitted, **{f"a_{world.action.pk}_commentary": "Delayed by the contractor."})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_reopening_needs_a_reason_and_is_recorded(client, world, submitted):
    client.force_login(world.performance)
    client.post(reverse("return_decide", args=[submitted.pk]), {"decision": "sign_off"})
    response = client.post(reverse("return_reopen", args=[submitted.pk]), {"reason": ""})
    assert "Say why the signed-off return is being reopened" in response.content.decode()
    client.post(
        reverse("return_reopen", args=[submitted.pk]), {"reason": "Police corrected the Q3 figure"}
    )
    submitted.refresh_from_db()
    assert submitted.status == "open"
    assert (
        submitted.history.first().history_change_reason
        == "Reopened: Police corrected the Q3 figure"
    )
    assert submitted.history.first().history_user == world.performance


# --- two people at once -----------------------------------------------------------------


def test_the_second_of_two_saves_is_refused_and_keeps_its_input(client, world):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(world.lead)
    second.force_login(world.member)
    lead_data = page_data(first, world.ret)
    member_data = page_data(second, world.ret)  # opened at the same version

    lead_data[key(world.indicator) + "value"] = "99"
    assert first.post(reverse("return_detail", args=[world.ret.pk]), lead_data).status_code == 302
    member_data[key(world.indicator) + "value"] = "95"
    response = second.post(reverse("return_detail", args=[world.ret.pk]), member_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this return" in page
    assert 'value="95"' in page  # their input is kept
    assert re.search(r"Saved result</dt><dd[^>]*>99\b", page)  # and the other change is shown
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == 99


# --- what I owe, and query counts -------------------------------------------------------


def test_members_see_what_they_owe_on_their_home_page(client, world):
    Result.objects.filter(indicator=world.indicator, period=Q3).delete()
    client.force_login(world.member)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert "What you owe" in page
    assert "SS01" in page and "A1" in page
    client.force_login(world.viewer)
    assert "What you owe" not in client.get(reverse("home")).content.decode()


def test_saving_a_return_takes_the_same_queries_for_5_or_25_indicators(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.lead)

    def grow(n, tag):
        for i in range(n):
            make_indicator(
                world.partnership, f"{tag}{i}", {"2025/26 Q3": ("10", None)}, owner=world.member
            )

    def save() -> int:
        data = page_data(client, world.ret)
        for name in data:
            if name.endswith("_value") and not data[name]:
                data[name] = "11"
        for name in list(data):
            if name.startswith("r_") and name.endswith("_value"):
                data[name] = str(Decimal(data[name]) + 1)
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.post(reverse("return_detail", args=[world.ret.pk]), data).status_code == 302
            )
        return len(queries)

    grow(4, "A")
    small = save()
    grow(20, "B")
    assert save() == small
    assert Target.objects.count() >= 25
    assert Return.objects.get(pk=world.ret.pk).draft == {}


def test_a_decision_must_be_chosen(client, world, submitted):
    client.force_login(world.performance)
    response = client.post(reverse("return_decide", args=[submitted.pk]), {"decision": "maybe"})
    assert response.status_code == 200
    response = client.post(reverse("return_decide", args=[submitted.pk]), {})
    assert "Choose whether to sign the return off or return it" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


# --- opening a quarter early, or again (issue 12, judgement 7) ------------------------------


def test_opening_a_quarter_that_has_not_ended_asks_for_confirmation(client, world):
    client.force_login(world.performance)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, 0), tick=False):
        client.force_login(world.performance)
        asked = client.post(reverse("quarter_open"), {"period": "2026/27 Q3", "deadline": ""})
        html = asked.content.decode()
        assert asked.status_code == 200
        assert not ReportingRound.objects.filter(period=Period.parse("2026/27 Q3")).exists()
        assert "2026/27 Q3 has not ended yet: it ends on 31 December 2026." in html
        assert 'href="#id_early"' in html  # the error summary links to the confirmation
        assert 'type="checkbox" name="early"' in html
        assert "Open the quarter early</button>" in html

        confirmed = client.post(
            reverse("quarter_open"), {"period": "2026/27 Q3", "deadline": "", "early": "on"}
        )
        assert confirmed.status_code == 302
        round_ = ReportingRound.objects.get(period=Period.parse("2026/27 Q3"))
        assert round_.returns.count() == 2
        page = client.get(confirmed.url).content.decode()
    assert "2026/27 Q3 is open: every partnership has a return due 31 January 2027." in page


def test_the_form_does_not_ask_for_confirmation_until_it_is_needed(client, world):
    client.force_login(world.performance)
    html = client.get(reverse("quarter_open")).content.decode()
    assert 'name="early"' not in html


def test_reopening_an_open_quarter_says_so_instead_of_success(client, world):
    client.force_login(world.performance)
    response = client.post(
        reverse("quarter_open"), {"period": "2025/26 Q3", "deadline": ""}, follow=True
    )
    html = response.content.decode()
    assert "2025/26 Q3 is already open. 1 partnership without a return now has one" in html
    again = client.post(
        reverse("quarter_open"), {"period": "2025/26 Q3", "deadline": ""}, follow=True
    ).content.decode()
    assert "2025/26 Q3 is already open: nothing has changed." in again
    assert "Success" not in again
    assert ReportingRound.objects.filter(period=Period.parse("2025/26 Q3")).count() == 1
