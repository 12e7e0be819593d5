"""Writes. Every write that touches several models or has side effects is one
keyword-only, typed function in a module here, run in a transaction, and recorded in
the history (django-simple-history) with who did it and why. The HTML views, the API,
importers and management commands all call these.

Each checks first that `by` may make the write, with the `require*` checks of
goldenthread.core.access, and then every rule of what is written, so no caller can get
round either: a form only parses and shows what a service refused.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model

from goldenthread.rules import Frequency, Period
from goldenthread.rules.inputs import year_problem


def financial_year(year: int) -> Period:
    """The financial year starting in `year` (2025 for 2025/26), within the years the
    product keeps; otherwise a ValidationError on `year`."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationError({"year": "Enter the year as a number, like 2025"})
    if problem := year_problem(year):
        raise ValidationError({"year": problem})
    return Period(Frequency.ANNUAL, year, 1)


def save_audited(obj: Model, *, by, reason: str = "", **save_kwargs) -> Model:
    """Save with the history entry naming the person and the reason. Outside a web
    request (commands, importers) this is what records who made the change."""
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    obj.save(**save_kwargs)
    return obj


def delete_audited(obj: Model, *, by, reason: str = "") -> None:
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    obj.delete()
