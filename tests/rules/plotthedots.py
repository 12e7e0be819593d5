"""A line-by-line Python port of the special-cause rules of NHSRplotthedots, the NHS-R
community's implementation of NHS England's "Making Data Count" rules (R package, GitHub
nhs-r-community/NHSRplotthedots, files R/ptd_spc_standard.R and
R/ptd_calculate_point_type.R, version 0.2.x), for one facet (no fixed baseline), with
``rebase`` as R/ptd_add_rebase_column.R and ptd_spc_standard.R do it. It is the oracle
the tests compare ``rules.spc.xmr`` with, so it follows the R code, quirks included,
rather than our reading of the rules. Exact
fractions, so a value on a limit is judged the same way every time.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

LIMIT = Fraction("2.66")
LIMIT_CLOSE = 2 * (LIMIT / 3)
SCREEN = Fraction("3.267")


def _sign(value) -> int:
    return (value > 0) - (value < 0)


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values, Fraction(0)) / len(values)


def standard(y, *, screen_outliers=True):
    """ptd_spc_standard: mean, limits and the per-point columns."""
    y = [Fraction(v) for v in y]
    mean = _mean(y)
    mr = [None] + [abs(b - a) for a, b in pairwise(y)]
    amr = _mean(mr)
    if screen_outliers:
        mr = [r if r is not None and r < SCREEN * amr else None for r in mr]
        amr = _mean(mr)
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    nlpl, nupl = mean - LIMIT_CLOSE * amr, mean + LIMIT_CLOSE * amr
    outside = [v > upl or v < lpl for v in y]
    relative = [_sign(v - mean) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]
    return {
        "mean": mean,
        "amr": amr,
        "lpl": lpl,
        "upl": upl,
        "outside": outside,
        "relative": relative,
        "close": close,
    }


def seven_point_one_side_mean(v):
    vp = [0] * 6 + list(v)
    return [
        1 if all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0 else 0
        for i in range(6, len(vp))
    ]


def part_of_seven_trend(v):
    vp = list(v) + [0] * 6
    return [1 if any(abs(vp[i + k]) == 1 for k in range(7)) else 0 for i in range(len(v))]


def seven_point_trend(y):
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - k] for k in range(7)]  # y[i], y[i-1], ..., y[i-6]
        d = [-_sign(b - a) for a, b in pairwise(window)]
        out.append(1 if all(x == 1 for x in d) else -1 if all(x == -1 for x in d) else 0)
    return out


def two_in_three(v, rtm):
    vp = [0, 0, *[int(x) for x in v], 0, 0]
    rp = [0, 0, *rtm, 0, 0]
    out = []
    for i in range(len(v)):
        hit = any(
            sum(vp[i + k] for k in ks) >= 2 and abs(sum(rp[i + k] for k in ks)) == 3
            for ks in ((0, 1, 2), (1, 2, 3), (2, 3, 4))
        )
        out.append(1 if hit else 0)
    return out


def special_cause_type(y, relative, close, outside):
    y = [Fraction(v) for v in y]
    part_trend = part_of_seven_trend(seven_point_trend(y))
    tit = two_in_three(close, relative)
    part_tit = [1 if t == 1 and c else 0 for t, c in zip(tit, close, strict=True)]
    part_side = part_of_seven_trend(seven_point_one_side_mean(relative))
    sdy = [_sign(b - a) for a, b in pairwise(y)]
    n = len(y)
    # "if a point is part of a trend either side, use right side"
    right = [*sdy, sdy[-1]] if sdy else [0] * n
    left = [0, *sdy]
    nxt = [*part_trend[1:], 0]
    sdy = [right[i] if (nxt[i] and part_trend[i]) else left[i] for i in range(n)]
    types = []
    for i in range(n):
        side = "Above" if relative[i] > 0 else "Below"
        if outside[i]:
            types.append("Above UCL" if relative[i] == 1 else "Below LCL")
        elif part_trend[i]:
            types.append(f"7 Point Trend ({'In' if sdy[i] == 1 else 'De'}creasing)")
        elif part_tit[i]:
            types.append(f"2 in 3 {side} CL")
        elif part_side[i]:
            types.append(f"7 Points {side} CL")
        else:
            types.append("Common Cause")
    return types


def point_type(kind: str, improvement_direction: int) -> str:
    """improvement_direction: 1 increase, -1 decrease, 0 neutral."""
    v = (
        1
        if ("Above" in kind or "Increasing" in kind)
        else -1
        if ("Below" in kind or "Decreasing" in kind)
        else 0
    )
    if improvement_direction == 0:
        return {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}.get(
            v, "common_cause"
        )
    v *= improvement_direction
    return {1: "special_cause_improvement", -1: "special_cause_concern"}.get(v, "common_cause")


def rebase_groups(n, rebase):
    """ptd_add_rebase_column and ``rebase_group = cumsum(rebase)``: ``rebase`` are the
    indices of the rows whose date is a rebase date (1 there, 0 elsewhere); a date that is
    no row's has no effect. Rebasing at the first row makes one group, numbered 1."""
    flags = [1 if i in set(rebase) else 0 for i in range(n)]
    groups, total = [], 0
    for flag in flags:
        total += flag
        groups.append(total)
    return groups


def ptd_spc(y, *, improvement_direction=1, screen_outliers=True, rebase=()):
    """ptd_spc_standard and ptd_calculate_point_type, both grouped by rebase group: each
    group has its own mean, moving ranges (none across a rebase), limits and rules. The
    per-point columns come back concatenated, with each point's group and its group's mean
    and limits (``mean_col``, ``lpl_col``, ``upl_col``, the reference's ``mean_col``,
    ``lpl`` and ``upl`` columns); ``mean``, ``amr``, ``lpl`` and ``upl`` are the last
    group's, the ones ptd_calculate_assurance_type reads (from the last row)."""
    groups = rebase_groups(len(y), rebase)
    out = {"rebase_group": groups}
    columns = ("outside", "relative", "close", "special_cause_type", "point_type")
    for column in (*columns, "mean_col", "lpl_col", "upl_col"):
        out[column] = []
    for group in sorted(set(groups)):
        part = [v for v, g in zip(y, groups, strict=True) if g == group]
        s = standard(part, screen_outliers=screen_outliers)
        kinds = special_cause_type(part, s["relative"], s["close"], s["outside"])
        s["special_cause_type"] = kinds
        s["point_type"] = [point_type(k, improvement_direction) for k in kinds]
        for column in columns:
            out[column] += s[column]
        for column, key in (("mean_col", "mean"), ("lpl_col", "lpl"), ("upl_col", "upl")):
            out[column] += [s[key]] * len(part)
        out.update(mean=s["mean"], amr=s["amr"], lpl=s["lpl"], upl=s["upl"])
    return out
