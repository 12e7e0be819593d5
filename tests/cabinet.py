"""A quarter for the Cabinet report's tests (tests/core, tests/documents, tests/web): the
council fixture's Changes Partnership with its 2025/26 Q3 return signed off."""

import datetime

from goldenthread.core.models import (
    Action,
    ActionUpdate,
    CorrectiveAction,
    CorrectiveActionUpdate,
    Objective,
    Result,
    Return,
)
from goldenthread.rules import ActionState, Period

Q2, Q3 = Period.parse("2025/26 Q2"), Period.parse("2025/26 Q3")


def sign_off_a_quarter(council):
    """The Changes Partnership's Q3 return signed off, with commentary on a red result, a
    corrective action asked for, the progress of one asked for in Q2, and actions: one off
    track now (new), one off track in Q2 and completed in Q3 (resolved)."""
    w = council
    made = w.changes_indicators
    ret = w.changes_return
    older = Return.objects.get(partnership=w.changes, round__period=Q2)
    Return.objects.filter(pk=ret.pk).update(
        status=Return.Status.SIGNED_OFF,
        highlights="Record turnout at the community safety fair.",
        exceptions="Two measures slipped after the contractor left.",
    )
    Result.objects.filter(indicator=made["C2"], period=Q3).update(
        commentary="Staff shortages over the winter."
    )
    CorrectiveAction.objects.create(
        ret=ret,
        indicator=made["C2"],
        period=Q3,
        description="Borrow two officers from the county team",
        owner=w.member,  # of the Test Police
        due_date=datetime.date(2026, 3, 31),
    )
    earlier = CorrectiveAction.objects.create(
        ret=older,
        indicator=made["C8"],
        period=Q2,
        description="Weekly review of the backlog",
        owner=w.lead,  # of the Test Council
        due_date=datetime.date(2026, 1, 15),
        status=CorrectiveAction.Status.IN_PROGRESS,
    )
    CorrectiveActionUpdate.objects.create(
        corrective_action=earlier,
        ret=ret,
        status=CorrectiveAction.Status.IN_PROGRESS,
        progress="Half the backlog cleared.",
    )
    # A corrective action of a green indicator is not an exception's.
    CorrectiveAction.objects.create(
        ret=ret, indicator=made["C1"], period=Q3, description="Not listed", owner=w.member
    )
    keep_going = Action.objects.get(objective__plan__partnership=w.changes, title="Keep going")
    volunteers = Action.objects.create(
        objective=Objective.objects.get(plan__partnership=w.changes, ref="O2", plan__version=1),
        ref="A2",
        title="Recruit volunteers",
        due_date=datetime.date(2026, 6, 30),
        state=ActionState.COMPLETED,
    )
    ActionUpdate.objects.create(
        action=keep_going,
        ret=ret,
        state=ActionState.OFF_TRACK,
        percent_complete=20,
        commentary="The contractor pulled out.",
    )
    ActionUpdate.objects.create(
        action=volunteers, ret=older, state=ActionState.OFF_TRACK, percent_complete=10
    )
    ActionUpdate.objects.create(
        action=volunteers, ret=ret, state=ActionState.COMPLETED, percent_complete=100
    )
    return w
