"""Reads for benchmarking: the comparator groups, the imports made, and an indicator's
value against its group period by period.

Who may do what (checked by `may_import_*` in goldenthread.core.access):
- anyone signed in sees the comparator groups (lists of public areas) and, for the
  indicators they may see, the values imported and the benchmark pages;
- the council performance team imports values for any indicator (council-wide data),
  imports comparator groups (shared by every partnership, so theirs alone) and sets any
  indicator's usual group;
- a partnership's leads import values for their own partnership's indicators and set their
  usual group. Members and viewers read.

Our own area (``settings.GT_HOME_AREA_CODE``, Trafford in the demo) is never one of the
group: our value is our recorded result, and the group's figures are the other areas'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.urls import reverse

from goldenthread.rules import Benchmark, Period, Polarity, benchmark

from .models import (
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    Partnership,
    Result,
    Role,
    User,
)


def home_area_code() -> str:
    return settings.GT_HOME_AREA_CODE


def importable_indicators(user: User) -> QuerySet[Indicator]:
    indicators = Indicator.objects.select_related("partnership").order_by(
        "partnership__name", "code"
    )
    if not user.is_authenticated or not user.is_active:
        return indicators.none()
    if user.is_performance_team:
        return indicators
    return indicators.filter(
        partnership__memberships__person=user, partnership__memberships__role=Role.LEAD
    )


def remembered_mappings(
    pairs: Iterable[tuple[str, str]], indicators: Iterable[Indicator]
) -> dict[tuple[str, str], int]:
    """For each published (indicator, measure), the first of ``indicators`` it was mapped to
    before, by id. One query."""
    ids = {i.pk for i in indicators}
    pairs = set(pairs)
    found: dict[tuple[str, str], int] = {}
    if not pairs or not ids:
        return found
    names = {name for name, _ in pairs}
    mappings = ComparatorMapping.objects.filter(
        source_indicator__in=names, indicator_id__in=ids
    ).order_by("indicator__partnership__name", "indicator__code")
    for mapping in mappings:
        pair = (mapping.source_indicator, mapping.source_measure)
        if pair in pairs:
            found.setdefault(pair, mapping.indicator_id)
    return found


# --- groups and imports -------------------------------------------------------------------


def groups_with_counts() -> QuerySet[ComparatorGroup]:
    return ComparatorGroup.objects.annotate(area_count=Count("areas")).order_by("name")


@dataclass(frozen=True)
class ImportedSeries:
    """The values imported for one of our indicators from one source."""

    indicator: Indicator
    source: str
    values: int
    areas: int
    first: Period
    last: Period
    imported_at: object


def imported_series(user: User) -> list[ImportedSeries]:
    """What has been imported, for the indicators the person may see. Two queries."""
    visible = Partnership.objects.visible_to(user)
    rows = (
        ComparatorValue.objects.filter(indicator__partnership__in=visible)
        .values("indicator", "source")
        .annotate(
            values=Count("id"),
            areas=Count("area", distinct=True),
            first=Min("period"),
            last=Max("period"),
            imported_at=Max("imported_at"),
        )
        .order_by("indicator", "source")
    )
    rows = list(rows)
    indicators = Indicator.objects.select_related("partnership").in_bulk(
        {row["indicator"] for row in rows}
    )
    found = [
        ImportedSeries(
            indicator=indicators[row["indicator"]],
            source=row["source"],
            values=row["values"],
            areas=row["areas"],
            first=_period(row["first"]),
            last=_period(row["last"]),
            imported_at=row["imported_at"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda s: (s.indicator.partnership.name, s.indicator.code, s.source))


def _period(value: Period | str) -> Period:
    # Min and Max of a PeriodField come back as Periods on some databases, keys on others.
    return value if isinstance(value, Period) else Period.from_key(value)


# --- an indicator against its group -------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkRow:
    period: Period
    result: Benchmark
    reporting: int  # the group's areas with a value this period


def benchmark_rows(indicator: Indicator, group: ComparatorGroup) -> list[BenchmarkRow]:
    """For each period in which any area of the group has a value: our recorded result
    against the group's values, oldest first. Two queries, however long the history."""
    by_period: dict[Period, list[Decimal]] = defaultdict(list)
    values = (
        ComparatorValue.objects.filter(indicator=indicator, area__groups=group)
        .exclude(area__code=home_area_code())
        .values_list("period", "value")
    )
    for period, value in values:
        by_period[period].append(value)
    ours = dict(
        Result.objects.filter(indicator=indicator, value__isnull=False).values_list(
            "period", "value"
        )
    )
    polarity = Polarity(indicator.polarity)
    return [
        BenchmarkRow(period, benchmark(ours.get(period), others, polarity), len(others))
        for period, others in sorted(by_period.items())
    ]


def latest_compared(rows: Sequence[BenchmarkRow]) -> BenchmarkRow | None:
    """The latest period with both our value and the group's."""
    for row in reversed(rows):
        if row.result.ours is not None and row.result.group is not None:
            return row
    return None


@dataclass(frozen=True)
class BenchmarkSummary:
    """What the indicator page shows about benchmarking (web/benchmarking/
    _indicator_summary.html): the usual group, the latest period compared, and the link."""

    indicator: Indicator
    group: ComparatorGroup | None
    latest: BenchmarkRow | None
    url: str


def benchmark_summary(indicator: Indicator) -> BenchmarkSummary:
    """Three queries at most: the group, its values and our results."""
    group = None
    if indicator.comparator_group_id:
        group = ComparatorGroup.objects.filter(pk=indicator.comparator_group_id).first()
    latest = latest_compared(benchmark_rows(indicator, group)) if group else None
    return BenchmarkSummary(
        indicator=indicator,
        group=group,
        latest=latest,
        url=reverse("indicator_benchmark", args=[indicator.pk]),
    )
