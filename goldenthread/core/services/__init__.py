"""Writes. Every write that touches several models or has side effects is one
keyword-only, typed function in a module here, run in a transaction, and recorded in
the history (django-simple-history) with who did it and why. The HTML views, the API,
importers and management commands all call these."""

from django.db.models import Model


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
