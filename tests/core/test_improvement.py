"""Improvement plans for under-performance, without HTTP: the trigger (red two quarters
running, computed from results and targets), starting a plan and closing it with a reason
through the services, after which only a later pair of red periods asks again, and the
banner that shows the trigger or the open plan until it is closed. The pages:
tests/web/test_improvement.py."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from goldenthread.core.improvement import improvement_banner, improvement_needed, trigger_for
from goldenthread.core.models import Action, ImprovementPlan, Objective, Result, Target
from goldenthread.core.services.improvement import close_improvement_plan
from goldenthread.rules import Period
from tests.conftest import AMBER, GREEN, RED, make_indicator, quarterly, start


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def no_sample_plans(world):
    # The world may carry a sample plan for the URL walk; these tests start from none.
    ImprovementPlan.objects.all().delete()


def codes(triggers) -> list[str]:
    return [t.indicator.code for t in triggers]


# --- The trigger -------------------------------------------------------------------------


def test_two_reds_running_ask_for_a_plan(world):
    indicator = quarterly(world, "T1", {"2025/26 Q1": GREEN, "2025/26 Q2": RED, "2025/26 Q3": RED})
    [trigger] = improvement_needed(world.partnership)
    assert trigger.indicator == indicator
    assert trigger.earlier.period == Period.parse("2025/26 Q2")
    assert trigger.later.period == trigger.period == Period.parse("2025/26 Q3")
    assert trigger.later.value == Decimal("90")
    assert trigger.later.target == Decimal("100")
    assert trigger.description == "red in 2025/26 Q2 and 2025/26 Q3"


@pytest.mark.parametrize(
    "results",
    [
        {"2025/26 Q3": RED},  # one red
        {"2025/26 Q2": GREEN, "2025/26 Q3": RED},
        {"2025/26 Q1": RED, "2025/26 Q2": AMBER, "2025/26 Q3": RED},  # red, amber, red
        {"2025/26 Q1": RED, "2025/26 Q2": RED, "2025/26 Q3": GREEN},  # recovered
        {"2025/26 Q1": RED, "2025/26 Q3": RED},  # a gap is not "running"
        {"2025/26 Q2": AMBER, "2025/26 Q3": AMBER},
    ],
    ids=["one red", "green then red", "red amber red", "recovered", "gap", "amber amber"],
)
def test_it_does_not_fire_otherwise(world, results):
    quarterly(world, "T1", results)
    assert improvement_needed(world.partnership) == []


def test_without_targets_nothing_is_red(world):
    quarterly(world, "T1", {"2025/26 Q2": "1", "2025/26 Q3": "1"}, target=None)
    assert improvement_needed(world.partnership) == []


def test_a_missing_target_for_one_period_stops_it(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    Target.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q2")).delete()
    assert improvement_needed(world.partnership) == []


def test_a_not_available_result_is_not_the_latest(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    Result.objects.create(
        indicator=indicator,
        period=Period.parse("2025/26 Q4"),
        not_available=True,
        not_available_reason="Data late",
    )
    assert codes(improvement_needed(world.partnership)) == ["T1"]


def test_lower_is_better_uses_polarity(world):
    make_indicator(
        world.partnership,
        "LOW",
        {"2025/26 Q2": ("100", "120"), "2025/26 Q3": ("100", "111")},
        polarity="lower",
    )
    assert codes(improvement_needed(world.partnership)) == ["LOW"]


def test_annual_indicators_need_two_years_running(world):
    make_indicator(
        world.partnership,
        "YEAR",
        {"2023/24": ("100", "90"), "2024/25": ("100", "90")},
        frequency="annual",
    )
    make_indicator(
        world.partnership,
        "ONCE",
        {"2023/24": ("100", "100"), "2024/25": ("100", "90")},
        frequency="annual",
    )
    [trigger] = improvement_needed(world.partnership)
    assert (trigger.indicator.code, trigger.description) == (
        "YEAR",
        "red in 2023/24 and 2024/25",
    )


def test_monthly_indicators_look_at_the_months_that_end_quarters(world):
    months = {
        "Sep 2025": ("100", "90"),
        "Oct 2025": ("100", "100"),
        "Nov 2025": ("100", "100"),
        "Dec 2025": ("100", "90"),
    }
    make_indicator(world.partnership, "MON", months, frequency="monthly")
    [trigger] = improvement_needed(world.partnership)
    assert trigger.description == "red in Sep 2025 and Dec 2025"


def test_two_red_months_inside_a_quarter_are_not_enough(world):
    months = {
        "Sep 2025": ("100", "100"),
        "Oct 2025": ("100", "90"),
        "Nov 2025": ("100", "90"),
        "Dec 2025": ("100", "90"),
    }
    make_indicator(world.partnership, "MON", months, frequency="monthly")
    assert improvement_needed(world.partnership) == []


def test_a_band_target_uses_its_upper_edge(world):
    indicator = make_indicator(world.partnership, "BAND", {}, polarity="band")
    for label, value in (("2025/26 Q2", "130"), ("2025/26 Q3", "130")):
        period = Period.parse(label)
        Target.objects.create(indicator=indicator, period=period, value=100, upper=110)
        Result.objects.create(indicator=indicator, period=period, value=Decimal(value))
    assert codes(improvement_needed(world.partnership)) == ["BAND"]


def test_other_partnerships_indicators_are_not_listed(world):
    make_indicator(world.other, "OT9", {"2025/26 Q2": ("100", "90"), "2025/26 Q3": ("100", "90")})
    assert improvement_needed(world.partnership) == []
    assert codes(improvement_needed(world.other)) == ["OT9"]


def test_trigger_for_one_indicator(world):
    red = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    assert trigger_for(red).period == Period.parse("2025/26 Q3")
    assert trigger_for(world.indicator) is None


# --- Starting and closing through the services -------------------------------------------


def test_an_open_plan_answers_the_trigger_until_closed(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator)
    assert plan.triggered_by == Period.parse("2025/26 Q3")
    assert list(plan.actions.all()) == [world.action]
    assert improvement_needed(world.partnership) == []
    record = plan.history.first()
    assert record.history_user == world.member
    assert "red in 2025/26 Q2 and 2025/26 Q3" in record.history_change_reason

    # Still red next quarter: the open plan still answers it.
    Target.objects.create(indicator=indicator, period=Period.parse("2025/26 Q4"), value=100)
    Result.objects.create(indicator=indicator, period=Period.parse("2025/26 Q4"), value=90)
    assert improvement_needed(world.partnership) == []

    close_improvement_plan(plan=plan, by=world.lead, reason="Replaced by a joint plan.")
    # Closed: Q3 and Q4 are a later pair than the one that asked for it.
    [trigger] = improvement_needed(world.partnership)
    assert trigger.period == Period.parse("2025/26 Q4")


def test_closing_does_not_ask_again_for_the_same_pair(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator)
    close_improvement_plan(plan=plan, by=world.lead, reason="Back on track, we expect.")
    assert improvement_needed(world.partnership) == []
    with pytest.raises(ValidationError, match="does not need an improvement plan"):
        start(world, indicator)


def test_closing_needs_a_reason(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator)
    with pytest.raises(ValidationError, match="Enter why"):
        close_improvement_plan(plan=plan, by=world.lead, reason="   ")
    plan.refresh_from_db()
    assert plan.closed_at is None


def test_no_plan_without_a_trigger(world):
    with pytest.raises(ValidationError, match="does not need an improvement plan"):
        start(world, world.indicator)
    assert not ImprovementPlan.objects.exists()


def test_one_open_plan_at_a_time(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    start(world, indicator)
    with pytest.raises(ValidationError, match="already has an open improvement plan"):
        start(world, indicator)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": "  "}, "summary"),
        ({"review_date": datetime.date(2026, 1, 14)}, "review_date"),
    ],
)
def test_the_service_checks_what_it_is_given(world, changes, field):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    with pytest.raises(ValidationError) as error:
        start(world, indicator, **changes)
    assert field in error.value.message_dict


def test_the_owner_must_be_a_lead_or_member(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    for owner in (world.viewer, world.outsider):
        with pytest.raises(ValidationError) as error:
            start(world, indicator, owner=owner)
        assert "owner" in error.value.message_dict


def test_actions_must_be_of_the_approved_plan(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    other_action = Action.objects.create(
        objective=Objective.objects.get(plan__partnership=world.other), ref="A9", title="Theirs"
    )
    for action in (world.draft_action, other_action):
        with pytest.raises(ValidationError) as error:
            start(world, indicator, actions=[action])
        assert "actions" in error.value.message_dict


def test_finished_actions_are_not_offered(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    world.action.state = "completed"
    world.action.save()
    with pytest.raises(ValidationError) as error:
        start(world, indicator, actions=[world.action])
    assert "actions" in error.value.message_dict


# --- The banner --------------------------------------------------------------------------


def banner_html(world, user, indicator=None) -> str:
    banner = improvement_banner(
        user, world.partnership, today=datetime.date(2026, 1, 15), indicator=indicator
    )
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "web/lessons/_improvement_banner.html", {"banner": banner}, request=request
    )


def test_the_banner_asks_for_a_plan_and_offers_it_to_who_may_start_it(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    create_url = reverse("improvement_create", args=[indicator.pk])
    html = banner_html(world, world.member)
    assert "1 indicator needs an improvement plan" in html
    assert "T1 Indicator T1</a> was red in 2025/26 Q2 and 2025/26 Q3" in html
    assert create_url in html
    for user in (world.other_member, world.viewer, world.performance):
        html = banner_html(world, user)
        assert "red in 2025/26 Q2 and 2025/26 Q3" in html
        assert create_url not in html
        assert "Its owner (Member Tester) or a lead can start the plan." in html


def test_the_banner_shows_the_open_plan_until_it_is_closed(world):
    indicator = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    plan = start(world, indicator, review_date=datetime.date(2026, 1, 15))
    plan.review_date = datetime.date(2026, 1, 14)  # reviews can fall overdue
    plan.save()
    html = banner_html(world, world.viewer)
    assert "needs an improvement plan" not in html
    assert "Open improvement plans" in html
    assert "T1 Indicator T1: owned by Member Tester, review by 14 January 2026" in html
    assert "Review overdue" in html
    assert reverse("improvement_detail", args=[plan.pk]) in html
    html = banner_html(world, world.viewer, indicator=indicator)
    assert "Open improvement plan" in html and "T1 Indicator T1:" not in html

    close_improvement_plan(plan=plan, by=world.lead, reason="Done")
    assert banner_html(world, world.viewer).strip() == ""


def test_an_indicator_banner_shows_only_that_indicator(world):
    red = quarterly(world, "T1", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    quarterly(world, "T2", {"2025/26 Q2": RED, "2025/26 Q3": RED})
    html = banner_html(world, world.lead, indicator=red)
    assert "This indicator needs an improvement plan" in html
    assert "T1 was red" in html and "T2" not in html
    assert banner_html(world, world.lead, indicator=world.indicator).strip() == ""
    assert "2 indicators need an improvement plan" in banner_html(world, world.lead)


# --- Query counts ------------------------------------------------------------------------


def grow(world, indicators: int, tag: str) -> None:
    for n in range(indicators):
        indicator = quarterly(world, f"{tag}{n}", {"2025/26 Q2": RED, "2025/26 Q3": RED})
        if n % 2:
            ImprovementPlan.objects.create(
                indicator=indicator,
                triggered_by=Period.parse("2025/26 Q3"),
                summary="Plan",
                owner=world.member,
                review_date=datetime.date(2026, 3, 31),
            )


def test_improvement_needed_query_count_does_not_grow(world, django_assert_num_queries):
    grow(world, 2, "S")
    with django_assert_num_queries(4):
        assert len(improvement_needed(world.partnership)) == 1
    grow(world, 12, "L")
    with django_assert_num_queries(4):
        assert len(improvement_needed(world.partnership)) == 7


def test_banner_query_count_does_not_grow(world, django_assert_num_queries):
    grow(world, 2, "S")
    world.lead.__dict__.pop("_roles", None)
    with django_assert_num_queries(5):
        banner_html(world, world.lead)
    grow(world, 12, "L")
    world.lead.__dict__.pop("_roles", None)
    with django_assert_num_queries(5):
        banner_html(world, world.lead)
