from datetime import date

import pytest

from goldenthread.rules.rag import Rag
from goldenthread.rules.status import (
    ActionState,
    ObjectiveStatus,
    is_overdue,
    objective_status,
    status_rag,
)

TODAY = date(2026, 1, 15)
YESTERDAY = date(2026, 1, 14)
TOMORROW = date(2026, 1, 16)

RED, AMBER, GREEN, GREY = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY
S = ActionState


@pytest.mark.parametrize(
    ("state", "due", "overdue"),
    [
        (S.ON_TRACK, YESTERDAY, True),
        (S.NOT_STARTED, YESTERDAY, True),
        (S.AT_RISK, YESTERDAY, True),
        (S.OFF_TRACK, YESTERDAY, True),
        (S.COMPLETED, YESTERDAY, False),
        (S.CANCELLED, YESTERDAY, False),
        (S.ON_TRACK, TODAY, False),  # due today is not yet late
        (S.ON_TRACK, TOMORROW, False),
        (S.ON_TRACK, None, False),
    ],
)
def test_is_overdue(state: ActionState, due: date | None, overdue: bool) -> None:
    assert is_overdue(state=state, due=due, today=TODAY) is overdue


# (indicator RAGs, actions, expected)
ROLL_UP = [
    # Off track
    ([GREEN, RED], [(S.COMPLETED, None)], ObjectiveStatus.OFF_TRACK),
    ([GREEN], [(S.ON_TRACK, None), (S.OFF_TRACK, None)], ObjectiveStatus.OFF_TRACK),
    ([GREEN], [(S.ON_TRACK, YESTERDAY)], ObjectiveStatus.OFF_TRACK),
    ([], [(S.NOT_STARTED, YESTERDAY)], ObjectiveStatus.OFF_TRACK),
    ([AMBER, RED], [(S.AT_RISK, None)], ObjectiveStatus.OFF_TRACK),  # worst wins
    # At risk
    ([GREEN, AMBER], [(S.COMPLETED, None)], ObjectiveStatus.AT_RISK),
    ([GREEN], [(S.AT_RISK, TOMORROW)], ObjectiveStatus.AT_RISK),
    ([], [(S.AT_RISK, None), (S.COMPLETED, YESTERDAY)], ObjectiveStatus.AT_RISK),
    # Complete
    ([GREEN, GREEN], [(S.COMPLETED, YESTERDAY)], ObjectiveStatus.COMPLETE),
    ([], [(S.COMPLETED, None), (S.COMPLETED, YESTERDAY)], ObjectiveStatus.COMPLETE),
    # On track
    ([GREEN, GREY], [(S.COMPLETED, None)], ObjectiveStatus.ON_TRACK),  # an indicator to report
    ([GREEN], [], ObjectiveStatus.ON_TRACK),
    ([GREY], [(S.ON_TRACK, TOMORROW)], ObjectiveStatus.ON_TRACK),
    ([], [(S.COMPLETED, None), (S.NOT_STARTED, TOMORROW)], ObjectiveStatus.ON_TRACK),
    ([GREEN], [(S.NOT_STARTED, TODAY)], ObjectiveStatus.ON_TRACK),
    # No data yet
    ([], [], ObjectiveStatus.NOT_STARTED),
    ([GREY, GREY], [], ObjectiveStatus.NOT_STARTED),
    ([GREY], [(S.NOT_STARTED, TOMORROW)], ObjectiveStatus.NOT_STARTED),
]


@pytest.mark.parametrize(("rags", "actions", "expected"), ROLL_UP)
def test_objective_status_worst_wins(rags, actions, expected) -> None:
    assert objective_status(indicator_rags=rags, actions=actions, today=TODAY) is expected


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        # A cancelled action does not drag the objective down, even when long past due...
        ([(S.CANCELLED, YESTERDAY), (S.ON_TRACK, TOMORROW)], ObjectiveStatus.ON_TRACK),
        # ...nor stop the rest completing it...
        ([(S.CANCELLED, None), (S.COMPLETED, None)], ObjectiveStatus.COMPLETE),
        # ...but cancelling everything does not complete anything.
        ([(S.CANCELLED, None), (S.CANCELLED, YESTERDAY)], ObjectiveStatus.NOT_STARTED),
    ],
)
def test_cancelled_actions_are_ignored(actions, expected) -> None:
    assert objective_status(indicator_rags=[], actions=actions, today=TODAY) is expected


def test_a_completed_action_past_its_due_date_is_not_overdue() -> None:
    status = objective_status(
        indicator_rags=[GREEN], actions=[(S.COMPLETED, date(2020, 1, 1))], today=TODAY
    )
    assert status is ObjectiveStatus.COMPLETE


def test_an_action_turns_overdue_the_day_after_it_is_due() -> None:
    actions = [(S.ON_TRACK, TODAY)]
    assert objective_status(indicator_rags=[], actions=actions, today=TODAY) is (
        ObjectiveStatus.ON_TRACK
    )
    assert objective_status(indicator_rags=[], actions=actions, today=TOMORROW) is (
        ObjectiveStatus.OFF_TRACK
    )


def test_objective_status_accepts_generators_and_plain_strings() -> None:
    status = objective_status(
        indicator_rags=(r for r in ["green"]),
        actions=((state, None) for state in ["completed", "cancelled"]),
        today=TODAY,
    )
    assert status is ObjectiveStatus.COMPLETE


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ObjectiveStatus.OFF_TRACK, RED),
        (ObjectiveStatus.AT_RISK, AMBER),
        (ObjectiveStatus.ON_TRACK, GREEN),
        (ObjectiveStatus.COMPLETE, GREEN),
        (ObjectiveStatus.NOT_STARTED, GREY),
    ],
)
def test_status_rag(status: ObjectiveStatus, expected: Rag) -> None:
    assert status_rag(status) is expected


def test_labels_and_choices() -> None:
    assert [s.label for s in ObjectiveStatus] == [
        "Off track",
        "At risk",
        "On track",
        "Complete",
        "No data yet",
    ]
    assert ActionState.choices() == [
        ("not_started", "Not started"),
        ("on_track", "On track"),
        ("at_risk", "At risk"),
        ("off_track", "Off track"),
        ("completed", "Completed"),
        ("cancelled", "Cancelled"),
    ]
