"""Process changes (issue 12, judgement 4: "recalculating limits after a change"): the
service that marks and removes them, who may, what it refuses, its audit rows, and the
process chart and table they split into parts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.analysis import indicator_spc
from goldenthread.core.charts.spc import spc_chart
from goldenthread.core.models import ProcessChange
from goldenthread.core.performance import indicator_history
from goldenthread.core.services.process_changes import (
    mark_process_change,
    markable_periods,
    remove_process_change,
)
from goldenthread.rules import Period
from tests.conftest import analyse, make_indicator, quarters

Q2 = Period.parse("2025/26 Q2")


def mark(world, by, period=Q2, reason="New triage service started", indicator=None):
    return mark_process_change(
        indicator=indicator or world.indicator, period=period, reason=reason, by=by
    )


# The service


@pytest.mark.parametrize("who", ["member", "lead", "performance"])
def test_the_owner_the_leads_and_the_performance_team_mark_a_change(world, who):
    change = mark(world, world.person(who))
    change.refresh_from_db()
    assert (change.indicator, change.period) == (world.indicator, Q2)
    assert change.reason == "New triage service started"
    assert change.created_by == world.person(who)
    entry = change.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == world.person(who)
    assert entry.history_change_reason == "Process change marked at 2025/26 Q2"


@pytest.mark.parametrize("who", ["other_member", "viewer", "outsider", "nobody"])
def test_others_may_not_mark_a_change(world, who):
    with pytest.raises(PermissionDenied):
        mark(world, world.person(who))
    assert not ProcessChange.objects.exists()


def test_no_change_is_marked_in_a_closed_partnership(world):
    world.partnership.closed_on, world.partnership.closed_reason = Q2.end, "Merged"
    world.partnership.save()
    with pytest.raises(PermissionDenied):
        mark(world, world.lead)
    assert not ProcessChange.objects.exists()


def test_the_period_must_have_a_result_and_not_be_the_first(world):
    # SS01 has results for 2024/25 Q3, 2025/26 Q2 and 2025/26 Q3.
    assert [p.label for p in markable_periods(world.indicator)] == ["2025/26 Q2", "2025/26 Q3"]
    for period in (
        Period.parse("2024/25 Q3"),
        Period.parse("2025/26 Q1"),
        Period.parse("Apr 2025"),
    ):
        with pytest.raises(ValidationError) as refused:
            mark(world, world.member, period=period)
        assert "SS01" in refused.value.message_dict["period"][0]
    with pytest.raises(ValidationError) as refused:
        mark(world, world.member, period=None)
    assert refused.value.message_dict["period"] == [
        "SS01: choose the first period of the new process"
    ]
    assert not ProcessChange.objects.exists()


@pytest.mark.parametrize(
    ("reason", "says"),
    [("", "say what changed"), ("   ", "say what changed"), ("x" * 501, "500"),
     ("New\x00service", "control characters")],
)  # fmt: skip
def test_the_reason_is_required_and_safe(world, reason, says):
    with pytest.raises(ValidationError) as refused:
        mark(world, world.member, reason=reason)
    assert says in refused.value.message_dict["reason"][0]
    assert refused.value.message_dict["reason"][0].startswith("SS01")
    assert not ProcessChange.objects.exists()


def test_one_change_per_period(world):
    mark(world, world.member)
    with pytest.raises(ValidationError) as refused:
        mark(world, world.lead, reason="Again")
    assert "already marked at 2025/26 Q2" in refused.value.message_dict["period"][0]
    assert ProcessChange.objects.count() == 1


def test_removing_a_change_is_audited(world):
    change = mark(world, world.member)
    pk = change.pk
    remove_process_change(change=change, by=world.lead)
    assert not ProcessChange.objects.filter(pk=pk).exists()
    gone = ProcessChange.history.filter(id=pk).order_by("history_date").last()
    assert gone.history_type == "-"
    assert gone.history_user == world.lead
    assert gone.history_change_reason == "Process change at 2025/26 Q2 removed"


@pytest.mark.parametrize("who", ["other_member", "viewer"])
def test_others_may_not_remove_a_change(world, who):
    change = mark(world, world.member)
    with pytest.raises(PermissionDenied):
        remove_process_change(change=change, by=world.person(who))
    assert ProcessChange.objects.filter(pk=change.pk).exists()


# The chart and its table

BEFORE = [20, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19]
AFTER = [30, 31, 29, 30, 32, 30, 29, 31, 30, 30, 31, 29]


@pytest.fixture
def stepped(world):
    """Twelve quarters around 20, then twelve around 30 after a new service from 2022/23 Q1."""
    return make_indicator(
        world.partnership,
        "SPC2",
        quarters("2019/20 Q1", BEFORE + AFTER, target="25"),
        polarity="higher",
        owner=world.member,
    )


def test_a_step_change_marks_most_results_until_the_change_is_marked(world, stepped):
    whole = analyse(stepped)
    assert len(whole.spc.flagged) > 12 and len(whole.spc.segments) == 1
    mark(world, world.member, period=Period.parse("2022/23 Q1"), indicator=stepped)
    split = analyse(stepped)
    assert split.spc.flagged == []
    first, second = split.spc.segments
    assert (first.first.label, second.first.label) == ("2019/20 Q1", "2022/23 Q1")
    assert round(second.mean, 2) == Decimal("30.17")
    # The table says which part each period is in, with that part's mean.
    assert [row.segment for row in split.spc_rows] == [1] * 12 + [2] * 12
    assert split.spc_rows[0].mean == "20.2" and split.spc_rows[-1].mean == "30.2"
    assert [part.number for part in split.spc_parts] == [1, 2]
    assert split.spc_parts[1].change.reason == "New triage service started"
    assert split.process_changes[0].created_by == world.member
    # Assurance against the target of 25 is the new process's: consistently met.
    assert split.spc.assurance.value == "met"


def test_the_chart_draws_each_parts_limits_separately(world, stepped):
    mark(world, world.member, period=Period.parse("2022/23 Q1"), indicator=stepped)
    spc, _ = indicator_spc(stepped, indicator_history(stepped))
    svg = spc_chart(stepped, spc, indicator_history(stepped)).decode()
    assert "limits recalculated from 2022/23 Q1 (part 2)" in svg
    assert "Mean (part 1)" in svg
    assert "Mean (part 2)" in svg
    assert "Upper process limit (part 2)" in svg


def test_the_chart_without_changes_is_as_before(world, stepped):
    spc, _ = indicator_spc(stepped, indicator_history(stepped))
    svg = spc_chart(stepped, spc, indicator_history(stepped)).decode()
    assert "recalculated" not in svg
    assert ">Mean<" in svg
