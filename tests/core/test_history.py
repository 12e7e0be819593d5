"""Bringing a partnership's past in (goldenthread.core.services.history): what it records,
that loading the same past twice writes nothing, and what it leaves to the product itself
(a return's results, a plan's targets, progress once returns begin). Who may call each
service is checked with every other service in test_service_permissions.py."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goldenthread.core.models import Plan, Result, Return, Target
from goldenthread.core.planning import smart_report
from goldenthread.core.services.history import (
    RESULTS_REASON,
    PastResult,
    periods_reported_in_returns,
    record_past_approval,
    record_past_progress,
    record_past_results,
    record_past_targets,
)
from goldenthread.rules import ActionState, Period

P = Period.parse


def test_it_records_past_results_once_and_puts_back_what_changed(world):
    past = {P("2023/24 Q1"): PastResult(Decimal("90")), P("2023/24 Q2"): PastResult(Decimal("95"))}
    assert record_past_results(indicator=world.indicator, by=world.member, results=past) == 2
    result = Result.objects.get(indicator=world.indicator, period=P("2023/24 Q1"))
    assert (result.value, result.entered_by) == (90, world.member)
    entry = result.history.get()
    assert (entry.history_user, entry.history_change_reason) == (world.member, RESULTS_REASON)

    assert record_past_results(indicator=world.indicator, by=world.member, results=past) == 0
    assert result.history.count() == 1

    Result.objects.filter(pk=result.pk).update(value=Decimal("1"))
    assert record_past_results(indicator=world.indicator, by=world.lead, results=past) == 1
    result.refresh_from_db()
    assert (result.value, result.entered_by) == (90, world.lead)


def test_it_leaves_a_returns_results_and_periods_not_over_to_the_returns(world):
    assert P("2025/26 Q3") in periods_reported_in_returns(world.indicator)
    for period, message in [
        (P("2025/26 Q3"), "a quarterly return reports this period"),
        (P("2040/41 Q1"), "has not ended yet"),
        (P("2023/24"), "is not a quarterly period"),
    ]:
        with pytest.raises(ValidationError, match=message):
            record_past_results(
                indicator=world.indicator,
                by=world.member,
                results={P("2023/24 Q1"): PastResult(Decimal("1")), period: PastResult(1)},
            )
    # All or nothing: the good row was not written either.
    assert not Result.objects.filter(indicator=world.indicator, period=P("2023/24 Q1")).exists()


def test_it_refuses_a_result_too_big_to_keep(world):
    with pytest.raises(ValidationError, match="SS01 2023/24 Q1"):
        record_past_results(
            indicator=world.indicator,
            by=world.member,
            results={P("2023/24 Q1"): PastResult(Decimal("1e15"))},
        )


def test_it_records_past_targets_before_the_plans_only(world):
    targets = {P("2022/23 Q1"): (Decimal("80"), None)}
    assert record_past_targets(indicator=world.indicator, by=world.member, targets=targets) == 1
    target = Target.objects.get(indicator=world.indicator, period=P("2022/23 Q1"))
    assert (target.value, target.set_by) == (80, world.member)
    assert record_past_targets(indicator=world.indicator, by=world.member, targets=targets) == 0

    with pytest.raises(ValidationError, match="a plan of the partnership covers this period"):
        record_past_targets(
            indicator=world.indicator,
            by=world.member,
            targets={P("2024/25 Q1"): (Decimal("80"), None)},
        )
    with pytest.raises(ValidationError, match="upper edge of the band is below the target"):
        record_past_targets(
            indicator=world.indicator,
            by=world.member,
            targets={P("2021/22 Q1"): (Decimal("80"), Decimal("70"))},
        )


def test_a_past_approval_is_dated_the_day_the_plan_was_agreed(world):
    day = datetime.date(2025, 5, 1)
    plan = world.draft_plan
    reasons = {item.key: "Agreed on the day." for item in smart_report(plan, day).failures}
    record_past_approval(plan=plan, by=world.lead, approved_on=day, reasons=reasons)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.approved_by == world.lead
    assert timezone.localdate(plan.approved_at) == day
    assert plan.history.first().history_change_reason.startswith("Approved on 1 May 2025")
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.SUPERSEDED


def test_a_past_approval_needs_the_smart_reasons_and_a_past_day(world):
    plan = world.draft_plan
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="today or a day already past"):
        record_past_approval(plan=plan, by=world.lead, approved_on=tomorrow, reasons={})
    if smart_report(plan, datetime.date(2025, 5, 1)).failures:
        with pytest.raises(ValidationError):
            record_past_approval(
                plan=plan, by=world.lead, approved_on=datetime.date(2025, 5, 1), reasons={}
            )
    plan.refresh_from_db()
    assert plan.is_draft


def test_progress_is_recorded_before_the_first_return_and_never_after(world):
    with pytest.raises(ValidationError, match="reports progress in its quarterly returns"):
        record_past_progress(
            action=world.action, by=world.member, state=ActionState.AT_RISK, percent_complete=40
        )
    Return.objects.filter(pk=world.ret.pk).delete()

    done = datetime.date(2025, 6, 20)
    record_past_progress(
        action=world.action,
        by=world.member,
        state=ActionState.COMPLETED,
        percent_complete=100,
        completed_on=done,
    )
    world.action.refresh_from_db()
    assert (world.action.state, world.action.percent_complete) == ("completed", 100)
    assert world.action.completed_on == done
    entries = world.action.history.count()
    record_past_progress(
        action=world.action,
        by=world.member,
        state=ActionState.COMPLETED,
        percent_complete=100,
        completed_on=done,
    )
    assert world.action.history.count() == entries

    with pytest.raises(ValidationError, match="Say why A1 was stopped"):
        record_past_progress(
            action=world.action, by=world.lead, state=ActionState.CANCELLED, percent_complete=10
        )
    with pytest.raises(ValidationError, match="only a completed one, has a date"):
        record_past_progress(
            action=world.action, by=world.lead, state=ActionState.COMPLETED, percent_complete=100
        )
