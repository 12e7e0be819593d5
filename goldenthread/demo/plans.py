"""A demo partnership's first plan, made the way a partnership makes one in the product:
the lead link officer starts a draft, members draft the indicators, objectives and actions
they own (each with its published past, ``indicators.py``), the lead approves it (on the
day the catalogue says, before the partnership's first return, with a reason for every gap
the SMART check finds), owners record where their actions stood, and owners add their
risks to the register. Every write goes through ``goldenthread.core.services``, as the
person who would make it, so the demo meets the same rules as everyone else.

A partnership that has a plan already keeps it: a plan changes only by revising it. Loading
again refreshes only the indicators' definitions and past numbers (``refresh_indicators``).
"""

from __future__ import annotations

import datetime

from goldenthread.core.models import (
    Action,
    Indicator,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    User,
)
from goldenthread.core.planning import smart_report
from goldenthread.core.services.history import record_past_approval, record_past_progress
from goldenthread.core.services.plans import create_plan, save_action, save_objective
from goldenthread.core.services.risks import create_risk
from goldenthread.rules import ActionState, Criterion

from .catalogue import (
    INDICATORS,
    OTHER_GAP_REASON,
    PLAN_APPROVED_ON,
    PLAN_FIRST_YEAR,
    PLAN_LAST_YEAR,
    STRETCH_TARGET_REASON,
    ActionSpec,
    PartnershipSpec,
)
from .indicators import Numbers, draft_indicator, refresh_indicator
from .library import use_in_plan
from .published import Skipped


def build_plan(
    spec: PartnershipSpec,
    partnership: Partnership,
    *,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    outcomes: dict[str, Outcome],
    today: datetime.date,
    skipped: Skipped,
    numbers: Numbers,
) -> None:
    lead = people[spec.lead]
    plan = create_plan(
        partnership=partnership,
        by=lead,
        title=spec.plan_title,
        vision=spec.vision,
        key_issues=spec.key_issues,
        first_year=PLAN_FIRST_YEAR,
        last_year=PLAN_LAST_YEAR,
    )
    indicators: dict[str, Indicator] = {}
    for i in INDICATORS:
        if i.partnership == spec.key:
            indicators[i.code] = draft_indicator(
                i, plan=plan, people=people, orgs=orgs, skipped=skipped, numbers=numbers
            )

    objectives = {}
    for o in spec.objectives:
        objective = save_objective(
            plan=plan,
            by=people[o.owner],
            title=o.title,
            description=o.description,
            owner=people[o.owner],
            lead_organisation=orgs[o.org],
            deadline=o.deadline,
            outcomes=[outcomes[code] for code in o.outcomes],
            indicators=[indicators[code] for code in o.indicators],
        )
        _check_ref(objective.ref, o.ref)
        objectives[o.ref] = objective

    use_in_plan(spec.key, plan=plan, objectives=objectives, lead=lead)

    # In the order of their references, which the service gives out one after another.
    specs = sorted(
        ((a, o.ref) for o in spec.objectives for a in o.actions), key=lambda p: int(p[0].ref[1:])
    )
    actions: list[tuple[Action, ActionSpec]] = []
    for a, objective_ref in specs:
        action = save_action(
            objective=objectives[objective_ref],
            by=people[a.owner] if a.owner else lead,
            title=a.title,
            description=a.description,
            owner=people[a.owner] if a.owner else None,
            lead_organisation=orgs[a.org] if a.org else None,
            start_date=_day(today, a.start),
            due_date=_day(today, a.due),
        )
        _check_ref(action.ref, a.ref)
        actions.append((action, a))

    plan = record_past_approval(
        plan=plan, by=lead, approved_on=PLAN_APPROVED_ON, reasons=_gap_reasons(plan)
    )

    for action, a in actions:
        if (a.state, a.percent) != (ActionState.NOT_STARTED, 0):
            record_past_progress(
                action=action,
                by=people[a.owner] if a.owner else lead,
                state=a.state,
                percent_complete=a.percent,
                completed_on=_day(today, a.completed),
                closed_reason=a.closed_reason,
            )

    for r in spec.risks:
        risk = create_risk(
            partnership=partnership,
            by=people[r.owner],
            title=r.title,
            cause=r.cause,
            consequence=r.consequence,
            inherent_likelihood=r.inherent[0],
            inherent_impact=r.inherent[1],
            residual_likelihood=r.residual[0],
            residual_impact=r.residual[1],
            mitigation=r.mitigation,
            owner=people[r.owner],
            review_date=_day(today, r.review),
            objective=objectives[r.objective] if r.objective else None,
        )
        _check_ref(risk.ref, r.ref)


def refresh_indicators(
    spec: PartnershipSpec,
    partnership: Partnership,
    *,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    skipped: Skipped,
    numbers: Numbers,
) -> None:
    """For a partnership loaded before: its indicators' definitions and past numbers put
    back where they differ. An indicator no longer there is left out: a new one needs a
    draft plan."""
    existing = {i.code: i for i in partnership.indicators.select_related("partnership")}
    for i in INDICATORS:
        if i.partnership == spec.key and i.code in existing:
            refresh_indicator(
                i,
                indicator=existing[i.code],
                lead=people[spec.lead],
                people=people,
                orgs=orgs,
                skipped=skipped,
                numbers=numbers,
            )


def _gap_reasons(plan: Plan) -> dict[str, str]:
    """A reason for each gap the SMART check finds as of the day of approval."""
    report = smart_report(plan, PLAN_APPROVED_ON)
    reasons = {item.key: OTHER_GAP_REASON for item in report.failures}
    for _indicator, items in report.indicators:
        for item in items:
            if item.criterion is Criterion.ACHIEVABLE:
                reasons[item.key] = STRETCH_TARGET_REASON
    return reasons


def _day(today: datetime.date, offset: int | None) -> datetime.date | None:
    return None if offset is None else today + datetime.timedelta(days=offset)


def _check_ref(given: str, wanted: str) -> None:
    # The services give references out in order; the catalogue's must follow that order.
    if given != wanted:
        raise ValueError(f"The catalogue lists {wanted} where the plan gave out {given}.")
