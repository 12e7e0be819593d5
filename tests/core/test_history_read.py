"""The record, readable: an object's audit history as entries (when, who, what changed
from what to what, why), read in bulk."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.core.history_read import (
    Change,
    action_history,
    indicator_results_history,
    plan_history,
    reasons,
    return_history,
    update_form_history,
)
from goldenthread.core.models import AnnualUpdateForm, Result
from goldenthread.core.services import save_audited
from goldenthread.core.services.returns import (
    reopen_return,
    return_for_changes,
    sign_off_return,
    submit_return,
)
from goldenthread.rules import ActionState, Period


def _walk_return(world):
    ret = world.ret
    submit_return(ret=ret, by=world.lead)
    return_for_changes(ret=ret, by=world.performance, reason="Explain the Q3 dip")
    submit_return(ret=ret, by=world.lead)
    sign_off_return(ret=ret, by=world.performance)
    reopen_return(ret=ret, by=world.performance, reason="Figures revised by the police")
    submit_return(ret=ret, by=world.lead)
    sign_off_return(ret=ret, by=world.performance)
    return ret


def test_it_keeps_return_reasons_reopen_and_resubmission_after_sign_off(world):
    ret = _walk_return(world)
    entries = return_history(ret)

    assert entries[0].why == "Signed off"  # newest first
    assert reasons(entries) == [
        "Submitted",
        "Returned: Explain the Q3 dip",
        "Submitted",
        "Signed off",
        "Reopened: Figures revised by the police",
        "Submitted",
        "Signed off",
    ]
    returned = next(e for e in entries if e.why.startswith("Returned"))
    assert returned.who == str(world.performance)
    assert Change("Status", "Submitted", "Returned for changes") in returned.changes
    assert Change("Returned reason", "–", "Explain the Q3 dip") in returned.changes
    resubmitted = entries[entries.index(returned) - 1]
    assert resubmitted.what == "Resubmitted"
    assert resubmitted.who == str(world.lead)
    assert Change("Status", "Returned for changes", "Submitted") in resubmitted.changes


def test_it_reads_in_two_queries_however_long_the_history(world):
    ret = _walk_return(world)
    with CaptureQueriesContext(connection) as queries:
        return_history(ret)
    assert len(queries) == 2  # the rows, the people


def test_it_writes_choices_dates_and_people_as_a_reader_would(world):
    action = world.action
    action.state = ActionState.COMPLETED.value
    action.due_date = datetime.date(2025, 7, 31)
    action.owner = world.lead
    save_audited(action, by=world.member, reason="Finished a month late")

    latest = action_history(action)[0]
    assert latest.who == str(world.member)
    assert latest.why == "Finished a month late"
    assert Change("Due date", "30 June 2025", "31 July 2025") in latest.changes
    assert Change("Owner", str(world.member), str(world.lead)) in latest.changes
    states = {c.field: c for c in latest.changes}["Status"]
    assert states.new == ActionState.COMPLETED.label


def test_it_leaves_out_noise_fields(world):
    ret = _walk_return(world)
    fields = {c.field for e in return_history(ret) for c in e.changes}
    assert "Status" in fields
    assert not fields & {"Version", "Draft", "Submitted by", "Decided at", "Id", "ID"}


def test_it_names_who_entered_and_changed_each_result(world):
    indicator = world.indicator
    result = Result(indicator=indicator, period=Period.parse("2025/26 Q4"), value=Decimal("90"))
    save_audited(result, by=world.member, reason="2025/26 Q4 return")
    result.value = Decimal("95.5")
    save_audited(result, by=world.lead, reason="Corrected from the police system")

    entries = [e for e in indicator_results_history(indicator) if e.subject == "2025/26 Q4"]
    changed, created = entries
    assert created.what == "Created" and created.who == str(world.member)
    assert changed.who == str(world.lead)
    assert changed.why == "Corrected from the police system"
    was, now = indicator.format_value(Decimal("90")), indicator.format_value(Decimal("95.5"))
    assert Change("Value", was, now) in changed.changes


def test_it_reads_an_indicator_results_history_in_a_fixed_number_of_queries(world):
    indicator = world.indicator
    for quarter, by in zip(("Q1", "Q4"), (world.member, world.lead), strict=True):
        result = Result(
            indicator=indicator, period=Period.parse(f"2025/26 {quarter}"), value=Decimal("1")
        )
        save_audited(result, by=by, reason="Entered")
    with CaptureQueriesContext(connection) as queries:
        indicator_results_history(indicator)
    assert len(queries) == 2


def test_it_reads_plan_and_update_form_history(world):
    plan = world.draft_plan
    plan.status = "approved"
    world.plan.status = "superseded"
    save_audited(world.plan, by=world.lead, reason="Superseded by version 2")
    save_audited(plan, by=world.lead, reason="Approved")
    assert Change("Status", "Draft", "Approved") in plan_history(plan)[0].changes

    form = AnnualUpdateForm(partnership=world.partnership, year=2025)
    save_audited(form, by=world.lead, reason="Started")
    form.status = AnnualUpdateForm.Status.RETURNED
    form.returned_reason = "Say more about the budget"
    save_audited(form, by=world.performance, reason="Returned: Say more about the budget")
    latest = update_form_history(form)[0]
    assert latest.why == "Returned: Say more about the budget"
    assert Change("Status", "Draft", "Returned for changes") in latest.changes
