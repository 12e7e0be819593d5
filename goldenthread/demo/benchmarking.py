"""Benchmarking for the demo: two real comparator groups and the real published figures of
their areas for every demo indicator whose file has other areas in it.

- CIPFA nearest neighbours (2021): Trafford's 15 nearest neighbours in CIPFA's model
  (``data/cipfa2021.csv``); Trafford Data Lab compares the climate and economy figures
  with CIPFA neighbours.
- Children's services statistical neighbours: Trafford's 10 statistical neighbours of the
  DfE's benchmarking tool (``data/cssn.csv``), which the children's files were published for.

Both files are copies of Trafford Data Lab's, like the rest of ``data/``. Each indicator is
compared with the group more of whose areas its file covers (CIPFA on a tie), and only
those two groups' areas' figures are loaded, which keeps the load quick. The figures are
written through the same service as an import from the benchmarking pages (as the
performance team), with the same rules: rows published as NA and breakdowns (the
``inequality`` column) are left out, our own area is never a comparator, and a row whose
period cannot be stored for the indicator (a five-year aggregate, say) is left out, as
the demo's own results leave it out. Idempotent: a second load writes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from goldenthread.core.models import ComparatorGroup, Indicator, User
from goldenthread.core.services.benchmarking import (
    ComparatorInput,
    import_comparator_group,
    import_comparator_values,
    set_comparator_group,
)
from goldenthread.rules import Period, PeriodError, parse_published_period

from .catalogue import INDICATORS, PARTNERSHIPS, PEOPLE, IndicatorSpec
from .published import DATA_DIR, STORED_PLACES, _rows

SOURCE = "Trafford Data Lab, Trafford Themes: {file} (Open Government Licence v3.0)"


@dataclass(frozen=True)
class GroupSpec:
    name: str
    file: str
    description: str


CIPFA = GroupSpec(
    "CIPFA nearest neighbours (2021)",
    "cipfa2021.csv",
    "Trafford's 15 nearest neighbours in CIPFA's nearest neighbours model, 2021 edition. "
    "Compiled by Trafford Data Lab.",
)
CSSN = GroupSpec(
    "Children's services statistical neighbours",
    "cssn.csv",
    "Trafford's 10 statistical neighbours in the DfE's Children's Services Statistical "
    "Neighbour Benchmarking Tool (May 2025). Compiled by Trafford Data Lab.",
)
GROUPS = (CIPFA, CSSN)


@dataclass
class BenchmarkingCounts:
    groups: int = 0
    indicators: int = 0
    values: int = 0
    created: int = 0


def load_benchmarking() -> BenchmarkingCounts:
    """Call after the demo's partnerships and indicators are loaded."""
    counts = BenchmarkingCounts()
    by = User.objects.get(username=next(p.username for p in PEOPLE if p.is_performance_team))
    groups: dict[GroupSpec, tuple[ComparatorGroup, set[str]]] = {}
    for spec in GROUPS:
        areas = [(row["area_code"], row["area_name"]) for row in _read(spec.file)]
        group, _created = import_comparator_group(
            name=spec.name, areas=areas, by=by, description=spec.description
        )
        groups[spec] = (group, {code for code, _name in areas})
        counts.groups += 1

    partnerships = {p.key: p.name for p in PARTNERSHIPS}
    indicators = {
        (i.partnership.name, i.code): i
        for i in Indicator.objects.select_related("partnership").filter(
            partnership__name__in=partnerships.values()
        )
    }
    wanted = set().union(*(codes for _group, codes in groups.values()))
    wanted.discard(settings.GT_HOME_AREA_CODE)
    for spec in INDICATORS:
        if spec.series.station is not None:
            continue  # monitoring stations, not areas: nothing to compare with
        indicator = indicators[(partnerships[spec.partnership], spec.code)]
        values, measures = _values(spec, indicator, wanted)
        if not values:
            continue
        covered = {v.area_code for v in values}
        group, _codes = max(
            (groups[g] for g in GROUPS), key=lambda pair: len(covered & pair[1])
        )  # max keeps the first of equals: CIPFA
        result = import_comparator_values(
            values=values,
            by=by,
            source=SOURCE.format(file=spec.series.file),
            mappings={(spec.series.indicator, m): indicator for m in measures},
        )
        set_comparator_group(indicator=indicator, group=group, by=by)
        counts.indicators += 1
        counts.values += result.total
        counts.created += result.created
    return counts


def _read(file: str) -> list[dict[str, str]]:
    with (DATA_DIR / file).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _values(
    spec: IndicatorSpec, indicator: Indicator, areas: set[str]
) -> tuple[list[ComparatorInput], set[str]]:
    """The series' figures for the given areas, one per area and period (the later row in
    the file wins, as in published.read_series), and the measures they were published as."""
    series = spec.series
    found: dict[tuple[str, Period], ComparatorInput] = {}
    measures: set[str] = set()
    for row in _rows(series.file):
        if row.get("area_code") not in areas or not series.matches(row):
            continue
        if row.get("inequality", "NA") not in ("NA", ""):
            continue
        raw = row[series.value_column].strip()
        if raw in ("", "NA"):
            continue
        try:
            period = parse_published_period(row["period"], series.frequency)
        except PeriodError:
            continue
        value = Decimal(raw)
        if value.as_tuple().exponent < -STORED_PLACES:
            value = value.quantize(Decimal(1).scaleb(-STORED_PLACES))
        measures.add(row.get("measure", "").strip())
        found[(row["area_code"], period)] = ComparatorInput(
            indicator=indicator,
            area_code=row["area_code"],
            area_name=row.get("area_name", ""),
            period=period,
            value=value,
        )
    return list(found.values()), measures
