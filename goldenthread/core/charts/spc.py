"""The process chart (XmR) of an indicator, drawn by pygal: results, the mean, the process
limits, the target, and the results marked as special cause."""

from collections.abc import Callable, Sequence

import pygal

from goldenthread.core.models import Indicator
from goldenthread.core.performance import PeriodRow
from goldenthread.rules import Signal, SpcResult

from . import every_period, gov_style, period_axis, plot_number, render

# GOV.UK palette. Marked results follow the Making Data Count colours (blue improvement,
# orange concern, purple neither) and each has its own shape, with a black outline so the
# orange still stands out against white.
RESULT, MEAN, LIMIT, TARGET = "#505a5f", "#0b0c0c", "#505a5f", "#d4351c"
MARKERS = {
    Signal.IMPROVEMENT: ("Improvement (circles)", "#1d70b8", "circle"),
    Signal.CONCERN: ("Concern (diamonds)", "#f47738", "diamond"),
    Signal.NEITHER: ("Neither (squares)", "#4c2c92", "square"),
}
MARKER_SIZE = 6
DASHED = {"dasharray": "5, 4", "width": 1.5}


class _MarkedLine(pygal.Line):
    """pygal draws every dot as a circle. The special-cause series are redrawn with their
    own shapes after pygal places them, so colour is not the only cue."""

    shapes: dict[str, str]

    def line(self, serie, rescale=False):
        super().line(serie, rescale)
        shape = self.shapes.get(serie.title)
        if shape is None:
            return
        for group in self.nodes["overlay"]:
            if f"serie-{serie.index} " not in group.get("class", "") + " ":
                continue
            for dot in group.iter():
                if "dot" in dot.get("class", "").split():
                    _reshape(dot, shape)


def _reshape(dot, shape: str) -> None:
    x, y, r = float(dot.get("cx")), float(dot.get("cy")), float(dot.get("r"))
    if shape == "diamond":
        r *= 1.35  # a diamond of the same width looks smaller than the circle
        dot.tag = "path"
        dot.set(
            "d",
            f"M{x:.2f},{y - r:.2f} l{r:.2f},{r:.2f} l{-r:.2f},{r:.2f} l{-r:.2f},{-r:.2f} Z",
        )
    elif shape == "square":
        r *= 0.9
        dot.tag = "path"
        dot.set("d", f"M{x - r:.2f},{y - r:.2f} h{2 * r:.2f} v{2 * r:.2f} h{-2 * r:.2f} Z")
    if shape != "circle":
        for name in ("cx", "cy", "r"):
            del dot.attrib[name]
    # An inline style beats pygal's stylesheet, which sets every dot's outline to its colour.
    dot.set("style", "stroke: #0b0c0c; stroke-width: 1.5px")


def _axis_number(indicator: Indicator) -> Callable[[float], str]:
    """Axis values to one more decimal place than the indicator shows, as the limits fall
    between the values it reports; whole numbers stay whole for a count."""

    def number(value: float) -> str:
        places = 0 if indicator.decimals == 0 and value == int(value) else indicator.decimals + 1
        text = f"{value:,.{places}f}"
        return f"{text}%" if indicator.unit == "%" else text

    return number


def spc_chart(indicator: Indicator, spc: SpcResult, rows: Sequence[PeriodRow]) -> bytes:
    # Every period from the first result to the latest: one with no result is a gap in the
    # line, not a join between its neighbours. The mean and limits are the process's, so
    # they run on across it.
    periods = every_period(spc.points)
    points = [point for _, point in periods]
    targets = {row.period: row.target for row in rows if row.target}
    series: list[tuple[str, list, dict, str]] = [
        ("Result", [plot_number(p.value) if p else None for p in points], {"dots_size": 3}, RESULT),
    ]
    many = len(spc.segments) > 1
    if not spc.too_few:
        # Each segment's mean and limits run from its first result to its last, and stop
        # there: after a process change the next segment's start afresh, so the lines break
        # at the change, and each segment's legend says which part it is (the title says
        # where each part starts).
        for k, segment in enumerate(spc.segments):
            if segment.too_few:
                continue
            span = [segment.first <= period <= segment.last for period, _ in periods]
            when = f" (part {k + 1})" if many else ""

            def line(value, span=span):
                return [plot_number(value) if inside else None for inside in span]

            series += [
                (f"Mean{when}", line(segment.mean), {"show_dots": False}, MEAN),
                (
                    f"Upper process limit{when}",
                    line(segment.upper_limit),
                    {"show_dots": False, "stroke_style": DASHED},
                    LIMIT,
                ),
                (
                    f"Lower process limit{when}",
                    line(segment.lower_limit),
                    {"show_dots": False, "stroke_style": DASHED},
                    LIMIT,
                ),
            ]
    target_values = [plot_number(t.value) if (t := targets.get(p)) else None for p, _ in periods]
    if any(v is not None for v in target_values):
        series.append(
            (
                "Target",
                target_values,
                {"show_dots": False, "stroke_style": {"dasharray": "14, 6", "width": 2}},
                TARGET,
            )
        )
    shapes = {}
    for signal, (title, colour, shape) in MARKERS.items():
        values = [plot_number(p.value) if p and p.signal is signal else None for p in points]
        if any(v is not None for v in values):
            series.append((title, values, {"stroke": False, "dots_size": MARKER_SIZE}, colour))
            shapes[title] = shape

    title = f"{indicator.code}: process chart"
    if not spc.too_few:
        # Say how the limits were worked out, so they can be set beside the MDC spreadsheet's.
        title += (
            ", limits with unusually large moving ranges left out"
            if spc.screen_outliers
            else ", limits from every moving range (as the MDC spreadsheet)"
        )
    if many:
        changes = ", ".join(
            f"{segment.first.label} (part {k})" for k, segment in enumerate(spc.segments[1:], 2)
        )
        title += f"; limits recalculated from {changes}"
    if spc.too_few and spc.needed:
        have = len(spc.segments[-1].points) if spc.segments else len(spc.points)
        title += f" (too few results for process limits: {have} of {spc.minimum_points})"
    elif spc.too_few:
        title += " (no two results for periods next to each other: no process limits)"
    # pygal reserves room for len // columns rows of legend, one short when they do not
    # divide evenly: the margin makes up the missing row.
    columns = min(3 if many else 4, len(series))
    missing_rows = -(-len(series) // columns) - len(series) // columns
    chart = _MarkedLine(
        js=[],
        style=gov_style(*(s[3] for s in series)),
        width=800,
        height=440,
        allow_interruptions=True,
        **period_axis(len(points)),
        legend_at_bottom=True,
        legend_at_bottom_columns=columns,
        show_y_guides=False,  # dashed guides would read as process limits
        truncate_legend=-1,
        title=title,
        y_title=indicator.unit or None,
        value_formatter=_axis_number(indicator),
        margin=16,
        margin_bottom=16 + 24 * missing_rows,
    )
    chart.shapes = shapes
    chart.x_labels = [period.label for period, _ in periods]
    for name, values, options, _ in series:
        chart.add(name, values, **options)
    return render(chart)
