"""Saving a quarterly return of 60 indicators in one request."""

import datetime
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import (
    Indicator,
    Membership,
    Organisation,
    Partnership,
    ReportingRound,
    Result,
    Return,
    Target,
    User,
)
from goldenthread.rules import Period

from . import Figure

QUARTER = Period.parse("2025/26 Q3")


def _return_with(indicators: int, tag: str) -> tuple[Return, User]:
    org, _ = Organisation.objects.get_or_create(name="Bench Council")
    lead = User.objects.create_user(f"bench-lead-{tag}", password="bench-password-1")
    partnership = Partnership.objects.create(name=f"Bench {tag}", lead_organisation=org)
    Membership.objects.create(partnership=partnership, person=lead, organisation=org, role="lead")
    round_, _ = ReportingRound.objects.get_or_create(
        period=QUARTER, defaults={"deadline": datetime.date(2026, 1, 31)}
    )
    made = Indicator.objects.bulk_create(
        Indicator(
            partnership=partnership, code=f"B{n:03d}", title=f"Bench indicator {n}", owner=lead
        )
        for n in range(indicators)
    )
    Target.objects.bulk_create(
        Target(indicator=i, period=QUARTER, value=Decimal(100)) for i in made
    )
    return Return.objects.create(
        round=round_, partnership=partnership, deadline=round_.deadline
    ), lead


def _post(client: Client, ret: Return, value: int) -> tuple[int, float]:
    """Post the whole return once; the query count and the POST's seconds."""
    form = client.get(reverse("return_detail", args=[ret.pk])).context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    for name in data:
        if name.endswith("_value"):
            data[name] = str(value)
        if name.endswith("_commentary"):
            data[name] = "Bench commentary."
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("return_detail", args=[ret.pk]), data)
    seconds = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    return len(queries), seconds


def run() -> list[Figure]:
    figures = []
    counts = {}
    for size in (30, 60):
        ret, lead = _return_with(size, str(size))
        client = Client()
        client.force_login(lead)
        counts[size] = _post(client, ret, 95)[0]
        seconds = statistics.median(_post(client, ret, value)[1] for value in range(96, 101))
        assert Result.objects.filter(indicator__partnership=ret.partnership).count() == size
        if size == 60:
            figures.append(
                Figure(
                    "save a 60-indicator return (one POST, median of 5)",
                    seconds * 1000,
                    "ms",
                    "< 1000 ms",
                    seconds < 1,
                )
            )
    figures.append(
        Figure(
            "queries to save 60 indicators minus queries to save 30",
            counts[60] - counts[30],
            "queries",
            "0: independent of the number of indicators",
            counts[60] == counts[30],
        )
    )
    figures.append(Figure("queries to save a 60-indicator return", counts[60], "queries"))
    return figures
