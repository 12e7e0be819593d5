"""Status of an objective, rolled up from its indicators' RAG and its actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.rag import Rag


class ObjectiveStatus(LabelledEnum):
    OFF_TRACK = "off_track", "Off track"
    AT_RISK = "at_risk", "At risk"
    ON_TRACK = "on_track", "On track"
    COMPLETE = "complete", "Complete"
    NOT_STARTED = "not_started", "No data yet"


class ActionState(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


_FINISHED = (ActionState.COMPLETED, ActionState.CANCELLED)


def is_overdue(*, state: ActionState, due: date | None, today: date) -> bool:
    """Past its due date and neither completed nor cancelled; due today is not yet overdue."""
    return due is not None and due < today and ActionState(state) not in _FINISHED


def objective_status(
    *,
    indicator_rags: Iterable[Rag],
    actions: Iterable[tuple[ActionState, date | None]],
    today: date,
) -> ObjectiveStatus:
    """Roll an objective's indicators and actions up into one status; the worst part wins.

    A board reads the objective's status, not every line beneath it, so one red indicator or
    one slipping action must show at the top: averaging would let good news elsewhere hide
    the problem the board most needs to challenge. An overdue action counts as off track,
    whatever its owner last said. Cancelled actions no longer count towards the objective.

    Complete needs at least one action, every remaining action completed and every indicator
    (if there are any) green: finished work with an indicator still to report is on track,
    not complete. With nothing reported yet the status is "no data yet".
    """
    rags = [Rag(value) for value in indicator_rags]
    live = [(ActionState(state), due) for state, due in actions if state != ActionState.CANCELLED]
    states = [state for state, _ in live]

    if (
        Rag.RED in rags
        or ActionState.OFF_TRACK in states
        or any(is_overdue(state=state, due=due, today=today) for state, due in live)
    ):
        return ObjectiveStatus.OFF_TRACK
    if Rag.AMBER in rags or ActionState.AT_RISK in states:
        return ObjectiveStatus.AT_RISK
    if (
        states
        and all(state is ActionState.COMPLETED for state in states)
        and all(value is Rag.GREEN for value in rags)
    ):
        return ObjectiveStatus.COMPLETE
    if Rag.GREEN in rags or ActionState.ON_TRACK in states or ActionState.COMPLETED in states:
        return ObjectiveStatus.ON_TRACK
    return ObjectiveStatus.NOT_STARTED


def status_rag(status: ObjectiveStatus) -> Rag:
    return {
        ObjectiveStatus.OFF_TRACK: Rag.RED,
        ObjectiveStatus.AT_RISK: Rag.AMBER,
        ObjectiveStatus.ON_TRACK: Rag.GREEN,
        ObjectiveStatus.COMPLETE: Rag.GREEN,
        ObjectiveStatus.NOT_STARTED: Rag.GREY,
    }[ObjectiveStatus(status)]
