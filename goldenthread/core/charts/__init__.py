"""Server-rendered SVG charts, a module per kind. Every chart is shown beside a table of
the same numbers, which is its text alternative."""

import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import pygal
from pygal.style import Style

from goldenthread.rules import Period, Rag

# The GOV.UK tag colour of each RAG: the pages' tags and the golden thread diagram's boxes.
TAG_COLOURS = {Rag.RED: "red", Rag.AMBER: "yellow", Rag.GREEN: "green", Rag.GREY: "grey"}

# pygal always writes a small configuration <script> for its optional tooltips. Our
# charts have no JavaScript and must pass a strict Content-Security-Policy, so it goes.
_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.DOTALL)


def render(chart: pygal.graph.graph.Graph) -> bytes:
    return _SCRIPT.sub(b"", chart.render())


def gov_style(*colors: str) -> Style:
    """GOV.UK text colours and sizes, with the series in ``colors``."""
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        colors=colors,
        font_family="Arial, Helvetica, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=14,
        title_font_size=16,
        value_font_size=12,
    )


def period_axis(periods: int) -> dict[str, Any]:
    """pygal options for an x axis of ``periods`` period labels, readable at any length."""
    return {
        "x_label_rotation": -45 if periods > 8 else 0,
        "show_minor_x_labels": periods <= 16,
        "x_labels_major_every": max(1, periods // 8),
    }


def plot_number(value) -> float | None:
    """pygal plots floats; the tables beside the charts show the exact values."""
    return None if value is None else float(value)


class _Dated(Protocol):
    @property
    def period(self) -> Period: ...


D = TypeVar("D", bound=_Dated)

# What a chart's table says for a period the chart has no result for.
NO_RESULT = "No result"


def every_period(rows: Sequence[D]) -> list[tuple[Period, D | None]]:
    """Every period from the first row's to the last's, oldest first, each with its row or
    None. A chart drawn over these shows a period with no row as a gap in its line (pygal's
    ``allow_interruptions``, or a new segment in our own SVG): drawn over the rows alone,
    its neighbours would be joined as if the missing result lay between them."""
    if not rows:
        return []
    if len({row.period.frequency for row in rows}) > 1:
        # Periods of different lengths have no range between them (an indicator is kept to
        # one frequency, so this is only old data): draw the rows as they are.
        return [(row.period, row) for row in rows]
    by_period = {row.period: row for row in rows}
    periods = rows[0].period.periods_until(rows[-1].period)
    return [(period, by_period.get(period)) for period in periods]
