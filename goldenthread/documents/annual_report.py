"""The annual performance summary report: one plain content structure, drawn as a web page,
a PDF and a Word file that say the same thing.

`annual_report_content(partnership, year, today=...)` reads what is recorded for the
financial year starting in `year` (2025 for 2025/26) in a fixed number of queries and
returns dataclasses whose text is already written out for board members and the public,
not analysts: a one-page summary, what went well and what did not, each objective with its
measures and actions, the top risks, the money, who took part in reviews, the lessons and
the lead link officer's commentary. The structure is JSON-serialisable (`to_snapshot`,
`from_snapshot`): publishing stores it, so a published edition is drawn from what was
stored and never changes when the data does.

Decisions, written down here because the design is silent on them:
- An indicator's *year-end* result is its last period in the financial year that has a
  result, measured against that period's target (so a quarterly measure whose Q4 is not in
  yet is reported at Q3, and says so). Grey means no result that year or no target for it.
- *Direction of travel* compares the year-end result with the same period a year earlier,
  so seasonal measures are compared like with like.
- The *biggest improvements* and what *turned green* are issue 5's successes to celebrate
  (goldenthread.core.lessons.highlights: the latest two periods within the year), so the
  report and the partnership page celebrate the same things. The *biggest concerns* are
  the measures red at the year end, furthest from target first, then those worse than a
  year before.
- The measures reported are every indicator of the partnership: those of the year's plan
  under their objectives, and any others under "Other measures", so every measure counted in
  the summary appears in the report.
- The year's plan is the version in force at the year end (approved on or before it, the
  latest such), else the first version approved afterwards that covers the year, else the
  current plan.
- The report is written for the public, so it names organisations, not people: actions,
  risks and corrective actions show the lead organisation; reviews show how many people of
  each kind took part and which organisations they came from, never attendees' names
  (residents and customers are private individuals). The one person named is the officer
  whose commentary it is.
- Charts are small SVGs written from a template with presentation attributes only, so the
  same SVG goes inline into the web page (whose Content-Security-Policy forbids style
  attributes and elements) and the PDF, and renders quickly in WeasyPrint (pygal's
  CSS-heavy SVGs made a 40-measure report take several seconds). Each chart has a table of
  its numbers beside it. Word cannot show SVG, so the Word file has the tables.
"""

from __future__ import annotations

import datetime
import math
import types
import typing
from collections import Counter
from dataclasses import asdict, dataclass, fields, is_dataclass
from decimal import Decimal
from typing import ClassVar

from django.db.models import F, Prefetch, Q
from django.utils import dateformat, timezone
from django.utils.text import slugify

from goldenthread.core.finance import finance_summary, money
from goldenthread.core.lessons import Highlight as Success
from goldenthread.core.lessons import Highlights as Successes
from goldenthread.core.lessons import highlights as successes
from goldenthread.core.models import (
    Action,
    AnnualReport,
    Attendee,
    CorrectiveAction,
    Indicator,
    Lesson,
    Objective,
    Partnership,
    Plan,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    Target,
)
from goldenthread.core.monitoring import published_results
from goldenthread.core.performance import PeriodRow, indicator_history
from goldenthread.core.risks import risk_level
from goldenthread.core.services.annual_reports import COMMENTARY_REASON
from goldenthread.rules import (
    ActionState,
    Direction,
    Frequency,
    ObjectiveStatus,
    Period,
    Polarity,
    Rag,
    objective_status,
    status_rag,
    year_label,
)

from . import word
from .pdf import render_pdf

SNAPSHOT_FORMAT = 1
YEARS_OF_HISTORY = 5  # the report year and the four before it, in each trend chart
TOP_HIGHLIGHTS = 3
TOP_RISKS = 5
# A summary, and quick to make however much a partnership records in a year: the notes of
# the latest meetings and the latest lessons, with how many more there are and where.
SHOWN_MEETING_NOTES = 4
SHOWN_LESSONS = 6
DRAFT_MARKING = "Draft – not yet published"
DEMO_NOTICE = (
    "Demonstration data. The partnership, plan, objectives, actions, risks and targets in "
    "this report are illustrative, made up to show how Golden Thread works."
)
RAG_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)
RAG_WORDS = {
    Rag.GREEN: "Green: on target",
    Rag.AMBER: "Amber: close to target",
    Rag.RED: "Red: off target",
    Rag.GREY: "Grey: no result or target",
}
# Direction of travel against the same period a year before, in the site's words.
DIRECTION_WORDS = {d: d.label for d in Direction}
# GOV.UK palette. Bars carry a dark outline, so each keeps 3:1 contrast with the page.
COLOURS = {
    "green": "#00703c",
    "amber": "#ffdd00",
    "red": "#d4351c",
    "grey": "#b1b4b6",
    "blue": "#1d70b8",
}


# --- charts ---------------------------------------------------------------------------------


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


# --- the content structure ------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: str


@dataclass
class RagCount:
    rag: str  # "green"
    label: str  # "Green: on target"
    count: int


@dataclass
class Highlight:
    code: str
    text: str  # "CS03 Proven re-offending: 2.1% in 2025/26, down from 2.3% in 2024/25."


@dataclass
class IndicatorYear:
    code: str
    title: str
    definition: str
    unit: str  # words for units the values do not show: "per 10,000 aged 10-17"
    polarity: str  # "Lower is better"
    frequency: str  # "Quarterly"
    period: str  # the year-end period, "2025/26 Q4", or "" with no result this year
    period_note: str  # "year end 2025/26 Q3" when that is not the year's last period, or ""
    result: str
    target: str
    rag: str
    rag_label: str
    direction: str
    direction_label: str
    compared_with: str  # "2.3% in 2024/25"
    commentary: str
    history: list[str]  # the year-end result of each of the five years, oldest first
    trend: Sparkline

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def name_with_unit(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


@dataclass
class ActionLine:
    ref: str
    title: str
    organisation: str
    outcome: str  # "completed", "carried_forward" or "cancelled"
    text: str  # "Completed 12 March 2026", "Carried forward: due 30 June 2026"

    @property
    def name(self) -> str:
        return f"{self.ref} {self.title}"


@dataclass
class ObjectiveYear:
    ref: str
    title: str
    status: str  # an ObjectiveStatus value
    status_label: str
    status_rag: str
    indicators: list[IndicatorYear]
    actions: list[ActionLine]

    @property
    def heading(self) -> str:
        return f"{self.ref}: {self.title}"

    @property
    def completed(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "completed"]

    @property
    def carried_forward(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "carried_forward"]

    @property
    def cancelled(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "cancelled"]


@dataclass
class Note:
    source: str  # "2025/26 Q2 return", "Review meeting of 14 July 2025"
    text: str


@dataclass
class CorrectiveLine:
    measure: str
    period: str
    description: str
    owner: str  # an organisation
    due: str


@dataclass
class RiskLine:
    ref: str
    title: str
    score: int
    level: str
    organisation: str
    mitigation: str

    @property
    def score_text(self) -> str:
        return f"{self.score} ({self.level})"


@dataclass
class MoneyLine:
    label: str
    budget: str
    spent: str


@dataclass
class FinanceYear:
    has_figures: bool
    budget: str
    spent: str
    words: str  # "Spend for the year £402,000: £10,000 (2%) under the budget of £412,000."
    quarters: list[MoneyLine]
    actions: list[MoneyLine]
    chart: BarChart | None


@dataclass
class AttendanceLine:
    kind: str
    count: int


@dataclass
class Reviews:
    meetings: list[str]  # "2025/26 Q1, reviewed on 14 July 2025"
    attendance: list[AttendanceLine]
    organisations: list[str]

    @property
    def total(self) -> int:
        return sum(a.count for a in self.attendance)


@dataclass
class LessonLine:
    title: str
    what_happened: str
    outcome: str
    source: str


@dataclass
class AnnualReportContent:
    partnership: str
    year: int
    year_label: str  # "2025/26"
    title: str
    edition: int
    is_draft: bool
    marking: str  # DRAFT_MARKING on a draft, else ""
    published: str  # "12 May 2026", or "" for a draft
    as_at: str  # the day the figures were read
    correction: str  # what this edition corrects, or ""
    about: list[Row]
    is_demo: bool
    # The one-page summary
    headline: str
    rag_counts: list[RagCount]
    rag_chart: BarChart
    improvements: list[Highlight]
    concerns: list[Highlight]
    objectives_summary: str
    # What went well and what did not
    went_well: list[str]
    went_well_notes: list[Note]
    did_not_go_well: list[str]
    did_not_go_well_notes: list[Note]
    corrective_actions: list[CorrectiveLine]
    # The detail
    history_years: list[str]  # the five years of each measure's history: "2021/22", …
    objectives: list[ObjectiveYear]
    other_indicators: list[IndicatorYear]
    risks: list[RiskLine]
    risks_as_at: str
    finance: FinanceYear
    reviews: Reviews
    lessons: list[LessonLine]
    commentary: str
    commentary_by: str
    demo_notice: str = DEMO_NOTICE
    format: int = SNAPSHOT_FORMAT
    # Where the report shows only the latest of many (SHOWN_LESSONS, SHOWN_MEETING_NOTES):
    # a sentence saying how many more there are, and where; "" otherwise.
    more_lessons: str = ""
    more_meeting_notes: str = ""

    @property
    def indicators(self) -> list[IndicatorYear]:
        """Every measure once, in the order the report shows them."""
        seen, out = set(), []
        for indicator in [i for o in self.objectives for i in o.indicators] + list(
            self.other_indicators
        ):
            if indicator.code not in seen:
                seen.add(indicator.code)
                out.append(indicator)
        return out

    @property
    def indicator_count(self) -> int:
        return sum(c.count for c in self.rag_counts)

    def filename(self, extension: str) -> str:
        name = f"{slugify(self.partnership)}-annual-report-{self.year}-{(self.year + 1) % 100:02d}"
        if self.is_draft:
            name += "-draft"
        elif self.edition > 1:
            name += f"-edition-{self.edition}"
        return f"{name}.{extension}"

    @property
    def document_title(self) -> str:
        return f"{self.title} ({DRAFT_MARKING.lower()})" if self.is_draft else self.title

    def to_snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> AnnualReportContent:
        return _load(cls, data)


def _load(cls: type, data: dict):
    """Rebuild a dataclass from `asdict` output, following its type hints."""
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _value(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}
    return cls(**kwargs)


def _value(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is list:
        (inner,) = typing.get_args(hint)
        return [_value(inner, v) for v in value]
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _value(inner[0], value)
    if is_dataclass(hint):
        return _load(hint, value)
    return value


# --- reading the year -----------------------------------------------------------------------


def year_plan(partnership: Partnership, year: int) -> Plan | None:
    """The plan version in force at the end of the year (see the module's notes)."""
    plans = list(partnership.plans.order_by("version"))
    end = Period(Frequency.ANNUAL, year, 1).end
    covering = [
        p for p in plans if p.status != Plan.Status.DRAFT and p.first_year <= year <= p.last_year
    ]
    in_force = [
        p for p in covering if p.approved_at is None or timezone.localdate(p.approved_at) <= end
    ]
    if in_force:
        return in_force[-1]
    if covering:
        return covering[0]
    current = [p for p in plans if p.status == Plan.Status.APPROVED] or [
        p for p in plans if p.status == Plan.Status.DRAFT
    ]
    return current[-1] if current else None


@dataclass
class _Measure:
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


def _measure(indicator: Indicator, year: int) -> _Measure:
    rows = indicator_history(indicator)
    in_year = [r for r in rows if r.period.year == year and r.actual is not None]
    year_end = in_year[-1] if in_year else None
    last_year = None
    if year_end:
        before = year_end.period.same_period_last_year()
        last_year = next((r for r in rows if r.period == before), None)
    return _Measure(indicator=indicator, rows=rows, year_end=year_end, last_year=last_year)


def concerns(measures: list[_Measure]) -> list[_Measure]:
    """The biggest concerns: red at the year end, the furthest from target first, then any
    worse than a year before, the largest moves first. (The biggest improvements are issue
    5's successes to celebrate: goldenthread.core.lessons.highlights.)"""
    red = sorted(
        (m for m in measures if m.rag is Rag.RED), key=lambda m: (-m.shortfall, m.indicator.code)
    )
    worse = sorted(
        (m for m in measures if m.rag is not Rag.RED and m.direction is Direction.WORSE),
        key=lambda m: (-m.change, m.indicator.code),
    )
    return (red + worse)[:TOP_HIGHLIGHTS]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _target_text(indicator: Indicator, target: Target | None) -> str:
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
        values=[_number(r.actual) if r else None for r in ends],
        target=_number(target.value) if target else None,
    )


def period_trend(indicator: Indicator, rows: list[PeriodRow], *, last: int = 8) -> TrendChart:
    """The latest `last` periods up to the latest result, each with its result and
    target: the public page's chart of a published indicator."""
    reported = [r for r in rows if r.actual is not None]
    shown = [r for r in rows if reported and r.period <= reported[-1].period][-last:]
    points = [
        ChartPoint(
            label=r.period.label,
            result=_number(r.actual),
            target=_number(r.target.value) if r.target else None,
            result_text=indicator.format_value(r.actual) if r.actual is not None else "–",
            target_text=indicator.format_value(r.target.value) if r.target else "–",
        )
        for r in shown
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


def _last_period(indicator: Indicator, year: int) -> Period:
    frequency = Frequency(indicator.frequency)
    return Period(frequency, year, frequency.periods_per_year)


def _unit_words(indicator: Indicator) -> str:
    return "" if indicator.unit.lower() in ("", "%", "count", "number") else indicator.unit


def _indicator_year(measure: _Measure, year: int) -> IndicatorYear:
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
        target=_target_text(indicator, target) if row or target else "",
        rag=measure.rag.value,
        rag_label=measure.rag.label,
        direction=measure.direction.value,
        direction_label=DIRECTION_WORDS[measure.direction] if row else "",
        compared_with=compared,
        commentary=commentary,
        history=[indicator.format_value(r.actual) if r else "–" for r in ends],
        trend=_sparkline(indicator, ends, year, target),
    )


def _improvement_text(h: Success) -> Highlight:
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


def _concern_text(m: _Measure) -> Highlight:
    i, row, before = m.indicator, m.year_end, m.last_year
    text = f"{i.code} {i.title}: {i.format_value(row.actual)} in {row.period.label}"
    if m.rag is Rag.RED:
        text += f" against a target of {_target_text(i, row.target)}"
    if m.direction is Direction.WORSE and before is not None:
        way = "up" if row.actual > before.actual else "down"
        text += f", {way} from {i.format_value(before.actual)} a year before"
    return Highlight(code=i.code, text=text + ".")


def _action_line(action: Action, year: int) -> ActionLine:
    start, end = Period(Frequency.ANNUAL, year, 1).start, Period(Frequency.ANNUAL, year, 1).end
    state = ActionState(action.state)
    organisation = str(action.lead_organisation or "No lead organisation named")
    if state is ActionState.CANCELLED:
        outcome, text = "cancelled", "Cancelled"
        if action.closed_reason.strip():
            text += f": {action.closed_reason.strip()}"
    elif state is ActionState.COMPLETED and (
        action.completed_on is None or action.completed_on <= end
    ):
        outcome = "completed"
        text = f"Completed {_date(action.completed_on)}" if action.completed_on else "Completed"
        if action.completed_on and action.completed_on < start:
            text += ", before this year"
    else:
        outcome = "carried_forward"
        text = f"Carried forward into {year_label(year + 1)}"
        if action.due_date:
            text += f", due {_date(action.due_date)}"
    return ActionLine(
        ref=action.ref, title=action.title, organisation=organisation, outcome=outcome, text=text
    )


def _date(day: datetime.date | None) -> str:
    return dateformat.format(day, "j F Y") if day else ""


def _counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _results(partnership: Partnership, published_on: datetime.date | None):
    """A published edition shows only confirmed results (core.monitoring.published_results):
    it goes to the public, who must never see a figure still being checked. A draft shows
    everything recorded, and says which results are still waiting (`awaiting_sign_off`)."""
    if published_on is None:
        return Result.objects.all()
    return published_results(partnership)


def annual_report_content(
    partnership: Partnership,
    year: int,
    *,
    today: datetime.date,
    report: AnnualReport | None = None,
    published_on: datetime.date | None = None,
) -> AnnualReportContent:
    """The report for the financial year starting in `year`, from what is recorded now.
    `report` is the edition (its commentary and correction note); `published_on` is given
    when publishing, which makes the content a published edition rather than a draft."""
    partnership = Partnership.objects.select_related("lead_organisation", "lead_link_officer").get(
        pk=partnership.pk
    )
    fy = Period(Frequency.ANNUAL, year, 1)
    quarters = [Period(Frequency.QUARTERLY, year, n) for n in range(1, 5)]
    as_of = min(today, fy.end)
    plan = year_plan(partnership, year)

    # Measures: the partnership's indicators, with the years the report looks at.
    window = Q(period__gte=str(year - YEARS_OF_HISTORY)) & Q(period__lt=str(year + 1))
    indicators = list(
        Indicator.objects.filter(partnership=partnership)
        .order_by("code")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(window)),
            Prefetch("results", queryset=_results(partnership, published_on).filter(window)),
        )
    )
    measures = {i.pk: _measure(i, year) for i in indicators}
    written = {pk: _indicator_year(m, year) for pk, m in measures.items()}

    objectives = []
    in_plan: set[int] = set()
    if plan is not None:
        for objective in plan.objectives.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("code").only("pk")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("lead_organisation").order_by(
                    "due_date", "ref"
                ),
            ),
        ):
            objectives.append(_objective_year(objective, measures, written, year, as_of))
            in_plan |= {i.pk for i in objective.indicators.all()}
    other = [written[i.pk] for i in indicators if i.pk not in in_plan]

    counts = Counter(m.rag for m in measures.values())
    rag_counts = [
        RagCount(rag=r.value, label=RAG_WORDS[r], count=counts.get(r, 0)) for r in RAG_ORDER
    ]
    success = successes(partnership, year=year, today=today)
    concerning = concerns(list(measures.values()))

    returns = list(
        Return.objects.filter(partnership=partnership, round__period__in=quarters)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "corrective_actions",
                queryset=CorrectiveAction.objects.select_related(
                    "indicator", "owner__organisation"
                ).order_by("period", "indicator__code"),
            )
        )
        .order_by("round__period")
    )
    meetings = list(
        ReviewMeeting.objects.filter(partnership=partnership, period__in=quarters)
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("person__organisation"))
        )
        .order_by("held_on")
    )
    risks = (
        Risk.objects.filter(partnership=partnership, is_open=True)
        .select_related("owner__organisation")
        .annotate(residual=F("residual_likelihood") * F("residual_impact"))
        .order_by("-residual", "ref")[:TOP_RISKS]
    )
    lessons = list(
        Lesson.objects.filter(
            partnership=partnership,
            created_at__date__gte=fy.start,
            created_at__date__lte=fy.end,
        ).order_by("created_at")
    )
    more_lessons = len(lessons) - SHOWN_LESSONS
    lessons = lessons[-SHOWN_LESSONS:]
    noted = meetings[-SHOWN_MEETING_NOTES:]
    more_notes = len(meetings) - len(noted)

    went_well, did_not = (
        _went_well(measures.values(), objectives, success),
        _did_not(measures.values(), objectives),
    )
    commentary, commentary_by = "", ""
    if report is not None:
        commentary = report.commentary.strip()
        commentary_by = _commentary_by(report, partnership)

    published = _date(published_on) if published_on else ""
    edition = report.edition if report else 1
    correction = ""
    if report is not None and report.correction_note.strip():
        earlier = (
            AnnualReport.objects.filter(
                partnership=partnership, year=year, status=AnnualReport.Status.PUBLISHED
            )
            .exclude(pk=report.pk)
            .order_by("-edition")
            .first()
        )
        corrected = (
            f"edition {earlier.edition}, published "
            f"{_date(timezone.localdate(earlier.published_at))}"
            if earlier and earlier.published_at
            else "an earlier edition"
        )
        correction = f"This edition corrects {corrected}: {report.correction_note.strip()}"

    total = len(measures)
    green = counts.get(Rag.GREEN, 0)
    headline = (
        f"At the end of {fy.label}, {green} of the partnership's {_counted(total, 'measure')} "
        f"{'was' if green == 1 else 'were'} on target, {counts.get(Rag.AMBER, 0)} close to "
        f"target and {counts.get(Rag.RED, 0)} off target"
        + (
            f"; {counts[Rag.GREY]} had no result or no target for the year."
            if counts.get(Rag.GREY)
            else "."
        )
        if total
        else f"The partnership recorded no measures for {fy.label}."
    )
    statuses = Counter(o.status for o in objectives)
    objectives_summary = (
        ", ".join(
            f"{statuses[s.value]} {s.label.lower()}"
            for s in ObjectiveStatus
            if statuses.get(s.value)
        )
        if objectives
        else ""
    )
    if objectives_summary:
        objectives_summary = (
            f"Of the plan's {_counted(len(objectives), 'objective')}: {objectives_summary}."
        )

    about = [
        Row("Partnership", partnership.name),
        Row("Financial year", f"{fy.label}: {_date(fy.start)} to {_date(fy.end)}"),
        Row("Lead organisation", str(partnership.lead_organisation)),
        Row("Lead link officer", str(partnership.lead_link_officer or "Not yet named")),
        Row(
            "Plan",
            f"{plan.title}, version {plan.version} ({plan.years_label})"
            if plan
            else "No plan recorded for this year",
        ),
        Row(
            "Edition",
            f"Draft of edition {edition}, not yet published"
            if not published_on
            else f"Edition {edition}, published {published}",
        ),
        Row("Figures as recorded on", _date(today)),
    ]
    return AnnualReportContent(
        partnership=partnership.name,
        year=year,
        year_label=fy.label,
        title=f"{partnership.name}: annual performance report {fy.label}",
        edition=edition,
        is_draft=published_on is None,
        marking=DRAFT_MARKING if published_on is None else "",
        published=published,
        as_at=_date(today),
        correction=correction,
        about=about,
        is_demo=partnership.is_demo,
        headline=headline,
        rag_counts=rag_counts,
        rag_chart=BarChart(
            id="chart-rag",
            title=f"Measures by status at the end of {fy.label}",
            summary=(
                "; ".join(f"{c.label}: {c.count}" for c in rag_counts)
                + ". The numbers are in the table."
            ),
            bars=[
                Bar(label=c.label.split(":")[0], value=c.count, text=str(c.count), colour=c.rag)
                for c in rag_counts
            ],
        ),
        improvements=[_improvement_text(h) for h in success.improved[:TOP_HIGHLIGHTS]],
        concerns=[_concern_text(m) for m in concerning],
        objectives_summary=objectives_summary,
        went_well=went_well,
        went_well_notes=_notes(returns, noted, "highlights", "went_well"),
        did_not_go_well=did_not,
        did_not_go_well_notes=_notes(returns, noted, "exceptions", "challenges"),
        corrective_actions=[
            CorrectiveLine(
                measure=f"{c.indicator.code} {c.indicator.title}",
                period=c.period.label,
                description=c.description.strip(),
                owner=str(
                    (c.owner.organisation if c.owner and c.owner.organisation else None)
                    or "Not named"
                ),
                due=_date(c.due_date) or "No date set",
            )
            for r in returns
            for c in r.corrective_actions.all()
        ],
        history_years=[year_label(y) for y in range(year - YEARS_OF_HISTORY + 1, year + 1)],
        objectives=objectives,
        other_indicators=other,
        risks=[
            RiskLine(
                ref=r.ref,
                title=r.title,
                score=r.residual_score,
                level=risk_level(r.residual_score).label,
                organisation=str(
                    (r.owner.organisation if r.owner and r.owner.organisation else None)
                    or "Not named"
                ),
                mitigation=r.mitigation.strip() or "None recorded",
            )
            for r in risks
        ],
        risks_as_at=_date(today),
        finance=_finance(partnership, year, today),
        reviews=_reviews(meetings),
        lessons=[
            LessonLine(
                title=lesson.title,
                what_happened=lesson.what_happened.strip(),
                outcome=lesson.get_outcome_display(),
                source=lesson.get_source_display()
                + (f" ({lesson.source_detail})" if lesson.source_detail else ""),
            )
            for lesson in lessons
        ],
        commentary=commentary,
        commentary_by=commentary_by,
        more_lessons=(
            f"{_counted(more_lessons, 'more lesson')} learned in {fy.label} "
            f"{'is' if more_lessons == 1 else 'are'} in the partnership's lessons log in "
            "Golden Thread."
            if more_lessons > 0
            else ""
        ),
        more_meeting_notes=(
            f"The notes of {_counted(more_notes, 'earlier review meeting')} in {fy.label} "
            "are in Golden Thread."
            if more_notes
            else ""
        ),
    )


def _objective_year(
    objective: Objective,
    measures: dict[int, _Measure],
    written: dict[int, IndicatorYear],
    year: int,
    as_of: datetime.date,
) -> ObjectiveYear:
    pks = [i.pk for i in objective.indicators.all()]
    actions = list(objective.actions.all())
    status = objective_status(
        indicator_rags=[measures[pk].rag for pk in pks],
        actions=[(_state_at(a, as_of), a.due_date) for a in actions],
        today=as_of,
    )
    return ObjectiveYear(
        ref=objective.ref,
        title=objective.title,
        status=status.value,
        status_label=status.label,
        status_rag=status_rag(status).value,
        indicators=[written[pk] for pk in pks],
        actions=[_action_line(a, year) for a in actions],
    )


def _state_at(action: Action, day: datetime.date) -> ActionState:
    """An action finished after `day` was still under way on it."""
    state = action.action_state
    if state is ActionState.COMPLETED and action.completed_on and action.completed_on > day:
        return ActionState.ON_TRACK
    return state


def _went_well(measures, objectives: list[ObjectiveYear], success: Successes) -> list[str]:
    measures = list(measures)
    lines = []
    green = [m for m in measures if m.rag is Rag.GREEN]
    if green:
        lines.append(
            f"{len(green)} of {_counted(len(measures), 'measure')} "
            f"{'was' if len(green) == 1 else 'were'} on target at the year end."
        )
    for h in success.turned_green:
        lines.append(
            f"{h.indicator.code} {h.indicator.title} turned green in {h.latest_period.label}: "
            f"it was {h.previous_rag.label.lower()} in {h.previous_period.label}."
        )
    done = [a for o in objectives for a in o.completed]
    if done:
        lines.append(
            f"{_counted(len(done), 'action')} of the plan {'was' if len(done) == 1 else 'were'} "
            "completed: " + "; ".join(a.name for a in done) + "."
        )
    return lines


def _did_not(measures, objectives: list[ObjectiveYear]) -> list[str]:
    lines = []
    for m in measures:
        if m.rag is Rag.RED:
            lines.append(
                f"{m.indicator.code} {m.indicator.title} was off target: "
                f"{m.indicator.format_value(m.year_end.actual)} in {m.year_end.period.label} "
                f"against a target of {_target_text(m.indicator, m.year_end.target)}."
            )
    carried = [a for o in objectives for a in o.carried_forward]
    if carried:
        lines.append(
            f"{_counted(len(carried), 'action')} {'was' if len(carried) == 1 else 'were'} not "
            "finished and carried forward: " + "; ".join(a.name for a in carried) + "."
        )
    return lines


def _notes(
    returns: list[Return], meetings: list[ReviewMeeting], return_field: str, meeting_field: str
) -> list[Note]:
    notes = [
        Note(source=f"{r.period.label} monitoring return", text=getattr(r, return_field).strip())
        for r in returns
        if getattr(r, return_field).strip()
    ]
    notes += [
        Note(
            source=f"Review of {m.period.label}, held on {_date(m.held_on)}",
            text=getattr(m, meeting_field).strip(),
        )
        for m in meetings
        if getattr(m, meeting_field).strip()
    ]
    return notes


def _commentary_by(report: AnnualReport, partnership: Partnership) -> str:
    """Who wrote the commentary: the last person to save it, as the history records."""
    entry = (
        report.history.filter(history_change_reason=COMMENTARY_REASON)
        .select_related("history_user")
        .first()
    )
    author = entry.history_user if entry and entry.history_user else None
    if author is None:
        author = partnership.lead_link_officer
    if author is None:
        return ""
    role = (
        "lead link officer"
        if author.pk == partnership.lead_link_officer_id
        else "lead, on behalf of the partnership"
    )
    return f"{author}, {role}"


def _finance(partnership: Partnership, year: int, today: datetime.date) -> FinanceYear:
    summary = finance_summary(partnership, year, today)
    total = summary.total
    quarters = [
        MoneyLine(
            label=q.label,
            budget=money(total.quarter_budget) if total.quarter_budget is not None else "–",
            spent=money(total.spend_by_quarter[q]) if q in total.spend_by_quarter else "–",
        )
        for q in summary.quarters
    ]
    actions = [
        MoneyLine(
            label=f"{row.action.ref} {row.action.title}",
            budget=row.finance.budget_text,
            spent=money(sum(row.finance.spend_by_quarter.values(), Decimal(0))),
        )
        for row in summary.actions
        if row.finance.budget is not None or row.finance.spend_by_quarter
    ]
    chart = None
    if total.spend_by_quarter or total.budget is not None:
        chart = BarChart(
            id="chart-spend",
            title=f"Spend by quarter, {summary.year_label}",
            summary=(
                "; ".join(f"{line.label}: {line.spent}" for line in quarters)
                + (
                    f". A quarter's share of the budget is {money(total.quarter_budget)}."
                    if total.quarter_budget is not None
                    else "."
                )
                + " The numbers are in the table."
            ),
            bars=[
                Bar(
                    label=q.label,
                    value=float(total.spend_by_quarter.get(q, Decimal(0))),
                    text=money(total.spend_by_quarter[q])
                    if q in total.spend_by_quarter
                    else "None recorded",
                    colour="blue",
                )
                for q in summary.quarters
            ],
            reference=_number(total.quarter_budget),
            reference_text=(
                f"Dashed line: a quarter's share of the budget ({money(total.quarter_budget)})"
                if total.quarter_budget is not None
                else ""
            ),
        )
    spent = sum(total.spend_by_quarter.values(), Decimal(0))
    return FinanceYear(
        has_figures=summary.has_figures,
        budget=total.budget_text,
        spent=money(spent) if total.spend_by_quarter else "No spend recorded",
        words=total.forecast_words,
        quarters=quarters,
        actions=actions,
        chart=chart,
    )


def _reviews(meetings: list[ReviewMeeting]) -> Reviews:
    kinds: Counter[str] = Counter()
    organisations: set[str] = set()
    for meeting in meetings:
        for attendee in meeting.attendees.all():
            kinds[attendee.kind] += 1
            organisation = attendee.organisation.strip() or (
                attendee.person.organisation.name
                if attendee.person and attendee.person.organisation
                else ""
            )
            if organisation:
                organisations.add(organisation)
    return Reviews(
        meetings=[f"{m.period.label}, reviewed on {_date(m.held_on)}" for m in meetings],
        attendance=[
            AttendanceLine(kind=label, count=kinds[value])
            for value, label in Attendee.Kind.choices
            if kinds.get(value)
        ],
        organisations=sorted(organisations),
    )


# --- which years a partnership can report ---------------------------------------------------


@dataclass
class ReportYear:
    year: int
    label: str
    latest: AnnualReport | None  # the newest published edition
    draft: AnnualReport | None
    ended: bool


def report_years(partnership: Partnership, today: datetime.date) -> list[ReportYear]:
    """The financial years a report can be made for, newest first: every year of the
    partnership's plans up to the current one. Two queries."""
    plans = list(partnership.plans.values_list("first_year", "last_year"))
    current = Period.containing(Frequency.ANNUAL, today).year
    years = {y for first, last in plans for y in range(first, last + 1) if y <= current}
    reports = list(partnership.annual_reports.order_by("year", "edition"))
    years |= {r.year for r in reports}
    out = []
    for y in sorted(years, reverse=True):
        mine = [r for r in reports if r.year == y]
        published = [r for r in mine if r.status == AnnualReport.Status.PUBLISHED]
        out.append(
            ReportYear(
                year=y,
                label=year_label(y),
                latest=published[-1] if published else None,
                draft=next((r for r in mine if r.status == AnnualReport.Status.DRAFT), None),
                ended=Period(Frequency.ANNUAL, y, 1).end < today,
            )
        )
    return out


# --- files ----------------------------------------------------------------------------------


def annual_report_pdf(content: AnnualReportContent) -> bytes:
    return render_pdf(
        "documents/annual_report.html", {"doc": content, "title": content.document_title}
    )


def annual_report_docx(content: AnnualReportContent) -> bytes:
    """The report as a Word file: the same sections under real headings; each chart's
    numbers as a table (Word cannot show the SVG charts)."""
    doc = word.new_document(
        title=content.document_title,
        author=content.partnership,
        subject=f"Annual performance report {content.year_label}",
    )
    word.running_header(doc, content.title, marking=content.marking)
    word.page_number_footer(doc)

    word.paragraph(doc, content.partnership, style="Subtitle")
    word.heading(doc, f"Annual performance report {content.year_label}", 1)
    if content.marking:
        word.paragraph(doc, content.marking, bold=True)
    if content.correction:
        word.paragraph(doc, content.correction, bold=True)
    if content.is_demo:
        word.paragraph(doc, content.demo_notice, italic=True)
    word.key_values(doc, [(r.label, r.value) for r in content.about])

    word.heading(doc, "The year at a glance", 2)
    word.paragraph(doc, content.headline)
    if content.objectives_summary:
        word.paragraph(doc, content.objectives_summary)
    word.table(
        doc,
        caption=content.rag_chart.title,
        headers=["Status", "Measures"],
        rows=[[c.label, str(c.count)] for c in content.rag_counts],
        numeric_from=1,
        widths=[3, 1],
        width_mm=110,
    )
    word.heading(doc, "Biggest improvements", 3)
    if content.improvements:
        word.bullets(doc, [h.text for h in content.improvements])
    else:
        word.paragraph(doc, "No measure improved on the period before.")
    word.heading(doc, "Biggest concerns", 3)
    if content.concerns:
        word.bullets(doc, [h.text for h in content.concerns])
    else:
        word.paragraph(doc, "No measure was off target or getting worse.")
    word.heading(doc, "Money", 3)
    word.paragraph(doc, content.finance.words)

    word.heading(doc, "What went well", 2)
    _lines_and_notes_docx(doc, content.went_well, content.went_well_notes, "Nothing recorded.")
    word.heading(doc, "What did not go well", 2)
    _lines_and_notes_docx(
        doc, content.did_not_go_well, content.did_not_go_well_notes, "Nothing recorded."
    )
    if content.more_meeting_notes:
        word.paragraph(doc, content.more_meeting_notes)
    if content.corrective_actions:
        word.table(
            doc,
            caption="Corrective actions taken",
            headers=["Measure", "Period", "What will change", "Who", "By"],
            rows=[
                [c.measure, c.period, c.description, c.owner, c.due]
                for c in content.corrective_actions
            ],
            widths=[3, 1.4, 4, 2, 1.6],
        )

    word.heading(doc, "Our objectives", 2)
    if not content.objectives:
        word.paragraph(doc, "No plan with objectives is recorded for this year.")
    for objective in content.objectives:
        word.heading(doc, objective.heading, 3)
        word.paragraph(doc, f"Status at the year end: {objective.status_label}.", bold=True)
        if objective.indicators:
            _indicators_docx(
                doc, content, objective.indicators, f"How {objective.ref} was measured"
            )
        else:
            word.paragraph(doc, "No measure is set for this objective.")
        if objective.actions:
            word.table(
                doc,
                caption=f"Actions for {objective.ref}",
                headers=["Action", "Lead organisation", "At the year end"],
                rows=[[a.name, a.organisation, a.text] for a in objective.actions],
                widths=[4, 2.5, 3],
            )
        else:
            word.paragraph(doc, "No actions were planned for this objective.")
    if content.other_indicators:
        word.heading(doc, "Other measures", 2)
        _indicators_docx(
            doc, content, content.other_indicators, "Measures outside the plan's objectives"
        )

    word.heading(doc, "Top risks", 2)
    if content.risks:
        word.table(
            doc,
            caption=f"Open risks with the highest scores after mitigation, "
            f"as at {content.risks_as_at}",
            headers=["Risk", "Score after mitigation", "Lead organisation", "Mitigation"],
            rows=[
                [f"{r.ref} {r.title}", r.score_text, r.organisation, r.mitigation]
                for r in content.risks
            ],
            widths=[3, 1.6, 2, 4],
        )
        word.paragraph(doc, "Scores are likelihood times impact, each from 1 to 5.", size=9)
    else:
        word.paragraph(doc, "No open risks are recorded.")

    word.heading(doc, "Money", 2)
    word.paragraph(doc, content.finance.words)
    if content.finance.has_figures:
        word.key_values(doc, [("Budget", content.finance.budget), ("Spent", content.finance.spent)])
        word.table(
            doc,
            caption=f"Spend by quarter, {content.year_label}",
            headers=["Quarter", "Quarter's share of the budget", "Spent"],
            rows=[[q.label, q.budget, q.spent] for q in content.finance.quarters],
            numeric_from=1,
            widths=[2, 2, 2],
            width_mm=130,
        )
        if content.finance.actions:
            word.table(
                doc,
                caption="Budget and spend of actions",
                headers=["Action", "Budget", "Spent"],
                rows=[[a.label, a.budget, a.spent] for a in content.finance.actions],
                numeric_from=1,
                widths=[4, 1.5, 1.5],
            )

    word.heading(doc, "Who took part in reviews", 2)
    _reviews_docx(doc, content.reviews, content.year_label)

    word.heading(doc, "Lessons learned", 2)
    if content.lessons:
        for lesson in content.lessons:
            word.heading(doc, lesson.title, 3)
            word.paragraph(doc, lesson.what_happened)
            word.key_values(doc, [("Outcome", lesson.outcome), ("Learning from", lesson.source)])
    else:
        word.paragraph(doc, f"No lessons were recorded in {content.year_label}.")
    if content.more_lessons:
        word.paragraph(doc, content.more_lessons)

    word.heading(doc, "Commentary from the lead link officer", 2)
    if content.commentary:
        for paragraph in _paragraphs(content.commentary):
            word.paragraph(doc, paragraph)
        if content.commentary_by:
            word.paragraph(doc, content.commentary_by, italic=True)
    else:
        word.paragraph(doc, "The lead link officer adds their commentary before publishing.")
    return word.to_bytes(doc)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _lines_and_notes_docx(doc, lines: list[str], notes: list[Note], empty: str) -> None:
    if lines:
        word.bullets(doc, lines)
    for note in notes:
        word.paragraph(doc, note.source, bold=True, space_after=0)
        word.paragraph(doc, note.text)
    if not lines and not notes:
        word.paragraph(doc, empty)


def _indicators_docx(
    doc, content: AnnualReportContent, indicators: list[IndicatorYear], caption: str
) -> None:
    word.table(
        doc,
        caption=caption,
        headers=[
            "Measure",
            *content.history_years[:-1],
            f"{content.year_label} (year end)",
            "Target",
            "Status",
            "Since a year before",
        ],
        rows=[
            [
                f"{i.name_with_unit}. {i.polarity}"
                + (f"; {i.period_note}" if i.period_note else ""),
                *i.history[:-1],
                i.result,
                i.target or "–",
                i.rag_label,
                i.direction_label or "–",
            ]
            for i in indicators
        ],
        widths=[4, *[1.1] * (len(content.history_years) - 1), 1.4, 1.2, 1.1, 1.9],
    )
    for indicator in indicators:
        if indicator.definition:
            word.paragraph(doc, f"{indicator.code}: {indicator.definition}", size=9.5)
        if indicator.commentary:
            word.paragraph(
                doc, f"Why {indicator.code} is where it is: {indicator.commentary}", size=9.5
            )


def _reviews_docx(doc, reviews: Reviews, label: str) -> None:
    if not reviews.meetings:
        word.paragraph(doc, f"No review meetings are recorded for {label}.")
        return
    word.paragraph(
        doc,
        f"{_counted(len(reviews.meetings), 'review meeting')}, with "
        f"{_counted(reviews.total, 'attendance')} in all.",
    )
    word.bullets(doc, reviews.meetings)
    if reviews.attendance:
        word.table(
            doc,
            caption="Who took part, by kind",
            headers=["Taking part as", "Attendances"],
            rows=[[a.kind, str(a.count)] for a in reviews.attendance],
            numeric_from=1,
            widths=[3, 1],
            width_mm=110,
        )
    if reviews.organisations:
        word.paragraph(doc, "Organisations taking part: " + ", ".join(reviews.organisations) + ".")
