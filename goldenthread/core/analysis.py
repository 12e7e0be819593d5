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

from .charts import NO_RESULT, every_period
from .models import Indicator, ProcessChange, Target
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
    has_result: bool = True  # False for a period with no result: the chart's gap
    segment: int = 1  # which part of the chart, counting from 1, when limits are recalculated


@dataclass
class SpcPart:
    """One part of a process chart whose limits are recalculated after each process change:
    from the start, or from a change, to the next change."""

    number: int  # counting from 1
    first: Period
    last: Period
    results: int
    mean: str  # "–" when the part has too few results for limits
    lower_limit: str
    upper_limit: str
    too_few: bool
    change: ProcessChange | None  # the change it starts at; None for the first part


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
    process_changes: list[ProcessChange]  # oldest first, with who marked them
    spc_parts: list[SpcPart]  # one per segment; only worth showing when more than one


def spc_number(indicator: Indicator) -> Callable[[Decimal], str]:
    """Means and limits fall between the values an indicator reports, so they are written
    to one more decimal place than the indicator shows."""
    places = min(indicator.decimals + 1, 6)

    def number(value: Decimal) -> str:
        text = f"{value:,.{places}f}"
        return f"{text}%" if indicator.unit == "%" else text

    return number


def process_changes(indicator: Indicator) -> list[ProcessChange]:
    """The indicator's process changes, oldest first, with who marked them (one query)."""
    if indicator.pk is None:  # an indicator drawn without being saved has none
        return []
    return list(indicator.process_changes.select_related("created_by").order_by("period"))


def indicator_spc(
    indicator: Indicator,
    rows: list[PeriodRow],
    changes: list[ProcessChange] | None = None,
) -> tuple[SpcResult, Period | None]:
    """The XmR analysis of the reported results, judged against the target of the latest
    reported period (or the latest target before it, if that period has none), with the
    limits recalculated from each process change (read unless given)."""
    if changes is None:
        changes = process_changes(indicator)
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
        rebase=[change.period for change in changes],
    )
    return spc, target_row.period if target_row else None


def indicator_analysis(
    indicator: Indicator, rows: list[PeriodRow], today: datetime.date
) -> IndicatorAnalysis:
    changes = process_changes(indicator)
    spc, spc_target_period = indicator_spc(indicator, rows, changes)
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

    def shown(value: Decimal | None) -> str:
        return "–" if value is None else number(value)

    # The change each segment starts at: the first change at or before its first result
    # (a change marked at a period with no result starts at the next result).
    starting = {}
    for segment in spc.segments[1:]:
        at = [change for change in changes if change.period <= segment.first]
        starting[segment.first] = at[-1] if at else None
    spc_parts = [
        SpcPart(
            number=k + 1,
            first=segment.first,
            last=segment.last,
            results=len(segment.points),
            mean=shown(segment.mean),
            lower_limit=shown(segment.lower_limit),
            upper_limit=shown(segment.upper_limit),
            too_few=segment.too_few,
            change=starting.get(segment.first) if k else None,
        )
        for k, segment in enumerate(spc.segments)
    ]
    # Every period the chart shows, a period with no result too, as the chart's gap (in the
    # part of the result before it).
    spc_rows = []
    part = spc_parts[0] if spc_parts else None
    for period, point in every_period(spc.points):
        if point is not None:
            part = spc_parts[point.segment]
        spc_rows.append(
            SpcRow(
                period=period,
                value=indicator.format_value(point.value) if point else NO_RESULT,
                mean=part.mean if part else "–",
                lower_limit=part.lower_limit if part else "–",
                upper_limit=part.upper_limit if part else "–",
                signal=point.signal if point else None,
                rules=point.rules_text if point else "",
                has_result=point is not None,
                segment=part.number if part else 1,
            )
        )
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
        process_changes=changes,
        spc_parts=spc_parts,
    )


def _shown(value: Decimal, decimals: int) -> Decimal:
    """The forecast as the page shows it, so its RAG matches the number beside it."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
