"""An indicator's results against its targets, drawn by pygal."""

from collections.abc import Sequence

import pygal

from goldenthread.core.models import Indicator
from goldenthread.core.performance import PeriodRow

from . import every_period, gov_style, period_axis, plot_number, render

# Colours from the GOV.UK palette: dark blue for results, black dashes for targets.
CHART_STYLE = gov_style("#1d70b8", "#0b0c0c")


def history_chart(indicator: Indicator, rows: Sequence[PeriodRow]) -> bytes:
    """Results (solid line) against targets (dashed line) by period. A period with no
    result breaks the line, whether or not it has a row."""
    periods = every_period(rows)
    chart = pygal.Line(
        js=[],  # no tooltips script: the chart must work without JavaScript
        style=CHART_STYLE,
        width=800,
        height=360,
        allow_interruptions=True,
        show_dots=True,
        dots_size=3,
        **period_axis(len(periods)),
        legend_at_bottom=True,
        truncate_legend=-1,
        title=f"{indicator.code}: results against target",
        y_title=indicator.unit or None,
        value_formatter=lambda v: indicator.format_value(v) if v is not None else "",
        margin=16,
    )
    chart.x_labels = [period.label for period, _ in periods]
    chart.add("Result", [plot_number(row.actual) if row else None for _, row in periods])
    chart.add(
        "Target",
        [plot_number(row.target.value) if row and row.target else None for _, row in periods],
        stroke_style={"dasharray": "6, 4", "width": 2},
    )
    return render(chart)
