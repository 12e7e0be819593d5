"""Closing a partnership that has ended, and reopening one closed by mistake.

A partnership is never deleted once it has a record (signed-off returns, published annual
reports, submitted update forms: `models.deletion.keep_the_record` refuses the delete).
Closing keeps everything, read only for everyone (`access.allows`), still listed in the
history and the compliance tracker for the years it ran, with no new returns opened."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import Partnership, User

from . import save_audited

REFUSAL = "Only the council performance team closes or reopens a partnership."


@transaction.atomic
def close_partnership(
    *, partnership: Partnership, by: User, reason: str, on: datetime.date | None = None
) -> Partnership:
    require_performance_team(by, refusal=REFUSAL)
    if partnership.is_closed:
        raise ValidationError(f"{partnership.name} is already closed.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the partnership is closing"})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": "A partnership closes today or on a day already past"})
    partnership.closed_on, partnership.closed_reason = on, reason
    return save_audited(partnership, by=by, reason=f"Closed: {reason}")


@transaction.atomic
def reopen_partnership(*, partnership: Partnership, by: User, reason: str) -> Partnership:
    require_performance_team(by, refusal=REFUSAL)
    if not partnership.is_closed:
        raise ValidationError(f"{partnership.name} is not closed.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the partnership is being reopened"})
    partnership.closed_on, partnership.closed_reason = None, ""
    return save_audited(partnership, by=by, reason=f"Reopened: {reason}")
