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

The group is taken as it is defined (goldenthread.rules.benchmark has every definition):
when it lists our own area (``settings.GT_HOME_AREA_CODE``, Trafford in the demo), as "all
English metropolitan districts" does, our value is one of the set the median, quartiles and
MAD are worked out over; when it does not, as CIPFA nearest neighbours do not, the median is
over the neighbours as listed and we are ranked among them ("12th of 16"). Our value is our
recorded result; for a period with no recorded result, our area's imported (published)
figure stands in for it, and the row says so (``ours_imported``), because the published set
the page is matching has that figure in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.urls import reverse

from goldenthread.rules import Benchmark, Period, Polarity, benchmark
from goldenthread.rules.benchmark import round_half_up

from .models import (
    Area,
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


def home_area_name() -> str:
    """Our area's name as imported with a group ("Trafford"), else the setting
    ``GT_HOME_AREA_NAME``. One query."""
    found = Area.objects.filter(code=home_area_code()).values_list("name", flat=True).first()
    return found or settings.GT_HOME_AREA_NAME


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
    """The groups with how many areas each lists (``area_count``) and whether our own area is
    one of them (``lists_home``)."""
    ours = ComparatorGroup.areas.through.objects.filter(
        comparatorgroup=OuterRef("pk"), area__code=home_area_code()
    )
    return ComparatorGroup.objects.annotate(
        area_count=Count("areas"), lists_home=Exists(ours)
    ).order_by("name")


def group_lists_home(group: ComparatorGroup) -> bool:
    """Whether the group lists our own area: from ``groups_with_counts``' annotation when the
    group came from there, else one query."""
    known = getattr(group, "lists_home", None)
    if known is not None:
        return known
    return group.areas.filter(code=home_area_code()).exists()


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
    reporting: int  # the other areas of the group with a value this period
    ours_imported: bool = False  # our value is our area's imported figure, not a result
    doubtful: tuple[tuple[str, Decimal], ...] = ()  # other areas' figures to check: name, value


def benchmark_rows(indicator: Indicator, group: ComparatorGroup) -> list[BenchmarkRow]:
    """For each period in which any other area of the group has a value: our value against
    the group's, oldest first. Two queries however long the history (three when the group
    did not come from ``groups_with_counts``)."""
    home = home_area_code()
    in_set = group_lists_home(group)
    by_period: dict[Period, list[Decimal]] = defaultdict(list)
    names: dict[Period, list[str]] = defaultdict(list)
    imported: dict[Period, Decimal] = {}
    values = ComparatorValue.objects.filter(
        Q(area__in=group.areas.all()) | Q(area__code=home), indicator=indicator
    ).values_list("period", "value", "area__code", "area__name")
    for period, value, code, name in values:
        if code == home:
            imported[period] = value
        else:
            by_period[period].append(value)
            names[period].append(name or code)
    recorded = dict(
        Result.objects.filter(indicator=indicator, value__isnull=False).values_list(
            "period", "value"
        )
    )
    polarity = Polarity(indicator.polarity)
    rows = []
    for period, others in sorted(by_period.items()):
        ours = recorded.get(period, imported.get(period))
        result = benchmark(ours, others, polarity, ours_in_set=in_set, decimals=indicator.decimals)
        stood_in = period not in recorded and period in imported
        doubtful = tuple((names[period][i], others[i]) for i in result.doubtful)
        rows.append(BenchmarkRow(period, result, len(others), stood_in, doubtful))
    return rows


# --- figures as shown: the one rounding rule, half up ---------------------------------------


def shown(indicator: Indicator, value: Decimal | None) -> str:
    """A figure as the benchmark pages show it: rounded half up to the indicator's decimals
    (as published statistics are; Python's formatting alone would round half to even)."""
    if value is None:
        return "–"
    return indicator.format_value(round_half_up(value, indicator.decimals))


def distance_text(indicator: Indicator, result: Benchmark) -> str:
    """Our distance from the median, like "+1.2 (+4.0%)", or "the same as the median"; for an
    indicator in per cent the difference is in percentage points, so it says "points"."""
    if result.difference is None:
        return "–"
    if result.difference == 0:
        return "the same as the median"
    number = f"{result.difference:+,.{indicator.decimals}f}"
    if indicator.unit.strip() == "%":
        number += " points"
    if result.percent is not None:
        number += f" ({result.percent:+.1f}%)"
    return number.replace("-", "−")


def robust_text(result: Benchmark) -> str:
    """The robust distance, like "+1.4 MADs", or why there is none."""
    if result.difference is None:
        return "–"
    if result.robust is None:
        return "none: the MAD is 0"
    if result.robust == 0:
        return "0 MADs"
    unit = "MAD" if abs(result.robust) == 1 else "MADs"
    return f"{result.robust:+.1f} {unit}".replace("-", "−")


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
    ours: str = ""  # the latest figures as shown (rounded half up)
    median: str = ""
    distance: str = ""


def benchmark_summary(indicator: Indicator) -> BenchmarkSummary:
    """Three queries at most: the group, its values and our results."""
    group = None
    if indicator.comparator_group_id:
        group = groups_with_counts().filter(pk=indicator.comparator_group_id).first()
    latest = latest_compared(benchmark_rows(indicator, group)) if group else None
    figures = {}
    if latest is not None:
        figures = {
            "ours": shown(indicator, latest.result.ours),
            "median": shown(indicator, latest.result.group.median),
            "distance": distance_text(indicator, latest.result),
        }
    return BenchmarkSummary(
        indicator=indicator,
        group=group,
        latest=latest,
        url=reverse("indicator_benchmark", args=[indicator.pk]),
        **figures,
    )
