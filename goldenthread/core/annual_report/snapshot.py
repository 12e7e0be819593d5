"""Published editions of the annual report, stored as JSON and read back.

Publishing stores the report's content (content.AnnualReportContent) as a snapshot, and a
published edition is always drawn from it, so it never changes when the data does. A
snapshot outlives the code that wrote it: the content classes will change, and every
edition ever published must still load. So a snapshot carries its format (the key
"format"), loading checks it, and each change to the content classes that older
snapshots do not already fit bumps SNAPSHOT_FORMAT and adds one step to UPGRADES, which
turns a snapshot of the format before into one of the new format. Loading runs the steps
from the stored format up to today's, then builds the dataclasses strictly: a field the
classes need that the snapshot lacks (and that has no default), or a field the snapshot
has that the classes do not know, is an error naming it, never a silently wrong report.
tests/core/test_annual_report_snapshot.py loads an edition stored in format 1.

Formats:
1. The first. Editions published before `more_lessons` and `more_meeting_notes` existed
   lack them; their defaults ("") fill in.
2. Issue 12's additions. Each measure (IndicatorYear) gains `corrections`: the changes
   made since to the year-end figures it shows; an edition of format 1 was read as the
   data stood when it was published, with no such notes, so its measures get none. The
   report gains `success_stories`: an edition of format 1 has none.
3. Issue 17's addition: the report gains `contributions`, what organisations outside the
   partnership gave to its objectives in the year; an edition of an earlier format has
   none recorded.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, asdict, fields, is_dataclass

SNAPSHOT_FORMAT = 3
FORMAT_KEY = "format"


def _measures_get_corrections(data: dict) -> dict:
    """Format 1 to 2: every measure, under its objective or among the other measures,
    gains an empty list of corrections, and the report an empty list of success
    stories (so that an old edition stored again is today's snapshot of it)."""
    objectives = [o for o in data.get("objectives") or [] if isinstance(o, dict)]
    measures = [i for o in objectives for i in o.get("indicators") or []]
    for indicator in measures + list(data.get("other_indicators") or []):
        if isinstance(indicator, dict):
            indicator.setdefault("corrections", [])
    data.setdefault("success_stories", [])
    return data


def _report_gets_contributions(data: dict) -> dict:
    """Format 2 to 3: the report gains an empty list of outside contributions."""
    data.setdefault("contributions", [])
    return data


# UPGRADES[n] turns a snapshot of format n into one of format n + 1. For example, when a
# risk line gains a required `review_date`, SNAPSHOT_FORMAT becomes 3 and
#     UPGRADES[2] = _risks_get_a_review_date
# where that function sets risk["review_date"] = "" on each of data["risks"].
UPGRADES: dict[int, Callable[[dict], dict]] = {
    1: _measures_get_corrections,
    2: _report_gets_contributions,
}


class SnapshotError(ValueError):
    """A stored edition that this version of Golden Thread cannot read."""


def dump(content) -> dict:
    """The content as plain JSON-ready data, marked with today's format."""
    return {**asdict(content), FORMAT_KEY: SNAPSHOT_FORMAT}


def load(cls: type, data: dict):
    """Build `cls` (a dataclass) from a stored snapshot of any format up to today's."""
    data = upgrade(data)
    return _build(cls, {k: v for k, v in data.items() if k != FORMAT_KEY}, cls.__name__)


def upgrade(data: dict) -> dict:
    """The snapshot in today's format: a copy, with each upgrade step since its own
    format applied in turn."""
    stored = data.get(FORMAT_KEY) if isinstance(data, dict) else None
    if type(stored) is not int or stored < 1:
        raise SnapshotError(
            f"This is not a stored annual report: it has no snapshot format ({FORMAT_KEY!r})."
        )
    if stored > SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"This edition was stored in snapshot format {stored}, newer than this version "
            f"of Golden Thread reads (format {SNAPSHOT_FORMAT} and earlier): it was published "
            "by a later version. Upgrade Golden Thread to show it."
        )
    data = copy.deepcopy(data)
    for version in range(stored, SNAPSHOT_FORMAT):
        if version not in UPGRADES:
            raise SnapshotError(f"No upgrade from snapshot format {version} to {version + 1}.")
        data = UPGRADES[version](data)
        data[FORMAT_KEY] = version + 1
    return data


def _build(cls: type, data: object, where: str):
    if not isinstance(data, dict):
        raise SnapshotError(f"{where}: expected an object, found {type(data).__name__}.")
    # Resolved each time, from the module that defines `cls`: cheap, and a test can swap
    # a class there to stand for a future change.
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SnapshotError(
            f"{where} has {', '.join(unknown)}, which this version does not know: "
            "a snapshot upgrade step is missing."
        )
    missing = [
        f.name
        for f in fields(cls)
        if f.name not in data and f.default is MISSING and f.default_factory is MISSING
    ]
    if missing:
        raise SnapshotError(
            f"{where} lacks {', '.join(missing)}, which this version needs: "
            "a snapshot upgrade step is missing."
        )
    return cls(
        **{name: _value(hints[name], value, f"{where}.{name}") for name, value in data.items()}
    )


def _value(hint, value, where: str):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is list:
        (inner,) = typing.get_args(hint)
        return [_value(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _value(inner[0], value, where)
    if is_dataclass(hint):
        return _build(hint, value, where)
    return value
