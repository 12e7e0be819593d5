"""Writes for under-performance: start an improvement plan when an indicator has been red
two review periods running (goldenthread.core.improvement decides that; nobody ticks it): a lead
or the indicator's owner; and close it with a reason: a lead. Each is atomic and recorded
in the history with who and why."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import Need, require
from goldenthread.core.improvement import plan_actions, trigger_for
from goldenthread.core.models import Action, ImprovementPlan, Indicator, User
from goldenthread.core.risks import possible_owners

from . import save_audited


@transaction.atomic
def start_improvement_plan(
    *,
    indicator: Indicator,
    by: User,
    summary: str,
    owner: User,
    review_date: datetime.date,
    actions: Iterable[Action] = (),
) -> ImprovementPlan:
    """Start the improvement plan the indicator's trigger asks for. Refused when no plan is
    asked for: the indicator is not red two periods running, or a plan is already open."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    # One plan at a time: a second person starting one waits here, then finds it open.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    if ImprovementPlan.objects.filter(indicator=indicator, closed_at__isnull=True).exists():
        raise ValidationError(f"{indicator.code} already has an open improvement plan.")
    trigger = trigger_for(indicator)
    if trigger is None:
        raise ValidationError(
            f"{indicator.code} does not need an improvement plan: it has not been red for "
            "two quarters running since its last plan."
        )
    problems = {}
    summary = summary.strip()
    if not summary:
        problems["summary"] = "Enter what will be done to bring the indicator back on track"
    if owner is None or not possible_owners(indicator.partnership).filter(pk=owner.pk).exists():
        problems["owner"] = "Choose an owner who is a lead or member of this partnership"
    if review_date is None or review_date < timezone.localdate():
        problems["review_date"] = "Enter a review date that is today or in the future"
    actions = list(actions)
    allowed = set(plan_actions(indicator.partnership).values_list("pk", flat=True))
    if any(a.pk not in allowed for a in actions):
        problems["actions"] = "Choose actions of this partnership's approved plan"
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})
    plan = ImprovementPlan(
        indicator=indicator,
        triggered_by=trigger.period,
        summary=summary,
        owner=owner,
        review_date=review_date,
        created_by=by,
    )
    save_audited(
        plan,
        by=by,
        reason=f"Improvement plan started: {indicator.code} was {trigger.description}",
    )
    plan.actions.set(actions)
    return plan


@transaction.atomic
def close_improvement_plan(*, plan: ImprovementPlan, by: User, reason: str) -> ImprovementPlan:
    """Close an open improvement plan; the reason is kept on the plan and in its history.
    The indicator can ask for a new plan only for a later pair of red periods."""
    require(by, plan.indicator.partnership, Need.LEAD)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the improvement plan is being closed"]})
    if plan.closed_at is not None:
        raise ValidationError("This improvement plan is already closed.")
    plan.closed_at = timezone.now()
    plan.closed_reason = reason
    return save_audited(plan, by=by, reason=reason)
