"""Illustrative targets for the demo: made up, but made up the way a partnership might set
them, and deterministic so that every load gives the same ones.

Each period's target is the last published value before it, improved by the indicator's
yearly ambition (a percentage) pro rata for the periods in between. A period with no earlier
value (the baseline) holds its own value. The result is a mix of green, amber and red that
follows the real data: where Trafford improved faster than the ambition the indicator is
green, where it stood still or slipped it is amber or red.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules import Frequency, Period, Polarity, periods_in_years

TARGETS_FROM_YEAR = 2017  # targets for every reported period from 2017/18 on


def illustrative_targets(
    actuals: dict[Period, Decimal],
    *,
    frequency: Frequency,
    polarity: Polarity,
    ambition: Decimal,
    decimals: int,
    is_percentage: bool,
    plan_first_year: int,
    plan_last_year: int,
) -> dict[Period, Decimal]:
    """Targets for each period with a result from 2017/18 on and each period of the plan."""
    frequency = Frequency(frequency)
    first = Period(frequency, TARGETS_FROM_YEAR, 1)
    wanted = {p for p in actuals if p >= first}
    wanted |= set(periods_in_years(frequency, plan_first_year, plan_last_year))
    step = ambition / frequency.periods_per_year
    targets: dict[Period, Decimal] = {}
    for period in sorted(wanted):
        earlier = [p for p in actuals if p < period]
        if not earlier:
            if period in actuals:
                targets[period] = actuals[period]
            continue
        base_period = max(earlier)
        steps = len(base_period.periods_until(period)) - 1
        targets[period] = improve(
            actuals[base_period],
            polarity=polarity,
            percent=step * steps,
            decimals=decimals,
            is_percentage=is_percentage,
        )
    return targets


def improve(
    value: Decimal, *, polarity: Polarity, percent: Decimal, decimals: int, is_percentage: bool
) -> Decimal:
    """``value`` moved ``percent`` of its size in the better direction, rounded as shown.

    A step too small to show rounds away, and the target then holds the last value: asking
    a monthly rate of 3.0% to reach 2.995% would be false precision."""
    unit = Decimal(1).scaleb(-decimals)
    sign = 1 if Polarity(polarity) is Polarity.HIGHER else -1
    target = (value + sign * abs(value) * percent / 100).quantize(unit, rounding=ROUND_HALF_UP)
    if sign < 0:
        target = max(target, Decimal(0))
    elif is_percentage:
        target = min(target, Decimal(100))
    return target
