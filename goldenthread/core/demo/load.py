"""Write the demo into the database through the ORM, idempotently.

Every row is found by its natural key and written only when something differs, so a second
load on the same day changes nothing, not even the history tables. Action and review dates
move with the day of loading, so a load on a later day updates those dates and nothing else.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils import timezone

from goldenthread.core.models import (
    Action,
    Indicator,
    Membership,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    PlanTarget,
    Result,
    Risk,
    StrategicPlan,
    Target,
    User,
)
from goldenthread.rules import Period, Polarity, Rag, ToleranceKind, rag

from .benchmarking import load_benchmarking
from .catalogue import INDICATORS, IndicatorSpec
from .finance import load_finance
from .lessons import load_lessons
from .published import Skipped, read_series
from .targets import illustrative_targets
from .world import (
    ORGANISATIONS,
    PARTNERSHIPS,
    PASSWORD,
    PEOPLE,
    PERFORMANCE_GROUP,
    PLAN_APPROVED_ON,
    PLAN_FIRST_YEAR,
    PLAN_LAST_YEAR,
    STRATEGIC_PLANS,
    OutcomeSpec,
    PartnershipSpec,
)

M = TypeVar("M", bound=models.Model)


@dataclass
class PartnershipCounts:
    name: str
    members: int = 0
    indicators: int = 0
    results: int = 0
    targets: int = 0
    objectives: int = 0
    actions: int = 0
    risks: int = 0
    latest_rag: Counter[Rag] = field(default_factory=Counter)


@dataclass
class LoadReport:
    partnerships: list[PartnershipCounts] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)


def upsert(model: type[M], keys: dict[str, Any], values: dict[str, Any]) -> M:
    """Find the row by ``keys``; create it, or save only the fields that differ."""
    obj = model._default_manager.filter(**keys).first()
    if obj is None:
        return model._default_manager.create(**keys, **values)
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


def _same(obj: models.Model, name: str, value: Any) -> bool:
    field_ = obj._meta.get_field(name)
    if field_.many_to_one:
        # Compare ids, so checking a foreign key costs no query.
        return getattr(obj, field_.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def _set_m2m(manager: Any, wanted: list[models.Model]) -> None:
    """``set`` only when the links differ, so an unchanged load writes no history."""
    if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in wanted}:
        manager.set(wanted)


@transaction.atomic
def load_demo(*, today: datetime.date) -> LoadReport:
    report = LoadReport()
    orgs = {o.key: upsert(Organisation, {"name": o.name}, {"kind": o.kind}) for o in ORGANISATIONS}
    people = _load_people(orgs)
    outcomes = _load_strategic_plans()
    by_partnership: dict[str, list[IndicatorSpec]] = {}
    for spec in INDICATORS:
        by_partnership.setdefault(spec.partnership, []).append(spec)
    for spec in PARTNERSHIPS:
        counts = PartnershipCounts(spec.name)
        partnership = _load_partnership(spec, orgs, people, counts)
        indicators = {
            i.code: _load_indicator(i, partnership, orgs, people, report.skipped, counts)
            for i in by_partnership[spec.key]
        }
        _load_plan(spec, partnership, orgs, people, outcomes, indicators, today, counts)
        load_finance(partnership, today)
        report.partnerships.append(counts)
    load_lessons()
    load_benchmarking()
    _open_latest_quarter(people["performance"], today)
    return report


def _open_latest_quarter(by: User, today: datetime.date) -> None:
    """The latest quarter to end is open for monitoring, so the demo has returns to fill
    in and members see what they owe. Its deadline is the usual one, or a fortnight after
    the load if that has passed: a fresh demo shows returns to write, not every one
    overdue. Opening it again changes nothing."""
    from goldenthread.core.models import default_deadline
    from goldenthread.core.services.returns import open_quarter
    from goldenthread.rules import Frequency, latest_ended

    quarter = latest_ended(Frequency.QUARTERLY, today)
    deadline = max(default_deadline(quarter), today + datetime.timedelta(days=14))
    open_quarter(period=quarter, by=by, deadline=deadline)


def _load_people(orgs: dict[str, Organisation]) -> dict[str, User]:
    usernames = [p.username for p in PEOPLE]
    # One shared hash: hashing is deliberately slow, and checking or making one per person
    # would make the load take many seconds. These are demo accounts with a published
    # password, so a shared salt costs nothing.
    hashes = set(User.objects.filter(username__in=usernames).values_list("password", flat=True))
    encoded = next((h for h in sorted(hashes) if check_password(PASSWORD, h)), None)
    encoded = encoded or make_password(PASSWORD)
    people = {}
    for person in PEOPLE:
        people[person.username] = upsert(
            User,
            {"username": person.username},
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.org",
                "organisation": orgs[person.org],
                "job_title": person.job_title,
                "is_performance_team": person.is_performance_team,
                "is_staff": person.is_performance_team,
                "is_superuser": False,
                "is_active": True,
                "password": encoded,
            },
        )
    group, _ = Group.objects.get_or_create(name=PERFORMANCE_GROUP)
    _set_m2m(group.permissions, list(Permission.objects.filter(content_type__app_label="core")))
    for person in PEOPLE:
        if person.is_performance_team:
            user = people[person.username]
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
    return people


def _load_strategic_plans() -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}

    def add(plan: StrategicPlan, spec: OutcomeSpec, parent: Outcome | None) -> None:
        outcome = upsert(
            Outcome,
            {"strategic_plan": plan, "code": spec.code},
            {"title": spec.title, "parent": parent},
        )
        outcomes[spec.code] = outcome
        for child in spec.children:
            add(plan, child, outcome)

    for spec in STRATEGIC_PLANS:
        plan = upsert(
            StrategicPlan,
            {"title": spec.title},
            {
                "kind": spec.kind,
                "first_year": spec.first_year,
                "last_year": spec.last_year,
                "description": spec.description,
            },
        )
        for outcome in spec.outcomes:
            add(plan, outcome, None)
    return outcomes


def _load_partnership(
    spec: PartnershipSpec,
    orgs: dict[str, Organisation],
    people: dict[str, User],
    counts: PartnershipCounts,
) -> Partnership:
    partnership = upsert(
        Partnership,
        {"name": spec.name},
        {
            "short_name": spec.short_name,
            "purpose": spec.purpose,
            "lead_organisation": orgs[spec.lead_org],
            "lead_link_officer": people[spec.lead],
            "is_demo": True,
        },
    )
    for username, role, org in spec.members:
        upsert(
            Membership,
            {"partnership": partnership, "person": people[username]},
            {"role": role, "organisation": orgs[org]},
        )
    counts.members = len(spec.members)
    return partnership


def _load_indicator(
    spec: IndicatorSpec,
    partnership: Partnership,
    orgs: dict[str, Organisation],
    people: dict[str, User],
    skipped: Skipped,
    counts: PartnershipCounts,
) -> Indicator:
    actuals = read_series(spec.series, skipped)
    baseline_period = min(actuals)
    owner = people[spec.owner]
    indicator = upsert(
        Indicator,
        {"partnership": partnership, "code": spec.code},
        {
            "title": spec.title,
            "definition": spec.definition,
            "unit": spec.unit,
            "decimals": spec.decimals,
            "polarity": spec.polarity.value,
            "frequency": spec.series.frequency.value,
            "roll_up": spec.roll_up,
            "baseline": actuals[baseline_period],
            "baseline_period": baseline_period,
            "data_source": spec.data_source,
            "owner": owner,
            "owner_organisation": orgs[spec.owner_org],
            "tolerance_kind": ToleranceKind.PERCENT.value,
            "tolerance": spec.tolerance,
        },
    )
    targets = illustrative_targets(
        actuals,
        frequency=spec.series.frequency,
        polarity=spec.polarity,
        ambition=spec.ambition,
        decimals=spec.decimals,
        is_percentage=spec.is_percentage,
        plan_first_year=PLAN_FIRST_YEAR,
        plan_last_year=PLAN_LAST_YEAR,
    )
    latest = max(actuals)
    latest_rag = rag(
        actual=actuals[latest],
        target=targets.get(latest),
        polarity=Polarity(spec.polarity),
        tolerance=spec.tolerance,
        tolerance_kind=ToleranceKind.PERCENT,
    )
    counts.latest_rag[latest_rag] += 1
    commentary = spec.commentary if latest_rag in (Rag.RED, Rag.AMBER) else ""

    _write_period_values(
        Result,
        indicator,
        {
            period: {
                "value": value,
                "entered_by": owner,
                "note": "",
                "commentary": commentary if period == latest else "",
                "not_available": False,
            }
            for period, value in actuals.items()
        },
    )
    _write_period_values(
        Target,
        indicator,
        {
            period: {"value": value, "upper": None, "set_by": owner}
            for period, value in targets.items()
        },
    )
    counts.indicators += 1
    counts.results += len(actuals)
    counts.targets += len(targets)
    return indicator


def _write_period_values(
    model: type[Result] | type[Target],
    indicator: Indicator,
    rows: dict[Period, dict[str, Any]],
) -> None:
    """One query for what is there, then a write only for each row that is new or differs."""
    existing = {row.period: row for row in model.objects.filter(indicator=indicator)}
    for period, values in rows.items():
        row = existing.get(period)
        if row is None:
            model.objects.create(indicator=indicator, period=period, **values)
            continue
        changed = [name for name, value in values.items() if not _same(row, name, value)]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=changed)


def _load_plan_targets(plan: Plan) -> None:
    """The approved plan's own copy of the targets within its years (see PlanTarget)."""
    live = Target.objects.filter(
        indicator__objectives__plan=plan,
        period__gte=str(plan.first_year),
        period__lt=str(plan.last_year + 1),
    ).distinct()
    for target in live:
        upsert(
            PlanTarget,
            {"plan": plan, "indicator_id": target.indicator_id, "period": target.period},
            {"value": target.value, "upper": target.upper},
        )


def _load_plan(
    spec: PartnershipSpec,
    partnership: Partnership,
    orgs: dict[str, Organisation],
    people: dict[str, User],
    outcomes: dict[str, Outcome],
    indicators: dict[str, Indicator],
    today: datetime.date,
    counts: PartnershipCounts,
) -> None:
    approved_at = timezone.make_aware(
        datetime.datetime.combine(PLAN_APPROVED_ON, datetime.time(10))
    )
    plan = upsert(
        Plan,
        {"partnership": partnership, "version": 1},
        {
            "title": spec.plan_title,
            "vision": spec.vision,
            "key_issues": spec.key_issues,
            "first_year": PLAN_FIRST_YEAR,
            "last_year": PLAN_LAST_YEAR,
            "status": Plan.Status.APPROVED,
            "approved_by": people[spec.lead],
            "approved_at": approved_at,
        },
    )
    objectives = {}
    for order, o in enumerate(spec.objectives, start=1):
        objective = upsert(
            Objective,
            {"plan": plan, "ref": o.ref},
            {
                "title": o.title,
                "description": o.description,
                "owner": people[o.owner],
                "lead_organisation": orgs[o.org],
                "deadline": o.deadline,
                "order": order,
            },
        )
        _set_m2m(objective.outcomes, [outcomes[code] for code in o.outcomes])
        _set_m2m(objective.indicators, [indicators[code] for code in o.indicators])
        objectives[o.ref] = objective
        for a in o.actions:
            upsert(
                Action,
                {"objective": objective, "ref": a.ref},
                {
                    "title": a.title,
                    "description": a.description,
                    "owner": people[a.owner] if a.owner else None,
                    "lead_organisation": orgs[a.org] if a.org else None,
                    "start_date": today + datetime.timedelta(days=a.start),
                    "due_date": None if a.due is None else today + datetime.timedelta(days=a.due),
                    "state": a.state.value,
                    "percent_complete": a.percent,
                    "completed_on": (
                        None
                        if a.completed is None
                        else today + datetime.timedelta(days=a.completed)
                    ),
                    "closed_reason": a.closed_reason,
                },
            )
            counts.actions += 1
    counts.objectives = len(objectives)
    _load_plan_targets(plan)
    for r in spec.risks:
        upsert(
            Risk,
            {"partnership": partnership, "ref": r.ref},
            {
                "objective": objectives[r.objective] if r.objective else None,
                "title": r.title,
                "cause": r.cause,
                "consequence": r.consequence,
                "inherent_likelihood": r.inherent[0],
                "inherent_impact": r.inherent[1],
                "residual_likelihood": r.residual[0],
                "residual_impact": r.residual[1],
                "mitigation": r.mitigation,
                "owner": people[r.owner],
                "review_date": today + datetime.timedelta(days=r.review),
                "is_open": True,
            },
        )
        counts.risks += 1
