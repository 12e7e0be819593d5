"""Residents' voice: feedback from anyone on a partnership's public page, and publishing the
answers.

Anyone may write, without signing in, so `submit_public_feedback` takes no `by` but the
address the request came from, and guards the door itself:
- a hidden box ("website") that people never see and bots fill in: when it has anything
  in it, nothing is stored and the caller thanks the sender as usual, so a bot learns
  nothing;
- at most GT_PUBLIC_FEEDBACK_PER_HOUR (5) pieces an hour from one address (an IPv6
  address counted by its /64, which one household or device holds), and as many from
  one e-mail address when one is given, counted in the shared cache (every app server
  counts the same) by a hash of the address, never the address itself. Only feedback
  that would be stored counts, so a mistyped form costs nothing. Over the limit,
  `FeedbackLimitReached` says for how many minutes.

What is stored is Feedback with no author and source "public"; the name and e-mail
address, both optional, are seen by the partnership's leads and the performance team
only. It reaches the leads as member feedback does: the same notification, the same list
and the same "waiting for an answer" on their home page. They answer it with
`reviews.answer_feedback` (or `answer_public_feedback`, which publishes in the same
write), and may publish the answer: the public page then shows the question and the
answer, never the name or address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from goldenthread.core.access import may_answer_feedback, require_open
from goldenthread.core.models import Feedback, NotificationKind, Partnership, User

from ..rate_limits import count_in_window
from . import save_audited
from .notifications import leads_of, notify
from .reviews import ANSWER_REFUSAL, answer_feedback

WINDOW = 3600  # seconds: the limit is per clock hour


class FeedbackLimitReached(Exception):
    """Too much feedback from one address (or e-mail address) this hour."""

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(
            "You have sent as much feedback as we can take from you in one hour. "
            f"Please try again in {minutes} minute{'' if minutes == 1 else 's'}."
        )


def per_hour() -> int:
    return int(getattr(settings, "GT_PUBLIC_FEEDBACK_PER_HOUR", 5))


def _address_key(address: str | None) -> str:
    """What an address is counted as: an IPv6 address by its /64; an unknown address all
    together (better one shared count than none)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _count(kind: str, value: str, now: float) -> tuple[int, int]:
    """Add one to this hour's count for `value` and return (the count, seconds left in
    the hour). Keys hold a hash of the value, not the address."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return count_in_window(f"gt-public-feedback:{kind}:{digest}", WINDOW, now)


def _check_limit(address: str | None, email: str) -> None:
    now = time.time()
    limit = per_hour()
    counted = [_count("address", _address_key(address), now)]
    if email:
        counted.append(_count("email", email.casefold(), now))
    over = [left for used, left in counted if used > limit]
    if over:
        raise FeedbackLimitReached(max(1, math.ceil(max(over) / 60)))


def _clean(value: str) -> str:
    return (value or "").strip()


@transaction.atomic
def submit_public_feedback(
    *,
    partnership: Partnership,
    address: str | None,
    body: str,
    about: str = "",
    name: str = "",
    email: str = "",
    website: str = "",
) -> Feedback | None:
    """Feedback from the public page of a partnership that has one. Returns None (and
    stores nothing) when the hidden `website` box was filled in: a bot. Raises
    ValidationError for a missing message or a malformed e-mail address,
    FeedbackLimitReached over the limit, PermissionDenied for a partnership without a
    public page or one that has closed."""
    if not partnership.is_public:
        raise PermissionDenied(f"{partnership.name} has no public page.")
    require_open(partnership)
    if _clean(website):
        return None
    body, about, name, email = _clean(body), _clean(about), _clean(name), _clean(email)
    problems = {}
    if not body:
        problems["body"] = "Enter your feedback"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = (
                "Enter an e-mail address in the correct format, like name@example.com, "
                "or leave it empty"
            )
    if problems:
        raise ValidationError(problems)
    _check_limit(address, email)

    feedback = Feedback(
        partnership=partnership,
        author=None,
        source=Feedback.Source.PUBLIC,
        about=about,
        body=body,
        name=name,
        email=email,
    )
    save_audited(feedback, by=None, reason="Given on the public page")
    what = f" about {feedback.about}" if feedback.about else ""
    notify(
        leads_of(partnership),
        kind=NotificationKind.FEEDBACK_RECEIVED,
        subject=f"Someone on the public page gave {partnership.name} feedback{what}",
        body=feedback.body,
        url=reverse("feedback_answer", args=[feedback.pk]),
        partnership=partnership,
    )
    return feedback


PUBLISH_REFUSAL = (
    "Only the partnership's leads and the council performance team publish answers to feedback."
)


def _require_publisher(feedback: Feedback, by: User) -> None:
    require_open(feedback.partnership)
    if not may_answer_feedback(by, feedback.partnership):
        raise PermissionDenied(PUBLISH_REFUSAL)


def _set_published(feedback: Feedback, by: User, published: bool) -> Feedback:
    if published and not feedback.is_public:
        raise ValidationError(
            {"publish": "Only answers to feedback given on the public page are published"}
        )
    if published and not feedback.answer.strip():
        raise ValidationError({"publish": "Answer the feedback before publishing the answer"})
    if feedback.answer_published != published:
        feedback.answer_published = published
        save_audited(
            feedback,
            by=by,
            reason="Answer published" if published else "Answer taken off the public page",
            update_fields=["answer_published"],
        )
    return feedback


@transaction.atomic
def publish_answer(*, feedback: Feedback, by: User) -> Feedback:
    """Show the question and its answer on the public page (never the name or address)."""
    _require_publisher(feedback, by)
    return _set_published(feedback, by, True)


@transaction.atomic
def unpublish_answer(*, feedback: Feedback, by: User) -> Feedback:
    """Take the question and its answer off the public page."""
    _require_publisher(feedback, by)
    return _set_published(feedback, by, False)


@transaction.atomic
def answer_public_feedback(*, feedback: Feedback, by: User, answer: str, publish: bool) -> Feedback:
    """Answer feedback from the public page and publish the answer or not, in one write:
    a refused publication leaves the answer as it was."""
    if not may_answer_feedback(by, feedback.partnership):
        raise PermissionDenied(ANSWER_REFUSAL)
    answer_feedback(feedback=feedback, by=by, answer=answer)
    return _set_published(feedback, by, publish)
