"""Importing a 10,000-row return spreadsheet, against a plain bulk insert of the same rows.

A partnership with 3,334 monthly indicators has 10,002 results due in a quarter. Its
return is exported as .xlsx filled in, then, in the same run and each inside a
transaction that is rolled back afterwards (so every run starts from the same empty
table, and the rollback is not timed):
- the import: `parse_upload` (every check, row by row) and `record_results` (owner
  checks, bulk insert with a history row each);
- the baseline: the same workbook read with openpyxl in read-only mode and
  `Result.objects.bulk_create` of the same rows, with no checks and no history.
Target: the import within 3× the baseline.
"""

import io
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from goldenthread.core.models import (
    Indicator,
    Membership,
    Organisation,
    Partnership,
    ReportingRound,
    Result,
    Return,
    Role,
    User,
)
from goldenthread.core.services.returns import record_results
from goldenthread.documents import return_sheets as sheets
from goldenthread.rules import Period

from . import Figure

INDICATORS = 3_334
REPEAT = 3
TARGET_RATIO = 3.0


class Rollback(Exception):
    pass


def seconds_rolled_back(work: Callable[[], object], repeat: int = REPEAT) -> tuple[float, object]:
    """The median time of `work` inside a transaction rolled back after each run."""
    times, outcome = [], None
    for _ in range(repeat):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                outcome = work()
                times.append(time.perf_counter() - start)
                raise Rollback
        except Rollback:
            pass
    return statistics.median(times), outcome


def build() -> tuple[Return, User, bytes]:
    council = Organisation.objects.create(name="Bench Council", kind="council")
    lead = User.objects.create(username="bench-lead", first_name="Bench", last_name="Lead")
    partnership = Partnership.objects.create(
        name="Bench Partnership", lead_organisation=council, lead_link_officer=lead
    )
    Membership.objects.create(
        partnership=partnership, person=lead, role=Role.LEAD, organisation=council
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            partnership=partnership,
            code=f"B{n:05d}",
            title=f"Benchmark measure {n}",
            frequency="monthly",
            unit="count",
            owner=lead,
        )
        for n in range(INDICATORS)
    )
    quarter = Period.parse("2025/26 Q3")
    round_ = ReportingRound.objects.create(period=quarter, deadline=quarter.end)
    ret = Return.objects.create(round=round_, partnership=partnership, deadline=quarter.end)
    months = [Period.parse(m) for m in ("Oct 2025", "Nov 2025", "Dec 2025")]
    # The results go in first so the export comes out filled in, then out again so the
    # import has all 10,002 to write.
    with transaction.atomic():
        Result.objects.bulk_create(
            Result(
                indicator=indicator,
                period=month,
                value=Decimal(n * 3 + m) / 4,
                note="Checked" if n % 10 == 0 else "",
                commentary=f"Commentary for {indicator.code}" if n % 5 == 0 else "",
            )
            for n, indicator in enumerate(indicators)
            for m, month in enumerate(months)
        )
        content = sheets.export_xlsx(ret)
        Result.objects.filter(indicator__partnership=partnership).delete()
    return ret, lead, content


def import_sheet(ret: Return, by: User, content: bytes) -> int:
    parsed = sheets.parse_upload(ret, SimpleUploadedFile("return.xlsx", content))
    assert parsed.ok, parsed.problems[:5]
    return record_results(ret=ret, by=by, results=parsed.rows)


def plain_insert(ret: Return, content: bytes) -> int:
    ids = dict(ret.partnership.indicators.values_list("code", "pk"))
    periods: dict[str, Period] = {}
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = book[sheets.SHEET].iter_rows(min_row=2, values_only=True)
    results = []
    for code, _, label, *_, value, _na, _reason, note, commentary in rows:
        if label not in periods:
            periods[label] = Period.parse(label)
        results.append(
            Result(
                indicator_id=ids[code],
                period=periods[label],
                value=Decimal(repr(value)),
                note=note or "",
                commentary=commentary or "",
            )
        )
    book.close()
    return len(Result.objects.bulk_create(results))


def run() -> list[Figure]:
    ret, lead, content = build()
    rows = len(ret.partnership.indicators.all()) * 3
    imported, written = seconds_rolled_back(lambda: import_sheet(ret, lead, content))
    baseline, inserted = seconds_rolled_back(lambda: plain_insert(ret, content))
    assert written == inserted == rows, (written, inserted, rows)
    assert not Result.objects.exists()
    ratio = imported / baseline
    return [
        Figure(f"rows in the sheet ({len(content) / 1024:,.0f} KB .xlsx)", rows, "rows"),
        Figure("import: parse_upload + record_results, with history", imported, "s"),
        Figure("baseline: openpyxl read-only + bulk_create, no checks", baseline, "s"),
        Figure(
            "import ÷ baseline",
            ratio,
            "×",
            target=f"≤ {TARGET_RATIO:g}×",
            met=ratio <= TARGET_RATIO,
        ),
    ]
