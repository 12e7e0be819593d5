"""Each measure's year, worked out and written up for the annual report: its year-end
result against target, direction against a year before, five years of year ends, and the
sentences that name it among the biggest improvements and concerns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify

from goldenthread.core.charts.report import Sparkline, chart_number
from goldenthread.core.improvement import Highlight as Success
from goldenthread.core.models import Indicator, Target
from goldenthread.core.performance import PeriodRow, indicator_history
from goldenthread.rules import Direction, Frequency, Period, Polarity, Rag, year_label

from .content import Highlight, IndicatorYear

YEARS_OF_HISTORY = 5  # the report year and the four before it, in each trend chart
TOP_HIGHLIGHTS = 3
# Direction of travel against the same period a year before, in the site's words.
DIRECTION_WORDS = {d: d.label for d in Direction}


@dataclass
class Measure:
    """An indicator's year worked out, before it is written up."""

    indicator: Indicator
    rows: list[PeriodRow]
    year_end: PeriodRow | None
    last_year: PeriodRow | None  # the same period a year before

    @property
    def rag(self) -> Rag:
        return self.year_end.rag if self.year_end else Rag.GREY

    @property
    def direction(self) -> Direction:
        return self.year_end.since_last_year if self.year_end else Direction.UNKNOWN

    @property
    def change(self) -> Decimal:
        """How far the result moved from a year before, relative to its size then; 0 when
        it cannot be said."""
        if not self.year_end or not self.last_year or self.last_year.actual in (None, 0):
            return Decimal(0)
        return abs(self.year_end.actual - self.last_year.actual) / abs(self.last_year.actual)

    @property
    def shortfall(self) -> Decimal:
        """How far a red result is from its target, relative to the target."""
        if not self.year_end or not self.year_end.target or not self.year_end.target.value:
            return Decimal(0)
        return abs(self.year_end.actual - self.year_end.target.value) / abs(
            self.year_end.target.value
        )


def measure(
    indicator: Indicator,
    year: int,
    *,
    targets: list[Target] | None = None,
    results: list | None = None,
) -> Measure:
    """The indicator's year, from its prefetched targets and results, or from `targets`
    and `results` when given (as at the year end: as_at.year_end_figures)."""
    rows = indicator_history(indicator, targets=targets, results=results)
    in_year = [r for r in rows if r.period.year == year and r.actual is not None]
    year_end = in_year[-1] if in_year else None
    last_year = None
    if year_end:
        before = year_end.period.same_period_last_year()
        last_year = next((r for r in rows if r.period == before), None)
    return Measure(indicator=indicator, rows=rows, year_end=year_end, last_year=last_year)


def concerns(measures: list[Measure]) -> list[Measure]:
    """The biggest concerns: red at the year end, the furthest from target first, then any
    worse than a year before, the largest moves first. (The biggest improvements are issue
    5's successes to celebrate: goldenthread.core.improvement.highlights.)"""
    red = sorted(
        (m for m in measures if m.rag is Rag.RED), key=lambda m: (-m.shortfall, m.indicator.code)
    )
    worse = sorted(
        (m for m in measures if m.rag is not Rag.RED and m.direction is Direction.WORSE),
        key=lambda m: (-m.change, m.indicator.code),
    )
    return (red + worse)[:TOP_HIGHLIGHTS]


def target_text(indicator: Indicator, target: Target | None) -> str:
    if target is None:
        return "No target"
    if target.upper is not None and target.upper != target.value:
        return f"{indicator.format_value(target.value)} to {indicator.format_value(target.upper)}"
    return indicator.format_value(target.value)


def _history(indicator: Indicator, rows: list[PeriodRow], year: int) -> list[PeriodRow | None]:
    """Each of the five years' year-end rows (its last reported period), oldest first."""
    ends = []
    for y in range(year - YEARS_OF_HISTORY + 1, year + 1):
        reported = [r for r in rows if r.period.year == y and r.actual is not None]
        ends.append(reported[-1] if reported else None)
    return ends


def _sparkline(indicator: Indicator, ends: list[PeriodRow | None], year: int, target) -> Sparkline:
    first, last = year_label(year - YEARS_OF_HISTORY + 1), year_label(year)
    shown = [(year_label(year - YEARS_OF_HISTORY + 1 + i), r) for i, r in enumerate(ends) if r]
    if shown:
        summary = (
            f"{indicator.code}'s year-end results from {shown[0][0]} "
            f"({indicator.format_value(shown[0][1].actual)}) to {shown[-1][0]} "
            f"({indicator.format_value(shown[-1][1].actual)})"
            + (
                f", against the {last} target of {indicator.format_value(target.value)}"
                if target
                else ""
            )
            + ". The numbers are in the same row of the table."
        )
    else:
        summary = f"No results for {indicator.code} from {first} to {last}."
    return Sparkline(
        id=f"trend-{slugify(indicator.code)}",
        title=f"{indicator.code}: year-end results, {first} to {last}",
        summary=summary,
        values=[chart_number(r.actual) if r else None for r in ends],
        target=chart_number(target.value) if target else None,
    )


def _last_period(indicator: Indicator, year: int) -> Period:
    frequency = Frequency(indicator.frequency)
    return Period(frequency, year, frequency.periods_per_year)


def _unit_words(indicator: Indicator) -> str:
    return "" if indicator.unit.lower() in ("", "%", "count", "number") else indicator.unit


def indicator_year(
    measure: Measure, year: int, corrections: list[str] | None = None
) -> IndicatorYear:
    indicator, row, before = measure.indicator, measure.year_end, measure.last_year
    ends = _history(indicator, measure.rows, year)
    if before is not None and before.actual is not None:
        compared = f"{indicator.format_value(before.actual)} in {before.period.label}"
    elif row:
        compared = f"No result for {row.period.same_period_last_year().label}"
    else:
        compared = ""
    commentary = ""
    if row and row.result:
        commentary = row.result.commentary.strip() or row.result.note.strip()
    # With no result this year, the year's last target is still worth showing.
    target = (
        row.target
        if row
        else next(
            (r.target for r in reversed(measure.rows) if r.period.year == year and r.target), None
        )
    )
    return IndicatorYear(
        code=indicator.code,
        title=indicator.title,
        definition=indicator.definition.strip(),
        unit=_unit_words(indicator),
        polarity=Polarity(indicator.polarity).label,
        frequency=Frequency(indicator.frequency).label,
        period=row.period.label if row else "",
        period_note=(
            f"year end {row.period.label}"
            if row and row.period != _last_period(indicator, year)
            else ""
        ),
        result=indicator.format_value(row.actual) if row else f"No result for {year_label(year)}",
        target=target_text(indicator, target) if row or target else "",
        rag=measure.rag.value,
        rag_label=measure.rag.label,
        direction=measure.direction.value,
        direction_label=DIRECTION_WORDS[measure.direction] if row else "",
        compared_with=compared,
        commentary=commentary,
        history=[indicator.format_value(r.actual) if r else "–" for r in ends],
        trend=_sparkline(indicator, ends, year, target),
        corrections=list(corrections or []),
    )


def improvement_text(h: Success) -> Highlight:
    i = h.indicator
    text = (
        f"{i.code} {i.title}: {_lower_first(h.change)} between {h.previous_period.label} "
        f"and {h.latest_period.label}."
    )
    if h.latest_rag is Rag.GREEN and h.previous_rag is not Rag.GREEN:
        text += " Now on target."
    return Highlight(code=i.code, text=text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def concern_text(m: Measure) -> Highlight:
    i, row, before = m.indicator, m.year_end, m.last_year
    text = f"{i.code} {i.title}: {i.format_value(row.actual)} in {row.period.label}"
    if m.rag is Rag.RED:
        text += f" against a target of {target_text(i, row.target)}"
    if m.direction is Direction.WORSE and before is not None:
        way = "up" if row.actual > before.actual else "down"
        text += f", {way} from {i.format_value(before.actual)} a year before"
    return Highlight(code=i.code, text=text + ".")
