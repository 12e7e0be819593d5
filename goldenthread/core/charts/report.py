"""The annual report's and the public page's charts: a trend of results against targets
(TrendChart), a five-year sparkline for a table row (Sparkline) and horizontal bars
(BarChart). Each keeps its numbers and works out its own geometry; the SVG is written by a
template (documents/annual_report_trend.html, _spark.html, _bars.html).

Why not pygal, as the other charts are: these are written with presentation attributes
only, so the same SVG goes inline into the web page (whose Content-Security-Policy forbids
style attributes and elements) and into the PDF, and renders quickly in WeasyPrint
(pygal's CSS-heavy SVGs made a 40-measure report take several seconds). Each chart has a
table of its numbers beside it. Word cannot show SVG, so the Word file has the tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.utils.text import slugify

from goldenthread.core.models import Indicator
from goldenthread.core.performance import PeriodRow

from . import NO_RESULT, every_period

# GOV.UK palette. Bars carry a dark outline, so each keeps 3:1 contrast with the page.
COLOURS = {
    "green": "#00703c",
    "amber": "#ffdd00",
    "red": "#d4351c",
    "grey": "#b1b4b6",
    "blue": "#1d70b8",
}


@dataclass
class ChartPoint:
    label: str  # "2024/25"
    result: float | None
    target: float | None
    result_text: str  # "38", "2.1%", "–"
    target_text: str


@dataclass
class TrendChart:
    """A small line chart of results (solid) against targets (dashed), with its axes
    labelled: the public page's chart of a published indicator. The geometry is worked out
    when it is drawn, from the numbers kept here."""

    id: str  # unique within a report: "trend-cs01"
    title: str
    summary: str  # what the chart shows, in a sentence: the SVG's description
    points: list[ChartPoint]

    WIDTH: ClassVar[int] = 330
    HEIGHT: ClassVar[int] = 150
    LEFT: ClassVar[int] = 58
    RIGHT: ClassVar[int] = 26
    TOP: ClassVar[int] = 26
    BOTTOM: ClassVar[int] = 24

    @property
    def has_numbers(self) -> bool:
        return any(p.result is not None or p.target is not None for p in self.points)

    def _values(self) -> list[tuple[float, str]]:
        pairs = [(p.result, p.result_text) for p in self.points if p.result is not None]
        pairs += [(p.target, p.target_text) for p in self.points if p.target is not None]
        return pairs

    def _range(self) -> tuple[float, float]:
        values = [v for v, _ in self._values()] or [0.0, 1.0]
        low, high = min(values), max(values)
        if low == high:
            pad = abs(low) * 0.1 or 1.0
            return low - pad, high + pad
        pad = (high - low) * 0.12
        return low - pad, high + pad

    def _x(self, index: int) -> float:
        width = self.WIDTH - self.LEFT - self.RIGHT
        if len(self.points) < 2:
            return self.LEFT + width / 2
        return self.LEFT + width * index / (len(self.points) - 1)

    def _y(self, value: float) -> float:
        low, high = self._range()
        height = self.HEIGHT - self.TOP - self.BOTTOM
        return self.TOP + (high - value) / (high - low) * height

    def _segments(self, attribute: str) -> list[str]:
        segments, current = [], []
        for index, point in enumerate(self.points):
            value = getattr(point, attribute)
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{self._x(index):.1f},{self._y(value):.1f}")
        if current:
            segments.append(current)
        return [" ".join(s) for s in segments if len(s) > 1]

    @property
    def result_lines(self) -> list[str]:
        return self._segments("result")

    @property
    def target_lines(self) -> list[str]:
        return self._segments("target")

    @property
    def result_dots(self) -> list[tuple[str, str]]:
        return [
            (f"{self._x(i):.1f}", f"{self._y(p.result):.1f}")
            for i, p in enumerate(self.points)
            if p.result is not None
        ]

    @property
    def target_marks(self) -> list[tuple[str, str, str]]:
        """Targets with no neighbour to join, which a line alone would not show: a short
        dash each, as (x1, x2, y)."""
        lonely = []
        for i, p in enumerate(self.points):
            if p.target is None:
                continue
            before = i > 0 and self.points[i - 1].target is not None
            after = i + 1 < len(self.points) and self.points[i + 1].target is not None
            if not before and not after:
                x, y = self._x(i), self._y(p.target)
                lonely.append((f"{x - 7:.1f}", f"{x + 7:.1f}", f"{y:.1f}"))
        return lonely

    @property
    def y_ticks(self) -> list[tuple[str, str, str]]:
        """The lowest and highest value shown, as (y of the line, y of the text, text)."""
        values = self._values()
        if not values:
            return []
        ticks = [min(values), max(values)] if len({v for v, _ in values}) > 1 else [values[0]]
        return [(f"{self._y(v):.1f}", f"{self._y(v) + 3.5:.1f}", text) for v, text in ticks]

    @property
    def x_labels(self) -> list[tuple[str, str, str]]:
        """(x, text-anchor, label) for as many points as fit without overlapping, counted
        back from the latest, which is always labelled."""
        n = len(self.points)
        if not n:
            return []
        width = self.WIDTH - self.LEFT - self.RIGHT
        label_width = max(len(p.label) for p in self.points) * 5.6 + 8
        # Labels `step` points apart are step × width / (n − 1) apart: at least one label.
        step = max(1, math.ceil(label_width * (n - 1) / width)) if n > 1 else 1
        return [
            (f"{self._x(i):.1f}", "middle", self.points[i].label)
            for i in sorted(range(n - 1, -1, -step))
        ]

    @property
    def x_axis_y(self) -> int:
        return self.HEIGHT - self.BOTTOM

    @property
    def label_y(self) -> int:
        return self.HEIGHT - 7

    @property
    def plot_right(self) -> int:
        return self.WIDTH - self.RIGHT


@dataclass
class Sparkline:
    """A measure's year-end results over five years as a line small enough to sit in a table
    row, with the year's target as a dashed line. Every number it draws is in the same row,
    so the row is its table. No text inside: the row's column headings label the years."""

    id: str
    title: str
    summary: str
    values: list[float | None]  # year-end results, oldest first, one per year of the row
    target: float | None  # the report year's target

    WIDTH: ClassVar[int] = 96
    HEIGHT: ClassVar[int] = 30
    PAD: ClassVar[int] = 5

    def _range(self) -> tuple[float, float]:
        values = [v for v in self.values if v is not None]
        if self.target is not None:
            values.append(self.target)
        if not values:
            return 0.0, 1.0
        low, high = min(values), max(values)
        if low == high:
            pad = abs(low) * 0.1 or 1.0
            return low - pad, high + pad
        return low, high

    def _x(self, index: int) -> float:
        if len(self.values) < 2:
            return self.WIDTH / 2
        return self.PAD + (self.WIDTH - 2 * self.PAD) * index / (len(self.values) - 1)

    def _y(self, value: float) -> float:
        low, high = self._range()
        return self.PAD + (high - value) / (high - low) * (self.HEIGHT - 2 * self.PAD)

    @property
    def lines(self) -> list[str]:
        segments, current = [], []
        for index, value in enumerate(self.values):
            if value is None:
                segments.append(current)
                current = []
            else:
                current.append(f"{self._x(index):.1f},{self._y(value):.1f}")
        segments.append(current)
        return [" ".join(s) for s in segments if len(s) > 1]

    @property
    def dots(self) -> list[tuple[str, str, str]]:
        """(x, y, radius): the latest result drawn larger."""
        last = max((i for i, v in enumerate(self.values) if v is not None), default=None)
        return [
            (f"{self._x(i):.1f}", f"{self._y(v):.1f}", "2.8" if i == last else "1.7")
            for i, v in enumerate(self.values)
            if v is not None
        ]

    @property
    def target_y(self) -> str:
        return "" if self.target is None else f"{self._y(self.target):.1f}"

    @property
    def right(self) -> int:
        return self.WIDTH - self.PAD


@dataclass
class Bar:
    label: str
    value: float
    text: str  # "3", "£102,000"
    colour: str  # a key of COLOURS


@dataclass
class BarChart:
    """Horizontal bars with their values written beside them, and optionally a dashed
    reference line (a quarter's share of the budget)."""

    id: str
    title: str
    summary: str
    bars: list[Bar]
    reference: float | None = None
    reference_text: str = ""

    WIDTH: ClassVar[int] = 300
    LABEL_WIDTH: ClassVar[int] = 76
    VALUE_WIDTH: ClassVar[int] = 64
    ROW: ClassVar[int] = 26
    TOP: ClassVar[int] = 8

    @property
    def height(self) -> int:
        return self.TOP + self.ROW * len(self.bars) + (22 if self.reference is not None else 6)

    def _scale(self) -> float:
        biggest = max([b.value for b in self.bars] + [self.reference or 0] + [0])
        span = self.WIDTH - self.LABEL_WIDTH - self.VALUE_WIDTH
        return span / biggest if biggest else 0.0

    @property
    def rows(self) -> list[dict[str, str]]:
        scale = self._scale()
        # Values are written past the reference line, never across it.
        clear = (self.reference or 0) * scale
        rows = []
        for index, bar in enumerate(self.bars):
            top = self.TOP + index * self.ROW
            width = bar.value * scale
            rows.append(
                {
                    "label": bar.label,
                    "text": bar.text,
                    "fill": COLOURS.get(bar.colour, COLOURS["blue"]),
                    "x": str(self.LABEL_WIDTH),
                    "y": f"{top + 4}",
                    "width": f"{max(width, 0.0):.1f}",
                    "height": str(self.ROW - 8),
                    "text_y": f"{top + self.ROW / 2 + 4:.1f}",
                    "label_x": str(self.LABEL_WIDTH - 6),
                    "value_x": f"{self.LABEL_WIDTH + max(width, clear) + 5:.1f}",
                }
            )
        return rows

    @property
    def reference_line(self) -> dict[str, str] | None:
        if self.reference is None:
            return None
        x = self.LABEL_WIDTH + self.reference * self._scale()
        bottom = self.TOP + self.ROW * len(self.bars)
        return {
            "x": f"{x:.1f}",
            "y1": str(self.TOP),
            "y2": str(bottom),
            "text_x": "4",
            "text_y": str(bottom + 14),
        }


def chart_number(value: Decimal | None) -> float | None:
    """A recorded number as a chart draws it."""
    return None if value is None else float(value)


def period_trend(indicator: Indicator, rows: list[PeriodRow], *, last: int = 8) -> TrendChart:
    """The latest `last` periods up to the latest result, each with its result and
    target: the public page's chart of a published indicator."""
    reported = [r for r in rows if r.actual is not None]
    # Every period, one with no row too: a missing result breaks the line (``_segments``)
    # instead of joining its neighbours.
    upto = [r for r in rows if reported and r.period <= reported[-1].period]
    shown = every_period(upto)[-last:]
    points = [
        ChartPoint(
            label=period.label,
            result=chart_number(r.actual) if r else None,
            target=chart_number(r.target.value) if r and r.target else None,
            result_text=(
                indicator.format_value(r.actual) if r and r.actual is not None else NO_RESULT
            ),
            target_text=indicator.format_value(r.target.value) if r and r.target else "–",
        )
        for period, r in shown
    ]
    if points:
        summary = (
            f"Results for {indicator.code} from {points[0].label} to {points[-1].label}, with "
            "the target for each period. The numbers are in the table."
        )
    else:
        summary = f"No results for {indicator.code} yet."
    return TrendChart(
        id=f"public-{slugify(indicator.code)}",
        title=f"{indicator.code}: results and targets",
        summary=summary,
        points=points,
    )
