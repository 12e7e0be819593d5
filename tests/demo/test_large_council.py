"""The large council generator (goldenthread.demo.large) at a tiny size: its data hangs
together, and its people can sign in and use the pages the load test uses, through the
same forms (scripts/load/load_forms.py reads them as locust does)."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from goldenthread.core.models import (
    Action,
    Comment,
    Indicator,
    Membership,
    Objective,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    Risk,
    Target,
    User,
)
from goldenthread.demo.large import (
    PASSWORD,
    PERFORMANCE_TEAM,
    Size,
    lead_username,
    load_large_council,
    partnership_name,
    performance_username,
)
from goldenthread.rules import Frequency, latest_ended
from scripts.load import load_forms

TODAY = datetime.date(2026, 1, 15)
LATEST = latest_ended(Frequency.QUARTERLY, TODAY)
TINY = Size(partnerships=2, indicators=4, quarters=8, people=30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def council(db):
    return load_large_council(size=TINY, today=TODAY)


def test_it_makes_consistent_data_at_a_tiny_size(council):
    assert (council.partnerships, council.indicators, council.people) == (2, 8, 30)
    assert Partnership.objects.count() == 2 and Indicator.objects.count() == 8
    # Every quarter has a target; every quarter but the latest a result, and the latest
    # half of them, for the open return to fill in.
    assert Target.objects.count() == council.targets == 8 * 8
    assert Result.objects.count() == council.results == 8 * 7 + 4
    assert Result.objects.filter(period=LATEST).count() == 4
    assert set(Target.objects.values_list("period", flat=True)) == set(
        Result.objects.values_list("period", flat=True)
    )
    assert User.objects.filter(is_performance_team=True).count() == PERFORMANCE_TEAM
    assert ReportingRound.objects.latest("period").period == LATEST
    for n, partnership in enumerate(Partnership.objects.order_by("name")):
        assert partnership.name == partnership_name(n)
        lead = User.objects.get(username=lead_username(n))
        assert partnership.lead_link_officer == lead
        roles = list(partnership.memberships.values_list("role", flat=True))
        assert sorted(roles) == ["lead", "member", "member", "member", "member", "viewer", "viewer"]
        assert Membership.objects.get(partnership=partnership, role="lead").person == lead
        members = set(partnership.memberships.values_list("person", flat=True))
        assert set(partnership.indicators.values_list("owner", flat=True)) <= members
        returns = partnership.returns.order_by("round__period")
        assert [r.status for r in returns] == ["signed_off"] * 3 + ["open"]
        plan = Plan.objects.get(partnership=partnership)
        assert plan.status == "approved" and plan.covers(LATEST)
        assert Objective.objects.filter(plan=plan).count() == 8
        assert Action.objects.filter(objective__plan=plan).count() == 24
        assert Risk.objects.filter(partnership=partnership).count() == 5
        linked = Indicator.objects.filter(objectives__plan=plan)
        assert linked.exists() and not linked.exclude(partnership=partnership).exists()
        assert Comment.objects.filter(partnership=partnership).count() == 3
    # One hash for everyone: the load test signs each of them in with the same password.
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    assert authenticate(username=lead_username(1), password=PASSWORD) is not None


def test_it_refuses_to_load_twice(council):
    with pytest.raises(ValueError, match="loaded already"):
        load_large_council(size=TINY, today=TODAY)
    assert Partnership.objects.count() == 2


def test_it_refuses_sizes_without_room_for_the_people(db):
    with pytest.raises(ValueError, match="people"):
        Size(partnerships=20, people=30)
    assert not Partnership.objects.exists()


def sign_in(username: str) -> Client:
    """Through the sign-in form, with its CSRF token, as the load test does."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("sign_in_password"))
    response = client.post(
        reverse("sign_in_password"),
        {
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
            "login": username,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    return client


def posted(fields: list[tuple[str, str]]) -> dict:
    data = dict(fields)
    assert data["csrfmiddlewaretoken"]  # the form's own token, not one the test made up
    return data


def test_its_pages_work_for_its_people(council):
    lead = sign_in(lead_username(0))
    partnership = Partnership.objects.get(name=partnership_name(0))
    ret = partnership.returns.get(round__period=LATEST)
    indicator = partnership.indicators.order_by("code").first()
    for url in (
        reverse("home"),
        reverse("partnership", args=[partnership.pk]),
        reverse("indicator", args=[indicator.pk]),
        reverse("return_detail", args=[ret.pk]),
    ):
        assert lead.get(url).status_code == 200, url

    # Saving the return's draft through its form, as the load test does.
    page = lead.get(reverse("return_detail", args=[ret.pk])).content.decode()
    typed = load_forms.return_draft(page, random.Random(1))
    changed = {
        name: value
        for name, value in typed
        if name.endswith("_value") and value and name.endswith(f"{LATEST.key}_value")
    }
    assert changed
    response = lead.post(reverse("return_detail", args=[ret.pk]), posted(typed))
    assert response.status_code == 302
    for name, value in changed.items():
        indicator_id = int(name.split("_")[1])
        assert Result.objects.get(indicator_id=indicator_id, period=LATEST).value == Decimal(value)
    assert Return.objects.get(pk=ret.pk).status == "open"

    # And a comment on an indicator through the indicator page's form.
    page = lead.get(reverse("indicator", args=[indicator.pk])).content.decode()
    action, fields = load_forms.comment(page, "Checked under load.")
    assert lead.post(action, posted(fields)).status_code == 302
    assert Comment.objects.filter(indicator=indicator, body="Checked under load.").exists()

    performance = sign_in(performance_username(3))
    response = performance.get(reverse("council_view"))
    assert response.status_code == 200
    assert partnership_name(1) in response.content.decode()
    page = performance.get(reverse("return_detail", args=[ret.pk])).content.decode()
    action, fields = load_forms.comment(page, "Looked at by the team.")
    assert performance.post(action, posted(fields)).status_code == 302
    assert Comment.objects.filter(ret=ret, body="Looked at by the team.").exists()


def test_the_command_loads_it_and_says_how_to_sign_in(db, capsys):
    call_command(
        "load_large_council", "--partnerships=2", "--indicators=3", "--quarters=5", "--people=20"
    )
    out = capsys.readouterr().out
    assert "2 partnerships, 6 indicators" in out and PASSWORD in out
    assert Indicator.objects.count() == 6 and Target.objects.count() == 30
    with pytest.raises(CommandError, match="loaded already"):
        call_command("load_large_council", "--partnerships=2", "--people=20")
