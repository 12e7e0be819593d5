"""The record, readable: an object's audit history (django-simple-history) as entries a
member can read on its page — when, who, what changed from what to what, and why.

Not to be confused with services/history.py, which writes past results and targets.

Every write goes through `save_audited`, so each historical row carries the person
(`history_user`) and the reason (`history_change_reason`: "Returned: …", "Reopened: …",
"Resubmitted"). Those rows are kept whatever happens to the object later, so a return's
reasons stay readable after it is signed off. Reading is done in bulk: one query for the
rows, and one per kind of thing they point at (people, organisations), however many rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Field, Model, QuerySet
from django.utils import timezone

from goldenthread.rules import Period, long_date

from .models import Action, AnnualUpdateForm, Indicator, Plan, Result, Return, Target, User

# Fields that say nothing a reader needs: keys, counters, what the who/when columns
# already say, and the links that place the object (the page it is on already says so).
NOISE = frozenset(
    {
        "id",
        "version",
        "draft",
        "created_at",
        "entered_at",
        "entered_by",
        "set_by",
        "set_at",
        "period",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "approved_by",
        "approved_at",
        "partnership",
        "round",
        "indicator",
        "objective",
        "previous",
        "self_assessment",
    }
)
BLANK = "–"


@dataclass(frozen=True)
class Change:
    field: str  # its label, as the forms call it
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    who: str
    what: str  # "Created", "Changed" or "Deleted"
    why: str
    changes: list[Change] = field(default_factory=list)
    subject: str = ""  # which item of several, e.g. "2025/26 Q3" for an indicator's results


def _label(f: Field) -> str:
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def _person(user: Model | None) -> str:
    return str(user) if user is not None else "The system"


def _text(f: Field, value: Any, related: dict[tuple[type, Any], Model]) -> str:
    """A stored value as a reader would write it."""
    if value is None or value == "":
        return BLANK
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation:
        found = related.get((f.related_model, value))
        return str(found) if found is not None else "(removed)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return f"{long_date(timezone.localtime(value).date())}, {timezone.localtime(value):%H:%M}"
    if isinstance(value, datetime.date):
        return long_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, Period):
        return value.label
    if isinstance(value, list | dict):
        return BLANK if not value else str(value)
    return str(value)


def history_entries(
    rows: QuerySet,
    *,
    subject: Callable[[Model], str] | None = None,
    formats: dict[str, Callable[[Any], str]] | None = None,
    noise: Iterable[str] = (),
) -> list[Entry]:
    """The historical rows of one or more objects (a queryset of a model's `.history`) as
    entries, newest first. `subject` names the object of each row when several objects
    share a page; `formats` writes a field's value (say a result's value in its unit).
    One query for the rows, one per related model the changed fields point at."""
    model = rows.model
    skip = NOISE | set(noise)
    fields = [f for f in model.tracked_fields if f.name not in skip]
    records = list(rows.select_related(None).order_by("history_date", "history_id"))

    # Every person, organisation … that the rows name, each model read once.
    wanted: dict[type, set] = defaultdict(set)
    for record in records:
        if record.history_user_id:
            wanted[User].add(record.history_user_id)
        for f in fields:
            if f.is_relation and (value := getattr(record, f.attname)) is not None:
                wanted[f.related_model].add(value)
    related: dict[tuple[type, Any], Model] = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            related[(related_model, obj.pk)] = obj

    formats = formats or {}

    def show(f: Field, record: Model) -> str:
        value = getattr(record, f.attname)
        if f.name in formats and value not in (None, ""):
            return formats[f.name](value)
        return _text(f, value, related)

    entries: list[Entry] = []
    before: dict[Any, Model] = {}  # the object's previous row
    for record in records:
        previous = before.get(record.id)
        if record.history_type == "-":
            what, changes = "Deleted", []
        elif previous is None:
            what = "Created"
            changes = [
                Change(_label(f), BLANK, shown)
                for f in fields
                if (shown := show(f, record)) not in (BLANK, "No")
            ]
        else:
            what = "Changed"
            changes = [
                Change(_label(f), show(f, previous), show(f, record))
                for f in fields
                if getattr(previous, f.attname) != getattr(record, f.attname)
            ]
        before[record.id] = record
        reason = record.history_change_reason or ""
        if what == "Changed" and not changes and not reason:
            continue  # saved with nothing changed and nothing said: nothing to read
        entries.append(
            Entry(
                when=record.history_date,
                who=_person(related.get((User, record.history_user_id))),
                what=what,
                why=reason,
                changes=changes,
                subject=subject(record) if subject else "",
            )
        )
    entries.reverse()
    return entries


# --- the objects whose history members read -------------------------------------------


def _resubmissions(entries: list[Entry]) -> list[Entry]:
    """A submission after a return for changes is called what it is."""
    again = Change("Status", "Returned for changes", "Submitted")
    return [replace(e, what="Resubmitted") if again in e.changes else e for e in entries]


def return_history(ret: Return) -> list[Entry]:
    """Submitted, returned (with the reason), resubmitted, signed off, reopened (with
    the reason), and what was written in the commentary on the way."""
    return _resubmissions(history_entries(Return.history.filter(id=ret.pk)))


def update_form_history(form: AnnualUpdateForm) -> list[Entry]:
    return _resubmissions(history_entries(AnnualUpdateForm.history.filter(id=form.pk)))


def plan_history(plan: Plan) -> list[Entry]:
    return history_entries(Plan.history.filter(id=plan.pk))


def action_history(action: Action) -> list[Entry]:
    return history_entries(Action.history.filter(id=action.pk))


def _period_subject(record: Model) -> str:
    return record.period.label if record.period else ""


def indicator_results_history(indicator: Indicator) -> list[Entry]:
    """Who entered or changed each of the indicator's results, and why, values in the
    indicator's own unit and decimals."""
    value = {"value": indicator.format_value}
    return history_entries(
        Result.history.filter(indicator_id=indicator.pk), subject=_period_subject, formats=value
    )


def indicator_targets_history(indicator: Indicator) -> list[Entry]:
    value = {"value": indicator.format_value, "upper": indicator.format_value}
    return history_entries(
        Target.history.filter(indicator_id=indicator.pk), subject=_period_subject, formats=value
    )


def reasons(entries: Sequence[Entry]) -> list[str]:
    """Every reason given, oldest first (for a test or a summary)."""
    return [e.why for e in reversed(entries) if e.why]
