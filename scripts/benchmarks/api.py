"""The JSON API against the ORM: reading 10,000 results, and writing a 60-result return.

Both in the same run, in process, through the WSGI handler (Django's test client) with a
personal access token, as another system would call it:
- read: the 10,002 results of a return (3,334 monthly indicators) in pages of 500 from
  /api/v1/returns/{id}/results (and the JSON decoded, as a client must), against the same
  rows read page by page with the ORM as Django code ordinarily reads them (model
  instances, the indicator and who entered each joined in, in the same order). Target:
  within 3x. The leanest ORM read (`values()` of the same fields) is shown beside it.
- write: a 60-result return in one POST to /api/v1/returns/{id}/results (If-Match, token,
  every check, history), against the same rows written by calling
  core.services.returns.record_results directly. Target: within 3x. A plain
  `bulk_create` of the 60 rows (no checks, no history) is shown beside it.
Each write runs in a transaction rolled back afterwards, so every run starts from the same
empty table.
"""

import datetime
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from goldenthread.core.models import (
    Indicator,
    Membership,
    Organisation,
    Partnership,
    ReportingRound,
    Result,
    Return,
    Role,
    TokenScope,
    User,
)
from goldenthread.core.services.api_tokens import create_token
from goldenthread.core.services.returns import ResultInput, record_results
from goldenthread.rules import Period

from . import Figure

READ_INDICATORS = 3_334  # monthly: 10,002 results due in a quarter
WRITE_INDICATORS = 60
PAGE = 500
REPEAT = 3
TARGET_RATIO = 3.0
QUARTER = Period.parse("2025/26 Q3")
MONTHS = [Period.parse(m) for m in ("Oct 2025", "Nov 2025", "Dec 2025")]


class Rollback(Exception):
    pass


def median(work: Callable[[], object], repeat: int = REPEAT, rolled_back: bool = False):
    times, outcome = [], None
    for _ in range(repeat):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                outcome = work()
                times.append(time.perf_counter() - start)
                if rolled_back:
                    raise Rollback
        except Rollback:
            pass
    return statistics.median(times), outcome


def _partnership(name: str, lead: User, council: Organisation) -> Partnership:
    partnership = Partnership.objects.create(
        name=name, lead_organisation=council, lead_link_officer=lead
    )
    Membership.objects.create(
        partnership=partnership, person=lead, role=Role.LEAD, organisation=council
    )
    return partnership


def build() -> tuple[User, Return, Return]:
    council = Organisation.objects.create(name="Bench Council", kind="council")
    lead = User.objects.create(username="bench-lead", first_name="Bench", last_name="Lead")
    reading = _partnership("Bench Reading", lead, council)
    writing = _partnership("Bench Writing", lead, council)
    round_ = ReportingRound.objects.create(period=QUARTER, deadline=QUARTER.end)
    monthly = Indicator.objects.bulk_create(
        Indicator(
            partnership=reading,
            code=f"R{n:05d}",
            title=f"Benchmark measure {n}",
            frequency="monthly",
            owner=lead,
        )
        for n in range(READ_INDICATORS)
    )
    Result.objects.bulk_create(
        Result(
            indicator=indicator,
            period=month,
            value=Decimal(n * 3 + m) / 4,
            commentary=f"Commentary for {indicator.code}" if n % 5 == 0 else "",
            entered_by=lead,
        )
        for n, indicator in enumerate(monthly)
        for m, month in enumerate(MONTHS)
    )
    Indicator.objects.bulk_create(
        Indicator(
            partnership=writing,
            code=f"W{n:03d}",
            title=f"Benchmark measure {n}",
            frequency="quarterly",
            owner=lead,
        )
        for n in range(WRITE_INDICATORS)
    )
    read_return = Return.objects.create(round=round_, partnership=reading, deadline=QUARTER.end)
    write_return = Return.objects.create(round=round_, partnership=writing, deadline=QUARTER.end)
    return lead, read_return, write_return


def read_api(client: Client, headers: dict[str, str], ret: Return) -> int:
    rows, page = 0, 1
    while True:
        response = client.get(
            f"/api/v1/returns/{ret.pk}/results",
            {"page": page, "page_size": PAGE},
            headers=headers,
        )
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        rows += len(body["items"])
        if rows >= body["count"]:
            return rows
        page += 1


FIELDS = (
    "indicator_id",
    "indicator__code",
    "period",
    "value",
    "not_available",
    "not_available_reason",
    "note",
    "commentary",
    "entered_by__first_name",
    "entered_by__last_name",
    "entered_at",
)


def read_orm(ret: Return) -> int:
    rows = Result.objects.filter(
        indicator__partnership=ret.partnership, period__in=[m.key for m in MONTHS]
    ).order_by("indicator__code", "period", "pk")
    total, start = rows.count(), 0
    read = 0
    while start < total:
        read += len(list(rows.values(*FIELDS)[start : start + PAGE]))
        start += PAGE
    return read


def read_orm_models(ret: Return) -> int:
    """The ORM's ordinary read: model instances, with the indicator and who entered each
    joined in, page by page."""
    rows = (
        Result.objects.filter(
            indicator__partnership=ret.partnership, period__in=[m.key for m in MONTHS]
        )
        .select_related("indicator", "entered_by")
        .order_by("indicator__code", "period", "pk")
    )
    total, start = rows.count(), 0
    read = 0
    while start < total:
        read += len(list(rows[start : start + PAGE]))
        start += PAGE
    return read


def _items(ret: Return, value: int) -> list[dict]:
    return [
        {"indicator_id": pk, "period": QUARTER.label, "value": value, "commentary": "Bench."}
        for pk in ret.partnership.indicators.order_by("code").values_list("pk", flat=True)
    ]


def write_api(client: Client, headers: dict[str, str], ret: Return, items: list[dict]) -> int:
    version = Return.objects.values_list("version", flat=True).get(pk=ret.pk)
    response = client.post(
        f"/api/v1/returns/{ret.pk}/results",
        {"results": items},
        content_type="application/json",
        headers={**headers, "If-Match": f'"return-{ret.pk}-v{version}"'},
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()["changed"]


def write_service(ret: Return, by: User, items: list[dict]) -> int:
    rows = [
        ResultInput(
            indicator_id=i["indicator_id"],
            period=Period.parse(i["period"]),
            value=Decimal(i["value"]),
            commentary=i["commentary"],
        )
        for i in items
    ]
    return record_results(ret=Return.objects.get(pk=ret.pk), by=by, results=rows)


def write_orm(items: list[dict], by: User) -> int:
    return len(
        Result.objects.bulk_create(
            Result(
                indicator_id=i["indicator_id"],
                period=QUARTER,
                value=Decimal(i["value"]),
                commentary=i["commentary"],
                entered_by=by,
            )
            for i in items
        )
    )


@override_settings(GT_API_REQUESTS_PER_MINUTE=100_000)
def run() -> list[Figure]:
    lead, read_return, write_return = build()
    _token, secret = create_token(
        lead,
        name="Benchmark",
        scope=TokenScope.READ_WRITE,
        expires_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()

    read_api(client, headers, read_return)  # warm up: URL resolver, schemas, caches
    api_read, read_rows = median(lambda: read_api(client, headers, read_return))
    orm_read, orm_rows = median(lambda: read_orm_models(read_return))
    lean_read, lean_rows = median(lambda: read_orm(read_return))
    assert read_rows == orm_rows == lean_rows == READ_INDICATORS * 3, (read_rows, orm_rows)

    items = _items(write_return, 95)
    median(lambda: write_api(client, headers, write_return, items), 1, rolled_back=True)
    api_write, changed = median(
        lambda: write_api(client, headers, write_return, items), 5, rolled_back=True
    )
    service_write, written = median(
        lambda: write_service(write_return, lead, items), 5, rolled_back=True
    )
    orm_write, inserted = median(lambda: write_orm(items, lead), 5, rolled_back=True)
    assert changed == written == inserted == WRITE_INDICATORS, (changed, written, inserted)
    assert not Result.objects.filter(indicator__partnership=write_return.partnership).exists()

    read_ratio = api_read / orm_read
    write_ratio = api_write / service_write
    return [
        Figure(f"API: read {read_rows:,} results in pages of {PAGE}", api_read * 1000, "ms"),
        Figure("ORM: the same rows, the same pages (models)", orm_read * 1000, "ms"),
        Figure(
            "API read ÷ ORM read",
            read_ratio,
            "×",
            f"≤ {TARGET_RATIO:g}×",
            read_ratio <= TARGET_RATIO,
        ),
        Figure("ORM, leanest: the same pages as values()", lean_read * 1000, "ms"),
        Figure("API read ÷ leanest ORM read", api_read / lean_read, "×"),
        Figure("API: write a 60-result return in one bulk call", api_write * 1000, "ms"),
        Figure("service: record_results with the same rows", service_write * 1000, "ms"),
        Figure(
            "API write ÷ service write",
            write_ratio,
            "×",
            f"≤ {TARGET_RATIO:g}×",
            write_ratio <= TARGET_RATIO,
        ),
        Figure("ORM: bulk_create of the 60 rows, no checks, no history", orm_write * 1000, "ms"),
        Figure("API write ÷ plain bulk_create", api_write / orm_write, "×"),
    ]
