"""The risk register's 5×5 heat map as positions for an SVG template, with the rows of
the table beside it that gives the same numbers."""

from goldenthread.core.risks import IMPACT_LABELS, LIKELIHOOD_LABELS, HeatMap

# Heat-map geometry, in SVG user units. Likelihood runs up the side, impact along the
# bottom, as councils' registers usually draw it.
CELL_W, CELL_H = 130, 84
LEFT, TOP, BOTTOM = 170, 12, 76


def heat_map_layout(heat: HeatMap) -> dict:
    cells = []
    for row_index, row in enumerate(heat.rows):
        for col_index, cell in enumerate(row):
            x, y = LEFT + col_index * CELL_W, TOP + row_index * CELL_H
            lines = cell.ref_lines
            cells.append(
                {
                    "cell": cell,
                    "x": x,
                    "y": y,
                    "cx": x + CELL_W // 2,
                    "count_y": y + (34 if lines else 50),
                    "lines": [(line, y + 56 + 17 * i) for i, line in enumerate(lines)],
                }
            )
    width = LEFT + 5 * CELL_W + 12
    height = TOP + 5 * CELL_H + BOTTOM
    grid_bottom = TOP + 5 * CELL_H
    return {
        "width": width,
        "height": height,
        "cell_w": CELL_W,
        "cell_h": CELL_H,
        "cells": cells,
        "table_rows": [
            (f"{row[0].likelihood} {LIKELIHOOD_LABELS[row[0].likelihood]}", row)
            for row in heat.rows
        ],
        "y_labels": [
            (f"{lk} {LIKELIHOOD_LABELS[lk]}", TOP + (5 - lk) * CELL_H + CELL_H // 2 + 5)
            for lk in range(5, 0, -1)
        ],
        "x_labels": [
            (f"{im} {IMPACT_LABELS[im]}", LEFT + (im - 1) * CELL_W + CELL_W // 2)
            for im in range(1, 6)
        ],
        "label_x": LEFT - 10,
        "x_label_y": grid_bottom + 24,
        "x_title": (LEFT + 5 * CELL_W // 2, grid_bottom + 60),
        "y_title": (24, TOP + 5 * CELL_H // 2),
    }
