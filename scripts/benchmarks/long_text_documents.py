"""Documents with every text at its limit: the full plan, the annual report and the update form.

Issue 10 saw a member put 2.4 MB into one objective's description, after which the plan
PDF took 30 s and the web worker was killed. Every text field now has a limit
(goldenthread.core.models.fields: NOTE, TEXT, LONG_TEXT) and the documents print a
bounded number of the things a member can add many of; the services bound how many
objectives, actions and indicators a plan has. This fills a partnership's plan and year
with text at those limits, written as words (WeasyPrint lays out words: one long string of
one letter would be kinder to it than real text), and times each document a member can
ask for: for a large partnership, under 10 s (the same plan with short texts takes about
half of that: most of a plan's time is its structure, targets tables and charts, not its
words); for a plan at every limit, within a web worker's 30 s timeout. Making documents in
the background, as issue 13 asks, takes them out of web requests altogether."""

import datetime
import itertools
import statistics
import time
from decimal import Decimal

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import (
    Action,
    AnnualUpdateForm,
    Indicator,
    Lesson,
    Membership,
    Objective,
    Organisation,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    Role,
    Target,
    User,
)
from goldenthread.core.models.fields import LONG_TEXT, NOTE, SHORT_TEXT, TEXT
from goldenthread.core.services.plans import MAX_ACTIONS, MAX_INDICATORS, MAX_OBJECTIVES
from goldenthread.rules import Frequency, Period

from . import Figure

YEAR = 2025
TODAY = datetime.date(2026, 5, 12)
# A large partnership: far more than the demo's (3 or 4 objectives of 2 actions, up to 15
# indicators) and than the guidance's "clear and concise" plan.
LARGE = {"objectives": 8, "actions": 4, "indicators": 24}
# Every limit the services set (core.services.plans): the most anyone can put in a plan.
LIMITS = {"objectives": MAX_OBJECTIVES, "actions": MAX_ACTIONS, "indicators": MAX_INDICATORS}
RISKS = 20
MEETINGS = 8  # two a quarter
LESSONS = 30
TARGET_SECONDS = 10
# A document at every limit must still come well within a web worker's timeout (30 s).
LIMITS_SECONDS = 30

SENTENCE = (
    "the partnership will reduce repeat burglary across the three wards by working with "
    "police housing and the fire service to visit homes fit locks and follow up victims "
    "within seven days while residents tell us what helps and what does not"
)
WORDS = SENTENCE.split()


def words(length: int) -> str:
    """Text of exactly `length` characters, made of words."""
    text = " ".join(itertools.islice(itertools.cycle(WORDS), length // 3))
    return text[:length]


def _partnership(name: str, *, objectives: int, actions: int, indicators: int) -> Partnership:
    org, _ = Organisation.objects.get_or_create(name="Bench Council")
    partnership = Partnership.objects.create(name=name, lead_organisation=org, purpose=words(TEXT))
    plan = Plan.objects.create(
        partnership=partnership,
        title="Bench plan",
        vision=words(TEXT),
        key_issues="\n".join(words(200) for _ in range(LONG_TEXT // 201)),
        first_year=YEAR - 1,
        last_year=YEAR + 1,
        status=Plan.Status.APPROVED,
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            partnership=partnership,
            code=f"W{n:03d}",
            title=words(300),
            definition=words(SHORT_TEXT),
            data_source=words(NOTE),
        )
        for n in range(indicators)
    )
    quarters = [Period(Frequency.QUARTERLY, YEAR, q) for q in (1, 2, 3, 4)]
    Target.objects.bulk_create(
        Target(indicator=i, period=p, value=Decimal(100)) for i in indicators for p in quarters
    )
    Result.objects.bulk_create(
        Result(
            indicator=i,
            period=p,
            value=Decimal(90 + n % 20),
            note=words(NOTE),
            commentary=words(TEXT),
        )
        for n, i in enumerate(indicators)
        for p in quarters
    )
    per = -(-len(indicators) // objectives)  # every indicator in one objective
    for n in range(objectives):
        objective = Objective.objects.create(
            plan=plan, ref=f"O{n + 1}", title=words(300), description=words(TEXT)
        )
        objective.indicators.add(*indicators[n * per : (n + 1) * per])
        for a in range(actions):
            Action.objects.create(
                objective=objective,
                ref=f"A{n + 1}.{a + 1}",
                title=words(300),
                description=words(TEXT),
                due_date=datetime.date(2026, 3, 31),
            )
    for n in range(RISKS):
        Risk.objects.create(
            partnership=partnership,
            ref=f"R{n + 1}",
            title=words(300),
            cause=words(TEXT),
            consequence=words(TEXT),
            mitigation=words(TEXT),
            inherent_likelihood=5,
            inherent_impact=5,
            residual_likelihood=4,
            residual_impact=4,
        )
    for quarter in quarters:
        round_, _ = ReportingRound.objects.get_or_create(
            period=quarter, defaults={"deadline": datetime.date(2026, 4, 30)}
        )
        Return.objects.create(
            round=round_,
            partnership=partnership,
            deadline=round_.deadline,
            status=Return.Status.SIGNED_OFF,
            highlights=words(LONG_TEXT),
            exceptions=words(LONG_TEXT),
        )
    for n in range(MEETINGS):
        ReviewMeeting.objects.create(
            partnership=partnership,
            period=quarters[n % 4],
            held_on=quarters[n % 4].end + datetime.timedelta(days=10),
            went_well=words(LONG_TEXT),
            challenges=words(LONG_TEXT),
            decisions=words(LONG_TEXT),
        )
    in_year = timezone.make_aware(datetime.datetime(YEAR, 10, 1, 12, 0))
    for _ in range(LESSONS):
        lesson = Lesson.objects.create(
            partnership=partnership, title=words(300), what_happened=words(LONG_TEXT)
        )
        Lesson.objects.filter(pk=lesson.pk).update(created_at=in_year)
    AnnualUpdateForm.objects.create(
        partnership=partnership,
        year=YEAR,
        **{
            name: words(LONG_TEXT)
            for name in (
                "membership_changes",
                "governance_changes",
                "achievements",
                "challenges",
                "plan_status",
                "system_use",
                "finance_summary",
                "priorities",
            )
        },
    )
    return partnership


def _median(work, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = work()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def _documents(partnership: Partnership, client: Client) -> dict[str, str]:
    plan = partnership.plans.get()
    member = User.objects.create(username=f"bench-member-{partnership.pk}")
    Membership.objects.create(
        partnership=partnership,
        person=member,
        organisation=partnership.lead_organisation,
        role=Role.MEMBER,
    )
    client.force_login(member)  # a member asks for each document through its page
    objectives, indicators = plan.objectives.count(), partnership.indicators.count()
    return {
        f"full plan PDF, {objectives} objectives, {indicators} indicators": reverse(
            "plan_pdf", args=[plan.pk]
        ),
        f"draft annual report PDF, {indicators} indicators, {MEETINGS} meetings, "
        f"{LESSONS} lessons": reverse("annual_report_pdf", args=[partnership.pk, YEAR]),
        "annual update form PDF": reverse("update_form_pdf", args=[partnership.pk, YEAR]),
    }


def run() -> list[Figure]:
    figures = []
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        for label, size, target in (
            ("a large partnership", LARGE, TARGET_SECONDS),
            ("every limit", LIMITS, LIMITS_SECONDS),
        ):
            client = Client()
            documents = _documents(_partnership(f"Bench {label}", **size), client)
            client.get(next(iter(documents.values())))  # fonts loaded
            for name, url in documents.items():
                seconds = _median(lambda url=url, client=client: client.get(url))
                figures.append(
                    Figure(
                        f"{label}: {name}, every text at its limit (median of 3)",
                        seconds,
                        "s",
                        f"< {target} s",
                        seconds < target,
                    )
                )
    return figures
