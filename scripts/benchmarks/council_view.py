"""The council-wide view at 100 and at 1,000 partnerships of 40 indicators each.

Generates a council (bulk_create, no history): 100 partnerships of 40 quarterly
indicators each, 40 quarters of results and targets for every indicator (160,000 of each),
an approved plan of 8 objectives with 3 actions each, 5 risks, three members and a return
for the latest ended quarter per partnership. Then measures, as a performance-team user:
the server time of GET /council/ (Django's test client) and the time of plain SQL that
reads the same rows through connection.cursor(), each the median of 11 taken in turn with
the other after a warm-up; their ratio; and the page's query count at 50 and at 100
partnerships. Then adds 900 partnerships alike, each with the last two years of one of
the first hundred's results and targets (copied in SQL: ten years each would take minutes
to generate, and the page reads only the latest two quarters, by index), and measures the
same at 1,000 partnerships (median of 5): the page's time per partnership must grow no faster than
linearly, and its query count not at all."""

import datetime
import random
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
    ReportingRound,
    Result,
    Return,
    Risk,
    StrategicPlan,
    Target,
    User,
    default_deadline,
)
from goldenthread.core.performance import compared_periods
from goldenthread.rules import ActionState, Frequency, latest_ended

from . import Figure

INDICATORS = 40  # per partnership
QUARTERS = 40  # ten years
OBJECTIVES = 8
ACTIONS = 3  # per objective
RISKS = 5
REPEAT = 11
REPEAT_1000 = 5  # each takes ten times as long
# Quarters of results and targets of the 900 partnerships added for 1,000: the page reads
# only the latest two by index, and generating ten years for each would take minutes.
QUARTERS_AT_1000 = 8


def _council(
    first: int, count: int, today: datetime.date, rng: random.Random, copy: bool = False
) -> None:
    """Partnerships number first .. first + count - 1, with everything the page reads.
    With `copy`, each new partnership's results and targets are those of one of the first
    hundred (partnership n takes n mod 100's), copied in SQL: building a million and a
    half of each in Python would take minutes."""
    orgs = list(Organisation.objects.filter(name__startswith="Council bench org"))
    people = list(User.objects.filter(username__startswith="council-bench-person"))
    outcomes = list(Outcome.objects.filter(strategic_plan__title="Council bench plan"))
    latest = latest_ended(Frequency.QUARTERLY, today)
    oldest = latest
    for _ in range(QUARTERS - 1):
        oldest = oldest.previous()
    quarters = oldest.periods_until(latest)
    round_ = ReportingRound.objects.get(period=latest)

    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Council bench partnership {n:03d}", lead_organisation=orgs[n % 10])
        for n in range(first, first + count)
    )
    Membership.objects.bulk_create(
        Membership(
            partnership=p,
            person=people[(n * 3 + k) % len(people)],
            organisation=orgs[(n + k) % len(orgs)],
            role=["lead", "member", "viewer"][k],
        )
        for n, p in enumerate(partnerships)
        for k in range(3)
    )
    Return.objects.bulk_create(
        Return(
            round=round_,
            partnership=p,
            deadline=round_.deadline,
            status=["open", "submitted", "signed_off", "returned"][n % 4],
        )
        for n, p in enumerate(partnerships)
    )
    Risk.objects.bulk_create(
        Risk(
            partnership=p,
            ref=f"R{k}",
            title=f"Risk {k}",
            inherent_likelihood=4,
            inherent_impact=4,
            residual_likelihood=2,
            residual_impact=3,
            review_date=today + datetime.timedelta(days=rng.randint(-90, 180)),
        )
        for p in partnerships
        for k in range(RISKS)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            partnership=p,
            code=f"CB{i:02d}",
            title=f"Bench indicator {i}",
            polarity=["higher", "lower", "band"][i % 3],
            decimals=1,
        )
        for p in partnerships
        for i in range(INDICATORS)
    )
    if copy:
        _copy_series(partnerships)
    else:
        for batch in range(0, len(indicators), 500):
            chunk = indicators[batch : batch + 500]
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
                batch_size=2000,
            )
            Result.objects.bulk_create(
                (
                    Result(
                        indicator=indicator,
                        period=q,
                        value=Decimal(rng.randint(850, 1150)) / 10,
                    )
                    for indicator in chunk
                    for q in quarters
                ),
                batch_size=2000,
            )
    plans = Plan.objects.bulk_create(
        Plan(partnership=p, title="Bench plan", first_year=2024, last_year=2027, status="approved")
        for p in partnerships
    )
    objectives = Objective.objects.bulk_create(
        Objective(plan=plan, ref=f"O{k}", title=f"Bench objective {k}", order=k)
        for plan in plans
        for k in range(OBJECTIVES)
    )
    by_partnership = {}
    for indicator in indicators:
        by_partnership.setdefault(indicator.partnership_id, []).append(indicator)
    links = Objective.indicators.through
    links.objects.bulk_create(
        links(objective_id=o.pk, indicator_id=i.pk)
        for o, plan in ((o, plans[(n // OBJECTIVES)]) for n, o in enumerate(objectives))
        for i in by_partnership[plan.partnership_id][o.order * 5 : o.order * 5 + 5]
    )
    served = Objective.outcomes.through
    served.objects.bulk_create(
        served(objective_id=o.pk, outcome_id=outcomes[n % len(outcomes)].pk)
        for n, o in enumerate(objectives)
    )
    states = [s.value for s in ActionState]
    Action.objects.bulk_create(
        Action(
            objective=o,
            ref=f"A{k}",
            title=f"Bench action {k}",
            due_date=today + datetime.timedelta(days=rng.randint(-200, 400)),
            state=rng.choice(states),
        )
        for o in objectives
        for k in range(ACTIONS)
    )


def _copy_series(partnerships: list[Partnership]) -> None:
    """Copy the last `QUARTERS_AT_1000` quarters' results and targets of the first hundred
    partnerships' indicators to the indicators of the same code in `partnerships`
    (partnership n from n mod 100), one INSERT ... SELECT for each table and template
    partnership."""
    oldest = latest_ended(Frequency.QUARTERLY, timezone.localdate())
    for _ in range(QUARTERS_AT_1000 - 1):
        oldest = oldest.previous()
    templates = dict(
        Partnership.objects.filter(name__lt="Council bench partnership 100").values_list(
            "name", "pk"
        )
    )
    by_template: dict[int, list[int]] = {}
    for p in partnerships:
        n = int(p.name.rsplit(" ", 1)[1])
        template = templates[f"Council bench partnership {n % 100:03d}"]
        by_template.setdefault(template, []).append(p.pk)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (Result, Target):
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.column not in ("id", "indicator_id")
            ]
            names = ", ".join(quote(c) for c in columns)
            copied = ", ".join(f"r.{quote(c)}" for c in columns)
            for template, new in by_template.items():
                cursor.execute(
                    f"INSERT INTO {quote(model._meta.db_table)} (indicator_id, {names}) "
                    f"SELECT n.id, {copied} FROM {quote(Indicator._meta.db_table)} n "
                    f"JOIN {quote(Indicator._meta.db_table)} o ON o.code = n.code "
                    f"AND o.partnership_id = %s "
                    f"JOIN {quote(model._meta.db_table)} r ON r.indicator_id = o.id "
                    f"WHERE n.partnership_id IN ({', '.join(['%s'] * len(new))}) "
                    "AND r.period >= %s",
                    [template, *new, oldest.key],
                )


def _setup(today: datetime.date) -> User:
    Organisation.objects.bulk_create(Organisation(name=f"Council bench org {n}") for n in range(10))
    User.objects.bulk_create(
        User(username=f"council-bench-person-{n}", password="!") for n in range(60)
    )
    plan = StrategicPlan.objects.create(title="Council bench plan", first_year=2024, last_year=2028)
    Outcome.objects.bulk_create(
        Outcome(strategic_plan=plan, code=f"T{n}", title=f"Outcome {n}") for n in range(12)
    )
    latest = latest_ended(Frequency.QUARTERLY, today)
    ReportingRound.objects.create(period=latest, deadline=default_deadline(latest))
    return User.objects.create_user(
        "council-bench-performance", password="bench-password-1", is_performance_team=True
    )


FREQUENCIES = [Frequency.QUARTERLY, Frequency.MONTHLY, Frequency.ANNUAL]


# Each indicator's own period by its frequency: the keys are parameters, in FREQUENCIES order.
OWN_PERIOD = "CASE i.frequency WHEN 'quarterly' THEN %s WHEN 'monthly' THEN %s ELSE %s END"


def _ids(sql: str, ids: list) -> str:
    return sql.replace("%(ids)s", ", ".join(["%s"] * len(ids)))


def plain_sql(today: datetime.date) -> list[list[tuple]]:
    """The rows the page needs, read with hand-written SQL: the filter's choices, the
    partnerships, each indicator's latest result and that period's target, the results
    and targets of the periods compared, the latest round's returns, overdue risk reviews,
    and the approved plans' objectives, their indicators and actions."""
    pairs = compared_periods(today)
    keys_now = [pairs[f][0].key for f in FREQUENCIES]
    keys_before = [pairs[f][1].key for f in FREQUENCIES]
    rows = []
    with connection.cursor() as cursor:

        def read(sql: str, params=()) -> list[tuple]:
            cursor.execute(sql, params)
            found = cursor.fetchall()
            rows.append(found)
            return found

        read(
            "SELECT o.id, o.code, o.title, o.parent_id, s.id, s.title FROM core_outcome o "
            "JOIN core_strategicplan s ON s.id = o.strategic_plan_id ORDER BY s.title, s.id, o.code"
        )
        read(
            "SELECT id, name FROM core_organisation WHERE id IN "
            "(SELECT lead_organisation_id FROM core_partnership) "
            "OR id IN (SELECT organisation_id FROM core_membership) ORDER BY name"
        )
        partnerships = read(
            "SELECT p.id, p.name, p.is_demo, o.name FROM core_partnership p "
            "JOIN core_organisation o ON o.id = p.lead_organisation_id ORDER BY p.name"
        )
        ids = [p[0] for p in partnerships]
        # Each indicator's latest reported period, and the results and targets of the
        # latest ended period and the one before (limited to those periods as the page
        # does, so that PostgreSQL reads them by the period index). Every generated
        # indicator's latest is one of those, so the page reads nothing more.
        now, before = OWN_PERIOD, OWN_PERIOD
        keys = ", ".join(["%s"] * len(FREQUENCIES))
        read(
            _ids(
                "SELECT i.id, i.partnership_id, i.polarity, i.tolerance, i.tolerance_kind, "
                "(SELECT period FROM core_result WHERE indicator_id = i.id "
                "  AND value IS NOT NULL ORDER BY period DESC LIMIT 1), "
                f"{now}, {before}, rn.value, tn.value, tn.upper, rb.value, tb.value, tb.upper "
                "FROM core_indicator i "
                f"LEFT JOIN core_result rn ON rn.indicator_id = i.id AND rn.period IN ({keys}) "
                f"  AND rn.period = {now} AND rn.value IS NOT NULL "
                f"LEFT JOIN core_target tn ON tn.indicator_id = i.id AND tn.period IN ({keys}) "
                f"  AND tn.period = {now} "
                f"LEFT JOIN core_result rb ON rb.indicator_id = i.id AND rb.period IN ({keys}) "
                f"  AND rb.period = {before} AND rb.value IS NOT NULL "
                f"LEFT JOIN core_target tb ON tb.indicator_id = i.id AND tb.period IN ({keys}) "
                f"  AND tb.period = {before} "
                "WHERE i.partnership_id IN (%(ids)s)",
                ids,
            ),
            [
                *keys_now,
                *keys_before,
                *keys_now,
                *keys_now,
                *keys_now,
                *keys_now,
                *keys_before,
                *keys_before,
                *keys_before,
                *keys_before,
                *ids,
            ],
        )
        read(
            _ids(
                "SELECT r.id, r.partnership_id, r.status, r.deadline, g.period, g.deadline "
                "FROM core_return r JOIN core_reportinground g ON g.id = r.round_id "
                "WHERE g.period = (SELECT MAX(period) FROM core_reportinground) "
                "AND r.partnership_id IN (%(ids)s)",
                ids,
            ),
            ids,
        )
        read(
            _ids(
                "SELECT partnership_id, COUNT(*) FROM core_risk WHERE is_open "
                "AND review_date < %s AND partnership_id IN (%(ids)s) GROUP BY partnership_id",
                ids,
            ),
            [today, *ids],
        )
        approved = (
            "SELECT id FROM core_plan WHERE status = 'approved' AND partnership_id IN (%(ids)s)"
        )
        read(
            _ids(
                "SELECT o.id, p.partnership_id, o.ref, o.title FROM core_objective o "
                "JOIN core_plan p ON p.id = o.plan_id "
                "WHERE p.status = 'approved' AND p.partnership_id IN (%(ids)s) "
                'ORDER BY o."order", o.ref',
                ids,
            ),
            ids,
        )
        read(
            _ids(
                "SELECT l.objective_id, l.indicator_id FROM core_objective_indicators l "
                "JOIN core_objective o ON o.id = l.objective_id "
                f"WHERE o.plan_id IN ({approved})",
                ids,
            ),
            ids,
        )
        read(
            _ids(
                "SELECT a.objective_id, a.state, a.due_date FROM core_action a "
                "JOIN core_objective o ON o.id = a.objective_id "
                f"WHERE o.plan_id IN ({approved})",
                ids,
            ),
            ids,
        )
    return rows


def _medians_ms(*works, repeat: int = REPEAT) -> list[float]:
    """The median time of each piece of work, in milliseconds, run in turn `repeat` times
    (after a warm-up: caches, the first template compile), so that a shared machine
    speeding up or slowing down affects each alike and their ratio stays fair."""
    for work in works:
        work()
    times = [[] for _ in works]
    for _ in range(repeat):
        for work, taken in zip(works, times, strict=True):
            start = time.perf_counter()
            work()
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) * 1000 for taken in times]


def _page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/council/")
    assert response.status_code == 200, response.status_code
    return len(queries)


def run() -> list[Figure]:
    today = timezone.localdate()
    rng = random.Random(2026)
    start = time.perf_counter()
    with transaction.atomic():  # one commit, not one per batch
        performance = _setup(today)
        _council(0, 50, today, rng)
    client = Client()
    client.force_login(performance)
    at_50 = _page(client)
    with transaction.atomic():
        _council(50, 50, today, rng)
    _settle()
    built = time.perf_counter() - start
    at_100 = _page(client)
    assert Partnership.objects.count() == 100
    assert Indicator.objects.count() == 100 * INDICATORS
    results_100 = Result.objects.count()
    assert results_100 == 100 * INDICATORS * QUARTERS

    response = client.get("/council/")
    rows = response.context["overview"].rows
    assert len(rows) == 100 and sum(sum(r.rag_counts.values()) for r in rows) == 4000

    page_ms, sql_ms = _medians_ms(lambda: client.get("/council/"), lambda: plain_sql(today))
    ratio = page_ms / sql_ms

    # Ten times the partnerships: 900 more, their results and targets copied in SQL.
    start = time.perf_counter()
    with transaction.atomic():
        _council(100, 900, today, rng, copy=True)
    _settle()
    built_1000 = time.perf_counter() - start
    at_1000 = _page(client)
    assert Indicator.objects.count() == 1000 * INDICATORS
    assert Result.objects.count() == results_100 + 900 * INDICATORS * QUARTERS_AT_1000
    response = client.get("/council/")
    rows = response.context["overview"].rows
    assert len(rows) == 1000 and sum(sum(r.rag_counts.values()) for r in rows) == 40_000
    page_1000_ms, sql_1000_ms = _medians_ms(
        lambda: client.get("/council/"), lambda: plain_sql(today), repeat=REPEAT_1000
    )
    growth = (page_1000_ms / 1000) / (page_ms / 100)
    return [
        Figure(
            f"generate 100 partnerships, 4,000 indicators, {results_100:,} results "
            "and as many targets",
            built,
            "s",
        ),
        Figure(
            f"council-wide page, 100 partnerships (GET, median of {REPEAT})",
            page_ms,
            "ms",
            "< 150 ms",
            page_ms < 150,
        ),
        Figure(f"plain SQL reading the same rows (median of {REPEAT})", sql_ms, "ms"),
        Figure("page time ÷ plain SQL time", ratio, "×", "≤ 2×", ratio <= 2),
        Figure("queries for the page at 100 partnerships", at_100, "queries"),
        Figure(
            "queries at 100 partnerships minus queries at 50",
            at_100 - at_50,
            "queries",
            "0: independent of the number of partnerships",
            at_100 == at_50,
        ),
        Figure(
            "generate 900 more partnerships (1,000 in all, 40,000 indicators), each with "
            f"its last {QUARTERS_AT_1000} quarters' results and targets copied in SQL "
            f"({Result.objects.count():,} results in all)",
            built_1000,
            "s",
        ),
        Figure(
            f"council-wide page, 1,000 partnerships (GET, median of {REPEAT_1000})",
            page_1000_ms,
            "ms",
        ),
        Figure(
            f"plain SQL reading the same rows, 1,000 partnerships (median of {REPEAT_1000})",
            sql_1000_ms,
            "ms",
        ),
        Figure("page time ÷ plain SQL time at 1,000 partnerships", page_1000_ms / sql_1000_ms, "×"),
        Figure(
            "page time per partnership at 1,000 ÷ at 100",
            growth,
            "×",
            "≤ 1.2×: no faster than linear",
            growth <= 1.2,
        ),
        Figure(
            "plain SQL time per partnership at 1,000 ÷ at 100 (how the database itself grows)",
            (sql_1000_ms / 1000) / (sql_ms / 100),
            "×",
        ),
        Figure(
            "page time beyond the plain SQL's, per partnership, at 1,000 ÷ at 100",
            ((page_1000_ms - sql_1000_ms) / 1000) / ((page_ms - sql_ms) / 100),
            "×",
        ),
        Figure(
            "queries at 1,000 partnerships minus queries at 100",
            at_1000 - at_100,
            "queries",
            "0",
            at_1000 == at_100,
        ),
    ]


def _settle() -> None:
    """On PostgreSQL, what autovacuum does soon after a load this size (PostgreSQL 13 and
    later vacuum after inserts too): statistics for the planner, and the visibility map
    that lets the period indexes answer without visiting the table. Without it the
    figures depend on when autovacuum got round to it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
