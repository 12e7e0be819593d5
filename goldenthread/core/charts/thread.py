"""The golden thread drawn: one tree of `Node`s built from a thread read
(`core.thread`), shown twice: as an inline SVG diagram, laid out here and drawn by a
template with presentation attributes only (the Content-Security-Policy forbids style
attributes), and as a nested list, the diagram's text alternative, with the full labels
and the links. No chart library draws a tree like this, so the layout is our own."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import dateformat

from goldenthread.core.performance import ObjectiveView
from goldenthread.core.thread import OutcomeBranch, PartnershipThread, StrategicThread, action_rag
from goldenthread.rules import status_rag

from . import TAG_COLOURS

# ---------------------------------------------------------------------------------------
# The tree both the diagram and the list are drawn from


@dataclass
class Node:
    kind: str  # strategic_plan, outcome, objective, indicator, action, hidden, unlinked
    label: str  # in full: the diagram shortens it, the list never does
    colour: str  # a GOV.UK tag colour, or one of the extra TONES
    status: str = ""  # the status in words, so colour is never the only sign
    flag: str = ""  # a second status word that outranks the first in the diagram: "Overdue"
    url: str = ""
    detail: str = ""
    heading: int = 0  # heading level in the list, for strategic plans and outcomes
    anchor: str = ""
    children: list[Node] = field(default_factory=list)
    status_colour: str = ""  # the status tag's colour in the list, when not `colour`
    short: str = ""  # a shorter label for the diagram, when the full one says more
    subtitle: str = ""  # said after the status in the diagram: the objective's partnership

    @property
    def heading_children(self) -> list[Node]:
        return [child for child in self.children if child.heading]

    @property
    def item_children(self) -> list[Node]:
        return [child for child in self.children if not child.heading]

    @property
    def diagram_status(self) -> str:
        return self.flag or self.status

    @property
    def diagram_label(self) -> str:
        return self.short or self.label


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def hidden_text(n: int) -> str:
    return f"and {_plural(n, 'objective')} of partnerships you are not a member of"


def _objective_node(view: ObjectiveView, *, named: bool) -> Node:
    objective = view.objective
    partnership = objective.plan.partnership
    draft = objective.plan.status != objective.plan.Status.APPROVED
    detail = ", ".join(
        part for part in (partnership.name if named else "", "draft plan" if draft else "") if part
    )
    subtitle = ""
    if named:
        subtitle = partnership.short_name or partnership.name
        subtitle = f"{subtitle} (draft)" if draft else subtitle
    children = []
    for line in view.indicators:
        indicator = line.indicator
        children.append(
            Node(
                kind="indicator",
                label=f"{indicator.code} {indicator.title}",
                colour=TAG_COLOURS[line.rag],
                status=line.rag.label,
                url=indicator.get_absolute_url(),
                detail=f"latest result {line.latest.period.label}"
                if line.latest
                else "no result yet",
            )
        )
    for action in view.actions:
        overdue = action.pk in view.overdue_action_ids
        due = dateformat.format(action.due_date, "j F Y") if action.due_date else None
        children.append(
            Node(
                kind="action",
                label=f"{action.ref} {action.title}",
                colour=TAG_COLOURS[action_rag(action.state, overdue=overdue)],
                status=action.get_state_display(),
                status_colour=TAG_COLOURS[action_rag(action.state, overdue=False)],
                flag="Overdue" if overdue else "",
                detail=", ".join(
                    part
                    for part in (
                        f"due {due}" if due else "no due date",
                        "" if action.owner_id else "no owner",
                    )
                    if part
                ),
            )
        )
    return Node(
        kind="objective",
        label=f"{objective.ref} {objective.title}",
        colour=TAG_COLOURS[status_rag(view.status)],
        status=view.status.label,
        url=f"{reverse('partnership', args=[partnership.pk])}#objective-{objective.pk}",
        detail=detail,
        subtitle=subtitle,
        children=children,
    )


def _outcome_node(branch: OutcomeBranch, *, first_heading: int, named: bool) -> Node:
    outcome = branch.outcome
    children = [
        _outcome_node(child, first_heading=first_heading, named=named) for child in branch.children
    ]
    children += [_objective_node(view, named=named) for view in branch.objectives]
    if branch.hidden_objectives:
        n = branch.hidden_objectives
        children.append(
            Node(
                kind="hidden",
                label=hidden_text(n),
                short=f"{_plural(n, 'objective')} of other partnerships",
                colour="none",
            )
        )
    idle = not branch.worked_towards
    return Node(
        kind="outcome",
        label=f"{outcome.code} {outcome.title}",
        colour="break" if idle else "blue",
        status="No objectives" if idle else "",
        heading=min(first_heading + branch.depth - 1, 6),
        anchor=f"outcome-{outcome.pk}",
        children=children,
    )


@dataclass
class ThreadDrawing:
    """A thread ready to show: `nodes`, the list's top items; `diagram`, laid out (None
    when there is nothing to draw); and `description`, the diagram's <desc>."""

    nodes: list[Node]
    diagram: Diagram | None
    description: str


def strategic_plan_drawing(thread: StrategicThread) -> ThreadDrawing:
    """The strategic plan at the root of the diagram; its themes and outcomes head the
    list, under the page's own heading of the plan."""
    themes = [_outcome_node(branch, first_heading=3, named=True) for branch in thread.outcomes]
    root = Node(
        kind="strategic_plan", label=thread.strategic_plan.title, colour="root", children=themes
    )
    return ThreadDrawing(nodes=themes, diagram=lay_out([root]), description=describe([root]))


def partnership_drawing(thread: PartnershipThread) -> ThreadDrawing:
    """A tree per strategic plan the partnership serves, then its objectives linked to
    no outcome under a heading of their own; the partnership is not named on each."""
    roots = [
        Node(
            kind="strategic_plan",
            label=st.strategic_plan.title,
            colour="root",
            url=reverse("strategic_plan_thread", args=[st.strategic_plan.pk]),
            heading=3,
            anchor=f"strategic-plan-{st.strategic_plan.pk}",
            children=[
                _outcome_node(branch, first_heading=4, named=False) for branch in st.outcomes
            ],
        )
        for st in thread.strategic
    ]
    if thread.unlinked:
        roots.append(
            Node(
                kind="unlinked",
                label="Not linked to any outcome",
                colour="break",
                heading=3,
                anchor="not-linked",
                children=[_objective_node(view, named=False) for view in thread.unlinked],
            )
        )
    return ThreadDrawing(
        nodes=roots, diagram=lay_out(roots) if roots else None, description=describe(roots)
    )


# ---------------------------------------------------------------------------------------
# The diagram: a left-to-right tree, a row per leaf, parents level with their first child

WIDTH = 960
ROW = 28  # row pitch
BOX = 22  # height of a one-line box
GAP = 18  # between columns, where the connectors run
PAD = 6  # inside a box, left and right
MARGIN = 2  # round the drawing, so the outermost borders are not cut
LINE = 15  # line height inside a box
FONT = 12
LEGEND_HEIGHT = 26
HEADER_HEIGHT = 22
TOP = LEGEND_HEIGHT + HEADER_HEIGHT + 6

# Fills, borders and text from the GOV.UK tag colours, so the diagram and the list's
# tags match; every text colour passes WCAG AA on its fill.
INK = "#0b0c0c"
TONES = {
    "red": ("#f4d7d7", "#651b1b", "#651b1b"),
    "yellow": ("#ffee80", "#7a3c1c", "#7a3c1c"),
    "green": ("#cfe4dc", "#083d29", "#083d29"),
    "grey": ("#e5e6e7", "#505a5f", INK),
    "blue": ("#d2e2f1", "#0f385c", "#0f385c"),
    "root": ("#0f385c", "#0f385c", "#ffffff"),
    "break": ("#ffffff", "#942514", "#942514"),
    "none": ("#ffffff", "#b1b4b6", INK),
}
DASHED = {"break"}
LEGEND = [
    ("red", "Off track, red or overdue"),
    ("yellow", "At risk or amber"),
    ("green", "On track, complete or green"),
    ("grey", "No data or not started"),
    ("blue", "Outcome"),
    ("break", "Break in the thread"),
]

# Widths of Arial's characters in ems (Liberation Sans and Helvetica share them), so a
# label is cut before it overflows its box; 0.556 (most lower case and digits) otherwise.
_EMS = {
    **dict.fromkeys("ijl", 0.222),
    **dict.fromkeys("ft .,;:!'|/I", 0.278),
    **dict.fromkeys("r()-[]", 0.333),
    **dict.fromkeys("cksvxyzJ", 0.5),
    **dict.fromkeys("L", 0.556),
    **dict.fromkeys("FTZ", 0.611),
    **dict.fromkeys("ABEKPSVXY&", 0.667),
    **dict.fromkeys("CDHNRUw", 0.722),
    **dict.fromkeys("GOQ", 0.778),
    **dict.fromkeys("mM", 0.833),
    **dict.fromkeys("%", 0.889),
    **dict.fromkeys("W…", 1.0),
}


def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    # Bold Arial is about a tenth wider.
    return sum(_EMS.get(c, 0.556) for c in text) * size * (1.1 if bold else 1.0)


def fit(text: str, width: float, bold: bool = False) -> str:
    """The text, or as much of it as fits with an ellipsis."""
    if text_width(text, bold=bold) <= width:
        return text
    while text and text_width(text + "…", bold=bold) > width:
        text = text[:-1]
    return text.rstrip(" ,;:–-") + "…"


def wrap(text: str, width: float, max_lines: int) -> list[str]:
    """Word-wrapped lines, at most `max_lines`, the last ending in an ellipsis when cut."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = f"{lines[-1]} {' '.join(words)}"
    return [fit(line, width) for line in lines]


@dataclass
class Text:
    x: int
    y: int
    text: str
    fill: str
    bold: bool = False
    end: bool = False  # anchored at its end (right-aligned)


@dataclass
class Box:
    x: int
    y: int
    width: int
    height: int
    fill: str
    stroke: str
    dashed: bool
    texts: list[Text]


@dataclass
class Diagram:
    width: int
    height: int
    boxes: list[Box]
    edges: list[str]  # SVG path data
    headers: list[Text]
    legend: list[tuple[Box, Text]]


def _column(node: Node, depth: int, outcome_depth: int) -> int:
    if node.kind in ("strategic_plan", "unlinked"):
        return 0
    if node.kind == "outcome":
        # An outcome with no outcomes under it sits in the last outcome column, so
        # outcomes line up even where one plan has themes and another does not.
        has_outcomes = any(child.kind == "outcome" for child in node.children)
        return depth if has_outcomes else outcome_depth
    if node.kind in ("objective", "hidden"):
        return outcome_depth + 1
    return outcome_depth + 2


def _outcome_depth(nodes: list[Node], depth: int = 0) -> int:
    """The most outcomes on any path from a root: themes and their outcomes."""
    return max(
        (_outcome_depth(n.children, depth + (n.kind == "outcome")) for n in nodes),
        default=depth,
    )


def _status_width(node: Node) -> float:
    status = node.diagram_status
    return text_width(status, bold=True) + 10 if status else 0


def _fits_one_line(node: Node, width: int) -> bool:
    return text_width(node.diagram_label) <= width - 2 * PAD - _status_width(node)


def _rows_needed(node: Node, width: int) -> int:
    """A long name of a strategic plan, theme, outcome or objective gets up to three rows
    to wrap into; indicators and actions, the most numerous, keep to one."""
    if node.kind in ("indicator", "action", "hidden"):
        return 1
    if _fits_one_line(node, width) and not node.subtitle:
        return 1
    lines = len(wrap(node.diagram_label, width - 2 * PAD, 4)) + (1 if node.diagram_status else 0)
    return next(
        rows for rows in (1, 2, 3) if (rows * ROW - (ROW - BOX) - 7) // LINE >= lines or rows == 3
    )


def _box(node: Node, x: int, y: int, width: int, rows: int) -> Box:
    """A box one line high with the status at its right; or, where the node spans
    several rows and its label is long, the label wrapped and the status under it."""
    fill, stroke, status_ink = TONES[node.colour]
    ink = "#ffffff" if node.colour == "root" else INK
    label, status = node.diagram_label, node.diagram_status
    inner = width - 2 * PAD
    room = rows * ROW - (ROW - BOX)
    max_lines = min(4, (room - 7) // LINE - (1 if status else 0))
    texts: list[Text] = []
    if (_fits_one_line(node, width) and not node.subtitle) or max_lines < 1:
        texts.append(Text(x + PAD, y + 15, fit(label, inner - _status_width(node)), ink))
        if status:
            texts.append(Text(x + width - PAD, y + 15, status, status_ink, bold=True, end=True))
        return Box(x, y, width, BOX, fill, stroke, node.colour in DASHED, texts)
    lines = wrap(label, inner, max_lines)
    for i, line in enumerate(lines):
        texts.append(Text(x + PAD, y + 15 + i * LINE, line, ink))
    if status:
        baseline = y + 15 + len(lines) * LINE
        texts.append(Text(x + PAD, baseline, status, status_ink, bold=True))
        if node.subtitle:
            after = _status_width(node) - 4
            subtitle = fit(f"· {node.subtitle}", inner - after)
            texts.append(Text(x + PAD + int(after), baseline, subtitle, ink))
    height = 7 + LINE * (len(lines) + (1 if status else 0))
    return Box(x, y, width, height, fill, stroke, node.colour in DASHED, texts)


def column_names(outcome_depth: int) -> list[str]:
    # Themes hold outcomes; with one level there are only outcomes.
    outcomes = ["Theme"] + ["Outcome"] * (outcome_depth - 1)
    if outcome_depth <= 1:
        outcomes = ["Outcome"] * outcome_depth
    return ["Strategic plan", *outcomes, "Objective", "Indicators and actions"]


def lay_out(roots: list[Node]) -> Diagram:
    """Columns: strategic plan, a column per level of outcomes, objectives, then their
    indicators and actions. A row per leaf; a parent level with its first child."""
    depth = _outcome_depth(roots)
    columns = depth + 3
    weights = [0.75] + [0.95] * depth + [1.35, 1.7]
    unit = (WIDTH - 2 * MARGIN - GAP * (columns - 1)) / sum(weights)
    widths = [int(w * unit) for w in weights]
    xs = [MARGIN + sum(widths[:i]) + GAP * i for i in range(columns)]

    boxes: list[Box] = []
    edges: list[str] = []
    row = 0

    def place(node: Node, outcome_level: int) -> tuple[int, int]:
        """Places the node and its subtree from `row` on; returns where a connector
        from its parent ends."""
        nonlocal row
        level = outcome_level + 1 if node.kind == "outcome" else outcome_level
        column = _column(node, level, depth)
        first = row
        ends = [place(child, level) for child in node.children]
        need = _rows_needed(node, widths[column])
        row = max(row, first + need)
        y = TOP + first * ROW + (ROW - BOX) // 2
        boxes.append(_box(node, xs[column], y, widths[column], row - first))
        right, middle = xs[column] + widths[column], y + BOX // 2
        trunk = right + GAP // 2
        for end_x, end_y in ends:
            edges.append(f"M{right} {middle}H{trunk}V{end_y}H{end_x}")
        return xs[column], middle

    for index, root in enumerate(roots):
        if index:
            row += 1  # a blank row between two trees
        place(root, 0)

    headers = [
        Text(xs[i], LEGEND_HEIGHT + 16, name, "#505a5f", bold=True)
        for i, name in enumerate(column_names(depth))
    ]
    legend = []
    x = MARGIN
    for colour, words in LEGEND:
        fill, stroke, _ = TONES[colour]
        legend.append(
            (Box(x, 4, 16, 16, fill, stroke, colour in DASHED, []), Text(x + 22, 17, words, INK))
        )
        x += 22 + math.ceil(text_width(words)) + 18
    return Diagram(
        width=WIDTH,
        height=TOP + max(row, 1) * ROW + MARGIN,
        boxes=boxes,
        edges=edges,
        headers=headers,
        legend=legend,
    )


def _counts(nodes: list[Node]) -> dict[str, int]:
    seen: dict[str, set[str]] = {}

    def walk(node: Node) -> None:
        seen.setdefault(node.kind, set()).add(node.label)
        for child in node.children:
            walk(child)

    for node in nodes:
        walk(node)
    return {kind: len(labels) for kind, labels in seen.items()}


def describe(roots: list[Node]) -> str:
    """The diagram's <desc>: what it shows, in a sentence."""
    counts = _counts(roots)
    outcomes, objectives, indicators, actions = (
        _plural(counts.get(kind, 0), kind)
        for kind in ("outcome", "objective", "indicator", "action")
    )
    return (
        "A tree read from left to right, from the strategic plan through its themes and "
        f"outcomes ({outcomes}) to partnership objectives ({objectives}) and their "
        f"{indicators} and {actions}. Each box is coloured by its status and says it in "
        "words. The list after the diagram gives the same thread as text, with full names "
        "and links."
    )
