"""Telling people: `notify` writes a notification for each recipient (shown in the
product's notification centre) and e-mails those who have not turned e-mail off for that
kind. Callers are the services whose events need someone (a return sent back, feedback
answered, a corrective action given…); they call `notify` inside their own transaction,
and the e-mails go only once that transaction commits, so a write that is rolled back
tells no one.

Reading and marking read are here too, so the pages, the API and commands share them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from goldenthread.core.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    Partnership,
    User,
)
from goldenthread.core.models.fields import TEXT

log = logging.getLogger(__name__)


def wants_email(user: User, kind: str) -> bool:
    """E-mail unless the person turned it off for this kind (or has no address)."""
    if not user.email or not user.is_active:
        return False
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref.email if pref else True


def notify(
    recipients: Iterable[User],
    *,
    kind: NotificationKind | str,
    subject: str,
    body: str = "",
    url: str = "",
    partnership: Partnership | None = None,
    key: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """Tell each of `recipients` (once each; never `exclude`, the person who did the
    thing). With a `key`, a person already told under that kind and key is not told
    again. Returns the notifications written."""
    kind = NotificationKind(kind)
    written: list[Notification] = []
    seen: set[int] = set()
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        if exclude is not None and person.pk == exclude.pk:
            continue
        if key and Notification.objects.filter(recipient=person, kind=kind, key=key).exists():
            continue
        written.append(
            Notification.objects.create(
                recipient=person,
                kind=kind,
                partnership=partnership,
                subject=subject[:300],
                body=body[:TEXT],
                url=url[:500],
                key=key[:200],
            )
        )
    to_email = [n.pk for n in written if wants_email(n.recipient, kind)]
    if to_email:
        transaction.on_commit(lambda: _send_emails(to_email))
    return written


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.GT_SITE_URL.rstrip("/") + url


def _send_emails(pks: list[int]) -> None:
    """Send each notification's e-mail and stamp it; one failure does not stop the rest
    (the notification is still in the product)."""
    for note in Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).select_related(
        "recipient"
    ):
        lines = [f"Hello {note.recipient.first_name or note.recipient.get_username()},", ""]
        lines += [note.subject]
        if note.body:
            lines += ["", note.body]
        if note.url:
            lines += ["", f"Open it: {absolute(note.url)}"]
        lines += [
            "",
            "You get this e-mail because of your notification settings in Golden Thread;",
            f"change them at {absolute('/notifications/settings/')}.",
        ]
        message = EmailMessage(
            subject=f"Golden Thread: {note.subject}",
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[note.recipient.email],
        )
        try:
            message.send()
        except Exception:  # a mail server down must not lose the in-product notification
            log.exception("Could not e-mail notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: User, pks: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them when `pks` is None); others'
    are never touched. Returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    return rows.update(read_at=timezone.now())


def set_email_preferences(*, user: User, email_kinds: Iterable[str]) -> None:
    """Record which kinds the person wants by e-mail; every other kind is off."""
    wanted = set(email_kinds)
    unknown = wanted - set(NotificationKind.values)
    if unknown:
        from django.core.exceptions import ValidationError

        raise ValidationError({"kinds": "Choose from the kinds listed."})
    with transaction.atomic():
        for kind in NotificationKind.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": kind in wanted}
            )
