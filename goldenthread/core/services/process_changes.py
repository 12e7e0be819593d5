"""Process changes: marking the period from which an indicator's results come from a new
process (a new service, a new way of counting), so that the process chart works its mean
and limits out afresh from there, as Making Data Count advises once a change is
understood (NHSRplotthedots' ``rebase``). Removing one draws the chart as one process again.

Who may mark or remove one: the indicator's owner, the partnership's leads and the council
performance team, while the partnership is open. Every write is audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goldenthread.core.access import Need, allows, require_open
from goldenthread.core.models import Indicator, ProcessChange, Result, User
from goldenthread.core.models.fields import NOTE
from goldenthread.rules import Period
from goldenthread.rules.inputs import text_problem

from . import delete_audited, save_audited

REFUSAL = (
    "Only the indicator's owner, the partnership's leads or the council performance team "
    "can mark a change to the process."
)


def may_mark(user: User, indicator: Indicator) -> bool:
    """Whether the person may mark or remove a process change on the indicator."""
    partnership = indicator.partnership
    if partnership.is_closed or not allows(user, partnership, Need.VIEW):
        return False
    return (
        user.is_performance_team
        or allows(user, partnership, Need.LEAD)
        or (indicator.owner_id is not None and indicator.owner_id == user.pk)
    )


def _require(user: User, indicator: Indicator) -> None:
    require_open(indicator.partnership)
    if not may_mark(user, indicator):
        raise PermissionDenied(REFUSAL)


def markable_periods(indicator: Indicator) -> list[Period]:
    """The periods a change can be marked at: every period with a result but the first
    (a change at the first result would change nothing), oldest first."""
    periods = sorted(
        Result.objects.filter(indicator=indicator, value__isnull=False).values_list(
            "period", flat=True
        )
    )
    return periods[1:]


@transaction.atomic
def mark_process_change(
    *, indicator: Indicator, period: Period | None, reason: str, by: User
) -> ProcessChange:
    """Mark `period` as the first of a new process for `indicator`, saying what changed."""
    _require(by, indicator)
    problems = {}
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = f"{indicator.code}: say what changed in the process"
    elif problem := text_problem(reason, NOTE):
        problems["reason"] = f"{indicator.code}, what changed: {problem}"
    if period is None:
        problems["period"] = f"{indicator.code}: choose the first period of the new process"
    elif period not in markable_periods(indicator):
        problems["period"] = (
            f"{indicator.code}: choose a period with a result, after the first, for the new "
            f"process to start at ({period.label} is not one)"
        )
    elif ProcessChange.objects.filter(indicator=indicator, period=period).exists():
        problems["period"] = f"{indicator.code}: a change is already marked at {period.label}"
    if problems:
        raise ValidationError(problems)
    change = ProcessChange(indicator=indicator, period=period, reason=reason, created_by=by)
    return save_audited(change, by=by, reason=f"Process change marked at {period.label}")


@transaction.atomic
def remove_process_change(*, change: ProcessChange, by: User) -> None:
    """Remove a process change: the chart's limits run across it again."""
    _require(by, change.indicator)
    delete_audited(change, by=by, reason=f"Process change at {change.period.label} removed")
