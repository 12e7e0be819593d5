"""A year-end forecast from the recent trend.

A straight line is fitted by least squares to the results of the most recent periods (up
to eight: two years of quarters, eight months, eight years) and carried on to the last
period of the current financial year: Q4 for a quarterly indicator, March for a monthly
one, and for an annual indicator the current financial year itself, the next value to come.
Periods are placed by their real position in time, so a missed quarter leaves a gap rather
than squeezing the line.

It is a projection of the recent trend, not a prediction: it says where the results are
heading if nothing changes. With fewer than three results in the window, or a latest result
too old to carry forward, there is no forecast, and the reason says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from goldenthread.rules.periods import Frequency, Period, financial_year_of
from goldenthread.rules.rag import Number, _decimal

WINDOW = 8
MINIMUM_POINTS = 3

_PERIOD_NAMES = {
    Frequency.MONTHLY: ("month", "months"),
    Frequency.QUARTERLY: ("quarter", "quarters"),
    Frequency.ANNUAL: ("year", "years"),
}


@dataclass(frozen=True)
class Forecast:
    period: Period  # the period forecast: the end of the current financial year
    value: Decimal | None  # None when there is no forecast
    points_used: int
    method: str  # how the value was reached, in words; empty without a forecast
    reason: str  # why there is no forecast; empty with one
    change_per_period: Decimal | None = None  # the slope of the fitted line


def year_end_period(frequency: Frequency, today: date) -> Period:
    """The last period of the financial year containing ``today``."""
    frequency = Frequency(frequency)
    return Period(frequency, financial_year_of(today), frequency.periods_per_year)


def trend_forecast(
    values: Sequence[tuple[Period, Number | None]], *, to: Period, window: int = WINDOW
) -> Forecast:
    """Project ``values`` (period, value; missing values are None) to the period ``to``."""
    reported = sorted((period, _decimal(value)) for period, value in values if value is not None)
    single, plural = _PERIOD_NAMES[to.frequency]
    if not reported:
        return _none(to, 0, "There are no results yet to forecast from.")
    latest = reported[-1][0]
    if latest >= to:
        return _none(to, 0, f"The result for {to.label} is already in, so no forecast is needed.")
    horizon = _index(to) - _index(latest)
    if horizon > max(to.frequency.periods_per_year, 2):
        return _none(
            to,
            0,
            f"The latest result is for {latest.label}, too long ago to carry the trend "
            f"forward to {to.label}.",
        )
    recent = [(p, v) for p, v in reported if _index(latest) - _index(p) < window]
    if len(recent) < MINIMUM_POINTS:
        have = f"{len(recent)} result{'' if len(recent) == 1 else 's'}"
        return _none(
            to,
            len(recent),
            f"There {'is' if len(recent) == 1 else 'are'} {have} in the last {window} {plural}: "
            f"a forecast needs at least {MINIMUM_POINTS}.",
        )

    xs = [Decimal(_index(p) - _index(latest)) for p, _ in recent]
    ys = [v for _, v in recent]
    n = len(recent)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    value = mean_y + slope * (Decimal(horizon) - mean_x)
    method = (
        f"A straight line fitted by least squares to the {n} results from "
        f"{recent[0][0].label} to {latest.label}, carried forward "
        f"{horizon} {single if horizon == 1 else plural} to {to.label}."
    )
    return Forecast(
        period=to,
        value=value,
        points_used=n,
        method=method,
        reason="",
        change_per_period=slope,
    )


def _none(to: Period, used: int, reason: str) -> Forecast:
    return Forecast(period=to, value=None, points_used=used, method="", reason=reason)


def _index(period: Period) -> int:
    return period.year * period.frequency.periods_per_year + period.number - 1
