"""Read published series from the CSV copies in ``data/``, mapping each period label to one
of our periods through ``rules.parse_published_period``. Nothing here touches the database.

Values are taken exactly as published (``Decimal`` of the string); the only change is for
the few values published with more than six decimal places, which the database holds to
six (the borough CO2 estimates are published to 13).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from goldenthread.rules import Frequency, Period, PeriodError, parse_published_period

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAFFORD = "E08000009"
STORED_PLACES = 6  # Indicator values are DecimalField(decimal_places=6).


@dataclass(frozen=True)
class Series:
    """Which rows of which file make one indicator's results."""

    file: str  # relative to DATA_DIR, e.g. "children/neet.csv" (or an absolute path)
    indicator: str  # the file's `indicator` column, exactly
    frequency: Frequency
    measure: str | None = None  # the `measure` column, where a file has several
    value_column: str = "value"
    station: str | None = None  # for the air-quality files, keyed by station not area

    def matches(self, row: dict[str, str]) -> bool:
        if row.get("indicator") != self.indicator:
            return False
        return self.measure is None or row.get("measure") == self.measure

    def is_ours(self, row: dict[str, str]) -> bool:
        if self.station is not None:
            return row.get("station_code") == self.station
        return row.get("area_code") == TRAFFORD


@dataclass
class Skipped:
    """Published rows for Trafford that were not loaded, by reason, over all files read; and
    how many values were loaded but rounded to the places the database holds."""

    bad_period: Counter[str] = field(default_factory=Counter)  # label -> rows
    wrong_frequency: Counter[str] = field(default_factory=Counter)
    inequality: int = 0
    not_available: int = 0
    replaced: int = 0
    rounded: int = 0
    files_seen: set[str] = field(default_factory=set)


@cache
def _rows(file: str) -> tuple[dict[str, str], ...]:
    with (DATA_DIR / file).open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


def read_series(series: Series, skipped: Skipped) -> dict[Period, Decimal]:
    """The series' values by period, in period order. Rows skipped are counted in
    ``skipped``; where two rows map to the same period the later one in the file wins."""
    values: dict[Period, Decimal] = {}
    count_file_wide = series.file not in skipped.files_seen
    skipped.files_seen.add(series.file)
    for row in _rows(series.file):
        if not series.is_ours(row):
            continue
        label = row["period"]
        readable = _readable(label)
        if count_file_wide and not readable:
            # Multi-year aggregates such as "2020/21 - 24/25": counted once per file, whichever
            # series of the file the row belongs to.
            skipped.bad_period[label] += 1
        if not series.matches(row):
            continue
        if row.get("inequality", "NA") != "NA":
            skipped.inequality += 1
            continue
        raw = row[series.value_column].strip()
        if raw in ("", "NA"):
            skipped.not_available += 1
            continue
        try:
            period = parse_published_period(label, series.frequency)
        except PeriodError:
            if readable:
                skipped.wrong_frequency[label] += 1
            continue
        value = Decimal(raw)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -STORED_PLACES:
            value = value.quantize(Decimal(1).scaleb(-STORED_PLACES))
            skipped.rounded += 1
        if period in values:
            skipped.replaced += 1
        values[period] = value
    return {period: values[period] for period in sorted(values)}


@cache
def _readable(label: str) -> bool:
    try:
        parse_published_period(label)
    except PeriodError:
        return False
    return True
