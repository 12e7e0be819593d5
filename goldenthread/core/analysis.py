"""What an indicator's numbers say: the process chart (XmR, as NHS England's "Making Data
Count" reads one), the year-end forecast from the recent trend with the RAG it implies,
and the commentary recorded with each period's result.

Everything is worked out from the rows of ``indicator_history``, so it adds no queries to
the page that already has them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules import (
    Forecast,
    Frequency,
    Period,
    Polarity,
    Rag,
    Signal,
    SpcResult,
    trend_forecast,
    xmr,
    year_end_period,
)

from .models import Indicator, Target
from .performance import PeriodRow


@dataclass
class PeriodCommentary:
    period: Period
    note: str
    commentary: str


@dataclass
class SpcRow:
    """One line of the process chart's table, its numbers written out."""

    period: Period
    value: str
    mean: str
    lower_limit: str
    upper_limit: str
    signal: Signal | None
    rules: str


@dataclass
class IndicatorAnalysis:
    spc: SpcResult
    spc_rows: list[SpcRow]
    spc_target_period: Period | None  # whose target assurance is judged against
    forecast: Forecast
    forecast_value: Decimal | None  # rounded as the indicator shows values
    year_end_target: Target | None
    forecast_rag: Rag | None  # None when there is no forecast or no year-end target
    forecast_rag_note: str  # why a forecast has no RAG, in words
    commentary: list[PeriodCommentary]  # newest first


def spc_number(indicator: Indicator) -> Callable[[Decimal], str]:
    """Means and limits fall between the values an indicator reports, so they are written
    to one more decimal place than the indicator shows."""
    places = min(indicator.decimals + 1, 6)

    def number(value: Decimal) -> str:
        text = f"{value:,.{places}f}"
        return f"{text}%" if indicator.unit == "%" else text

    return number


def indicator_spc(indicator: Indicator, rows: list[PeriodRow]) -> tuple[SpcResult, Period | None]:
    """The XmR analysis of the reported results, judged against the target of the latest
    reported period (or the latest target before it, if that period has none)."""
    reported = [row for row in rows if row.actual is not None]
    target_row = None
    if reported:
        latest = reported[-1].period
        with_targets = [row for row in rows if row.target and row.period <= latest]
        target_row = with_targets[-1] if with_targets else None
    spc = xmr(
        [(row.period, row.actual) for row in reported],
        polarity=Polarity(indicator.polarity),
        target=target_row.target.value if target_row else None,
        target_upper=target_row.target.upper if target_row else None,
        fmt=spc_number(indicator),
    )
    return spc, target_row.period if target_row else None


def indicator_analysis(
    indicator: Indicator, rows: list[PeriodRow], today: datetime.date
) -> IndicatorAnalysis:
    spc, spc_target_period = indicator_spc(indicator, rows)
    year_end = year_end_period(Frequency(indicator.frequency), today)
    forecast = trend_forecast([(row.period, row.actual) for row in rows], to=year_end)
    value = None if forecast.value is None else _shown(forecast.value, indicator.decimals)
    targets = {row.period: row.target for row in rows if row.target}
    target = targets.get(year_end)
    if value is None:
        rag, note = None, ""  # the forecast's reason says why
    elif target is None:
        rag, note = None, f"No target is set for {year_end.label}, so the forecast has no RAG."
    else:
        rag, note = indicator.rag(value, target.value, target.upper), ""
    commentary = [
        PeriodCommentary(row.period, row.result.note, row.result.commentary)
        for row in reversed(rows)
        if row.result and (row.result.note or row.result.commentary)
    ]
    number = spc_number(indicator)
    spc_rows = [
        SpcRow(
            period=point.period,
            value=indicator.format_value(point.value),
            mean=number(spc.mean) if spc.mean is not None else "–",
            lower_limit=number(spc.lower_limit) if spc.lower_limit is not None else "–",
            upper_limit=number(spc.upper_limit) if spc.upper_limit is not None else "–",
            signal=point.signal,
            rules=point.rules_text,
        )
        for point in spc.points
    ]
    return IndicatorAnalysis(
        spc=spc,
        spc_rows=spc_rows,
        spc_target_period=spc_target_period,
        forecast=forecast,
        forecast_value=value,
        year_end_target=target,
        forecast_rag=rag,
        forecast_rag_note=note,
        commentary=commentary,
    )


def _shown(value: Decimal, decimals: int) -> Decimal:
    """The forecast as the page shows it, so its RAG matches the number beside it."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
