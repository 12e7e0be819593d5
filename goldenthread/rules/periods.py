"""Reporting periods in the UK local-government financial year, which runs April to March.

A period is a financial year ("2025/26"), one of its quarters ("2025/26 Q3", Q1 being April
to June) or one of its months ("Nov 2025"). Periods are stored by ``key`` and shown by
``label``, written the way councils write them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from goldenthread.rules._labels import LabelledEnum


class Frequency(LabelledEnum):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"

    @property
    def periods_per_year(self) -> int:
        return _PER_YEAR[self]


_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.ANNUAL: 1}

# Kept in English here rather than taken from ``calendar``, whose names follow the locale.
_MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS |= {name[:3]: number for name, number in _MONTHS.items()}
_MONTHS["sept"] = 9

_FINANCIAL_YEAR = r"(\d{4})[/-](\d\d|\d{4})"
_NAMED_YEAR = r"(?P<first>\d{4})[/-](?P<second>\d\d|\d{4})"
_FINANCIAL_QUARTER = (
    re.compile(_NAMED_YEAR + r" ?q(?P<quarter>\d)"),
    re.compile(r"q(?P<quarter>\d) ?" + _NAMED_YEAR),
)
# "Q1 2022" as the ONS writes it; "2022 Q1" needs the space, as "2022-Q1" is one of our keys.
_CALENDAR_QUARTER = (
    re.compile(r"q(?P<quarter>[1-4]) ?(?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4}) q(?P<quarter>[1-4])"),
)

# Wide enough for any baseline or plan, narrow enough that every key has four year digits and
# so sorts as a string.
_FIRST_YEAR = 1900
_LAST_YEAR = 2999

_NUMBER_RULES = {
    Frequency.MONTHLY: "A month of the financial year is numbered 1 (April) to 12 (March), not {}.",
    Frequency.QUARTERLY: "A quarter is numbered 1 (April to June) to 4 (January to March), not {}.",
    Frequency.ANNUAL: "A financial year is a single period numbered 1, not {}.",
}

_WRITE_IT_LIKE = (
    "write a financial year like 2025/26, a quarter like 2025/26 Q3 or a month like Nov 2025."
)


class PeriodError(ValueError):
    """A period that cannot exist or a label that cannot be read; the message is for officers."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period.

    Ordering is chronological between periods of the same frequency; comparing a quarter with
    a month gives an answer, but not a meaningful one.
    """

    frequency: Frequency
    year: int  # the calendar year in which the financial year starts: 2025 for 2025/26
    number: int  # month of the year 1..12 (1 = April), quarter 1..4, or 1 for a whole year

    def __post_init__(self) -> None:
        try:
            frequency = Frequency(self.frequency)
        except ValueError:
            raise PeriodError(
                f"“{self.frequency}” is not a frequency: use monthly, quarterly or annual."
            ) from None
        # Values read back from the database arrive as plain strings.
        object.__setattr__(self, "frequency", frequency)
        if not _is_int(self.year) or not _FIRST_YEAR <= self.year <= _LAST_YEAR:
            raise PeriodError(
                f"{self.year!r} is not a year we can report on: "
                f"use a year from {_FIRST_YEAR} to {_LAST_YEAR}."
            )
        if not _is_int(self.number) or not 1 <= self.number <= frequency.periods_per_year:
            raise PeriodError(_NUMBER_RULES[frequency].format(repr(self.number)))

    @classmethod
    def containing(cls, frequency: Frequency, day: date) -> Period:
        frequency = Frequency(frequency)
        month = (day.month - 4) % 12 + 1
        number = {
            Frequency.MONTHLY: month,
            Frequency.QUARTERLY: (month - 1) // 3 + 1,
            Frequency.ANNUAL: 1,
        }[frequency]
        return cls(frequency, financial_year_of(day), number)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a label as councils write it ("2025/26 Q3", "2025/26", "Nov 2025") or a key.

        Tolerates case, extra spaces, "2025-26" and "2025/2026" for the year, "November" for
        "Nov" and "Q3 2025/26" for "2025/26 Q3".
        """
        period = _read_label(_normalise(text))
        if period is None:
            raise PeriodError(_not_a_period(text))
        return period

    @classmethod
    def from_key(cls, key: str) -> Period:
        try:
            if match := re.fullmatch(r"(\d{4})", key):
                return cls(Frequency.ANNUAL, int(match[1]), 1)
            if match := re.fullmatch(r"(\d{4})-Q(\d)", key):
                return cls(Frequency.QUARTERLY, int(match[1]), int(match[2]))
            if match := re.fullmatch(r"(\d{4})-M(\d\d)", key):
                return cls(Frequency.MONTHLY, int(match[1]), int(match[2]))
        except PeriodError:
            pass
        raise PeriodError(f"“{key}” is not a period key: keys look like 2025, 2025-Q3 or 2025-M08.")

    @property
    def key(self) -> str:
        if self.frequency is Frequency.ANNUAL:
            return f"{self.year}"
        if self.frequency is Frequency.QUARTERLY:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-M{self.number:02d}"

    @property
    def label(self) -> str:
        financial_year = f"{self.year}/{(self.year + 1) % 100:02d}"
        if self.frequency is Frequency.ANNUAL:
            return financial_year
        if self.frequency is Frequency.QUARTERLY:
            return f"{financial_year} Q{self.number}"
        year, month = _calendar_month(self.year, self.number)
        return f"{_MONTH_ABBREVIATIONS[month - 1]} {year}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date:
        year, month = _calendar_month(self.year, self._months()[0])
        return date(year, month, 1)

    @property
    def end(self) -> date:
        year, month = _calendar_month(self.year, self._months()[1])
        return date(year, month, calendar.monthrange(year, month)[1])

    def previous(self) -> Period:
        return self._shifted(-1)

    def next(self) -> Period:
        return self._shifted(1)

    def same_period_last_year(self) -> Period:
        return Period(self.frequency, self.year - 1, self.number)

    def financial_year(self) -> Period:
        return Period(Frequency.ANNUAL, self.year, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def periods_until(self, other: Period) -> list[Period]:
        """Every period from this one to ``other``, both included; empty if ``other`` is earlier."""
        if other.frequency != self.frequency:
            raise PeriodError(
                f"{self} and {other} are different kinds of period, so there is no range "
                "between them."
            )
        return [self._shifted(step) for step in range(other._index() - self._index() + 1)]

    def _months(self) -> tuple[int, int]:
        """First and last month of the financial year that this period covers."""
        if self.frequency is Frequency.ANNUAL:
            return 1, 12
        if self.frequency is Frequency.QUARTERLY:
            return self.number * 3 - 2, self.number * 3
        return self.number, self.number

    def _index(self) -> int:
        return self.year * self.frequency.periods_per_year + self.number - 1

    def _shifted(self, steps: int) -> Period:
        year, number = divmod(self._index() + steps, self.frequency.periods_per_year)
        return Period(self.frequency, year, number + 1)


def year_label(year: int) -> str:
    """The financial year starting in `year` as councils write it: 2025 is "2025/26"."""
    return Period(Frequency.ANNUAL, year, 1).label


def long_date(day: date | None) -> str:
    """A date as reports and letters write it, "12 May 2026"; "" for no date."""
    if day is None:
        return ""
    return f"{day.day} {_MONTH_NAMES[day.month - 1].title()} {day.year}"


def financial_year_of(day: date) -> int:
    """The calendar year in which the financial year containing ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def periods_in_years(frequency: Frequency, first_year: int, last_year: int) -> list[Period]:
    """Every period of ``frequency`` in financial years ``first_year`` to ``last_year``."""
    frequency = Frequency(frequency)
    if last_year < first_year:
        return []
    first = Period(frequency, first_year, 1)
    return first.periods_until(Period(frequency, last_year, frequency.periods_per_year))


def latest_ended(frequency: Frequency, today: date) -> Period:
    """The most recent period that ended before ``today``.

    On 31 March the fourth quarter is still running, so this is Q3; on 1 April it is Q4.
    """
    return Period.containing(frequency, today).previous()


def parse_published_period(text: str, frequency_hint: Frequency | None = None) -> Period:
    """Map a period label from published UK statistics to one of our periods, for importers.

    ``frequency_hint`` is the frequency of the indicator being imported into. Labels read:

    - "2017/18", "2017-18", "2017/2018": the financial year. Academic years are written the
      same way and are taken as the financial year that starts in the same calendar year.
    - "2019": a calendar year, taken as the financial year that starts in it (2019/20). That
      year shares nine of its twelve months with the calendar year, more than the year before
      it does, and it keeps "2019" meaning the same here as the storage key "2019".
    - "2022/23 Q3", "Q3 2022/23": a quarter of the financial year.
    - "Q1 2022", "2022 Q1": a calendar quarter, so January to March 2022 is 2021/22 Q4.
    - "March 2023", "Mar 2023", "2023-04": a month. "2011-12" reads as the financial year
      2011/12 unless the hint is monthly or quarterly, when it is December 2011.
    - "2023-06-30": a date.
    - "Oct 2021-Sep 2022": a rolling twelve months, reported in the period in which it ends.

    Months and dates are snapshots, so a quarterly or annual hint gives the quarter or year
    containing them. A rolling twelve months gives, for a quarterly hint or no hint, the
    quarter in which it ends (2022/23 Q2 above); for a monthly hint the month it ends; for an
    annual hint the financial year in which it ends, which is exactly that year when the
    window runs April to March. Any other label must match the hint: a year's figure cannot
    stand for a quarter, nor a quarter's for a year.

    Labels covering several years ("2018-20", "2020/21 - 24/25") and anything unreadable
    raise ``PeriodError``.
    """
    hint = None if frequency_hint is None else Frequency(frequency_hint)
    shown = text.strip()
    try:
        return _read_published(_normalise(text), hint, shown)
    except PeriodError:
        raise
    except ValueError as error:  # e.g. a date that does not exist, like 2023-02-30
        raise PeriodError(_not_understood(shown)) from error


def parse_published_span(text: str, frequency_hint: Frequency | None = None) -> Period | None:
    """The period a figure for a span of periods is stored against, by the importers' stated
    rule, or None when ``text`` is not a span (read it with ``parse_published_period``).

    A span is two labels joined by a dash, both of the same kind, the first not after the
    last: "2015 - 17" (three calendar years pooled, as life expectancy is published),
    "2022/23 - 24/25" (financial or academic years combined), "2021/22 Q1 - 2022/23 Q2"
    (quarters added up since a start) or "Jan 2022 - Mar 2022". The figure is stored against
    the span's last period, read as that label on its own would be
    (``parse_published_period``): "2015 - 17" as "2017", so 2017/18 for an annual indicator;
    "2021/22 Q1 - 2022/23 Q2" as 2022/23 Q2. The last period must be of the indicator's
    frequency (a span of quarters only for a quarterly indicator). A year written
    in two digits after the dash takes the century of the first. Raises
    ``PeriodError`` when the last label cannot be used for the hinted frequency."""
    hint = None if frequency_hint is None else Frequency(frequency_hint)
    normal = _normalise(text)
    for at in [i for i, c in enumerate(normal) if c == "-"]:
        first, last = normal[:at], normal[at + 1 :]
        if re.fullmatch(r"\d{4}(/\d\d)?", first) and re.fullmatch(r"\d\d(/\d\d)?", last):
            last = first[:2] + last
        try:
            start = parse_published_period(first)
            end = parse_published_period(last)
        except PeriodError:
            continue
        if start.frequency is end.frequency and start < end:
            if hint is None or end.frequency is hint:
                return parse_published_period(last, hint)
            raise PeriodError(
                f"“{text.strip()}” would be stored against its last period, {end.label}, and "
                f"{_WHAT[end.frequency]}’s figure cannot be used for {_WANTED[hint]} indicator."
            )
    return None


def _read_published(text: str, hint: Frequency | None, shown: str) -> Period:
    if not text:
        raise PeriodError(_not_understood(shown))

    if match := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text):
        day = date(int(match[1]), int(match[2]), int(match[3]))
        return Period.containing(hint or Frequency.MONTHLY, day)

    if match := re.fullmatch(r"(\d{4})-(\d\d)", text):
        month = int(match[2])
        reads_as_year = _financial_year_start(match[1], match[2]) is not None
        if 1 <= month <= 12 and (
            not reads_as_year or hint in (Frequency.MONTHLY, Frequency.QUARTERLY)
        ):
            day = date(int(match[1]), month, 1)
            return Period.containing(hint or Frequency.MONTHLY, day)

    if match := re.fullmatch(_FINANCIAL_YEAR, text):
        year = _financial_year_start(match[1], match[2])
        if year is None:
            raise PeriodError(_several_years_or_not_understood(match[1], match[2], shown))
        return _matching_hint(Period(Frequency.ANNUAL, year, 1), hint, shown)

    if re.fullmatch(_FINANCIAL_YEAR + r"-(\d\d|\d{4})(/(\d\d|\d{4}))?", text):
        raise PeriodError(_several_years(shown))

    if match := _full_match(_FINANCIAL_QUARTER, text):
        year = _financial_year_start(match["first"], match["second"])
        if year is None:
            raise PeriodError(_not_understood(shown))
        return _matching_hint(Period(Frequency.QUARTERLY, year, int(match["quarter"])), hint, shown)

    if match := _full_match(_CALENDAR_QUARTER, text):
        first_day = date(int(match["year"]), int(match["quarter"]) * 3 - 2, 1)
        return _matching_hint(Period.containing(Frequency.QUARTERLY, first_day), hint, shown)

    if match := re.fullmatch(r"([a-z]+)\.? ?(\d{4})-([a-z]+)\.? ?(\d{4})", text):
        first_month, last_month = _MONTHS.get(match[1]), _MONTHS.get(match[3])
        if first_month is None or last_month is None:
            raise PeriodError(_not_understood(shown))
        first_year, last_year = int(match[2]), int(match[4])
        months = (last_year * 12 + last_month) - (first_year * 12 + first_month) + 1
        if months < 1:
            raise PeriodError(_not_understood(shown))
        if months > 12:
            raise PeriodError(_several_years(shown))
        if months < 12:
            raise PeriodError(
                f"“{shown}” covers {months} months: only single months, quarters, years and "
                "rolling twelve-month periods can be imported."
            )
        ends_in = date(last_year, last_month, 1)
        return Period.containing(hint or Frequency.QUARTERLY, ends_in)

    if match := re.fullmatch(r"([a-z]+)\.? ?(\d{4})", text):
        month = _MONTHS.get(match[1])
        if month is None:
            raise PeriodError(_not_understood(shown))
        return Period.containing(hint or Frequency.MONTHLY, date(int(match[2]), month, 1))

    if match := re.fullmatch(r"\d{4}", text):
        return _matching_hint(Period(Frequency.ANNUAL, int(text), 1), hint, shown)

    raise PeriodError(_not_understood(shown))


def _read_label(text: str) -> Period | None:
    try:
        if match := re.fullmatch(r"(\d{4})", text):
            return Period(Frequency.ANNUAL, int(match[1]), 1)
        if match := re.fullmatch(r"(\d{4})-q(\d)", text):
            return Period(Frequency.QUARTERLY, int(match[1]), int(match[2]))
        if match := re.fullmatch(r"(\d{4})-m(\d\d)", text):
            return Period(Frequency.MONTHLY, int(match[1]), int(match[2]))
        if match := re.fullmatch(_FINANCIAL_YEAR, text):
            year = _financial_year_start(match[1], match[2])
            return None if year is None else Period(Frequency.ANNUAL, year, 1)
        if match := _full_match(_FINANCIAL_QUARTER, text):
            year = _financial_year_start(match["first"], match["second"])
            return (
                None if year is None else Period(Frequency.QUARTERLY, year, int(match["quarter"]))
            )
        if match := re.fullmatch(r"([a-z]+)\.? ?(\d{4})", text):
            month = _MONTHS.get(match[1])
            if month is None:
                return None
            return Period.containing(Frequency.MONTHLY, date(int(match[2]), month, 1))
    except ValueError:  # PeriodError, or a year that ``date`` cannot hold
        return None
    return None


def _full_match(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if match := pattern.fullmatch(text):
            return match
    return None


def _normalise(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # en and em dashes from word processors
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?([/-]) ?", r"\1", text)


def _financial_year_start(first: str, second: str) -> int | None:
    """The start year of "2025/26" or "2025/2026", or None if the years do not follow on."""
    year = int(first)
    if len(second) == 2 and int(second) == (year + 1) % 100:
        return year
    if len(second) == 4 and int(second) == year + 1:
        return year
    return None


def _calendar_month(year: int, month_of_year: int) -> tuple[int, int]:
    """Calendar (year, month) of a month of the financial year starting in ``year``."""
    month = (month_of_year + 2) % 12 + 1
    return (year if month >= 4 else year + 1), month


_WHAT = {
    Frequency.ANNUAL: "a whole year",
    Frequency.QUARTERLY: "a quarter",
    Frequency.MONTHLY: "a month",
}
_WANTED = {
    Frequency.ANNUAL: "an annual",
    Frequency.QUARTERLY: "a quarterly",
    Frequency.MONTHLY: "a monthly",
}


def _matching_hint(period: Period, hint: Frequency | None, shown: str) -> Period:
    if hint is None or hint is period.frequency:
        return period
    what, wanted = _WHAT[period.frequency], _WANTED[hint]
    raise PeriodError(f"“{shown}” is {what}, so its figure cannot be used for {wanted} indicator.")


def _several_years_or_not_understood(first: str, second: str, shown: str) -> str:
    start = int(first)
    end = int(second) if len(second) == 4 else start // 100 * 100 + int(second)
    return _several_years(shown) if end > start + 1 else _not_understood(shown)


def _several_years(shown: str) -> str:
    return (
        f"“{shown}” spans several years, so it cannot be stored against one period: "
        "import the figure for each year instead."
    )


def _not_understood(shown: str) -> str:
    if not shown:
        return "The period is blank: " + _WRITE_IT_LIKE
    return (
        f"“{shown}” is not a period we understand: use a financial year like 2025/26, a quarter "
        "like 2025/26 Q3 or Q1 2025, a month like Nov 2025 or 2025-11, or a date like 2025-11-30."
    )


def _not_a_period(text: str) -> str:
    shown = text.strip()
    if not shown:
        return "The period is blank: " + _WRITE_IT_LIKE
    return f"“{shown}” is not a period: " + _WRITE_IT_LIKE


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
