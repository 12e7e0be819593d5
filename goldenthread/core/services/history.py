"""Bringing a partnership's past into Golden Thread when it starts using it: the results
and targets it recorded before it reported here, the approval of a plan it had already
agreed, and where that plan's actions stood. Each is refused once the product itself
records the same thing (a return covering the period, a plan covering the year, the
partnership's first return), so the past is never rewritten over what was reported here.

Every write checks who may make it, runs in a transaction, writes only what differs (so
loading the same history twice changes nothing) and is recorded in the history with who
did it and why.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goldenthread.core import audit
from goldenthread.core.access import Need, require
from goldenthread.core.models import Action, Indicator, Plan, Result, Return, Target, User
from goldenthread.core.models.fields import check_bounds
from goldenthread.core.monitoring import due_periods
from goldenthread.rules import ActionState, Period

from . import save_audited
from .plans import approve_plan

RESULTS_REASON = "Past result, recorded before the partnership reported in Golden Thread"
TARGETS_REASON = "Past target, set before the partnership's plans in Golden Thread"


@dataclass(frozen=True)
class PastResult:
    value: Decimal
    note: str = ""
    commentary: str = ""


def periods_reported_in_returns(indicator: Indicator) -> set[Period]:
    """The indicator's periods that a return of its partnership reports, whatever the
    return's status: their results are written, checked and signed off there, so they are
    not loaded as past results."""
    quarters = Return.objects.filter(partnership_id=indicator.partnership_id).values_list(
        "round__period", flat=True
    )
    return {p for quarter in quarters for p in due_periods(indicator.frequency, quarter)}


def _check_periods(indicator: Indicator, periods, refused: set[Period], why: str) -> None:
    today = timezone.localdate()
    problems = []
    for period in sorted(periods):
        if period.frequency != indicator.frequency:
            problems.append(
                f"{indicator.code} {period.label} is not a "
                f"{indicator.get_frequency_display().lower()} period."
            )
        elif period.end >= today:
            problems.append(f"{indicator.code} {period.label} has not ended yet.")
        elif period in refused:
            problems.append(f"{indicator.code} {period.label}: {why}")
    if problems:
        raise ValidationError(problems)


def _write(model, create: list, update: list, fields: list[str], *, by: User, reason: str) -> int:
    """Check every row's bounds first, so nothing is written unless all of it fits; then
    write in bulk, with a history entry for each row, as a return's results are written."""
    problems = []
    for row in [*create, *update]:
        try:
            check_bounds(row)
        except ValidationError as error:
            problems += [
                f"{row.indicator.code} {row.period.label}: {message}"
                for messages in error.message_dict.values()
                for message in messages
            ]
    if problems:
        raise ValidationError(problems)
    if create:
        bulk_create_with_history(
            create, model, default_user=by, default_change_reason=audit.reason(reason)
        )
    if update:
        bulk_update_with_history(
            update, model, fields, default_user=by, default_change_reason=audit.reason(reason)
        )
    return len(create) + len(update)


@transaction.atomic
def record_past_results(
    *,
    indicator: Indicator,
    by: User,
    results: Mapping[Period, PastResult],
    reason: str = RESULTS_REASON,
) -> int:
    """Results of periods that have ended and that no return of the partnership reports,
    entered by the lead or the indicator's owner. New ones are created and changed ones
    updated; returns how many were written. ``reason`` is the history's (an importer says
    which file the results came from)."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    _check_periods(
        indicator,
        results,
        periods_reported_in_returns(indicator),
        "a quarterly return reports this period, so its result is entered there.",
    )
    existing = {r.period: r for r in indicator.results.all()}
    create, update = [], []
    now = timezone.now()
    for period, past in results.items():
        values = {
            "value": past.value,
            "not_available": False,
            "not_available_reason": "",
            "note": past.note.strip(),
            "commentary": past.commentary.strip(),
        }
        result = existing.get(period)
        if result is not None and all(getattr(result, k) == v for k, v in values.items()):
            continue
        if result is None:
            create.append(Result(indicator=indicator, period=period, entered_by=by, **values))
            continue
        for name, value in values.items():
            setattr(result, name, value)
        result.entered_by, result.entered_at = by, now
        update.append(result)
    if indicator.library_indicator_id is not None and (create or update):
        # Entered once in the council library for every plan using it (services.library).
        raise ValidationError(indicator.library_indicator.results_refusal(indicator.code))
    fields = ["value", "not_available", "not_available_reason", "note", "commentary"]
    fields += ["entered_by", "entered_at"]
    return _write(Result, create, update, fields, by=by, reason=reason)


@transaction.atomic
def record_past_targets(
    *,
    indicator: Indicator,
    by: User,
    targets: Mapping[Period, tuple[Decimal, Decimal | None]],
) -> int:
    """Targets (value, upper edge of a band or None) of periods that have ended, before
    any of the partnership's plans here: a plan's own targets become live by approving it.
    Returns how many were written."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    planned = {
        period
        for plan in Plan.objects.filter(partnership_id=indicator.partnership_id)
        for period in targets
        if plan.covers(period)
    }
    _check_periods(
        indicator,
        targets,
        planned,
        "a plan of the partnership covers this period, so its target is set in the plan.",
    )
    problems = [
        f"{indicator.code} {period.label}: the upper edge of the band is below the target."
        for period, (value, upper) in targets.items()
        if upper is not None and upper < value
    ]
    if problems:
        raise ValidationError(problems)
    existing = {t.period: t for t in indicator.targets.all()}
    create, update = [], []
    now = timezone.now()
    for period, (value, upper) in targets.items():
        target = existing.get(period)
        if target is None:
            create.append(
                Target(indicator=indicator, period=period, value=value, upper=upper, set_by=by)
            )
        elif (target.value, target.upper) != (value, upper):
            target.value, target.upper, target.set_by, target.set_at = value, upper, by, now
            update.append(target)
    fields = ["value", "upper", "set_by", "set_at"]
    return _write(Target, create, update, fields, by=by, reason=TARGETS_REASON)


@transaction.atomic
def record_past_approval(
    *, plan: Plan, by: User, approved_on: datetime.date, reasons: Mapping[str, str]
) -> Plan:
    """Approve a draft that the partnership agreed before it used Golden Thread, on the
    day it was agreed: the same rules as `approve_plan` (the SMART check, run as of that
    day, with a reason for every gap), and dated that day (at noon, the hour not being
    known), so the minimum requirements see when the plan was in place."""
    require(by, plan.partnership, Need.LEAD)
    today = timezone.localdate()
    if approved_on > today:
        raise ValidationError(
            {"approved_on": "Enter the day the plan was approved: today or a day already past."}
        )
    later = plan.partnership.plans.exclude(pk=plan.pk).filter(approved_at__date__gt=approved_on)
    if later.exists():
        raise ValidationError(
            {"approved_on": "Another version of the plan was approved after that day."}
        )
    plan = approve_plan(plan=plan, by=by, reasons=reasons, today=approved_on)
    plan.approved_at = timezone.make_aware(
        datetime.datetime.combine(approved_on, datetime.time(12))
    )
    return save_audited(
        plan, by=by, reason=f"Approved on {approved_on:%-d %B %Y}, before using Golden Thread"
    )


@transaction.atomic
def record_past_progress(
    *,
    action: Action,
    by: User,
    state: ActionState,
    percent_complete: int,
    completed_on: datetime.date | None = None,
    closed_reason: str = "",
) -> Action:
    """Where an action of the approved plan stood when the partnership started using
    Golden Thread: from its first quarterly return on, progress is reported there."""
    plan = Plan.objects.select_related("partnership").get(pk=action.objective.plan_id)
    partnership = plan.partnership
    require(by, partnership, Need.EDIT, action.owner_id)
    if plan.status != Plan.Status.APPROVED:
        raise ValidationError("Progress is recorded on the approved plan's actions.")
    if partnership.returns.exists():
        raise ValidationError(
            f"{partnership.name} reports progress in its quarterly returns: record "
            f"{action.ref}'s there."
        )
    state = ActionState(state)
    problems = {}
    if not 0 <= percent_complete <= 100:
        problems["percent_complete"] = "Per cent complete runs from 0 to 100."
    if (state is ActionState.COMPLETED) != (completed_on is not None):
        problems["completed_on"] = "A completed action, and only a completed one, has a date."
    elif completed_on is not None and completed_on > timezone.localdate():
        problems["completed_on"] = "An action is completed today or on a day already past."
    if state is ActionState.CANCELLED and not closed_reason.strip():
        problems["closed_reason"] = f"Say why {action.ref} was stopped."
    if problems:
        raise ValidationError(problems)
    wanted = {
        "state": state.value,
        "percent_complete": percent_complete,
        "completed_on": completed_on,
        "closed_reason": closed_reason.strip(),
    }
    if all(getattr(action, name) == value for name, value in wanted.items()):
        return action
    for name, value in wanted.items():
        setattr(action, name, value)
    return save_audited(action, by=by, reason="Progress before the partnership's first return")


__all__ = [
    "PastResult",
    "periods_reported_in_returns",
    "record_past_approval",
    "record_past_progress",
    "record_past_results",
    "record_past_targets",
]
