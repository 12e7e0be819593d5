"""Annual report PDF: 40 indicators, five years of history.

Reads the content and renders the PDF for a partnership with 40 quarterly indicators, each
with five years of targets and results, in 8 objectives with 24 actions."""

import datetime
import re
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal

from goldenthread.core.annual_report import annual_report_content
from goldenthread.core.models import (
    Action,
    Budget,
    Indicator,
    Objective,
    Organisation,
    Partnership,
    Plan,
    Result,
    Spend,
    Target,
)
from goldenthread.documents.annual_report import annual_report_pdf
from goldenthread.rules import Frequency, Period

from . import Figure

YEAR = 2025  # the report is for 2025/26, with 2021/22 to 2024/25 before it
INDICATORS = 40
OBJECTIVES = 8
TODAY = datetime.date(2026, 5, 12)


def _partnership() -> Partnership:
    org, _ = Organisation.objects.get_or_create(name="Bench Council")
    partnership = Partnership.objects.create(name="Bench Annual Partnership", lead_organisation=org)
    plan = Plan.objects.create(
        partnership=partnership,
        title="Bench plan",
        first_year=YEAR - 4,
        last_year=YEAR + 1,
        status=Plan.Status.APPROVED,
    )
    objectives = [
        Objective.objects.create(plan=plan, ref=f"O{n + 1}", title=f"Bench objective {n + 1}")
        for n in range(OBJECTIVES)
    ]
    indicators = Indicator.objects.bulk_create(
        Indicator(
            partnership=partnership,
            code=f"B{n:02d}",
            title=f"Bench indicator {n} with a title of a usual length",
            definition="What is counted, where it comes from and when it is published.",
            polarity="lower" if n % 2 else "higher",
            unit="%" if n % 3 == 0 else "",
            decimals=1,
        )
        for n in range(INDICATORS)
    )
    quarters = [
        Period(Frequency.QUARTERLY, year, q)
        for year in range(YEAR - 4, YEAR + 1)
        for q in (1, 2, 3, 4)
    ]
    Target.objects.bulk_create(
        Target(indicator=i, period=p, value=Decimal(100)) for i in indicators for p in quarters
    )
    Result.objects.bulk_create(
        Result(indicator=i, period=p, value=Decimal(90 + (n * 7 + k * 3) % 21))
        for n, i in enumerate(indicators)
        for k, p in enumerate(quarters)
    )
    for n, indicator in enumerate(indicators):
        objectives[n % OBJECTIVES].indicators.add(indicator)
    for n, objective in enumerate(objectives):
        for a in range(3):
            Action.objects.create(
                objective=objective,
                ref=f"A{n + 1}.{a + 1}",
                title=f"Bench action {a + 1} of objective {n + 1}",
                lead_organisation=org,
                due_date=datetime.date(2026, 3, 31),
                state="completed" if a == 0 else "on_track",
                completed_on=datetime.date(2025, 12, 1) if a == 0 else None,
            )
    Budget.objects.create(partnership=partnership, year=YEAR, amount=Decimal(400000))
    for q in range(1, 5):
        Spend.objects.create(
            partnership=partnership,
            period=Period(Frequency.QUARTERLY, YEAR, q),
            amount=Decimal(95000 + q * 1000),
        )
    return partnership


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match[1]) if match else 0


def run() -> list[Figure]:
    partnership = _partnership()
    annual_report_pdf(annual_report_content(partnership, YEAR, today=TODAY))  # fonts loaded
    builds, contents, pages = [], [], 0
    for _ in range(3):
        start = time.perf_counter()
        content = annual_report_content(partnership, YEAR, today=TODAY)
        read = time.perf_counter()
        pdf = annual_report_pdf(content)
        builds.append(time.perf_counter() - start)
        contents.append(read - start)
        pages = _pages(pdf)
    seconds = statistics.median(builds)
    return [
        Figure(
            "annual report PDF, 40 indicators × 5 years (median of 3)",
            seconds,
            "s",
            "< 3 s",
            seconds < 3,
        ),
        Figure("of which reading the content", statistics.median(contents), "s"),
        Figure("PDF pages", pages, "pages"),
    ]
