"""Our value against a comparator group's, period by period, drawn by pygal: our value
(solid line), the group's median (dashed), its interquartile range (dotted lines) and its
lowest and highest values (dots only). The page's table has the same numbers."""

from collections.abc import Sequence

import pygal

from goldenthread.core.benchmarking import BenchmarkRow
from goldenthread.core.models import ComparatorGroup, Indicator

from . import every_period, gov_style, period_axis, plot_number, render

# GOV.UK palette: blue for us, black for the median, dark grey for the group's spread.
CHART_STYLE = gov_style("#1d70b8", "#0b0c0c", "#505a5f", "#505a5f", "#505a5f", "#505a5f")


def benchmark_chart(
    indicator: Indicator, group: ComparatorGroup, rows: Sequence[BenchmarkRow], our_name: str
) -> bytes:
    # Every period from the first to the last, so a period with no values breaks the lines.
    periods = every_period(rows)
    chart = pygal.Line(
        js=[],  # no tooltips script: the chart must work without JavaScript
        style=CHART_STYLE,
        width=800,
        height=380,
        allow_interruptions=True,
        show_dots=True,
        dots_size=3,
        **period_axis(len(periods)),
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=-1,
        title=f"{indicator.code} against {group.name}",
        y_title=indicator.unit or None,
        value_formatter=lambda v: indicator.format_value(v) if v is not None else "",
        margin=16,
    )
    chart.x_labels = [period.label for period, _ in periods]
    groups = [row.result.group if row else None for _, row in periods]
    ours = [plot_number(row.result.ours) if row else None for _, row in periods]
    chart.add(our_name, ours, stroke_style={"width": 3})
    chart.add(
        "Group median",
        [plot_number(g.median) if g else None for g in groups],
        stroke_style={"dasharray": "8, 4", "width": 2},
    )
    chart.add(
        "Upper quartile",
        [plot_number(g.upper_quartile) if g else None for g in groups],
        stroke_style={"dasharray": "2, 4", "width": 1.5},
        show_dots=False,
    )
    chart.add(
        "Lower quartile",
        [plot_number(g.lower_quartile) if g else None for g in groups],
        stroke_style={"dasharray": "2, 4", "width": 1.5},
        show_dots=False,
    )
    chart.add("Highest", [plot_number(g.highest) if g else None for g in groups], stroke=False)
    chart.add("Lowest", [plot_number(g.lowest) if g else None for g in groups], stroke=False)
    return render(chart)
