"""The golden thread diagram's layout, without a database or HTTP: where each box goes,
how big it is, what it says, and the connectors between them."""

from goldenthread.core.charts.thread import Node, describe, fit, lay_out, text_width, wrap


def small_thread() -> Node:
    """Plan → T1 → O1 → an indicator and an overdue action."""
    objective = Node(
        kind="objective",
        label="O1 Aim",
        colour="green",
        status="On track",
        children=[
            Node(kind="indicator", label="I1 Burglaries", colour="red", status="Red"),
            Node(kind="action", label="A1 Visits", colour="red", status="On track", flag="Overdue"),
        ],
    )
    outcome = Node(kind="outcome", label="T1 Safe places", colour="blue", children=[objective])
    return Node(kind="strategic_plan", label="Plan", colour="root", children=[outcome])


def boxes_by_label(diagram) -> dict:
    return {box.texts[0].text: box for box in diagram.boxes}


def test_a_small_thread_is_laid_out_in_columns_a_row_per_leaf():
    diagram = lay_out([small_thread()])
    # Legend and column headers above, then two rows of 28 (one per leaf) and the margin.
    assert (diagram.width, diagram.height) == (960, 54 + 2 * 28 + 2)
    boxes = boxes_by_label(diagram)
    # Columns: strategic plan, outcome, objective, indicators and actions.
    assert [(boxes[label].x, boxes[label].width) for label in boxes] == [
        (634, 322),
        (634, 322),
        (360, 256),
        (162, 180),
        (2, 142),
    ]
    assert list(boxes) == ["I1 Burglaries", "A1 Visits", "O1 Aim", "T1 Safe places", "Plan"]
    # A row per leaf; each parent level with its first child.
    assert [box.y for box in boxes.values()] == [57, 85, 57, 57, 57]
    assert {box.height for box in boxes.values()} == {22}
    assert [(h.x, h.text) for h in diagram.headers] == [
        (2, "Strategic plan"),
        (162, "Outcome"),
        (360, "Objective"),
        (634, "Indicators and actions"),
    ]


def test_connectors_run_from_a_parents_right_edge_to_each_childs_left_edge():
    diagram = lay_out([small_thread()])
    assert diagram.edges == [
        # O1 (right edge 616, middle 68) to its indicator and action, through a trunk at 625.
        "M616 68H625V68H634",
        "M616 68H625V96H634",
        "M342 68H351V68H360",  # T1 to O1
        "M144 68H153V68H162",  # the plan to T1
    ]


def test_each_box_says_its_status_in_words_in_its_colours():
    boxes = boxes_by_label(lay_out([small_thread()]))
    indicator, action, objective, outcome, plan = boxes.values()
    assert [(t.text, t.bold, t.end) for t in indicator.texts] == [
        ("I1 Burglaries", False, False),
        ("Red", True, True),
    ]
    assert (indicator.fill, indicator.stroke, indicator.texts[1].fill) == (
        "#f4d7d7",
        "#651b1b",
        "#651b1b",
    )
    # "Overdue" outranks the action's own status in the diagram.
    assert [t.text for t in action.texts] == ["A1 Visits", "Overdue"]
    assert action.texts[1].x == action.x + action.width - 6
    assert [t.text for t in objective.texts] == ["O1 Aim", "On track"]
    assert [t.text for t in outcome.texts] == ["T1 Safe places"]
    assert (plan.fill, plan.texts[0].fill) == ("#0f385c", "#ffffff")


def test_themes_long_names_idle_outcomes_and_a_second_tree():
    long = "O2 Help young people at risk into education, training or work"
    objective = Node(
        kind="objective",
        label=long,
        colour="yellow",
        status="At risk",
        subtitle="Safer Streets",
        children=[Node(kind="indicator", label="I2", colour="grey", status="No data")],
    )
    short = Node(kind="objective", label="O3 Short", colour="grey", status="No data")
    outcome = Node(kind="outcome", label="T2.1 Outcome", colour="blue", children=[objective, short])
    theme = Node(kind="outcome", label="T2 Theme", colour="blue", children=[outcome])
    idle = Node(kind="outcome", label="T3 Idle", colour="break", status="No objectives")
    plan = Node(kind="strategic_plan", label="Plan", colour="root", children=[theme, idle])
    unlinked = Node(
        kind="unlinked",
        label="Not linked to any outcome",
        colour="break",
        children=[Node(kind="objective", label="O9 Alone", colour="grey", status="No data")],
    )

    diagram = lay_out([plan, unlinked])
    assert [h.text for h in diagram.headers] == [
        "Strategic plan",
        "Theme",
        "Outcome",
        "Objective",
        "Indicators and actions",
    ]
    boxes = boxes_by_label(diagram)
    # The long name wraps over three rows, with the status and the partnership under it.
    wrapped = boxes["O2 Help young people at risk into"]
    assert (wrapped.y, wrapped.height) == (57, 7 + 3 * 15)
    assert [(t.text, t.y) for t in wrapped.texts] == [
        ("O2 Help young people at risk into", 72),
        ("education, training or work", 87),
        ("At risk", 102),
        ("· Safer Streets", 102),
    ]
    assert boxes["O3 Short"].y == 57 + 3 * 28
    # An outcome with no outcomes under it sits in the last outcome column, dashed when
    # no one works towards it.
    assert boxes["T3 Idle"].x == boxes["T2.1 Outcome"].x
    assert boxes["T3 Idle"].dashed and boxes["T3 Idle"].y == 57 + 4 * 28
    # A blank row, then the second tree.
    assert boxes["Not linked to any"].y == boxes["O9 Alone"].y == 57 + 6 * 28
    assert boxes["Not linked to any"].x == 2
    assert diagram.height == 54 + 8 * 28 + 2
    assert "M118 68H127V180H301" in diagram.edges  # the plan to T3, across the theme column


def test_the_description_counts_each_item_once():
    plan = small_thread()
    # The same objective under a second outcome is still one objective.
    plan.children.append(
        Node(kind="outcome", label="T2 Other", colour="blue", children=plan.children[0].children)
    )
    assert (
        "(2 outcomes) to partnership objectives (1 objective) and their 1 indicator and "
        "1 action." in describe([plan])
    )


def test_long_labels_are_cut_with_an_ellipsis_and_wrapped_within_their_width():
    text = "Help young people at risk into education, training or work"
    assert fit(text, 1000) == text
    short = fit(text, 120)
    assert short.endswith("…") and text_width(short) <= 120
    lines = wrap(text, 120, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line) <= 120 for line in lines)
    assert wrap("Short", 120, 2) == ["Short"]


def test_the_diagram_grows_a_row_per_leaf_and_keeps_boxes_inside_it():
    def objective(n: int, leaves: int) -> Node:
        return Node(
            kind="objective",
            label=f"O{n}",
            colour="green",
            status="On track",
            children=[
                Node(kind="indicator", label=f"I{n}.{i}", colour="red", status="Red")
                for i in range(leaves)
            ],
        )

    def tree(objectives: int) -> Node:
        outcome = Node(
            kind="outcome",
            label="T1 Outcome",
            colour="blue",
            children=[objective(n, 3) for n in range(objectives)],
        )
        return Node(kind="strategic_plan", label="Plan", colour="root", children=[outcome])

    small, large = lay_out([tree(1)]), lay_out([tree(4)])
    assert large.height - small.height == 9 * 28  # nine more leaves, a row each
    assert len(large.boxes) == 1 + 1 + 4 + 12
    assert len(large.edges) == len(large.boxes) - 1
    for box in large.boxes:
        assert box.x >= 0 and box.x + box.width <= large.width
        assert box.y >= 0 and box.y + box.height <= large.height
    assert [h.text for h in large.headers] == [
        "Strategic plan",
        "Outcome",
        "Objective",
        "Indicators and actions",
    ]
