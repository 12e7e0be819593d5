"""Corrective actions tracked to closure: progress reported in a later quarter's return
or on the corrective action's own page, closing it (saying whether it worked), reopening
it, telling its owner when it is given to them and, once, when it becomes overdue.

Who may track one: its owner (whatever their role in the partnership), the partnership's
leads and the council performance team. Every write is audited."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.access import Need, allows, require_open
from goldenthread.core.corrective_actions import overdue_q
from goldenthread.core.models import (
    CorrectiveAction,
    CorrectiveActionUpdate,
    NotificationKind,
    Return,
    User,
)
from goldenthread.core.models.fields import TEXT
from goldenthread.rules import long_date

from . import save_audited
from .notifications import notify

TRACK = (
    "Only the corrective action's owner, the partnership's leads or the council "
    "performance team can update it."
)
STILL_GOING = (CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS)


def may_track(user: User, ca: CorrectiveAction) -> bool:
    """Whether the person may report progress on, close or reopen the corrective action."""
    partnership = ca.ret.partnership
    if partnership.is_closed or not allows(user, partnership, Need.VIEW):
        return False
    return (
        user.is_performance_team
        or allows(user, partnership, Need.LEAD)
        or (ca.owner_id is not None and ca.owner_id == user.pk)
    )


def require_tracker(user: User, ca: CorrectiveAction) -> None:
    require_open(ca.ret.partnership)
    if not may_track(user, ca):
        raise PermissionDenied(TRACK)


def name_of(ca: CorrectiveAction) -> str:
    return f"{ca.indicator.code} {ca.period.label}"


def url_of(ca: CorrectiveAction) -> str:
    return reverse("corrective_action", args=[ca.pk])


def _check_progress(ca: CorrectiveAction, status: str, progress: str, field: str = "") -> str:
    """The progress text, stripped; a ValidationError naming the corrective action
    otherwise. `field` prefixes the error keys (the return page's fields)."""
    problems = {}
    if status not in STILL_GOING:
        problems[field + "status"] = (
            f"Corrective action for {name_of(ca)}: choose not started or in progress "
            "(close it on its own page, saying whether it worked)"
        )
    progress = (progress or "").strip()
    if not progress:
        problems[field + "progress"] = f"Corrective action for {name_of(ca)}: say how it is going"
    elif len(progress) > TEXT:
        problems[field + "progress"] = (
            f"Corrective action for {name_of(ca)}: keep the progress to {TEXT} characters"
        )
    if problems:
        raise ValidationError(problems)
    return progress


def _apply(
    ca: CorrectiveAction, *, by: User, status: str, progress: str, ret: Return | None
) -> CorrectiveActionUpdate:
    if ret is not None:
        update = CorrectiveActionUpdate.objects.filter(corrective_action=ca, ret=ret).first()
        update = update or CorrectiveActionUpdate(corrective_action=ca, ret=ret)
    else:
        update = CorrectiveActionUpdate(corrective_action=ca, ret=None)
    update.status, update.progress, update.by = status, progress, by
    update.save()
    if (ca.status, ca.progress) != (status, progress):
        ca.status, ca.progress = status, progress
        where = f"the {ret.period.label} return" if ret is not None else "its page"
        save_audited(ca, by=by, reason=f"Progress reported in {where}")
    return update


@transaction.atomic
def record_progress(
    *,
    corrective_action: CorrectiveAction,
    by: User,
    status: str,
    progress: str,
    ret: Return | None = None,
) -> CorrectiveActionUpdate:
    """Report how a corrective action is going: its status (not started or in progress)
    and a word on progress. Given `ret`, the update is that return's (one per return,
    replaced when the return is saved again); otherwise it is one from its own page."""
    ca = CorrectiveAction.objects.select_related("ret__partnership", "ret__round", "indicator").get(
        pk=corrective_action.pk
    )
    require_tracker(by, ca)
    if ca.status == CorrectiveAction.Status.CLOSED:
        raise ValidationError(
            f"The corrective action for {name_of(ca)} is closed: reopen it to report progress."
        )
    if ret is not None:
        _check_asked(ca, ret)
    progress = _check_progress(ca, status, progress)
    return _apply(ca, by=by, status=status, progress=progress, ret=ret)


def _check_asked(ca: CorrectiveAction, ret: Return) -> None:
    if ret.partnership_id != ca.ret.partnership_id:
        raise PermissionDenied("That corrective action belongs to another partnership.")
    if not ret.is_editable:
        raise ValidationError(f"The {ret.period.label} return can no longer change.")
    if not ca.ret.period < ret.period:
        raise ValidationError(
            f"The corrective action for {name_of(ca)} is reported on from the next "
            "quarter's return."
        )


def record_progress_in_return(
    *, ret: Return, by: User, rows: list[tuple[CorrectiveAction, str, str]]
) -> None:
    """For services.returns.save_return (already in its transaction, the return checked
    editable): each (corrective action, status, progress) given on the return page. A
    row left empty is skipped; submission_problems asks for it."""
    problems = {}
    for ca, status, progress in rows:
        if not (progress or "").strip() and status == ca.status:
            continue
        require_tracker(by, ca)
        if ca.status == CorrectiveAction.Status.CLOSED:
            continue  # closed on its own page meanwhile: nothing more to report
        _check_asked(ca, ret)
        try:
            text = _check_progress(ca, status, progress, field=f"c_{ca.pk}_")
        except ValidationError as error:
            problems.update(error.message_dict)
            continue
        _apply(ca, by=by, status=status, progress=text, ret=ret)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def close_corrective_action(
    *, corrective_action: CorrectiveAction, by: User, worked: str, closing_note: str
) -> CorrectiveAction:
    """Close it, saying whether it worked (yes, partly or no) and what was learned."""
    ca = CorrectiveAction.objects.select_related("ret__partnership", "indicator").get(
        pk=corrective_action.pk
    )
    require_tracker(by, ca)
    if ca.status == CorrectiveAction.Status.CLOSED:
        raise ValidationError(f"The corrective action for {name_of(ca)} is already closed.")
    problems = {}
    if worked not in CorrectiveAction.Worked.values:
        problems["worked"] = "Say whether the corrective action worked: yes, partly or no"
    note = (closing_note or "").strip()
    if not note:
        problems["closing_note"] = "Say what it achieved, and what was learned"
    elif len(note) > TEXT:
        problems["closing_note"] = f"Keep the closing note to {TEXT} characters"
    if problems:
        raise ValidationError(problems)
    ca.status = CorrectiveAction.Status.CLOSED
    ca.worked, ca.closing_note = worked, note
    ca.closed_by, ca.closed_at = by, timezone.now()
    return save_audited(
        ca, by=by, reason=f"Closed: {CorrectiveAction.Worked(worked).label.lower()}"
    )


@transaction.atomic
def reopen_corrective_action(
    *, corrective_action: CorrectiveAction, by: User, reason: str
) -> CorrectiveAction:
    """Reopen a closed corrective action (it did not last, or was closed by mistake): in
    progress again, and the next return asks for it again."""
    ca = CorrectiveAction.objects.select_related("ret__partnership", "indicator").get(
        pk=corrective_action.pk
    )
    require_tracker(by, ca)
    if ca.status != CorrectiveAction.Status.CLOSED:
        raise ValidationError(f"The corrective action for {name_of(ca)} is not closed.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the corrective action is being reopened"})
    if len(reason) > TEXT:
        raise ValidationError({"reason": f"Keep the reason to {TEXT} characters"})
    ca.status = CorrectiveAction.Status.IN_PROGRESS
    ca.worked, ca.closing_note, ca.closed_by, ca.closed_at = "", "", None, None
    return save_audited(ca, by=by, reason=f"Reopened: {reason}")


def tell_owner(ca: CorrectiveAction, *, given_by: User) -> None:
    """The corrective action has been given to its owner (from a return): tell them,
    once per owner (unless they gave it to themselves)."""
    if ca.owner is None:
        return
    due = f", due {long_date(ca.due_date)}" if ca.due_date else ""
    notify(
        [ca.owner],
        kind=NotificationKind.CORRECTIVE_ASSIGNED,
        subject=f"Corrective action for {name_of(ca)} given to you",
        body=f"{ca.ret.partnership.name}: {ca.description.rstrip('.')}{due}.",
        url=url_of(ca),
        partnership=ca.ret.partnership,
        key=f"ca{ca.pk}:owner{ca.owner_id}",
        exclude=given_by,
    )


def notify_overdue(*, today: datetime.date) -> int:
    """Tell each owner of a corrective action that became overdue, once per due date (the
    daily job calls this; running it again tells no one twice). Returns how many were
    told."""
    told = 0
    rows = (
        CorrectiveAction.objects.filter(overdue_q(today), owner__isnull=False)
        .filter(ret__partnership__closed_on__isnull=True)
        .select_related("owner", "indicator", "ret__partnership")
        .order_by("pk")
    )
    for ca in rows:
        with transaction.atomic():
            told += len(
                notify(
                    [ca.owner],
                    kind=NotificationKind.CORRECTIVE_OVERDUE,
                    subject=f"Corrective action for {name_of(ca)} is overdue",
                    body=(
                        f"{ca.ret.partnership.name}: {ca.description.rstrip('.')}. It was due "
                        f"{long_date(ca.due_date)}. Report its progress, or close it "
                        "saying whether it worked."
                    ),
                    url=url_of(ca),
                    partnership=ca.ret.partnership,
                    key=f"ca{ca.pk}:overdue:{ca.due_date.isoformat()}",
                )
            )
    return told
