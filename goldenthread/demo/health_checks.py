"""The demo's partnership health checks (issue 17), for the Community Safety Partnership:
the two years before this one closed (by their dates), each answered by most of its leads
and members, so last year's results show year on year; and this year's open, answered by
two so far, so the demo's "member" can answer it (the third) and the lead can close it to
see the results. All through the health check services, on the days they would have
happened. Loading again leaves a year that has its health check alone."""

from __future__ import annotations

import datetime

from django.utils import timezone

from goldenthread.core.models import (
    HealthCheck,
    Notification,
    NotificationKind,
    Partnership,
    User,
)
from goldenthread.core.services.health_checks import answer_health_check, open_health_check
from goldenthread.rules import financial_year_of
from goldenthread.rules import health_check as questionnaire

PARTNERSHIP = "Community Safety Partnership"

# Each theme's usual answer in each year (counting back from this one), from which each
# person's answers differ a little: trust and resources improve, involving residents stays
# weak.
TYPICAL = {
    2: {
        "purpose": 4,
        "trust": 2,
        "roles": 3,
        "decisions": 3,
        "resources": 2,
        "learning": 3,
        "residents": 2,
    },
    1: {
        "purpose": 4,
        "trust": 3,
        "roles": 4,
        "decisions": 3,
        "resources": 3,
        "learning": 4,
        "residents": 2,
    },
    0: {
        "purpose": 5,
        "trust": 4,
        "roles": 4,
        "decisions": 4,
        "resources": 3,
        "learning": 4,
        "residents": 3,
    },
}
# Who answered each year (by username), in the order they answered.
ANSWERED = {
    2: ["lead", "member", "claire.robinson", "andrew.kerr", "fiona.campbell"],
    1: ["lead", "claire.robinson", "andrew.kerr", "fiona.campbell"],
    0: ["claire.robinson", "andrew.kerr"],
}
# How far each respondent's answer to the nth statement is from the theme's usual one.
SWAY = (0, 1, -1, 0, 1, 0, -1)
COMMENTS = {
    1: {
        "residents": "We report to residents once a year; they do not help set priorities.",
        "trust": "Much better since the joint tasking meetings started.",
    }
}


def _answers(back: int, person_index: int) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for n, (key, statement_theme) in enumerate(questionnaire.THEME_OF.items()):
        if (person_index + n) % 11 == 10:
            answers[key] = None  # don't know
            continue
        sway = SWAY[(person_index + n) % len(SWAY)]
        answers[key] = min(5, max(1, TYPICAL[back][statement_theme.key] + sway))
    return answers


def load_health_checks(people: dict[str, User], today: datetime.date) -> None:
    partnership = Partnership.objects.filter(name=PARTNERSHIP).first()
    if partnership is None:
        return
    lead = people["lead"]
    this_year = financial_year_of(today)
    for back in (2, 1, 0):
        year = this_year - back
        if HealthCheck.objects.filter(partnership=partnership, year=year).exists():
            continue
        # A past year's was opened in its February and closed three weeks later.
        opened_on = today if back == 0 else datetime.date(year + 1, 2, 1)
        health_check = open_health_check(
            partnership=partnership,
            by=lead,
            year=year,
            closes_on=opened_on + datetime.timedelta(days=21),
            today=opened_on,
        )
        for index, username in enumerate(ANSWERED[back]):
            answer_health_check(
                health_check=health_check,
                by=people[username],
                answers=_answers(back, index),
                comments=COMMENTS.get(back, {}) if index == 0 else {},
                today=opened_on,
            )
        if back:
            # Closed by its date: nobody is still asked to answer it.
            Notification.objects.filter(
                kind=NotificationKind.HEALTH_CHECK_OPENED, key=f"health-check-{health_check.pk}"
            ).update(read_at=timezone.now())
