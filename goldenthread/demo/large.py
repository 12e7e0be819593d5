"""A demo scaled to a large council, for load tests: by default 100 partnerships of 40
quarterly indicators (4,000), ten years of quarterly targets and results, 500 people
with memberships, an approved plan per partnership (objectives, actions, risks), the
returns of the last year signed off and the latest quarter's open, so that its leads can
fill them in.

Written with bulk_create in one transaction, not through the services: it is data for
measuring, made in seconds, with no history or audit entries. Everyone signs in with
PASSWORD, hashed once. ``manage.py load_large_council`` is the way in.

Who is who, for a load test to sign in as (see `lead_username` and friends): people
0–9 are the council performance team; person 10 + n leads partnership n; the rest are
members and viewers, each of one to three partnerships.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from goldenthread.core.models import (
    Action,
    Comment,
    Indicator,
    Membership,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    Risk,
    StrategicPlan,
    Target,
    User,
    default_deadline,
)
from goldenthread.rules import ActionState, Frequency, latest_ended

PASSWORD = "large-council-1"
PREFIX = "large-"
PERFORMANCE_TEAM = 10
ORGANISATIONS = 20
OBJECTIVES = 8  # per plan
ACTIONS = 3  # per objective
RISKS = 5  # per partnership
SIGNED_OFF_ROUNDS = 3  # before the latest, which is open
BATCH = 2000


@dataclass(frozen=True)
class Size:
    partnerships: int = 100
    indicators: int = 40  # per partnership
    quarters: int = 40  # of targets and results, ending with the latest ended quarter
    people: int = 500

    def __post_init__(self) -> None:
        if self.people < PERFORMANCE_TEAM + self.partnerships + 6:
            raise ValueError(
                f"{self.partnerships} partnerships need at least "
                f"{PERFORMANCE_TEAM + self.partnerships + 6} people."
            )
        if self.quarters < SIGNED_OFF_ROUNDS + 1 or self.indicators < 1:
            raise ValueError(f"At least {SIGNED_OFF_ROUNDS + 1} quarters and 1 indicator.")


@dataclass
class Built:
    partnerships: int
    indicators: int
    results: int
    targets: int
    people: int
    memberships: int
    returns: int
    open_returns: int


def username(n: int) -> str:
    return f"{PREFIX}person-{n:03d}"


def performance_username(n: int) -> str:
    """One of the performance team, n from 0 to 9."""
    return username(n % PERFORMANCE_TEAM)


def lead_username(partnership: int) -> str:
    """The lead of the partnership-th partnership (in name order, from 0)."""
    return username(PERFORMANCE_TEAM + partnership)


def partnership_name(n: int) -> str:
    return f"Large council partnership {n:03d}"


@transaction.atomic
def load_large_council(*, size: Size = Size(), today: datetime.date, seed: int = 2026) -> Built:
    """Make the large council in an empty database (or beside other data: every name it
    uses starts with its own prefix, and a second load is refused)."""
    if Partnership.objects.filter(name=partnership_name(0)).exists():
        raise ValueError("The large council is loaded already.")
    rng = random.Random(seed)
    latest = latest_ended(Frequency.QUARTERLY, today)
    quarters = [latest]
    while len(quarters) < size.quarters:
        quarters.insert(0, quarters[0].previous())

    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Large council organisation {n:02d}") for n in range(ORGANISATIONS)
    )
    hashed = make_password(PASSWORD)  # once: hashing is slow by design
    people = User.objects.bulk_create(
        User(
            username=username(n),
            password=hashed,
            first_name=f"Person{n:03d}",
            last_name=f"Large{n % 97:02d}",
            email=f"person-{n:03d}@large-council.invalid",
            organisation=orgs[n % ORGANISATIONS],
            is_performance_team=n < PERFORMANCE_TEAM,
        )
        for n in range(size.people)
    )
    strategy = StrategicPlan.objects.create(
        title="Large council strategy", first_year=latest.year - 1, last_year=latest.year + 3
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(strategic_plan=strategy, code=f"L{n}", title=f"Large council outcome {n}")
        for n in range(12)
    )

    leads = people[PERFORMANCE_TEAM : PERFORMANCE_TEAM + size.partnerships]
    others = people[PERFORMANCE_TEAM + size.partnerships :]
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            name=partnership_name(n),
            lead_organisation=orgs[n % ORGANISATIONS],
            lead_link_officer=leads[n],
            purpose=f"Partnership {n} of the large council demo.",
        )
        for n in range(size.partnerships)
    )
    # Each partnership: its lead, four members and two viewers from the rest, so most of
    # them sit in one to three partnerships.
    memberships = [
        Membership(
            partnership=p, person=leads[n], organisation=orgs[n % ORGANISATIONS], role="lead"
        )
        for n, p in enumerate(partnerships)
    ]
    team: dict[int, list[User]] = {}
    for n, p in enumerate(partnerships):
        chosen = {
            others[(n * 6 + k) % len(others)].pk: others[(n * 6 + k) % len(others)]
            for k in range(6)
        }
        team[p.pk] = [leads[n], *chosen.values()]
        memberships += [
            Membership(
                partnership=p,
                person=person,
                organisation=orgs[(n + k) % ORGANISATIONS],
                role="member" if k < 4 else "viewer",
            )
            for k, person in enumerate(chosen.values())
        ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    rounds = ReportingRound.objects.bulk_create(
        ReportingRound(period=q, deadline=default_deadline(q))
        for q in quarters[-SIGNED_OFF_ROUNDS - 1 :]
    )
    decided = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    returns = Return.objects.bulk_create(
        (
            Return(
                round=r,
                partnership=p,
                deadline=r.deadline,
                status="open" if r.period == latest else "signed_off",
                highlights="" if r.period == latest else f"Highlights of {r.period.label}.",
                submitted_by=None if r.period == latest else leads[n],
                submitted_at=None if r.period == latest else decided,
                decided_by=None if r.period == latest else people[0],
                decided_at=None if r.period == latest else decided,
            )
            for r in rounds
            for n, p in enumerate(partnerships)
        ),
        batch_size=BATCH,
    )

    indicators = Indicator.objects.bulk_create(
        (
            Indicator(
                partnership=p,
                code=f"LC{i:02d}",
                title=f"Large council indicator {i} of partnership {n}",
                polarity=["higher", "lower", "band"][i % 3],
                decimals=1,
                unit="%" if i % 2 else "count",
                owner=team[p.pk][i % 5],
                baseline=Decimal(100),
                baseline_period=quarters[0],
            )
            for n, p in enumerate(partnerships)
            for i in range(size.indicators)
        ),
        batch_size=BATCH,
    )
    results = targets = 0
    for start in range(0, len(indicators), 200):
        chunk = indicators[start : start + 200]
        targets += len(
            Target.objects.bulk_create(
                (
                    Target(
                        indicator=indicator,
                        period=q,
                        value=Decimal(100),
                        upper=Decimal(110) if indicator.polarity == "band" else None,
                    )
                    for indicator in chunk
                    for q in quarters
                ),
                batch_size=BATCH,
            )
        )
        # The latest quarter's results are what the open returns are for: half are in.
        results += len(
            Result.objects.bulk_create(
                (
                    Result(
                        indicator=indicator,
                        period=q,
                        value=Decimal(rng.randint(850, 1150)) / 10,
                        commentary="" if rng.random() < 0.8 else "Explained in the return.",
                    )
                    for indicator in chunk
                    for q in quarters
                    if q != latest or int(indicator.code[2:]) % 2 == 0
                ),
                batch_size=BATCH,
            )
        )

    plans = Plan.objects.bulk_create(
        Plan(
            partnership=p,
            title=f"Plan of partnership {n}",
            first_year=latest.year - 1,
            last_year=latest.year + 2,
            status="approved",
            approved_by=people[0],
            approved_at=decided,
        )
        for n, p in enumerate(partnerships)
    )
    objectives = Objective.objects.bulk_create(
        (
            Objective(
                plan=plan,
                ref=f"O{k}",
                title=f"Objective {k} of partnership {n}",
                order=k,
                owner=team[plan.partnership_id][k % 5],
            )
            for n, plan in enumerate(plans)
            for k in range(OBJECTIVES)
        ),
        batch_size=BATCH,
    )
    by_partnership: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_partnership.setdefault(indicator.partnership_id, []).append(indicator)
    per_objective = max(1, size.indicators // OBJECTIVES)
    links = Objective.indicators.through
    links.objects.bulk_create(
        (
            links(objective_id=o.pk, indicator_id=i.pk)
            for n, o in enumerate(objectives)
            for i in by_partnership[plans[n // OBJECTIVES].partnership_id][
                o.order * per_objective : (o.order + 1) * per_objective
            ]
        ),
        batch_size=BATCH,
    )
    served = Objective.outcomes.through
    served.objects.bulk_create(
        (
            served(objective_id=o.pk, outcome_id=outcomes[n % len(outcomes)].pk)
            for n, o in enumerate(objectives)
        ),
        batch_size=BATCH,
    )
    states = [s.value for s in ActionState]
    Action.objects.bulk_create(
        (
            Action(
                objective=o,
                ref=f"A{k}",
                title=f"Action {k} of objective {o.ref}",
                owner=team[plans[n // OBJECTIVES].partnership_id][(n + k) % 5],
                due_date=today + datetime.timedelta(days=rng.randint(-200, 400)),
                state=(state := rng.choice(states)),
                percent_complete=100 if state == "completed" else rng.randint(0, 90),
            )
            for n, o in enumerate(objectives)
            for k in range(ACTIONS)
        ),
        batch_size=BATCH,
    )
    Risk.objects.bulk_create(
        (
            Risk(
                partnership=p,
                ref=f"R{k}",
                title=f"Risk {k} of partnership {n}",
                inherent_likelihood=4,
                inherent_impact=4,
                residual_likelihood=2,
                residual_impact=3,
                owner=team[p.pk][k % 5],
                review_date=today + datetime.timedelta(days=rng.randint(-90, 180)),
            )
            for n, p in enumerate(partnerships)
            for k in range(RISKS)
        ),
        batch_size=BATCH,
    )
    # A short thread on each partnership's first indicator, so comment lists have rows.
    Comment.objects.bulk_create(
        (
            Comment(
                partnership=p,
                indicator=by_partnership[p.pk][0],
                author=team[p.pk][k % 3],
                body=f"Comment {k} on the first indicator.",
            )
            for p in partnerships
            for k in range(3)
        ),
        batch_size=BATCH,
    )
    return Built(
        partnerships=len(partnerships),
        indicators=len(indicators),
        results=results,
        targets=targets,
        people=len(people),
        memberships=len(memberships),
        returns=len(returns),
        open_returns=len(partnerships),
    )


def analyse() -> None:
    """What autovacuum would do soon after a load this size: planner statistics, and on
    PostgreSQL the visibility map that lets index-only scans skip the table."""
    # VACUUM cannot run inside a transaction (as in tests); ANALYZE alone can.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
