"""Telling people: `notify` writes a notification for each recipient (shown in the
product's notification centre) and e-mails those who have not turned e-mail off for that
kind. Callers are the services whose events need someone (a return sent back, feedback
answered, a corrective action given…); they call `notify` inside their own transaction,
and the e-mails go only once that transaction commits, so a write that is rolled back
tells no one.

Reading and marking read are here too, so the pages, the API and commands share them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from goldenthread.core.logs import use_request_id
from goldenthread.core.models import (
    Job,
    JobKind,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    Partnership,
    Role,
    User,
)
from goldenthread.core.models.fields import TEXT

from . import jobs

log = logging.getLogger(__name__)

# Set by `without_email`: the notifications are still written, no e-mail is sent.
_quiet: ContextVar[bool] = ContextVar("notifications_without_email", default=False)


@contextmanager
def without_email() -> Iterator[None]:
    """Write notifications but send no e-mail while inside: for building the demo, whose
    world is made through the services by people with made-up addresses."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


SUBJECT_LIMIT = 300
KEY_LIMIT = 200
URL_LIMIT = 500


# --- who is told ----------------------------------------------------------------------------


def leads_of(partnership: Partnership) -> list[User]:
    """The partnership's leads (its lead link officer among them)."""
    return list(
        User.objects.filter(
            memberships__partnership=partnership, memberships__role=Role.LEAD
        ).distinct()
    )


def members_of(partnership: Partnership) -> list[User]:
    """Everyone in the partnership, whatever their role."""
    return list(User.objects.filter(memberships__partnership=partnership).distinct())


def may_see(partnership: Partnership) -> QuerySet[User]:
    """Everyone who may see the partnership (its members and the council performance
    team), in one query, for checking a list of people at once."""
    members = Membership.objects.filter(partnership=partnership).values("person_id")
    return User.objects.filter(Q(pk__in=members) | Q(is_performance_team=True), is_active=True)


# An @ that does not follow a letter (so an e-mail address is not a mention), then a
# username as Django allows it; the name ends on a letter or digit, so the full stop of
# "thanks @lead." is not part of it.
_MENTION = re.compile(r"(?<![\w@])@([\w.@+-]*\w)")


def mentioned(body: str, partnership: Partnership) -> list[User]:
    """The people a comment mentions by @username who may see the partnership; anyone
    else (a typo, or someone outside it) is nobody to tell."""
    names = set(_MENTION.findall(body))
    if not names:
        return []
    return list(may_see(partnership).filter(username__in=names).order_by("username"))


# --- telling --------------------------------------------------------------------------------


def _one_line(text: str, limit: int) -> str:
    """A subject is one line: a line break in it would be refused as an e-mail header."""
    return " ".join(text.split())[:limit]


def _email_off(people: Iterable[User], kind: str) -> set[int]:
    """Of these people, those who turned e-mail off for `kind`: one query for them all."""
    return set(
        NotificationPreference.objects.filter(
            user__in=[p.pk for p in people], kind=kind, email=False
        ).values_list("user_id", flat=True)
    )


def wants_email(user: User, kind: str) -> bool:
    """E-mail unless the person turned it off for this kind (or has no address)."""
    if not user.email or not user.is_active:
        return False
    return user.pk not in _email_off([user], kind)


def notify(
    recipients: Iterable[User | None],
    *,
    kind: NotificationKind | str,
    subject: str,
    body: str = "",
    url: str = "",
    partnership: Partnership | None = None,
    key: str = "",
    exclude: User | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each of `recipients` (once each; never `exclude`, the person who did the
    thing). With a `key`, a person already told under that kind and key is not told
    again. `email=False` when the caller sends its own e-mail (the reminders).
    Returns the notifications written."""
    kind = NotificationKind(kind)
    subject = _one_line(subject, SUBJECT_LIMIT)
    # Cut to the column first, so the check below asks for what the constraint compares.
    key, url, body = key[:KEY_LIMIT], url[:URL_LIMIT], body.strip()[:TEXT]
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
        note = Notification(
            recipient=person,
            kind=kind,
            partnership=partnership,
            subject=subject,
            body=body,
            url=url,
            key=key,
        )
        try:
            # A savepoint: if another run wrote the same key just now, the caller's own
            # write is not lost with this one.
            with transaction.atomic():
                note.save()
        except IntegrityError:
            if not key:
                raise
            continue
        written.append(note)
    if email and not _quiet.get():
        off = _email_off([n.recipient for n in written], kind)
        to_email = [n.pk for n in written if n.recipient.email and n.recipient.pk not in off]
        if to_email:
            # Sent by a background job once the write commits (a write rolled back tells
            # no one). robust: a failure after the commit is logged, never turned into an
            # error page for a write that has succeeded.
            transaction.on_commit(lambda: _start_sending(to_email), robust=True)
    return written


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.GT_SITE_URL.rstrip("/") + url


def email_text(note: Notification) -> str:
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
    return "\n".join(lines) + "\n"


def _start_sending(pks: list[int]) -> None:
    jobs.start_job(
        kind=JobKind.EMAIL,
        title=f"Sending {len(pks)} notification e-mail{'s' if len(pks) != 1 else ''}",
        by=None,
        task=send_notification_emails,
        params={"notifications": pks},
    )


@task()
def send_notification_emails(job_id: int) -> str:
    """The e-mail job (core.services.jobs): sends each notification's e-mail not yet
    sent. Each is stamped as sent as soon as it goes, so an attempt after a worker died
    sends only the rest (at worst the one e-mail that was going as it died)."""
    job = jobs.begin_attempt(job_id)
    if job is None:
        return "nothing to do"
    with use_request_id(job.request_id or f"job-{job.pk}"):
        try:
            _send_emails(job.params["notifications"], job=job)
            with jobs.finishing(job) as done:
                done.result_label = "Sent"
        except jobs.JobSuperseded:
            return "superseded"
    return "succeeded"


def _send_emails(pks: list[int], job: Job | None = None) -> None:
    """Send each notification's e-mail and stamp it; one failure does not stop the rest
    (the notification is still in the product)."""
    notes = list(
        Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).select_related("recipient")
    )
    if not notes:
        return
    connection = get_connection()  # one connection to the mail server for them all
    for i, note in enumerate(notes):
        if job is not None:
            jobs.report_progress(
                job, done=i, total=len(notes), message=f"E-mail {i + 1} of {len(notes)}"
            )
        message = EmailMessage(
            subject=f"Golden Thread: {note.subject}",
            body=email_text(note),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[note.recipient.email],
            connection=connection,
        )
        try:
            message.send()
        except Exception:  # a mail server down must not lose the in-product notification
            log.exception("Could not e-mail notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


# --- reading and marking read ---------------------------------------------------------------


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's own notifications, newest first, with their partnership."""
    return Notification.objects.filter(recipient=user).select_related("partnership")


def mark_read(*, user: User, pks: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them when `pks` is None); others'
    are never touched. Returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    return rows.update(read_at=timezone.now())


def email_preferences(user: User) -> dict[str, bool]:
    """{kind: whether the person gets it by e-mail} for every kind."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return {kind: kind not in off for kind in NotificationKind.values}


@transaction.atomic
def set_email_preferences(*, user: User, email_kinds: Iterable[str]) -> None:
    """Record which kinds the person wants by e-mail; every other kind is off."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied("Sign in to choose your notification settings.")
    wanted = set(email_kinds)
    if wanted - set(NotificationKind.values):
        raise ValidationError({"email_kinds": "Choose from the kinds listed"})
    for kind in NotificationKind.values:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in wanted}
        )
