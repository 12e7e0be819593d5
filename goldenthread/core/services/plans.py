"""Writing, approving and revising a partnership's plan. Only draft versions change;
an approved version is what everything later is measured against, and a revision is
a new draft version with a reason.

Who may do what, as the plan pages say: the leads start, edit, approve and revise the plan;
leads and members draft objectives, actions and indicators, which a member then owns
(only a lead gives one to someone else); an item is changed or removed by a lead or its
owner; an indicator's targets are set by a lead or the indicator's owner."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from goldenthread.core.access import Need, require, require_owner
from goldenthread.core.models import (
    Action,
    ActionUpdate,
    Budget,
    Comment,
    ImprovementPlan,
    Indicator,
    Lesson,
    Milestone,
    Objective,
    Organisation,
    Outcome,
    OutsideContribution,
    Partnership,
    Plan,
    PlanTarget,
    Risk,
    SmartWaiver,
    Spend,
    Target,
    User,
)
from goldenthread.core.models.library import DEFINITION_FIELDS
from goldenthread.core.planning import smart_report
from goldenthread.rules import ActionState, Period

from . import delete_audited, save_audited
from .partners import announce_approval

# A plan stays "clear and concise" (the guidance partnerships follow), and every document
# made from it stays quick to make whatever is typed into it: a version holds at most so
# many objectives, an objective so many actions, an action so many milestones, and a
# partnership so many indicators (scripts/benchmarks/long_text_documents.py times a plan
# at these limits with every text at its own).
MAX_OBJECTIVES = 25
MAX_ACTIONS = 15
MAX_MILESTONES = 20
MAX_INDICATORS = 80


class PlanLocked(ValidationError):
    """The version is approved or superseded: it can only be changed by revising it."""


def ensure_draft(plan: Plan) -> None:
    if not plan.is_draft:
        raise PlanLocked(
            f"Version {plan.version} is {plan.get_status_display().lower()}, so it cannot be "
            "changed. Start a revision to change the plan."
        )


def _check_years(first_year: int, last_year: int) -> None:
    if last_year < first_year:
        raise ValidationError(
            {"last_year": "The plan must end in the same financial year or after it starts."}
        )


@transaction.atomic
def create_plan(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    vision: str = "",
    key_issues: str = "",
    first_year: int,
    last_year: int,
) -> Plan:
    """A first draft. A partnership that already has a draft works on that one, and
    one with an approved plan revises it instead."""
    require(by, partnership, Need.LEAD)
    _check_years(first_year, last_year)
    existing = partnership.plans.exclude(status=Plan.Status.SUPERSEDED).first()
    if existing is not None:
        raise ValidationError(
            f"This partnership already has {existing}: "
            + ("carry on with that draft." if existing.is_draft else "revise it instead.")
        )
    version = (partnership.plans.aggregate(v=Max("version"))["v"] or 0) + 1
    plan = Plan(
        partnership=partnership,
        version=version,
        title=title,
        vision=vision,
        key_issues=key_issues,
        first_year=first_year,
        last_year=last_year,
    )
    return save_audited(plan, by=by, reason="Plan started")


@transaction.atomic
def update_plan(*, plan: Plan, by: User, **fields) -> Plan:
    require(by, plan.partnership, Need.LEAD)
    ensure_draft(plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_years(plan.first_year, plan.last_year)
    outside = [t.period.label for t in plan.targets.all() if not plan.covers(t.period)]
    if outside:
        raise ValidationError(
            {
                "first_year": "Targets are set for periods outside these years ("
                + ", ".join(outside[:4])
                + ("…" if len(outside) > 4 else "")
                + "): remove them first, or keep the plan's years."
            }
        )
    return save_audited(plan, by=by)


def next_ref(existing: Iterable[str], prefix: str) -> str:
    """The next free reference like O4 or A12, so references are never reused."""
    numbers = [int(ref[len(prefix) :]) for ref in existing if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


@transaction.atomic
def save_objective(
    *,
    plan: Plan,
    by: User,
    objective: Objective | None = None,
    title: str,
    description: str = "",
    owner: User | None,
    lead_organisation: Organisation | None,
    deadline: datetime.date | None,
    outcomes: Iterable[Outcome],
    indicators: Iterable[Indicator],
) -> Objective:
    """A new objective of the draft (`objective` None), or changes to one of its own."""
    if objective is None:
        require(by, plan.partnership, Need.CONTRIBUTE)
    else:
        require(by, plan.partnership, Need.EDIT, objective.owner_id)
        if objective.plan_id != plan.pk:
            raise ValidationError("That objective is not in this version of the plan.")
    require_owner(by, plan.partnership, owner.pk if owner else None)
    ensure_draft(plan)
    indicators = list(indicators)
    foreign = [i.code for i in indicators if i.partnership_id != plan.partnership_id]
    if foreign:
        raise ValidationError({"indicators": "Choose indicators of this partnership only."})
    if objective is None:
        if plan.objectives.count() >= MAX_OBJECTIVES:
            raise ValidationError(
                f"A plan has at most {MAX_OBJECTIVES} objectives: to keep it clear and concise, "
                "combine some or make them actions of another objective."
            )
        objective = Objective(
            plan=plan,
            ref=next_ref(all_refs(Objective, plan.partnership), "O"),
            order=(plan.objectives.aggregate(o=Max("order"))["o"] or 0) + 1,
        )
    objective.title = title
    objective.description = description
    objective.owner = owner
    objective.lead_organisation = lead_organisation
    objective.deadline = deadline
    save_audited(objective, by=by)
    objective.outcomes.set(outcomes)
    objective.indicators.set(indicators)
    return objective


def all_refs(model, partnership: Partnership) -> list[str]:
    # References are unique across every version, so a removed item's reference is
    # never given to a different item later.
    if model is Objective:
        return list(
            Objective.objects.filter(plan__partnership=partnership).values_list("ref", flat=True)
        )
    return list(
        Action.objects.filter(objective__plan__partnership=partnership).values_list(
            "ref", flat=True
        )
    )


@transaction.atomic
def remove_objective(*, objective: Objective, by: User) -> None:
    require(by, objective.plan.partnership, Need.EDIT, objective.owner_id)
    ensure_draft(objective.plan)
    delete_audited(objective, by=by, reason="Removed from the draft")


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_date: datetime.date
    done_on: datetime.date | None = None


@transaction.atomic
def save_action(
    *,
    objective: Objective,
    by: User,
    action: Action | None = None,
    title: str,
    description: str = "",
    owner: User | None,
    lead_organisation: Organisation | None,
    start_date: datetime.date | None,
    due_date: datetime.date | None,
    milestones: Iterable[MilestoneInput] = (),
) -> Action:
    """A new action of a draft's objective (`action` None), or changes to one of its own."""
    partnership = objective.plan.partnership
    if action is None:
        require(by, partnership, Need.CONTRIBUTE)
    else:
        require(by, partnership, Need.EDIT, action.owner_id)
        if action.objective_id != objective.pk:
            raise ValidationError(f"{action.ref} is not an action of {objective.ref}.")
    require_owner(by, partnership, owner.pk if owner else None)
    ensure_draft(objective.plan)
    if start_date and due_date and due_date < start_date:
        raise ValidationError({"due_date": "Enter a due date on or after the start date."})
    milestones = sorted(milestones, key=lambda m: m.due_date)
    if len(milestones) > MAX_MILESTONES:
        raise ValidationError({"milestones": f"An action has at most {MAX_MILESTONES} milestones."})
    if action is None and objective.actions.count() >= MAX_ACTIONS:
        raise ValidationError(
            f"An objective has at most {MAX_ACTIONS} actions: split the work between "
            "objectives, or make smaller steps milestones of an action."
        )
    for milestone in milestones:
        if (start_date and milestone.due_date < start_date) or (
            due_date and milestone.due_date > due_date
        ):
            raise ValidationError(
                {"milestones": f"“{milestone.title}” must fall between the start and due dates."}
            )
    if action is None:
        action = Action(
            objective=objective, ref=next_ref(all_refs(Action, objective.plan.partnership), "A")
        )
    action.title = title
    action.description = description
    action.owner = owner
    action.lead_organisation = lead_organisation
    action.start_date = start_date
    action.due_date = due_date
    save_audited(action, by=by)
    for old in action.milestones.all():
        delete_audited(old, by=by)
    for milestone in milestones:
        save_audited(
            Milestone(
                action=action,
                title=milestone.title,
                due_date=milestone.due_date,
                done_on=milestone.done_on,
            ),
            by=by,
        )
    return action


@transaction.atomic
def remove_action(*, action: Action, by: User) -> None:
    require(by, action.objective.plan.partnership, Need.EDIT, action.owner_id)
    ensure_draft(action.objective.plan)
    delete_audited(action, by=by, reason="Removed from the draft")


@transaction.atomic
def create_indicator(*, plan: Plan, objective: Objective | None, by: User, **fields) -> Indicator:
    """A new measure for the partnership, linked to an objective of the draft."""
    require(by, plan.partnership, Need.CONTRIBUTE)
    owner = fields.get("owner")
    require_owner(by, plan.partnership, owner.pk if owner else None)
    if objective is not None and objective.plan_id != plan.pk:
        raise ValidationError("That objective is not in this version of the plan.")
    ensure_draft(plan)
    if plan.partnership.indicators.count() >= MAX_INDICATORS:
        raise ValidationError(
            f"A partnership has at most {MAX_INDICATORS} indicators: choose the ones that "
            "show best whether its objectives are being met."
        )
    library_indicator = fields.get("library_indicator")
    if library_indicator is not None:
        # A plan's use of a council library indicator: the definition is the library's.
        fields.update(library_indicator.definition_values())
    indicator = Indicator(partnership=plan.partnership, **fields)
    indicator.full_clean(validate_unique=True, validate_constraints=True)
    reason = "Added to the plan"
    if library_indicator is not None:
        reason = f"Added to the plan from the council library ({library_indicator.code})"
    save_audited(indicator, by=by, reason=reason)
    if objective is not None:
        objective.indicators.add(indicator)
    return indicator


@transaction.atomic
def update_indicator(*, indicator: Indicator, by: User, **fields) -> Indicator:
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    if "owner" in fields:
        owner = fields["owner"]
        require_owner(by, indicator.partnership, owner.pk if owner else None)
    _check_linked_definition(indicator, fields)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean(validate_unique=True, validate_constraints=True)
    return save_audited(indicator, by=by)


def _check_linked_definition(indicator: Indicator, fields: Mapping[str, object]) -> None:
    """Refuse a change, on a plan's use of a council library indicator, to what the
    library decides (services.library keeps those fields in step with it)."""
    if indicator.library_indicator_id is None:
        return
    library_indicator = indicator.library_indicator
    kept = {
        name: f"{name.replace('_', ' ').capitalize()} is kept in the council library "
        f"({library_indicator.code}) for every plan that uses it: the performance team "
        "changes it there."
        for name, value in fields.items()
        if name in DEFINITION_FIELDS and getattr(indicator, name) != value
    }
    if "library_indicator" in fields and fields["library_indicator"] != library_indicator:
        kept["library_indicator"] = "A plan's use of a library indicator stays linked to it."
    if kept:
        raise ValidationError(kept)


TargetValue = tuple[Decimal, Decimal | None]


@transaction.atomic
def set_plan_targets(
    *, plan: Plan, indicator: Indicator, by: User, targets: Mapping[Period, TargetValue]
) -> None:
    """Replace the draft's targets for one indicator. Every period must be in the plan's
    years and of the indicator's frequency; nothing is written unless all are."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    if indicator.partnership_id != plan.partnership_id:
        raise PermissionDenied("That indicator belongs to another partnership.")
    ensure_draft(plan)
    problems = []
    for period, (value, upper) in targets.items():
        if period.frequency != indicator.frequency:
            problems.append(
                f"{period.label} is not a {indicator.get_frequency_display().lower()} period."
            )
        elif not plan.covers(period):
            problems.append(f"{period.label} is outside the plan ({plan.years_label}).")
        elif upper is not None and upper < value:
            problems.append(f"{period.label}: the upper edge of the band is below the target.")
    if problems:
        raise ValidationError(problems)
    existing = {t.period: t for t in plan.targets.filter(indicator=indicator)}
    for period, target in existing.items():
        if period not in targets:
            delete_audited(target, by=by)
    for period, (value, upper) in targets.items():
        target = existing.get(period) or PlanTarget(plan=plan, indicator=indicator, period=period)
        if target.pk and target.value == value and target.upper == upper:
            continue
        target.value, target.upper = value, upper
        save_audited(target, by=by)


@transaction.atomic
def approve_plan(*, plan: Plan, by: User, reasons: Mapping[str, str], today: datetime.date) -> Plan:
    """Approve a draft. Every failure of the SMART check, run here and now, needs a
    reason in `reasons[item.key]`, kept as a SmartWaiver. The previous approved version
    is superseded, and the plan's targets become the live targets that results are
    measured against."""
    require(by, plan.partnership, Need.LEAD)
    ensure_draft(plan)
    failures = smart_report(plan, today).failures
    missing = [item.key for item in failures if not reasons.get(item.key, "").strip()]
    if missing:
        raise ValidationError(
            {key: "Give a reason for approving the plan with this gap." for key in missing}
        )
    for item in failures:
        SmartWaiver.objects.create(
            plan=plan,
            subject=item.subject,
            criterion=item.criterion.value,
            failure=item.message,
            reason=reasons[item.key].strip(),
            recorded_by=by,
        )
    _follow_references(plan=plan, by=by)
    for previous in plan.partnership.plans.filter(status=Plan.Status.APPROVED):
        previous.status = Plan.Status.SUPERSEDED
        save_audited(previous, by=by, reason=f"Superseded by version {plan.version}")
    planned_targets = list(plan.targets.all())
    live = {
        (t.indicator_id, t.period): t
        for t in Target.objects.filter(indicator__in={p.indicator_id for p in planned_targets})
    }
    for planned in planned_targets:
        target = live.get((planned.indicator_id, planned.period))
        if target is None:
            target = Target(indicator_id=planned.indicator_id, period=planned.period)
        elif target.value == planned.value and target.upper == planned.upper:
            continue
        target.value, target.upper, target.set_by = planned.value, planned.upper, by
        save_audited(target, by=by, reason=f"Approved in plan version {plan.version}")
    plan.status = Plan.Status.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    save_audited(plan, by=by, reason="Approved")
    # Every member is told; each partner organisation's representatives are asked to sign
    # up to it (issue 17).
    announce_approval(plan, approver=by)
    return plan


def _follow_references(*, plan: Plan, by: User) -> None:
    """Move what hangs off the objectives and actions of earlier versions onto the items of
    `plan` with the same reference (O1, A1), as `plan` is approved: risks, budgets, spends,
    comments, progress updates, improvement plans, lessons and outside contributions.

    Why move the rows, not read them by reference: then every page, the finance totals and
    the database's one-budget-per-action-per-year constraint keep working on plain keys,
    and nothing is counted twice. Why on approval: until then the approved version is the
    live one that returns report progress on and risks are linked to, and a draft can still
    change. Earlier versions, not only the one superseded now, so rows left behind before
    this rule are picked up too. Items a revision closed or dropped keep theirs. Risks,
    budgets and spends record the move in their history; comments and progress updates
    have none, and keep their return and author. Indicators belong to the partnership, not
    to a version, so what hangs off an indicator (results, corrective actions, improvement
    plans) needs no move."""
    earlier = plan.partnership.plans.exclude(pk=plan.pk)
    objectives = {o.ref: o for o in plan.objectives.all()}
    actions = {a.ref: a for a in Action.objects.filter(objective__plan=plan)}
    old_objectives = {
        o.pk: o for o in Objective.objects.filter(plan__in=earlier, ref__in=objectives)
    }
    old_actions = {
        a.pk: a
        for a in Action.objects.filter(objective__plan__in=earlier, ref__in=actions).select_related(
            "objective__plan"
        )
    }
    if not old_objectives and not old_actions:
        return
    new_objective = {pk: objectives[o.ref] for pk, o in old_objectives.items()}
    new_action = {pk: actions[a.ref] for pk, a in old_actions.items()}

    def moved(ref: str) -> str:
        return f"{ref} carried into version {plan.version} of the plan"

    for risk in Risk.objects.filter(objective__in=old_objectives):
        ref = old_objectives[risk.objective_id].ref
        risk.objective = new_objective[risk.objective_id]
        save_audited(risk, by=by, reason=moved(ref))

    for contribution in OutsideContribution.objects.filter(objective__in=old_objectives):
        ref = old_objectives[contribution.objective_id].ref
        contribution.objective = new_objective[contribution.objective_id]
        save_audited(contribution, by=by, reason=moved(ref))

    # A figure the new version's action already has for the same year or quarter stands:
    # it is the one set for the version being approved. The other is deleted, in the history.
    for model, when in ((Budget, "year"), (Spend, "period")):
        taken = {
            (getattr(row, when), row.action_id)
            for row in model.objects.filter(action__in=actions.values())
        }
        for row in model.objects.filter(action__in=old_actions).order_by("pk"):
            ref = old_actions[row.action_id].ref
            action = new_action[row.action_id]
            if (getattr(row, when), action.pk) in taken:
                reason = f"Replaced by the figure for {ref} in version {plan.version} of the plan"
                delete_audited(row, by=by, reason=reason)
            else:
                row.action = action
                save_audited(row, by=by, reason=moved(ref))
                taken.add((getattr(row, when), action.pk))

    for old_pk, action in new_action.items():
        Comment.objects.filter(action_id=old_pk).update(action=action)
        # One update per action per return: one already on the new action stays.
        ActionUpdate.objects.filter(action_id=old_pk).exclude(
            ret__in=ActionUpdate.objects.filter(action=action).values("ret")
        ).update(action=action)
    for through, owner_column, column, mapping in (
        (ImprovementPlan.actions.through, "improvementplan_id", "action_id", new_action),
        (Lesson.objectives.through, "lesson_id", "objective_id", new_objective),
    ):
        links = list(through.objects.filter(**{f"{column}__in": mapping}))
        wanted = {
            (getattr(link, owner_column), mapping[getattr(link, column)].pk) for link in links
        }
        through.objects.filter(pk__in=[link.pk for link in links]).delete()
        existing = set(
            through.objects.filter(**{f"{column}__in": [pk for _, pk in wanted]}).values_list(
                owner_column, column
            )
        )
        through.objects.bulk_create(
            through(**{owner_column: owner, column: target})
            for owner, target in sorted(wanted - existing)
        )

    # Progress reported on the live version's action while the revision was drafted.
    for old_pk, old in old_actions.items():
        if old.objective.plan.status != Plan.Status.APPROVED:
            continue
        action = new_action[old_pk]
        progress = (old.state, old.percent_complete, old.completed_on)
        if (action.state, action.percent_complete, action.completed_on) != progress:
            action.state, action.percent_complete, action.completed_on = progress
            save_audited(
                action,
                by=by,
                reason=f"Progress carried from version {old.objective.plan.version}",
            )


UNFINISHED = (
    ActionState.NOT_STARTED,
    ActionState.ON_TRACK,
    ActionState.AT_RISK,
    ActionState.OFF_TRACK,
)


@dataclass(frozen=True)
class ActionDecision:
    carry: bool
    reason: str = ""


@transaction.atomic
def revise_plan(
    *, plan: Plan, by: User, reason: str, decisions: Mapping[int, ActionDecision]
) -> Plan:
    """Start a new draft version from the approved one. Objectives, their links and the
    plan's targets are copied with their references; every unfinished action is either
    carried into the new version or closed with a stated reason — never dropped."""
    require(by, plan.partnership, Need.LEAD)
    if plan.status != Plan.Status.APPROVED:
        raise ValidationError("Only the approved version can be revised.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan is being revised."})
    if plan.partnership.plans.filter(status=Plan.Status.DRAFT).exists():
        raise ValidationError("A revision is already in progress: carry on with that draft.")
    unfinished = list(
        Action.objects.filter(objective__plan=plan, state__in=UNFINISHED).select_related(
            "objective"
        )
    )
    problems = {}
    for action in unfinished:
        decision = decisions.get(action.pk)
        if decision is None:
            problems[f"action_{action.pk}"] = (
                f"Choose whether to carry {action.ref} forward or close it."
            )
        elif not decision.carry and not decision.reason.strip():
            problems[f"action_{action.pk}"] = f"Say why {action.ref} is being closed."
    if problems:
        raise ValidationError(problems)

    version = (plan.partnership.plans.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = Plan(
        partnership=plan.partnership,
        version=version,
        previous=plan,
        title=plan.title,
        vision=plan.vision,
        key_issues=plan.key_issues,
        first_year=plan.first_year,
        last_year=plan.last_year,
        revision_reason=reason.strip(),
    )
    save_audited(draft, by=by, reason=f"Revision of version {plan.version}: {reason.strip()}")
    copies: dict[int, Objective] = {}
    for objective in plan.objectives.prefetch_related("outcomes", "indicators"):
        copy = Objective(
            plan=draft,
            ref=objective.ref,
            title=objective.title,
            description=objective.description,
            owner_id=objective.owner_id,
            lead_organisation_id=objective.lead_organisation_id,
            deadline=objective.deadline,
            order=objective.order,
        )
        save_audited(copy, by=by)
        copy.outcomes.set(objective.outcomes.all())
        copy.indicators.set(objective.indicators.all())
        copies[objective.pk] = copy
    for action in unfinished:
        decision = decisions[action.pk]
        if decision.carry:
            carried = Action(
                objective=copies[action.objective_id],
                ref=action.ref,
                title=action.title,
                description=action.description,
                owner_id=action.owner_id,
                lead_organisation_id=action.lead_organisation_id,
                start_date=action.start_date,
                due_date=action.due_date,
                state=action.state,
                percent_complete=action.percent_complete,
                raised_at_id=action.raised_at_id,
            )
            save_audited(carried, by=by, reason=f"Carried forward from version {plan.version}")
            for milestone in action.milestones.all():
                save_audited(
                    Milestone(
                        action=carried,
                        title=milestone.title,
                        due_date=milestone.due_date,
                        done_on=milestone.done_on,
                    ),
                    by=by,
                )
        else:
            action.state = ActionState.CANCELLED
            action.closed_reason = decision.reason.strip()
            save_audited(
                action, by=by, reason=f"Closed on revising the plan: {action.closed_reason}"
            )
    for target in plan.targets.all():
        save_audited(
            PlanTarget(
                plan=draft,
                indicator_id=target.indicator_id,
                period=target.period,
                value=target.value,
                upper=target.upper,
            ),
            by=by,
        )
    return draft
