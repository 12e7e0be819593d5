"""An indicator's results against its targets, drawn by pygal."""

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style

from goldenthread.core.models import Indicator
from goldenthread.core.performance import PeriodRow

# Colours from the GOV.UK palette: dark blue for results, black dashes for targets.
CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d70b8", "#0b0c0c"),
    font_family="Arial, Helvetica, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
)


# pygal always writes a small configuration <script> for its optional tooltips. Our
# charts have no JavaScript and must pass a strict Content-Security-Policy, so it goes.
_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.DOTALL)


def render(chart: pygal.graph.graph.Graph) -> bytes:
    return _SCRIPT.sub(b"", chart.render())


def _number(value) -> float | None:
    return None if value is None else float(value)


def history_chart(indicator: Indicator, rows: Sequence[PeriodRow]) -> bytes:
    """Results (solid line) against targets (dashed line) by period."""
    chart = pygal.Line(
        js=[],  # no tooltips script: the chart must work without JavaScript
        style=CHART_STYLE,
        width=800,
        height=360,
        allow_interruptions=True,
        show_dots=True,
        dots_size=3,
        x_label_rotation=-45 if len(rows) > 8 else 0,
        show_minor_x_labels=len(rows) <= 16,
        x_labels_major_every=max(1, len(rows) // 8),
        legend_at_bottom=True,
        truncate_legend=-1,
        title=f"{indicator.code}: results against target",
        y_title=indicator.unit or None,
        value_formatter=lambda v: indicator.format_value(v) if v is not None else "",
        margin=16,
    )
    chart.x_labels = [row.period.label for row in rows]
    chart.add("Result", [_number(row.actual) for row in rows])
    chart.add(
        "Target",
        [_number(row.target.value) if row.target else None for row in rows],
        stroke_style={"dasharray": "6, 4", "width": 2},
    )
    return render(chart)
