"""Build the demo world, in one transaction, the way its people would build it in the
product: the performance team's records first (``admin_records``, the one part written
through the ORM, since the admin keeps them), then each partnership's plan, indicators and
past numbers, risks, budgets and spend, the lessons it learned, comparator data, and last
the latest quarter opened for returns. Everything after the records goes through
``goldenthread.core.services`` as the person who would do it.

Safe to run again: the records and the numbers loaded as history are put back where they
differ and otherwise left alone, so a second load on the same day writes nothing, not even
history. A partnership's plan and risks, once made, are its own: they change only the way
the product changes them (a revision, a return), so a later load leaves them, dates
included. A fresh database gets dates that move with the day of loading.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from goldenthread.core.models import User, default_deadline
from goldenthread.core.services.returns import open_quarter
from goldenthread.rules import Frequency, latest_ended

from .admin_records import (
    load_organisations,
    load_partnership,
    load_people,
    load_strategic_plans,
)
from .benchmarking import load_benchmarking
from .catalogue import PARTNERSHIPS, PEOPLE
from .finance import load_finance
from .health_checks import load_health_checks
from .indicators import Numbers
from .lessons import load_lessons
from .library import load_library
from .partners import load_partners
from .plans import build_plan, refresh_indicators
from .published import Skipped
from .stories import load_stories


@dataclass
class PartnershipCounts:
    name: str
    members: int
    indicators: int
    objectives: int
    actions: int
    risks: int
    numbers: Numbers


@dataclass
class LoadReport:
    partnerships: list[PartnershipCounts] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)


@transaction.atomic
def load_demo(*, today: datetime.date) -> LoadReport:
    report = LoadReport()
    orgs = load_organisations()
    people = load_people(orgs)
    outcomes = load_strategic_plans()
    performance = next(p.username for p in PEOPLE if p.is_performance_team)
    load_library(performance=people[performance], today=today)
    for spec in PARTNERSHIPS:
        partnership = load_partnership(spec, orgs, people)
        numbers = Numbers()
        if partnership.plans.exists():
            refresh_indicators(
                spec, partnership, people=people, orgs=orgs, skipped=report.skipped, numbers=numbers
            )
        else:
            build_plan(
                spec,
                partnership,
                people=people,
                orgs=orgs,
                outcomes=outcomes,
                today=today,
                skipped=report.skipped,
                numbers=numbers,
            )
        load_finance(spec, partnership, lead=people[spec.lead], today=today)
        report.partnerships.append(
            PartnershipCounts(
                name=spec.name,
                members=len(spec.members),
                indicators=sum(numbers.latest_rag.values()),
                objectives=len(spec.objectives),
                actions=sum(len(o.actions) for o in spec.objectives),
                risks=len(spec.risks),
                numbers=numbers,
            )
        )
    load_lessons(people)
    load_stories(people, today)
    load_partners(people, today)
    load_health_checks(people, today)
    load_benchmarking()
    _open_latest_quarter(people[performance], today)
    return report


def _open_latest_quarter(by: User, today: datetime.date) -> None:
    """The latest quarter to end is open for monitoring, so the demo has returns to fill
    in and members see what they owe. Its deadline is the usual one, or a fortnight after
    the load if that has passed: a fresh demo shows returns to write, not every one
    overdue. Opening it again changes nothing."""
    quarter = latest_ended(Frequency.QUARTERLY, today)
    deadline = max(default_deadline(quarter), today + datetime.timedelta(days=14))
    open_quarter(period=quarter, by=by, deadline=deadline)
