"""Judgement 8: charts don't invent data. A line chart breaks where a period has no result,
whether the period has a row (a target but no result) or none at all, and the chart's
table says "No result" for it. Built from unsaved objects: no database needed."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from goldenthread.core.analysis import indicator_analysis
from goldenthread.core.benchmarking import BenchmarkRow
from goldenthread.core.charts import every_period
from goldenthread.core.charts.benchmark import benchmark_chart
from goldenthread.core.charts.history import history_chart
from goldenthread.core.charts.report import period_trend
from goldenthread.core.charts.spc import spc_chart
from goldenthread.core.models import ComparatorGroup, Indicator, Result, Target
from goldenthread.core.performance import PeriodRow
from goldenthread.rules import Direction, Period, Rag
from goldenthread.rules.benchmark import benchmark

SVG = "{http://www.w3.org/2000/svg}"
FIRST = Period.parse("2022/23 Q1")


def indicator() -> Indicator:
    return Indicator(
        code="GAP1", title="Gaps", frequency="quarterly", decimals=0, polarity="higher"
    )


def row(period: Period, value, target=None) -> PeriodRow:
    return PeriodRow(
        period=period,
        target=None if target is None else Target(period=period, value=Decimal(target)),
        result=None if value is None else Result(period=period, value=Decimal(value)),
        rag=Rag.GREY,
        since_previous=Direction.UNKNOWN,
        since_last_year=Direction.UNKNOWN,
    )


def history(values, *, drop=(), target=None) -> list[PeriodRow]:
    """A row per quarter from 2022/23 Q1, but none at all for the quarters in `drop`."""
    periods = FIRST.periods_until(Period.parse("2030/31 Q4"))
    return [
        row(p, v, target)
        for i, (p, v) in enumerate(zip(periods, values, strict=False))
        if i not in drop
    ]


def line_segments(svg: bytes, serie: int = 0) -> int:
    """How many separate lines pygal drew for a series."""
    root = ET.fromstring(svg)
    count = 0
    for group in root.iter(f"{SVG}g"):
        if f"serie-{serie} " in group.get("class", "") + " ":
            for path in group.iter(f"{SVG}path"):
                if "line" in path.get("class", "").split() and "nofill" in path.get("class", ""):
                    count += 1
    return count


def x_labels(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    for group in root.iter(f"{SVG}g"):
        if "x" in group.get("class", "").split() and "axis" in group.get("class", "").split():
            return [t.text for t in group.iter(f"{SVG}text") if t.text]
    return []


def test_every_period_fills_the_gaps():
    rows = history([1, 2, 3, 4], drop={2})
    filled = every_period(rows)
    assert [p.label for p, _ in filled] == ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    assert [r is None for _, r in filled] == [False, False, True, False]
    assert every_period([]) == []
    mixed = [row(Period.parse("2022/23 Q1"), 1), row(Period.parse("2023/24"), 2)]
    assert [r for _, r in every_period(mixed)] == mixed


# The results-against-targets chart


def test_history_line_breaks_at_a_period_with_a_target_but_no_result():
    svg = history_chart(indicator(), history([10, 12, None, 11, 13], target="12"))
    assert line_segments(svg, 0) == 2
    assert line_segments(svg, 1) == 1  # the target is there every quarter


def test_history_line_breaks_at_a_period_with_no_row_at_all():
    svg = history_chart(indicator(), history([10, 12, 99, 11, 13], drop={2}))
    assert "2022/23 Q3" in x_labels(svg)
    assert line_segments(svg, 0) == 2


def test_history_line_is_whole_without_a_gap():
    assert line_segments(history_chart(indicator(), history([10, 12, 11, 13]))) == 1


# The process chart


def test_process_chart_line_breaks_at_a_period_with_no_result():
    values = [10, 12] * 7
    rows = history(values, drop={6})
    analysis = indicator_analysis(indicator(), rows, FIRST.start)
    svg = spc_chart(indicator(), analysis.spc, rows)
    labels = x_labels(svg)
    assert "2023/24 Q3" in labels and len(labels) == 14
    assert line_segments(svg, 0) == 2


def test_process_chart_table_says_no_result_for_the_gap():
    rows = history([10, 12] * 7, drop={6})
    analysis = indicator_analysis(indicator(), rows, FIRST.start)
    gap = [r for r in analysis.spc_rows if r.period == Period.parse("2023/24 Q3")]
    assert len(gap) == 1
    assert gap[0].value == "No result"
    assert gap[0].signal is None and gap[0].rules == ""
    assert len(analysis.spc_rows) == 14


# The public page's trend chart (hand-made SVG)


def test_trend_chart_is_two_lines_around_a_missing_period():
    chart = period_trend(indicator(), history([10, 12, 99, 11, 13], drop={2}, target="12"))
    assert [p.label for p in chart.points][2] == "2022/23 Q3"
    assert chart.points[2].result is None
    assert chart.points[2].result_text == "No result"
    assert len(chart.result_lines) == 2
    assert len(chart.target_lines) == 2


# Benchmarking


def test_benchmark_line_breaks_at_a_period_with_no_values_at_all():
    periods = FIRST.periods_until(Period.parse("2023/24 Q1"))
    rows = [
        BenchmarkRow(p, benchmark(Decimal(10 + i), [Decimal(9), Decimal(11)], "higher"), 2)
        for i, p in enumerate(periods)
        if i != 2
    ]
    svg = benchmark_chart(indicator(), ComparatorGroup(name="Neighbours"), rows, "Us")
    assert "2022/23 Q3" in x_labels(svg)
    assert line_segments(svg, 0) == 2


def test_process_chart_title_says_how_the_limits_were_worked_out():
    rows = history([10, 12] * 7)
    spc = indicator_analysis(indicator(), rows, FIRST.start).spc
    assert b"limits with unusually large moving ranges left out" in spc_chart(
        indicator(), spc, rows
    )
