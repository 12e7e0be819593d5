import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from goldenthread.rules.periods import (
    Frequency,
    Period,
    PeriodError,
    financial_year_of,
    latest_ended,
    parse_published_period,
    periods_in_years,
)

ANNUAL, QUARTERLY, MONTHLY = Frequency.ANNUAL, Frequency.QUARTERLY, Frequency.MONTHLY
TRAFFORD_THEMES = Path(__file__).resolve().parents[3] / "shared" / "data" / "trafford_themes"

TWO_YEARS = periods_in_years(QUARTERLY, 2024, 2025) + periods_in_years(MONTHLY, 2024, 2025)


def fy(year: int) -> Period:
    return Period(ANNUAL, year, 1)


def quarter(year: int, number: int) -> Period:
    return Period(QUARTERLY, year, number)


def month(year: int, number: int) -> Period:
    return Period(MONTHLY, year, number)


# Construction and validation


@pytest.mark.parametrize(
    ("frequency", "year", "number", "says"),
    [
        (QUARTERLY, 2025, 0, "quarter is numbered 1"),
        (QUARTERLY, 2025, 5, "not 5"),
        (MONTHLY, 2025, 13, "month of the financial year is numbered 1"),
        (MONTHLY, 2025, 0, "not 0"),
        (ANNUAL, 2025, 2, "numbered 1"),
        (ANNUAL, 1899, 1, "from 1900 to 2999"),
        (ANNUAL, 3000, 1, "from 1900 to 2999"),
        (ANNUAL, "2025", 1, "not a year"),
        (ANNUAL, True, 1, "not a year"),
        ("weekly", 2025, 1, "not a frequency"),
    ],
)
def test_it_refuses_periods_that_cannot_exist(frequency, year, number, says) -> None:
    with pytest.raises(PeriodError, match=says):
        Period(frequency, year, number)


def test_it_accepts_the_frequency_as_a_plain_string_as_read_from_the_database() -> None:
    period = Period("quarterly", 2025, 3)
    assert period.frequency is QUARTERLY
    assert period == quarter(2025, 3)
    assert hash(period) == hash(quarter(2025, 3))


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


def test_it_orders_periods_of_one_frequency_chronologically() -> None:
    shuffled = [quarter(2025, 1), quarter(2024, 4), month(2025, 12), month(2025, 10)]
    quarters = sorted(p for p in shuffled if p.frequency is QUARTERLY)
    months = sorted(p for p in shuffled if p.frequency is MONTHLY)
    assert quarters == [quarter(2024, 4), quarter(2025, 1)]
    assert [p.label for p in months] == ["Jan 2026", "Mar 2026"]


# Labels and keys


@pytest.mark.parametrize(
    ("period", "label", "key"),
    [
        (fy(2025), "2025/26", "2025"),
        (fy(1999), "1999/00", "1999"),
        (fy(2009), "2009/10", "2009"),
        (quarter(2025, 1), "2025/26 Q1", "2025-Q1"),
        (quarter(2025, 3), "2025/26 Q3", "2025-Q3"),
        (month(2025, 1), "Apr 2025", "2025-M01"),
        (month(2025, 8), "Nov 2025", "2025-M08"),
        (month(2025, 9), "Dec 2025", "2025-M09"),
        (month(2025, 10), "Jan 2026", "2025-M10"),
        (month(2025, 12), "Mar 2026", "2025-M12"),
    ],
)
def test_it_labels_and_keys_periods_as_councils_write_them(period, label, key) -> None:
    assert period.label == label
    assert str(period) == label
    assert period.key == key


@pytest.mark.parametrize("period", [*TWO_YEARS, fy(2024), fy(2025)], ids=str)
def test_label_and_key_round_trip(period: Period) -> None:
    assert Period.parse(period.label) == period
    assert Period.from_key(period.key) == period
    assert Period.parse(period.key) == period


def test_keys_sort_chronologically_as_strings_within_a_frequency() -> None:
    for frequency in Frequency:
        periods = periods_in_years(frequency, 2009, 2011)
        assert sorted(p.key for p in periods) == [p.key for p in periods]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025/26 Q3", quarter(2025, 3)),
        ("  2025/26   q3 ", quarter(2025, 3)),
        ("2025-26 Q3", quarter(2025, 3)),
        ("2025/2026 Q3", quarter(2025, 3)),
        ("2025 / 26 Q3", quarter(2025, 3)),
        ("2025/26Q3", quarter(2025, 3)),
        ("Q3 2025/26", quarter(2025, 3)),
        ("2025–26", fy(2025)),
        ("2025/26", fy(2025)),
        ("2025/2026", fy(2025)),
        ("1999/00", fy(1999)),
        ("1999/2000", fy(1999)),
        ("Nov 2025", month(2025, 8)),
        ("November 2025", month(2025, 8)),
        ("NOVEMBER 2025", month(2025, 8)),
        ("nov. 2025", month(2025, 8)),
        ("Sept 2025", month(2025, 6)),
        ("Jan 2026", month(2025, 10)),
        ("2025-q3", quarter(2025, 3)),
    ],
)
def test_it_parses_labels_tolerantly(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2025/27",
        "2025/24",
        "2025/26 Q5",
        "2025/26 Q0",
        "Q3",
        "Nov",
        "Novemb 2025",
        "2025-M13",
        "2025-M00",
        "Jan 1800",
        "0000",
        "25/26",
        "Q1 2022",  # a calendar quarter: only parse_published_period reads those
        "next quarter",
    ],
)
def test_it_refuses_labels_it_cannot_read_with_a_helpful_message(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        Period.parse(text)
    message = str(raised.value)
    assert "like 2025/26" in message and "2025/26 Q3" in message and "Nov 2025" in message


def test_the_message_quotes_what_was_typed() -> None:
    with pytest.raises(PeriodError) as raised:
        Period.parse("2025/27")
    assert str(raised.value) == (
        "“2025/27” is not a period: write a financial year like 2025/26, a quarter like "
        "2025/26 Q3 or a month like Nov 2025."
    )


@pytest.mark.parametrize("key", ["2025/26", "2025-q3", "2025-Q5", "2025-M8", "2025-M13", " 2025"])
def test_from_key_is_strict(key: str) -> None:
    with pytest.raises(PeriodError, match="not a period key"):
        Period.from_key(key)


# Dates


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (fy(2025), date(2025, 4, 1), date(2026, 3, 31)),
        (quarter(2025, 1), date(2025, 4, 1), date(2025, 6, 30)),
        (quarter(2025, 3), date(2025, 10, 1), date(2025, 12, 31)),
        (quarter(2025, 4), date(2026, 1, 1), date(2026, 3, 31)),
        (month(2025, 1), date(2025, 4, 1), date(2025, 4, 30)),
        (month(2025, 11), date(2026, 2, 1), date(2026, 2, 28)),
        (month(2027, 11), date(2028, 2, 1), date(2028, 2, 29)),
        (month(2025, 12), date(2026, 3, 1), date(2026, 3, 31)),
    ],
)
def test_start_and_end_are_the_first_and_last_days(period: Period, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


@pytest.mark.parametrize("period", TWO_YEARS, ids=str)
def test_periods_tile_the_calendar(period: Period) -> None:
    assert period.next().start == period.end + timedelta(days=1)
    assert Period.containing(period.frequency, period.start) == period
    assert Period.containing(period.frequency, period.end) == period


@pytest.mark.parametrize(
    ("day", "year", "quarter_number", "month_number"),
    [
        (date(2026, 3, 31), 2025, 4, 12),
        (date(2026, 4, 1), 2026, 1, 1),
        (date(2025, 12, 31), 2025, 3, 9),
        (date(2026, 1, 1), 2025, 4, 10),
        (date(2025, 6, 30), 2025, 1, 3),
        (date(2025, 7, 1), 2025, 2, 4),
    ],
)
def test_containing_on_year_and_quarter_boundaries(
    day: date, year: int, quarter_number: int, month_number: int
) -> None:
    assert financial_year_of(day) == year
    assert Period.containing(ANNUAL, day) == fy(year)
    assert Period.containing(QUARTERLY, day) == quarter(year, quarter_number)
    assert Period.containing(MONTHLY, day) == month(year, month_number)


# Arithmetic


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (quarter(2024, 4), quarter(2025, 1)),
        (quarter(2025, 1), quarter(2025, 2)),
        (month(2024, 12), month(2025, 1)),  # Mar 2025 -> Apr 2025
        (month(2025, 9), month(2025, 10)),  # Dec 2025 -> Jan 2026, same financial year
        (fy(2024), fy(2025)),
    ],
    ids=lambda p: p.label,
)
def test_previous_and_next_cross_year_ends(earlier: Period, later: Period) -> None:
    assert earlier.next() == later
    assert later.previous() == earlier


def test_the_month_after_dec_2025_is_jan_2026_in_the_same_financial_year() -> None:
    january = Period.parse("Dec 2025").next()
    assert january.label == "Jan 2026"
    assert january.financial_year() == fy(2025)
    assert Period.parse("Apr 2025").previous().label == "Mar 2025"


@pytest.mark.parametrize(
    ("period", "last_year"),
    [
        (quarter(2025, 1), quarter(2024, 1)),
        (quarter(2025, 4), quarter(2024, 4)),
        (month(2025, 10), month(2024, 10)),
        (fy(2025), fy(2024)),
    ],
    ids=lambda p: p.label,
)
def test_same_period_last_year(period: Period, last_year: Period) -> None:
    assert period.same_period_last_year() == last_year
    assert period.same_period_last_year().next().previous() == last_year


def test_jan_2026_last_year_is_jan_2025() -> None:
    assert Period.parse("Jan 2026").same_period_last_year().label == "Jan 2025"


@pytest.mark.parametrize(
    ("period", "year"),
    [(quarter(2025, 4), fy(2025)), (month(2025, 12), fy(2025)), (fy(2025), fy(2025))],
    ids=str,
)
def test_financial_year_contains_the_period(period: Period, year: Period) -> None:
    assert period.financial_year() == year


def test_periods_until_is_inclusive_and_crosses_years() -> None:
    span = quarter(2024, 3).periods_until(quarter(2025, 2))
    assert [p.label for p in span] == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]
    assert fy(2025).periods_until(fy(2027)) == [fy(2025), fy(2026), fy(2027)]
    assert month(2025, 8).periods_until(month(2025, 8)) == [month(2025, 8)]


def test_periods_until_an_earlier_period_is_empty() -> None:
    assert quarter(2025, 2).periods_until(quarter(2025, 1)) == []


def test_periods_until_refuses_mixed_frequencies() -> None:
    with pytest.raises(PeriodError, match="different kinds of period"):
        quarter(2025, 1).periods_until(month(2025, 12))


def test_periods_in_years() -> None:
    assert periods_in_years(ANNUAL, 2024, 2026) == [fy(2024), fy(2025), fy(2026)]
    quarters = periods_in_years(QUARTERLY, 2025, 2025)
    assert [p.label for p in quarters] == [f"2025/26 Q{n}" for n in range(1, 5)]
    months = periods_in_years(MONTHLY, 2024, 2025)
    assert len(months) == 24
    assert (months[0].label, months[-1].label) == ("Apr 2024", "Mar 2026")
    assert periods_in_years(MONTHLY, 2025, 2024) == []


@pytest.mark.parametrize(
    ("frequency", "today", "expected"),
    [
        (QUARTERLY, date(2026, 3, 31), quarter(2025, 3)),
        (QUARTERLY, date(2026, 4, 1), quarter(2025, 4)),
        (QUARTERLY, date(2025, 12, 31), quarter(2025, 2)),
        (QUARTERLY, date(2026, 1, 1), quarter(2025, 3)),
        (MONTHLY, date(2026, 1, 1), month(2025, 9)),
        (MONTHLY, date(2026, 1, 31), month(2025, 9)),
        (ANNUAL, date(2026, 3, 31), fy(2024)),
        (ANNUAL, date(2026, 4, 1), fy(2025)),
    ],
)
def test_latest_ended_on_boundary_days(frequency: Frequency, today: date, expected: Period) -> None:
    assert latest_ended(frequency, today) == expected
    assert latest_ended(frequency, today).end < today


# Published labels


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("2017/18", None, fy(2017)),
        ("2017/18", ANNUAL, fy(2017)),
        ("2017-18", None, fy(2017)),
        ("2019", None, fy(2019)),
        ("2019", ANNUAL, fy(2019)),
        ("2022/23 Q3", None, quarter(2022, 3)),
        ("2022/23 Q3", QUARTERLY, quarter(2022, 3)),
        ("Q1 2022", None, quarter(2021, 4)),
        ("Q2 2022", QUARTERLY, quarter(2022, 1)),
        ("Q4 2025", None, quarter(2025, 3)),
        ("2022 Q1", None, quarter(2021, 4)),
        ("March 2023", None, month(2022, 12)),
        ("Mar 2023", MONTHLY, month(2022, 12)),
        ("April 2023", QUARTERLY, quarter(2023, 1)),
        ("January 2024", ANNUAL, fy(2023)),
        ("2023-04", None, month(2023, 1)),
        ("2023-04", MONTHLY, month(2023, 1)),
        ("2023-04", QUARTERLY, quarter(2023, 1)),
        ("2024-01", QUARTERLY, quarter(2023, 4)),
        ("2024-01", ANNUAL, fy(2023)),
        ("2011-12", None, fy(2011)),  # reads as a financial year...
        ("2011-12", MONTHLY, month(2011, 9)),  # ...unless a month is expected
        ("2023-06-30", None, month(2023, 3)),
        ("2023-06-30", MONTHLY, month(2023, 3)),
        ("2023-06-30", QUARTERLY, quarter(2023, 1)),
        ("2023-06-30", ANNUAL, fy(2023)),
        ("2022-12-31", QUARTERLY, quarter(2022, 3)),
        ("2023-03-31", ANNUAL, fy(2022)),
        ("2023-04-01", ANNUAL, fy(2023)),
        ("Oct 2021-Sep 2022", None, quarter(2022, 2)),
        ("Oct 2021-Sep 2022", QUARTERLY, quarter(2022, 2)),
        ("Oct 2021 – Sep 2022", QUARTERLY, quarter(2022, 2)),
        ("Oct 2021-Sep 2022", ANNUAL, fy(2022)),
        ("Oct 2021-Sep 2022", MONTHLY, month(2022, 6)),
        ("Apr 2022-Mar 2023", ANNUAL, fy(2022)),
        ("Apr 2022-Mar 2023", None, quarter(2022, 4)),
        ("Jan 2022-Dec 2022", ANNUAL, fy(2022)),
        ("Jan 2022-Dec 2022", QUARTERLY, quarter(2022, 3)),
        ("Jul 2022-Jun 2023", QUARTERLY, quarter(2023, 1)),
    ],
)
def test_it_maps_published_labels_to_our_periods(
    text: str, hint: Frequency | None, expected: Period
) -> None:
    assert parse_published_period(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "hint", "says"),
    [
        ("2018-20", None, "spans several years"),
        ("2018-2020", None, "spans several years"),
        ("2020/21 - 24/25", None, "spans several years"),
        ("2022/23 - 24/25", ANNUAL, "spans several years"),
        ("2020/21-2024/25", None, "spans several years"),
        ("Jan 2021-Dec 2022", None, "spans several years"),
        ("Apr 2022-Sep 2022", None, "covers 6 months"),
        ("Sep 2022-Apr 2022", None, "not a period we understand"),
        ("2017/18", QUARTERLY, "is a whole year, so its figure cannot be used for a quarterly"),
        ("2019", MONTHLY, "is a whole year"),
        ("2022/23 Q3", ANNUAL, "is a quarter, so its figure cannot be used for an annual"),
        ("Q1 2022", MONTHLY, "is a quarter"),
        ("2018-17", None, "not a period we understand"),
        ("2023-02-30", None, "not a period we understand"),
        ("2023-13", None, "not a period we understand"),
        ("Smarch 2023", None, "not a period we understand"),
        ("2022/24 Q1", None, "not a period we understand"),
        ("2025/26 Q5", None, "quarter is numbered 1"),
        ("1066", None, "not a year we can report on"),
        ("", None, "blank"),
        ("n/a", None, "not a period we understand"),
    ],
)
def test_it_refuses_published_labels_it_cannot_map(
    text: str, hint: Frequency | None, says: str
) -> None:
    with pytest.raises(PeriodError, match=says):
        parse_published_period(text, hint)


def _trafford_period_labels() -> set[str]:
    labels = set()
    for path in TRAFFORD_THEMES.rglob("*.csv"):
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            if "period" in (reader.fieldnames or []):
                labels.update(row["period"] for row in reader)
    return labels


@pytest.mark.skipif(not TRAFFORD_THEMES.is_dir(), reason="Trafford sample data not present")
def test_every_trafford_period_label_parses_or_raises_a_period_error() -> None:
    labels = _trafford_period_labels()
    assert len(labels) > 100
    parsed = 0
    for label in sorted(labels):
        for hint in (None, *Frequency):
            try:
                period = parse_published_period(label, hint)
            except PeriodError:
                continue
            assert isinstance(period, Period)
            assert hint is None or period.frequency is hint
            parsed += 1
    # Only the multi-year aggregates should be refused for every hint.
    refused_outright = set()
    for label in labels:
        try:
            parse_published_period(label)
        except PeriodError:
            refused_outright.add(label)
    assert refused_outright == {"2020/21 - 24/25", "2022/23 - 24/25"}
    assert parsed > len(labels)
